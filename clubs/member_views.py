"""Who joins and leaves a group: someone of the registry enrolled by a coordinator,
someone at the door of a session, and the end of a membership."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.core.access import roles_required
from cal.core.errors import DomainError
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, refused_in_place, render_page, wants_fragment
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.people import services as people
from clubs import door, services
from clubs.forms import EnrolForm, NewcomerForm
from clubs.models import MemberStatus, Programme
from clubs.pages import (
    LABELS,
    RUNNERS,
    STAFF,
    group_or_404,
    membership_or_404,
    render_group,
    render_session,
    session_or_404,
)

bp = Blueprint("club_members", __name__, url_prefix="/clubs")


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
        return render_group(group, error=_("Check the enrolment details."), code=422,
                            enrol_form=form)
    person = found(people.get_person(form.person_id.data))
    try:
        membership = services.enrol(group, person, current_user, local_today(),
                                    form.kis_data() if group.programme == Programme.KIS
                                    else None)
    except DomainError as error:
        return refused_in_place(error, partial(render_group, group, enrol_form=form))
    db.session.commit()
    flash(_("%(name)s joined the group.", name=person.full_name)
          if membership.status == MemberStatus.ACTIVE else
          _("The group is full: %(name)s is on the waiting list.", name=person.full_name),
          "success")
    return go(url_for("clubs.group_detail", group_id=group.id))


@bp.post("/memberships/<int:membership_id>/end")
@roles_required(*STAFF)
def membership_end(membership_id: int):
    membership, group = membership_or_404(membership_id)
    try:
        effect = services.asked_end_effect(group, membership, request.form.get("end_effect", ""))
        services.end_membership(membership, request.form.get("reason", "").strip(),
                                current_user, local_today(), effect)
    except DomainError as error:
        return refused_in_place(error, partial(render_group, group))
    db.session.commit()
    flash(_("Saved."), "success")
    return go(url_for("clubs.group_detail", group_id=group.id))


@bp.post("/sessions/<int:session_id>/newcomer")
@roles_required(*RUNNERS)
def session_newcomer(session_id: int):
    """Someone at the door (clubs/door.py): asked first whether they are one of the people
    the names match; then marked present, or, a new member of a full group, waiting."""
    session = session_or_404(session_id)
    form = NewcomerForm()
    if not form.validate_on_submit():  # said beside the fields, in the open form
        return render_session(session, code=422, newcomer=form)
    newcomer = door.Newcomer(form.first_name.data, form.last_name.data, form.birth_date.data,
                             form.same_as.data, form.as_member.data == "member")

    def admit() -> tuple[str, str]:
        came = door.admit_at_door(session, newcomer, current_user, local_today())
        person = found(came.person)  # only one of the people the names matched
        back = url_for("clubs.session_detail", session_id=session.id)
        if came.waiting:  # kept on the waiting list, not marked: no place today
            flash(_("The group is full: %(name)s is on the waiting list.",
                    name=person.full_name), "error")
            return back, ""
        return back, _("%(name)s is on the list, present.", name=person.full_name)
    try:
        candidates = door.to_ask_at_door(session, newcomer, current_user, local_today())
        if candidates:
            return render_session(session, newcomer=form, candidates=candidates, code=422,
                                  error=_("Is it one of these people?"))
        return submit_once(form.once_key.data, admit)
    except DomainError as error:
        return refused_in_place(error, partial(render_session, session, newcomer=form))
