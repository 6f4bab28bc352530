"""Hours: a volunteer logs theirs on the phone, a coordinator approves them at the desk."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import partial

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import options, show_refusal
from cal.core.http import found
from cal.core.labels import translated
from cal.core.offline import kept_offline
from cal.core.render import go, page_number, refused, refused_in_place, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.extensions import db
from volunteers.hours import approval, figures, jobs, records, services, tables
from volunteers.hours.forms import HoursCertificateForm, HoursFilterForm, HoursForm, HoursTotalsForm
from volunteers.hours.models import ACTIVITY_LABELS, ENTRY_STATUS_LABELS, Activity, EntryStatus
from volunteers.models import HELP_KIND_LABELS
from volunteers.pages import STAFF, my_volunteer

bp = Blueprint("hours", __name__, url_prefix="/volunteers")
declare(bp, scans=jobs.SCANS, records=records.RECORDS, year_figures=[figures.SECTION], menu=[
    MenuEntry("hours.hours_queue", _l("Hours"), 40),
    MenuEntry("hours.my_hours", _l("My hours"), 50),
])

HELPERS = {"hours_text": services.hours_text, "describe_entry": services.describe}


def _labels() -> dict:
    """What the hours' pages show beside the entries, the labels translated once."""
    return {"activities": translated(ACTIVITY_LABELS),
            "entry_statuses": translated(ENTRY_STATUS_LABELS), **HELPERS}


@bp.route("/me/hours/new", methods=["GET", "POST"])
@kept_offline
@roles_required(Role.VOLUNTEER)
def my_hours_new():
    volunteer = my_volunteer()
    today = local_today()
    choices = services.choices_for(volunteer, today)
    form = _hours_form(choices, today)
    if request.method == "GET":
        likely = services.likely_choice(volunteer, choices, today)
        form.activity.data = likely.value
        usual = services.usual_minutes(volunteer, likely)
        form.minutes.data = str(usual) if usual in services.DURATIONS else "other"
        form.other_minutes.data = "" if usual in services.DURATIONS else str(usual)
        form.worked_on.data = today
    elif form.validate_on_submit():
        try:
            return _log(volunteer, form, choices, today)
        except DomainError as error:
            db.session.rollback()
            _show(form, error)
    return render_form("volunteers/hours/hours_form.html", form, entry=None)


def _hours_form(choices, today) -> HoursForm:
    form = HoursForm()
    form.activity.choices = options((c.value, c.text) for c in choices)
    form.worked_on.render_kw = {
        "min": (today - timedelta(days=services.MAX_DAYS_BACK)).isoformat(),
        "max": today.isoformat()}
    return form


def _show(form: HoursForm, error: DomainError) -> None:
    """A refusal beside its field; the length typed by hand when "Other" is chosen."""
    show_refusal(form, error, {"minutes": "other_minutes"} if form.minutes.data == "other"
                 else None)


def _log(volunteer, form: HoursForm, choices, today):
    minutes = form.minutes_value()
    if minutes is None:
        raise DomainError(_("Give the minutes."), field="other_minutes")
    data = services.entry_data(choices, form.activity.data, form.label.data,
                            form.worked_on.data, minutes, form.note.data, today)
    entry, new = services.log_hours(volunteer, form.key.data, data, again=form.again.data)
    db.session.commit()
    if new:
        flash(_("Saved: %(time)s, %(day)s.", time=services.hours_text(entry.minutes),
                day=entry.worked_on.strftime("%d.%m")), "success")
    return go(url_for("hours.my_hours"))


@bp.get("/me/hours")
@kept_offline
@roles_required(Role.VOLUNTEER)
def my_hours():
    today, volunteer = local_today(), my_volunteer()
    form = HoursCertificateForm(data={"period_start": services.service_start(volunteer) or today,
                                      "period_end": today})
    return render_my_hours(volunteer, form)


def render_my_hours(volunteer, form, code: int = 200):
    today = local_today()
    return render_page("volunteers/hours/my_hours.html", status=code, volunteer=volunteer,
                       totals=services.totals_of(volunteer, today), form=form,
                       page=db.paginate(services.history_of(volunteer), page=page_number(),
                                        per_page=services.HISTORY_PAGE, error_out=False),
                       today=today,
                       pending=EntryStatus.PENDING, **_labels())


