"""Shifts at events: a volunteer's open shifts and their own (phone), and an event's
shifts with their coverage, set and filled by a coordinator (desk)."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cal.community import services, shifts
from cal.community.forms import AssignForm, ShiftForm
from cal.community.models import Shift, ShiftSignup
from cal.community.views import LABELS
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import options, show_refusal
from cal.core.http import found
from cal.core.offline import kept_offline
from cal.core.once import submit_once
from cal.core.render import go, refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import utcnow
from cal.core.urls import arg_id
from cal.extensions import db
from volunteers.models import Volunteer, VolunteerStatus
from volunteers.pages import my_volunteer

bp = Blueprint("shifts", __name__, url_prefix="/events")
declare(bp, menu=[MenuEntry("shifts.my_shifts", _l("Event shifts"), 55)])
STAFF = (Role.ADMIN, Role.COORDINATOR)


@bp.get("/shifts")
@kept_offline
@roles_required(Role.VOLUNTEER)
def my_shifts():
    volunteer, now = my_volunteer(), utcnow()
    mine = shifts.signups_of(volunteer)
    mine_by_shift = {signup.shift_id: signup for signup in mine}
    own = [signup.shift for signup in mine]
    open_ = [s for s in shifts.open_shifts(now) if s.id not in mine_by_shift]
    counts = shifts.taken(s.id for s in open_)
    open_ = [s for s in open_ if counts.get(s.id, 0) < s.needed]
    return render_page("community/my_shifts.html", own=own, mine=mine_by_shift,
                       open_shifts=open_, counts=counts, now=utcnow(),
                       events=shifts.events_of(own + open_), **LABELS)


@bp.post("/shifts/<int:shift_id>/take")
@roles_required(Role.VOLUNTEER)
def shift_take(shift_id: int):
    shift = found(db.session.get(Shift, shift_id))
    try:
        shifts.take(shift, my_volunteer(), current_user, utcnow())
    except DomainError as error:
        return refused(error, url_for("shifts.my_shifts"))
    db.session.commit()
    flash(_("The shift is yours: %(role)s.", role=shift.role), "success")
    return go(url_for("shifts.my_shifts"))


def _my_signup(signup_id: int) -> ShiftSignup:
    signup = found(db.session.get(ShiftSignup, signup_id))
    return signup if signup.volunteer_id == my_volunteer().id else found(None)


@bp.post("/shifts/signups/<int:signup_id>/give-back")
@roles_required(Role.VOLUNTEER)
def shift_give_back(signup_id: int):
    try:
        shifts.give_back(_my_signup(signup_id), current_user, utcnow())
    except DomainError as error:
        return refused(error, url_for("shifts.my_shifts"))
    db.session.commit()
    flash(_("The shift is given back. Thank you for saying so in time."), "success")
    return go(url_for("shifts.my_shifts"))


@bp.post("/shifts/signups/<int:signup_id>/hours")
@roles_required(Role.VOLUNTEER)
def shift_hours(signup_id: int):
    signup = _my_signup(signup_id)
    try:
        entry = shifts.log_hours(signup, my_volunteer(), utcnow())
    except DomainError as error:
        return refused(error, url_for("shifts.my_shifts"))
    db.session.commit()
    flash(_("Logged: %(minutes)d minutes, waiting for approval.", minutes=entry.minutes),
          "success")
    return go(url_for("shifts.my_shifts"))


@bp.route("/<int:event_id>/shifts", methods=["GET", "POST"])
@roles_required(*STAFF)
def event_shifts(event_id: int):
    event = found(services.get_event(event_id))
    form = ShiftForm()
    if form.validate_on_submit():
        def work():
            shifts.add_shift(event, form.shift_data(), current_user)
            return url_for("shifts.event_shifts", event_id=event.id), _("Saved.")
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    assign = AssignForm()
    assign.volunteer_id.choices = options(
        (v.id, f"{v.last_name} {v.first_name}") for v in db.session.execute(
            select(Volunteer.id, Volunteer.first_name, Volunteer.last_name).where(
                Volunteer.status == VolunteerStatus.ACTIVE)
            .order_by(Volunteer.last_name, Volunteer.first_name)))
    return render_form("community/shifts.html", form, event=event, assign=assign,
                       rows=shifts.coverage(event), **LABELS)


@bp.post("/shifts/<int:shift_id>/assign")
@roles_required(*STAFF)
def shift_assign(shift_id: int):
    shift = found(db.session.get(Shift, shift_id))
    back = url_for("shifts.event_shifts", event_id=shift.event_id)
    volunteer_id = arg_id(request.form.get("volunteer_id"))
    volunteer = db.session.get(Volunteer, volunteer_id) if volunteer_id else None
    try:
        if volunteer is None:
            raise DomainError(_("Choose a volunteer."))
        shifts.take(shift, volunteer, current_user, utcnow())
    except DomainError as error:
        return refused(error, back)
    db.session.commit()
    flash(_("%(name)s is on the shift.", name=volunteer.full_name), "success")
    return go(back)


@bp.post("/shifts/signups/<int:signup_id>/remove")
@roles_required(*STAFF)
def shift_remove(signup_id: int):
    signup = found(db.session.get(ShiftSignup, signup_id))
    event_id = db.session.get(Shift, signup.shift_id).event_id
    shifts.give_back(signup, current_user, utcnow(), by_staff=True)
    db.session.commit()
    flash(_("Taken off the shift."), "success")
    return go(url_for("shifts.event_shifts", event_id=event_id))
