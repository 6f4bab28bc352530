"""Clubs: groups for coordinators; today's sessions, attendance on a tablet and the
session log for leaders (only in the groups they lead). Who joins and leaves a group,
at the door too, is member_views.py; the figures and printed sheets report_views.py."""

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
from cal.core.forms import changed_meanwhile, options, show_refusal
from cal.core.once import submit_once
from cal.core.render import go, refused_in_place, render_form, render_page, wants_fragment
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.core.urls import arg_id
from cal.extensions import db
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
    GroupForm,
    LogForm,
    MoveForm,
    SessionForm,
    SlotForm,
)
from clubs.models import (
    Mark,
    Programme,
)
from clubs.pages import (
    LABELS,
    RUNNERS,
    STAFF,
    group_or_404,
    render_group,
    render_session,
    session_or_404,
)

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
            if group is not None:
                changed_meanwhile(form, group)
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
    return render_group(group)


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
    return render_session(session_or_404(session_id))


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
        return refused_in_place(error, partial(render_session, session))
    db.session.commit()
    return render_session(session)


@bp.post("/sessions/<int:session_id>/log")
@roles_required(*RUNNERS)
def session_log(session_id: int):
    session = session_or_404(session_id)
    form = LogForm()
    if not form.validate_on_submit():
        return render_session(session, error=_("The log is too long."), code=422)
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
        return refused_in_place(error, partial(render_session, session))
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
        return render_session(session, error=_("Give the new day and times."), code=422)
    try:
        told = services.move_session(session, form.day.data, form.starts.data,
                                     form.ends.data, current_user, local_today())
    except DomainError as error:
        return refused_in_place(error, partial(render_session, session))
    db.session.commit()
    flash(_("The session is moved."), "success")
    _say_told(told)
    return go(url_for("clubs.session_detail", session_id=session.id))
