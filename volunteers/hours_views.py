"""Hours on the phone: the log form (three taps from the start page), the volunteer's
own history with totals, changes while an entry waits for approval."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import options
from cal.core.http import found
from cal.core.render import go, render_form, render_page
from cal.core.timeutil import local_today
from cal.extensions import db
from volunteers import hours, services
from volunteers.forms import HoursForm
from volunteers.models import ACTIVITY_LABELS, ENTRY_STATUS_LABELS, EntryStatus
from volunteers.views import bp

LABELS = {"activities": ACTIVITY_LABELS, "entry_statuses": ENTRY_STATUS_LABELS,
          "hours_text": hours.hours_text, "describe_entry": hours.describe}


def _me():
    return found(services.volunteer_of_user(current_user))


@bp.route("/me/hours/new", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def my_hours_new():
    volunteer = _me()
    today = local_today()
    choices = hours.choices_for(volunteer, today)
    form = HoursForm()
    form.activity.choices = options((c.value, c.text) for c in choices)
    if request.method == "GET":
        likely = hours.likely_choice(volunteer, choices, today)
        form.activity.data = likely.value
        usual = hours.usual_minutes(volunteer, likely)
        form.minutes.data = str(usual) if usual in hours.DURATIONS else "other"
        form.other_minutes.data = None if usual in hours.DURATIONS else usual
        form.worked_on.data = today
    elif form.validate_on_submit():
        try:
            return _log(volunteer, form, choices, today)
        except DomainError as error:
            db.session.rollback()
            (form[error.field].errors if error.field else form.form_errors).append(
                error.message)
    return render_form("volunteers/hours_form.html", form, entry=None,
                       earliest=today.toordinal() - hours.MAX_DAYS_BACK, today=today)


def _log(volunteer, form: HoursForm, choices, today):
    minutes = form.minutes_value()
    if minutes is None:
        raise DomainError(_("Give the minutes."), field="other_minutes")
    data = hours.entry_data(choices, form.activity.data, form.label.data,
                            form.worked_on.data, minutes, form.note.data, today)
    entry, new = hours.log_hours(volunteer, form.key.data, data)
    db.session.commit()
    if new:
        flash(_("Saved: %(time)s, %(day)s.", time=hours.hours_text(entry.minutes),
                day=entry.worked_on.strftime("%d.%m")), "success")
    return go(url_for("volunteers.my_hours"))


@bp.get("/me/hours")
@roles_required(Role.VOLUNTEER)
def my_hours():
    volunteer = _me()
    today = local_today()
    return render_page("volunteers/my_hours.html", volunteer=volunteer,
                       totals=hours.totals_of(volunteer, today),
                       entries=hours.history_of(volunteer), today=today,
                       pending=EntryStatus.PENDING, **LABELS)


@bp.route("/me/hours/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def my_hours_edit(entry_id: int):
    volunteer = _me()
    entry = found(hours.own_entry(volunteer, entry_id))
    today = local_today()
    choices = hours.choices_for(volunteer, today)
    form = HoursForm()
    form.activity.choices = options((c.value, c.text) for c in choices)
    if request.method == "GET":
        value = hours.value_of(entry)
        if all(choice.value != value for choice in form.activity.choices):
            form.activity.choices.insert(0, *options([(value, hours.describe(entry))]))
        form.activity.data = value
        form.label.data = entry.label
        form.minutes.data = str(entry.minutes) if entry.minutes in hours.DURATIONS else "other"
        form.other_minutes.data = None if entry.minutes in hours.DURATIONS else entry.minutes
        form.worked_on.data = entry.worked_on
        form.note.data = entry.note
    elif form.validate_on_submit():
        try:
            minutes = form.minutes_value()
            if minutes is None:
                raise DomainError(_("Give the minutes."), field="other_minutes")
            hours.change_entry(entry, hours.entry_data(
                choices, form.activity.data, form.label.data, form.worked_on.data, minutes,
                form.note.data, today))
        except DomainError as error:
            db.session.rollback()
            (form[error.field].errors if error.field else form.form_errors).append(
                error.message)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return go(url_for("volunteers.my_hours"))
    return render_form("volunteers/hours_form.html", form, entry=entry,
                       earliest=today.toordinal() - hours.MAX_DAYS_BACK, today=today)


@bp.post("/me/hours/<int:entry_id>/delete")
@roles_required(Role.VOLUNTEER)
def my_hours_delete(entry_id: int):
    volunteer = _me()
    entry = found(hours.own_entry(volunteer, entry_id))
    try:
        hours.delete_entry(entry)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Entry deleted."), "success")
    return go(url_for("volunteers.my_hours"))
