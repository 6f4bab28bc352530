"""Duty hours: the public page of the coming duties, the staff's pages that keep them and
book their slots, and the holder's own day on a phone."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from cal.core.access import Role, any_role, public, roles_required
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, refused, render_form, render_page
from cal.core.rooms import MenuEntry, Together, declare
from cal.core.timeutil import local_today, to_local, utcnow
from cal.core.urls import arg_id
from cal.duties import demo, figures, jobs, notices, personal_data, records, schedule, services
from cal.duties.forms import (
    BookingForm,
    CancelAppointmentForm,
    CancelDateForm,
    DutyForm,
    MoveForm,
)
from cal.duties.models import DUTY_KIND_LABELS, AppointmentStatus, Duty
from cal.duties.words import rule_text
from cal.extensions import db
from cal.partners.models import Partner
from cal.people import services as people
from volunteers.pages import my_volunteer
from volunteers.services import volunteer_of_user


def partner_work(partner_id: int, user) -> list[Together]:
    """The duties a partner institution holds or takes part in (linked for those who
    may open a duty's page)."""
    linked = services.may_book(user)
    return [Together(d.valid_from, _l("Duty"), d.title,
                     url_for("duties.duty", duty_id=d.id) if linked else None)
            for d in db.session.scalars(select(Duty).where(Duty.partner_id == partner_id))]


bp = Blueprint("duties", __name__, url_prefix="/duties")
declare(bp, scans=jobs.SCANS, personal_data=[personal_data.PART], demo=[demo.SEED],
        contact_books=[notices.BOOK], partner_work=[partner_work], records=records.RECORDS,
        year_figures=[figures.SECTION],
        menu=[
            MenuEntry("duties.manage", _l("Duty hours"), 36)])
KEEPERS, BOOKERS = services.KEEPERS, services.BOOKERS
LABELS = {"kinds": DUTY_KIND_LABELS, "rule_text": rule_text}
PUBLIC_CACHE = {"Cache-Control": "private, max-age=60"}


def _day(value: str | None, default: date | None = None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        if default is None:
            found(None)
        return default


@bp.get("/")
@public
def index():
    page = render_page("duties/index.html", coming=services.coming(local_today()),
                       staff=current_user.is_authenticated and services.may_book(current_user),
                       **LABELS)
    body, status = page
    return body, status, {} if current_user.is_authenticated else PUBLIC_CACHE


@bp.get("/manage")
@roles_required(*BOOKERS)
def manage():
    today = local_today()
    duties = services.all_duties()
    return render_page("duties/manage.html", duties=duties, today=today,
                       coming={c.duty.id: c.dates for c in services.coming(today, 42, duties)},
                       keeper=current_user.role in KEEPERS, **LABELS)


def _duty_form(duty: Duty | None = None) -> DutyForm:
    form = DutyForm(obj=duty if request.method == "GET" else None)
    form.holder_user_id.choices = options([(0, "—"), *services.holder_choices()])
    form.partner_id.choices = options([(0, "—")] + [(p.id, p.name) for p in db.session.scalars(
        select(Partner).where(Partner.active.is_(True)).order_by(Partner.name))])
    if duty is not None and request.method == "GET":
        form.kind.data = duty.kind.value
        form.frequency.data = duty.frequency.value
        form.holder_user_id.data = duty.holder_user_id or 0
        form.partner_id.data = duty.partner_id or 0
        form.week_of_month.data = duty.week_of_month or 0
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def new():
    form = _duty_form()
    if request.method == "GET":
        form.valid_from.data = local_today()
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            duty = services.save_duty(None, form.duty_data(), current_user, local_today())
            return url_for("duties.duty", duty_id=duty.id), _("Duty saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("duties/form.html", form, duty=None)


@bp.route("/<int:duty_id>/edit", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def edit(duty_id: int):
    duty = found(services.get_duty(duty_id))
    form = _duty_form(duty)
    if form.validate_on_submit():
        try:
            changed_meanwhile(form, duty)
            services.save_duty(duty, form.duty_data(), current_user, local_today())
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Duty saved."), "success")
            return go(url_for("duties.duty", duty_id=duty.id))
    return render_form("duties/form.html", form, duty=duty)


@bp.get("/<int:duty_id>")
@roles_required(*BOOKERS)
def duty(duty_id: int):
    return _duty_page(found(services.get_duty(duty_id)), CancelDateForm())


def _duty_page(record: Duty, cancel_form: CancelDateForm, status: int = 200):
    today = local_today()
    coming = services.coming(today, 42, [record])
    return render_page("duties/duty.html", status=status, duty=record, today=today,
                       dates=coming[0].dates if coming else [],
                       cancelled=services.cancelled_dates(record, today),
                       cancel_form=cancel_form, keeper=current_user.role in KEEPERS, **LABELS)


@bp.post("/<int:duty_id>/cancel-date")
@roles_required(*KEEPERS)
def cancel_date(duty_id: int):
    record = found(services.get_duty(duty_id))
    form = CancelDateForm()
    if form.validate_on_submit():
        try:
            told = services.cancel_date(record, form.day.data, form.reason.data, current_user,
                                        local_today())
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("%(day)s: the duty is cancelled.", day=form.day.data.strftime("%d.%m.%Y"))
                  + (" " + ngettext(
                      "%(num)d appointment cancelled; the people with a contact are told.",
                      "%(num)d appointments cancelled; the people with a contact are told.",
                      told) if told else ""), "success")
            return go(url_for("duties.duty", duty_id=record.id))
    return _duty_page(record, form, status=422)


@bp.post("/<int:duty_id>/restore/<day>")
@roles_required(*KEEPERS)
def restore_date(duty_id: int, day: str):
    record = found(services.get_duty(duty_id))
    services.restore_date(record, _day(day), current_user)
    db.session.commit()
    return go(url_for("duties.duty", duty_id=record.id))


def _slot_choices(form: BookingForm, slots: list, every: bool = False) -> None:
    """The free slots to choose from; every slot of the day when a sent form is checked,
    so that a slot taken meanwhile is refused by the rule, with its reason."""
    form.start.choices = options([("", "—")] + [
        (s.start.strftime("%H:%M"), f"{s.start:%H:%M}–{s.end:%H:%M}")
        for s in slots if every or s.free])


def _booking_form(slots: list, chosen: str | None = None) -> BookingForm:
    form = BookingForm()
    _slot_choices(form, slots, every=request.method == "POST")
    if chosen and request.method == "GET":
        form.start.data = chosen
    return form


def _time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value or "")
    except ValueError:
        return None


@bp.route("/<int:duty_id>/day/<day>", methods=["GET", "POST"])
@roles_required(*BOOKERS)
def day(duty_id: int, day: str):
    """The slots of a date, and a booking: a person of the registry (coordinators find
    them by name) or someone known by name and phone."""
    record = found(services.get_duty(duty_id))
    when = _day(day)
    occurrence = services.occurrence(record, when)
    if occurrence is None:
        found(None)
    now = utcnow()
    slots = services.day_slots(record, when, now)
    coordinator = current_user.role in KEEPERS
    person_id = arg_id(request.values.get("person_id")) if coordinator else None
    person = people.get_person(person_id) if person_id else None
    query = request.args.get("q", "")[:100].strip() if coordinator else ""
    found_people = people.search_people(query, limit=20)[0] if query and person is None else []
    form = _booking_form(slots, request.args.get("start"))
    if form.validate_on_submit():
        def work() -> tuple[str, str]:
            start = _time(form.start.data)
            if start is None:
                raise DomainError(_("Choose a time."), field="start")
            services.book(record, when, start, form.booking_data(), current_user, now,
                          person=person)
            return (url_for("duties.day", duty_id=record.id, day=when.isoformat()),
                    _("Booked: %(time)s.", time=form.start.data))
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            slots = services.day_slots(record, when, now)
    if request.method == "POST":
        _slot_choices(form, slots)
    return render_form("duties/day.html", form, duty=record, day=when, occurrence=occurrence,
                       slots=slots, person=person, query=query, found_people=found_people,
                       coordinator=coordinator,
                       sees_topic=services.may_see_topic(current_user, record), **LABELS)


def _own_appointment(appointment_id: int):
    """An appointment, for those who book and the duty's holder; 404 to anyone else."""
    appointment = found(services.get_appointment(appointment_id))
    if not (services.may_book(current_user) or services.may_see_topic(current_user,
                                                                      appointment.duty)):
        found(None)
    return appointment


def _cancelled_already(record):
    """A change of an appointment cancelled meanwhile: refused, with the reason."""
    return refused(DomainError(_("This appointment is cancelled already.")),
                   url_for("duties.appointment", appointment_id=record.id))


@bp.get("/appointments/<int:appointment_id>")
@any_role
def appointment(appointment_id: int):
    record = _own_appointment(appointment_id)
    return _appointment_page(record, MoveForm(), CancelAppointmentForm())


def _appointment_page(record, move_form, cancel_form, status: int = 200):
    move_form.start.choices = options([("", "—")] + [
        (s.strftime("%H:%M"), s.strftime("%H:%M")) for s in schedule.slots(record.duty)])
    if request.method == "GET":
        local = to_local(record.starts_at)
        move_form.day.data, move_form.start.data = local.date(), local.strftime("%H:%M")
    return render_page("duties/appointment.html", status=status, appointment=record,
                       duty=record.duty, move_form=move_form, cancel_form=cancel_form,
                       sees_topic=services.may_see_topic(current_user, record.duty), **LABELS)


@bp.post("/appointments/<int:appointment_id>/move")
@any_role
def move(appointment_id: int):
    record = _own_appointment(appointment_id)
    if record.status != AppointmentStatus.BOOKED:
        return _cancelled_already(record)
    form = MoveForm()
    form.start.choices = options([("", "—")] + [
        (s.strftime("%H:%M"), s.strftime("%H:%M")) for s in schedule.slots(record.duty)])
    if form.validate_on_submit():
        try:
            services.move(record, form.day.data, _time(form.start.data), current_user, utcnow())
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            record = _own_appointment(appointment_id)
        else:
            db.session.commit()
            flash(_("Moved."), "success")
            return go(url_for("duties.appointment", appointment_id=record.id))
    return _appointment_page(record, form, CancelAppointmentForm(), status=422)


@bp.post("/appointments/<int:appointment_id>/cancel")
@any_role
def cancel(appointment_id: int):
    record = _own_appointment(appointment_id)
    if record.status != AppointmentStatus.BOOKED:
        return _cancelled_already(record)
    form = CancelAppointmentForm()
    if form.validate_on_submit():
        told = services.cancel_appointment(record, form.reason.data, current_user)
        db.session.commit()
        flash(_("Cancelled.") + (" " + _("The person is told.") if told else ""), "success")
        return go(url_for("duties.day", duty_id=record.duty_id,
                          day=to_local(record.starts_at).date().isoformat())
                  if services.may_book(current_user) else url_for("duties.mine"))
    return _appointment_page(record, MoveForm(), form, status=422)


@bp.get("/mine")
@any_role
def mine():
    """The holder's day on a phone: the duties of the day with who is booked, the next
    days, and for a volunteer the duties whose hours are not logged yet."""
    today = local_today()
    when = _day(request.args.get("day"), today)
    if abs((when - today).days) > 366:
        found(None)
    days = services.holder_days(current_user, when, 1)
    later = [d for d in services.holder_days(current_user, when + timedelta(days=1), 14)
             if d.occurrence.held][:6]
    volunteer = volunteer_of_user(current_user) if current_user.role == Role.VOLUNTEER else None
    unlogged = services.unlogged(volunteer, current_user, today, utcnow()) if volunteer else []
    return render_page("duties/mine.html", day=when, today=today, days=days, later=later,
                       unlogged=unlogged, timedelta=timedelta, **LABELS)


@bp.post("/<int:duty_id>/hours/<day>")
@roles_required(Role.VOLUNTEER)
def log_hours(duty_id: int, day: str):
    record = found(db.session.get(Duty, duty_id))
    if record.holder_user_id != current_user.id:
        found(None)  # another's duty: no such duty for this volunteer
    try:
        entry = services.log_duty_hours(record, _day(day), my_volunteer(), utcnow())
    except DomainError as error:
        return refused(error, url_for("duties.mine"))
    db.session.commit()
    flash(_("Logged: %(title)s, %(minutes)d min. The coordinator will approve it.",
            title=record.title, minutes=entry.minutes), "success")
    return go(url_for("duties.mine"))