@bp.route("/me/hours/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def my_hours_edit(entry_id: int):
    volunteer = my_volunteer()
    entry = found(services.own_entry(volunteer, entry_id))
    today = local_today()
    choices = services.choices_for(volunteer, today)
    form = _hours_form(choices, today)
    value = services.value_of(entry)
    if all(choice.value != value for choice in form.activity.choices):
        # what it was for is no longer offered (say, help ended long ago): shown, so
        # the form says why it cannot be kept, instead of failing
        form.activity.choices.insert(0, *options([(value, services.describe(entry))]))
    if request.method == "GET" and entry.status != EntryStatus.PENDING:
        # reviewed already: no form to fill in only to be refused on saving
        flash(_("An entry can be changed only while it waits for approval."), "error")
        return redirect(url_for("hours.my_hours"))
    if request.method == "GET":
        form.activity.data = value
        form.label.data = entry.label
        form.minutes.data = str(entry.minutes) if entry.minutes in services.DURATIONS else "other"
        form.other_minutes.data = "" if entry.minutes in services.DURATIONS else str(entry.minutes)
        form.worked_on.data = entry.worked_on
        form.note.data = entry.note
    elif form.validate_on_submit():
        try:
            minutes = form.minutes_value()
            if minutes is None:
                raise DomainError(_("Give the minutes."), field="other_minutes")
            services.change_entry(entry, services.entry_data(
                choices, form.activity.data, form.label.data, form.worked_on.data, minutes,
                form.note.data, today))
        except DomainError as error:
            db.session.rollback()
            _show(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return go(url_for("hours.my_hours"))
    return render_form("volunteers/hours/hours_form.html", form, entry=entry)


@bp.post("/me/hours/<int:entry_id>/delete")
@roles_required(Role.VOLUNTEER)
def my_hours_delete(entry_id: int):
    volunteer = my_volunteer()
    entry = found(services.own_entry(volunteer, entry_id))
    try:
        services.delete_entry(entry)
    except DomainError as error:
        return refused(error, url_for("hours.my_hours"))
    db.session.commit()
    flash(_("Entry deleted."), "success")
    return go(url_for("hours.my_hours"))


def _month(text: str | None) -> date | None:
    """The first day of a month sent as YYYY-MM (validated), or None for a blank."""
    if not text or not text.strip():  # Optional() lets a blank through unchecked
        return None
    year, number = text.split("-")
    return date(int(year), int(number), 1)


def _hours_filters(form: HoursFilterForm) -> approval.HoursFilter | None:
    """The filters asked for, or None when they are not valid (never "everything").
    A chosen volunteer's name is left on the form (volunteer_name)."""
    form.volunteer_name = None
    if not form.validate():
        return None
    if form.volunteer.data:
        form.volunteer_name = approval.volunteer_name(form.volunteer.data)
        if form.volunteer_name is None:
            return None
    return approval.HoursFilter(
        volunteer_id=form.volunteer.data or None, month=_month(form.month.data),
        # Optional() lets a blank through unchecked: blank is "any", as the empty choice.
        activity=Activity(form.activity.data) if (form.activity.data or "").strip() else None,
        status=EntryStatus(form.status.data) if (form.status.data or "").strip() else None)


def _filter_form() -> HoursFilterForm:
    return HoursFilterForm(request.args)


@bp.get("/hours")
@roles_required(*STAFF)
def hours_queue():
    form = _filter_form()
    if exports.asked_format():
        filters = _hours_filters(form)
        if filters is None:
            abort(400)
        return exports.send_list(tables.HOURS, approval.queue(filters, limit=None))
    return _render_queue(form)


def _render_queue(form: HoursFilterForm, error: str = "", message: str = "", code: int = 200,
                  chosen: frozenset[int] = frozenset(), reason: str = "",
                  reason_error: str = ""):
    """The queue; a refused review comes back with the entries still ticked, the reason
    as typed, and a refused reason said beside its field."""
    filters = _hours_filters(form)
    if filters is None:
        error = error or _("Check the filters.")
    # One volunteer's totals here; everyone's, a month at a time, on the totals page.
    one = filters is not None and filters.volunteer_id is not None
    without_volunteer = {k: v for k, v in request.args.items() if k != "volunteer"}
    return render_page("volunteers/hours/hours_queue.html", status=code, form=form,
                       entries=approval.queue(filters) if filters else [],
                       matching=approval.count(filters) if filters else 0,
                       totals=approval.totals(filters) if one else [], one_volunteer=one,
                       everyone_url=url_for("hours.hours_queue", **without_volunteer),
                       query=request.query_string.decode(), error=error, message=message,
                       chosen=chosen, reason=reason, reason_error=reason_error,
                       kinds=HELP_KIND_LABELS, **_labels())


@bp.get("/hours/totals")
@roles_required(*STAFF)
def hours_totals():
    """Approved and waiting hours per volunteer and kind of help, a month at a time."""
    form = HoursTotalsForm(request.args)
    month = _month(form.month.data) if form.validate() else None
    if month is None:
        month = local_today().replace(day=1)
        form.month.data = month.strftime("%Y-%m")
    return render_form("volunteers/hours/hours_totals.html", form, month=month,
                       totals=approval.totals(approval.HoursFilter(month=month, status=None)),
                       kinds=HELP_KIND_LABELS, **_labels())


@bp.post("/hours/review")
@roles_required(*STAFF)
def hours_review():
    ids = [int(v) for v in request.form.getlist("entry") if re.fullmatch(r"[0-9]{1,9}", v)]
    decision = request.form.get("decision")
    approve = decision == "approve"
    form = _filter_form()
    reason = request.form.get("reason", "")[:300]
    kept = partial(_render_queue, form, chosen=frozenset(ids), reason=reason)
    if decision not in ("approve", "reject") or _hours_filters(form) is None:
        return kept(error=_("Choose approve or reject."), code=422)
    if not ids:
        return kept(error=_("Choose at least one entry."), code=422)
    try:
        changed = approval.review(ids, approve, reason, current_user)
    except DomainError as error:
        return refused_in_place(error, kept, fields={"reason": "reason_error"})
    db.session.commit()
    message = (ngettext("%(num)d entry approved.", "%(num)d entries approved.", changed)
               if approve else
               ngettext("%(num)d entry rejected.", "%(num)d entries rejected.", changed))
    return _render_queue(form, message=message)
