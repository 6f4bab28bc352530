"""Clubs: groups and their members for coordinators; today's sessions, attendance on
a tablet and the session log for leaders (only in the groups they lead)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from cal.auth.models import User
from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, refused_in_place, render_form, render_page, wants_fragment
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_day_start_utc, local_today, to_local
from cal.core.urls import arg_id
from cal.extensions import db
from cal.people import services as people
from clubs import (
    attendance,
    audiences,
    calendar,
    demo,
    figures,
    jobs,
    personal_data,
    records,
    services,
    tables,
)
from clubs.forms import (
    SLOT_ROWS,
    EnrolForm,
    GroupForm,
    LogForm,
    MoveForm,
    NewcomerForm,
    SessionForm,
    SlotForm,
)
from clubs.models import (
    ASKED_EFFECTS,
    EndEffect,
    Mark,
    Membership,
    MemberStatus,
    Programme,
)
from clubs.pages import LABELS, RUNNERS, STAFF, group_or_404, session_or_404

bp = Blueprint("clubs", __name__, url_prefix="/clubs")
# Volunteers who co-lead a group open it from their start page; the menu is for staff.
declare(bp, scans=[jobs.sessions_tomorrow], calendar=[calendar.events],
        personal_data=[personal_data.PART], demo=[demo.SEED], records=records.RECORDS,
        year_figures=[figures.SECTION], audiences=audiences.AUDIENCES, menu=[
    MenuEntry("clubs.index", _l("Groups"), 110,
              only=frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER}))])
@bp.get("/")
@roles_required(*RUNNERS)
def index():
    today = local_today()
    return render_page("clubs/index.html", groups=services.groups_for(current_user),
                       today_sessions=services.sessions_on(current_user, today),
                       can_manage=services.sees_all(current_user), today=today, **LABELS)


# Groups (coordinators) -----------------------------------------------------------------------

@bp.route("/groups/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def group_new():
    return _group_form(None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def group_edit(group_id: int):
    return _group_form(group_or_404(group_id))


def _group_form(group):
    form = GroupForm(obj=group if request.method == "GET" else None)
    form.leaders.choices = options((u.id, f"{u.full_name} ({u.email})") for u in db.session.scalars(
        select(User).where(User.role.in_((Role.LEADER, Role.VOLUNTEER)), User.active.is_(True))
        .order_by(User.full_name)))
    slots = [SlotForm(prefix=f"slot{i}") for i in range(SLOT_ROWS)]
    if request.method == "GET":
        if group is not None:
            form.leaders.data = [leader.user_id for leader in services.leaders_of(group)]
            for slot_form, slot in zip(slots, services.slots_of(group), strict=False):
                slot_form.weekday.data = str(slot.weekday)
                slot_form.starts.data, slot_form.ends.data = slot.starts, slot.ends
        else:
            form.starts_on.data = local_today()
    elif form.validate_on_submit() and all([s.validate() for s in slots]):
        chosen = [services.Slot(int(s.weekday.data), s.starts.data, s.ends.data)
                  for s in slots if s.weekday.data and s.starts.data and s.ends.data]

        def save() -> tuple[str, str]:
            saved = services.save_group(group, form.group_data(), chosen, form.leaders.data,
                                        current_user)
            services.generate_sessions(saved, local_today())
            return url_for("clubs.group_detail", group_id=saved.id), _("Group saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("clubs/group_form.html", form, group=group, slots=slots)


@bp.get("/groups/<int:group_id>")
@roles_required(*RUNNERS)
def group_detail(group_id: int):
    group = group_or_404(group_id)
    if exports.asked_format():
        table = tables.KIS_MEMBERS if group.programme == Programme.KIS else tables.MEMBERS
        return exports.send_list(table, services.members_of(group))
    return _render_group(group)


def _render_group(group, error: str = "", code: int = 200, enrol_form=None):
    members = services.members_of(group)
    today = local_today()
    return render_page(
        "clubs/group.html", status=code, group=group, slots=services.slots_of(group),
        leaders=services.leaders_of(group),
        active=[m for m in members if m.status == MemberStatus.ACTIVE],
        waiting=[m for m in members if m.status == MemberStatus.WAITING],
        sessions=services.sessions_of(group, local_day_start_utc(today)),
        ended=[m for m in services.members_of(group, (MemberStatus.ENDED,))
               if m.joined_on][-20:],
        see_special=people.can_see_special(current_user),
        exports=tables.takes_files(current_user),
        can_manage=services.sees_all(current_user), kis=group.programme == Programme.KIS,
        enrol_form=enrol_form or EnrolForm(), error=error, to_local=to_local, today=today,
        **LABELS)


@bp.get("/groups/<int:group_id>/people")
@roles_required(*STAFF)
def group_people(group_id: int):
    """People found by name, to enrol (an htmx fragment)."""
    group = group_or_404(group_id)
    if not wants_fragment():
        return redirect(url_for("clubs.group_detail", group_id=group.id))
    query = request.args.get("q", "")[:100]
    found_people = people.search_people(query, limit=10)[0] if len(query) >= 2 else []
    return render_page("clubs/group.html", group=group, found_people=found_people, q=query,
                       kis=group.programme == Programme.KIS, enrol_form=EnrolForm(), **LABELS)


@bp.post("/groups/<int:group_id>/enrol")
@roles_required(*STAFF)
def group_enrol(group_id: int):
    group = group_or_404(group_id)
    form = EnrolForm()
    if not form.validate_on_submit():
        return _render_group(group, error=_("Check the enrolment details."), code=422,
                             enrol_form=form)
    person = found(people.get_person(form.person_id.data))
    try:
        membership = services.enrol(group, person, current_user, local_today(),
                                    form.kis_data() if group.programme == Programme.KIS
                                    else None)
    except DomainError as error:
        return refused_in_place(error, partial(_render_group, group, enrol_form=form))
    db.session.commit()
    flash(_("%(name)s joined the group.", name=person.full_name)
          if membership.status == MemberStatus.ACTIVE else
          _("The group is full: %(name)s is on the waiting list.", name=person.full_name),
          "success")
    return go(url_for("clubs.group_detail", group_id=group.id))


@bp.post("/memberships/<int:membership_id>/end")
@roles_required(*STAFF)
def membership_end(membership_id: int):
    membership = found(db.session.get(Membership, membership_id))
    group = group_or_404(membership.group_id)
    try:
        services.end_membership(membership, request.form.get("reason", "").strip(),
                                current_user, local_today(),
                                _end_effect(group, membership))
    except DomainError as error:
        return refused_in_place(error, partial(_render_group, group))
    db.session.commit()
    flash(_("Saved."), "success")
    return go(url_for("clubs.group_detail", group_id=group.id))


def _end_effect(group, membership: Membership) -> EndEffect | None:
    """The effect the end form gives: asked of a KIS member who took part (not of one
    taken off the waiting list)."""
    if group.programme != Programme.KIS or membership.status != MemberStatus.ACTIVE:
        return None
    value = request.form.get("end_effect", "")
    if value not in {effect.value for effect in ASKED_EFFECTS}:
        raise DomainError(_("Say what the participant reached at the end."),
                          field="end_effect")
    return EndEffect(value)


@bp.post("/groups/<int:group_id>/sessions/plan")
@roles_required(*STAFF)
def sessions_plan(group_id: int):
    group = group_or_404(group_id)
    made = services.generate_sessions(group, local_today())
    db.session.commit()
    flash(ngettext("%(num)d session planned.", "%(num)d sessions planned.", made), "success")
    return go(url_for("clubs.group_detail", group_id=group.id))


@bp.route("/groups/<int:group_id>/sessions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def session_new(group_id: int):
    group = group_or_404(group_id)
    form = SessionForm()
    if request.method == "GET":
        form.day.data = local_today()
    elif form.validate_on_submit():
        def add() -> tuple[str, str]:
            session = services.add_session(group, form.day.data, form.starts.data,
                                           form.ends.data, form.topic.data)
            return url_for("clubs.session_detail", session_id=session.id), _("Session added.")
        try:
            return submit_once(form.once_key.data, add)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("clubs/session_form.html", form, group=group)


# A session: attendance on the tablet, the log ----------------------------------------------

@bp.get("/sessions/<int:session_id>")
@roles_required(*RUNNERS)
def session_detail(session_id: int):
    return _render_session(session_or_404(session_id))


def _render_session(session, error: str = "", code: int = 200, newcomer=None,
                    candidates=()):
    today = local_today()
    rows = attendance.rows_of(session)
    return render_page(
        "clubs/session.html", status=code, session=session, group=session.group, rows=rows,
        unmarked=sum(1 for r in rows if r.mark is None),
        can_mark=services.may_mark(current_user, session, today),
        log_form=LogForm(obj=session), newcomer=newcomer or NewcomerForm(formdata=None),
        move_form=MoveForm(formdata=None, data={
            "day": to_local(session.starts_at).date(),
            "starts": to_local(session.starts_at).time().replace(tzinfo=None),
            "ends": to_local(session.ends_at).time().replace(tzinfo=None)}),
        can_change=services.may_change(current_user, session, today),
        history=attendance.history_of(session) if services.sees_all(current_user) else [],
        names=attendance.names_of(rows),
        candidates=candidates, error=error, starts=to_local(session.starts_at),
        ends=to_local(session.ends_at), can_manage=services.sees_all(current_user), **LABELS)


@bp.post("/sessions/<int:session_id>/mark")
@roles_required(*RUNNERS)
def session_mark(session_id: int):
    """One tap: the mark it asks for, for one person, answered with that person's button
    alone. Every rule is checked inside the one statement that stores the mark."""
    person_id = arg_id(request.form.get("person"))
    try:
        mark = Mark(request.form.get("mark", ""))
    except ValueError:
        abort(400)
    if person_id is None or (request.htmx and request.htmx.target != f"mark-{person_id}"):
        abort(400)
    stored = attendance.set_mark(session_id, person_id, mark, current_user, local_today())
    if not wants_fragment():  # without htmx: back to the whole page
        if not stored:
            abort(404)
        db.session.commit()
        return redirect(url_for("clubs.session_detail", session_id=session_id))
    # Rendered before the commit, which would expire the signed-in user (and the
    # locale read from it would cost a query).
    answer = render_page("clubs/session.html", status=200 if stored else 409,
                         session_id=session_id, person_id=person_id, mark=mark,
                         refused=not stored, **LABELS)
    db.session.commit()
    return answer


@bp.post("/sessions/<int:session_id>/all-present")
@roles_required(*RUNNERS)
def session_all_present(session_id: int):
    session = session_or_404(session_id)
    try:
        attendance.all_present(session, current_user, local_today())
    except DomainError as error:
        return refused_in_place(error, partial(_render_session, session))
    db.session.commit()
    return _render_session(session)


@bp.post("/sessions/<int:session_id>/newcomer")
@roles_required(*RUNNERS)
def session_newcomer(session_id: int):
    """Someone at the door: found by name among the people the user may see (a leader:
    those of the groups they lead), or registered anew, then marked present."""
    session = session_or_404(session_id)
    form = NewcomerForm()
    if not form.validate_on_submit():  # said beside the fields, in the open form
        return _render_session(session, code=422, newcomer=form)
    today = local_today()
    if not services.may_mark(current_user, session, today):
        return _render_session(session, error=_("Attendance cannot be taken at this session."),
                               code=422, newcomer=form)
    enrol = form.as_member.data == "member" and services.sees_all(current_user)
    likely = services.likely_at_the_door(current_user, form.first_name.data,
                                         form.last_name.data, form.birth_date.data)
    try:
        if form.same_as.data:  # only one of the people the names matched
            person = next((p for p in likely if p.id == form.same_as.data), None)
            if person is None:
                abort(404)
        elif likely and form.same_as.data is None:
            return _render_session(session, newcomer=form, candidates=likely, code=422,
                                   error=_("Is it one of these people?"))
        else:
            person = people.create_person(
                {"first_name": form.first_name.data, "last_name": form.last_name.data,
                 "birth_date": form.birth_date.data}, current_user, confirm_duplicate=True)
        member = services.is_member(session.group, person)  # found: already one of us
        if enrol and not member and services.enrol(
                session.group, person, current_user, today).status == MemberStatus.WAITING:
            db.session.commit()  # kept on the waiting list, not marked: no place today
            flash(_("The group is full: %(name)s is on the waiting list.",
                    name=person.full_name), "error")
            return go(url_for("clubs.session_detail", session_id=session.id))
        if not attendance.set_mark(session.id, person.id, Mark.PRESENT, current_user, today,
                                 guest=not (member or enrol)):
            raise DomainError(_("Attendance cannot be taken at this session."))
    except DomainError as error:
        return refused_in_place(error, partial(_render_session, session, newcomer=form))
    db.session.commit()
    flash(_("%(name)s is on the list, present.", name=person.full_name), "success")
    return go(url_for("clubs.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/log")
@roles_required(*RUNNERS)
def session_log(session_id: int):
    session = session_or_404(session_id)
    form = LogForm()
    if not form.validate_on_submit():
        return _render_session(session, error=_("The log is too long."), code=422)
    services.write_log(session, form.topic.data, form.log.data, current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return go(url_for("clubs.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/cancel")
@roles_required(*RUNNERS)
def session_cancel(session_id: int):
    session = session_or_404(session_id)
    try:
        told = services.cancel_session(session, request.form.get("reason", ""),
                                       current_user, local_today())
    except DomainError as error:
        return refused_in_place(error, partial(_render_session, session))
    db.session.commit()
    flash(_("The session is cancelled."), "success")
    _say_told(told)
    return go(url_for("clubs.session_detail", session_id=session.id))


def _say_told(told) -> None:
    """Who of the members was told, and who could not be (no contact or no consent)."""
    if told.reached:
        flash(_("%(n)d members are told by text message or e-mail.", n=told.reached),
              "success")
    if told.not_reached:
        flash(_("Not told, with the reason: %(names)s. Tell them another way (the "
                "coordinator has their phone numbers).", names=", ".join(told.not_reached)),
              "warning")


@bp.post("/sessions/<int:session_id>/move")
@roles_required(*RUNNERS)
def session_move(session_id: int):
    session = session_or_404(session_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _render_session(session, error=_("Give the new day and times."), code=422)
    try:
        told = services.move_session(session, form.day.data, form.starts.data,
                                     form.ends.data, current_user, local_today())
    except DomainError as error:
        return refused_in_place(error, partial(_render_session, session))
    db.session.commit()
    flash(_("The session is moved."), "success")
    _say_told(told)
    return go(url_for("clubs.session_detail", session_id=session.id))
