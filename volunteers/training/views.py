"""Courses and sessions (coordinators), and a volunteer's own trainings (phone)."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import refused_in_place, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today, to_local, utcnow
from cal.core.urls import arg_id
from cal.extensions import db
from volunteers.models import HELP_KIND_LABELS
from volunteers.pages import STAFF, load_volunteer, my_volunteer
from volunteers.services import get_volunteer
from volunteers.training import calendar, figures, records, services, tables
from volunteers.training.forms import CompletionForm, CourseForm, SessionForm

bp = Blueprint("training", __name__, url_prefix="/volunteers")
declare(bp, calendar=[calendar.events], records=records.RECORDS,
        year_figures=[figures.SECTION], menu=[
    MenuEntry("training.trainings", _l("Trainings"), 30),
    MenuEntry("training.my_trainings", _l("My trainings"), 80),
])


def _course_or_404(course_id: int):
    return found(services.get_course(course_id))


def _session_or_404(session_id: int):
    return found(services.get_session(session_id))


def _volunteer_from_form():
    volunteer_id = arg_id(request.form.get("volunteer_id"))
    return found(get_volunteer(volunteer_id) if volunteer_id else None)


@bp.get("/trainings")
@roles_required(*STAFF)
def trainings():
    if exports.asked_format():
        return exports.send_list(tables.EXPIRING, services.expiring_trainings(local_today()))
    return render_page("volunteers/training/trainings.html", courses=services.list_courses(),
                       sessions=services.upcoming_sessions(utcnow()),
                       expiring=services.expiring_trainings(local_today()),
                       today=local_today(), kind_labels=HELP_KIND_LABELS)


@bp.route("/trainings/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def course_new():
    return _course_form(None)


@bp.route("/trainings/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def course_edit(course_id: int):
    return _course_form(_course_or_404(course_id))


def _course_form(course):
    form = CourseForm(obj=_course_values(course) if request.method == "GET" else None)
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            saved = services.save_course(course, form.course_data(), current_user)
            return url_for("training.course", course_id=saved.id), _("Changes saved.")
        return submit_once(form.once_key.data, save)
    return render_form("volunteers/training/course_form.html", form, course=course)


def _course_values(course):
    if course is None:
        return None
    return SimpleNamespace(
        name=course.name, description=course.description,
        required_for=[k for k in course.required_for.split(",") if k],
        validity_months=course.validity_months, active=course.active)


@bp.get("/trainings/<int:course_id>")
@roles_required(*STAFF)
def course(course_id: int):
    course = _course_or_404(course_id)
    return render_page("volunteers/training/course.html", course=course,
                       sessions=services.sessions_of(course), now=utcnow(),
                       kind_labels=HELP_KIND_LABELS)


@bp.route("/trainings/<int:course_id>/sessions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def session_new(course_id: int):
    course = _course_or_404(course_id)
    form = SessionForm()
    if form.validate_on_submit():
        def add() -> tuple[str, str]:
            session = services.save_session(course, None, form.session_data(), current_user)
            return (url_for("training.training_session", session_id=session.id),
                    _("Session added."))
        return submit_once(form.once_key.data, add)
    return render_form("volunteers/training/session_form.html", form, course=course,
                       training_session=None)


@bp.route("/trainings/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def session_edit(session_id: int):
    session = _session_or_404(session_id)
    form = SessionForm(data={"day": to_local(session.starts_at).date(),
                             "start": to_local(session.starts_at).time(),
                             "place": session.place, "trainer": session.trainer,
                             "capacity": session.capacity} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_session(session.course, session, form.session_data(), current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("training.training_session", session_id=session.id))
    return render_form("volunteers/training/session_form.html", form, course=session.course,
                       training_session=session)


@bp.get("/trainings/sessions/<int:session_id>")
@roles_required(*STAFF)
def training_session(session_id: int):
    return _render_session(session_id)


def _render_session(session_id: int, error: str = "", code: int = 200):
    session = _session_or_404(session_id)
    enrolments = services.enrolments_of(session)
    return render_page("volunteers/training/session.html", status=code, training_session=session,
                       enrolments=enrolments, error=error, now=utcnow(),
                       candidates=services.candidates_for(session, enrolments, local_today()))


@bp.post("/trainings/sessions/<int:session_id>/enrol")
@roles_required(*STAFF)
def session_enrol(session_id: int):
    return _change_session(session_id, lambda s, v: services.enrol(s, v, current_user, utcnow()))


@bp.post("/trainings/sessions/<int:session_id>/withdraw")
@roles_required(*STAFF)
def session_withdraw(session_id: int):
    return _change_session(session_id,
                           lambda s, v: services.withdraw(s, v, current_user, utcnow()))


@bp.post("/trainings/sessions/<int:session_id>/attendance")
@roles_required(*STAFF)
def session_attendance(session_id: int):
    value = request.form.get("attended")
    if value not in ("0", "1"):
        abort(400)
    return _change_session(session_id, lambda s, v: services.record_attendance(
        s, v, value == "1", current_user, utcnow()))


def _change_session(session_id: int, change):
    session = _session_or_404(session_id)
    volunteer = _volunteer_from_form()
    try:
        change(session, volunteer)
    except DomainError as error:
        return refused_in_place(error, partial(_render_session, session_id))
    db.session.commit()
    return _render_session(session_id)


@bp.route("/<int:volunteer_id>/trainings/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def completion_new(volunteer_id: int):
    volunteer = load_volunteer(volunteer_id)
    form = CompletionForm()
    form.course_id.choices = options((c.id, c.name) for c in services.list_courses())
    if form.validate_on_submit():
        course = _course_or_404(form.course_id.data)

        def record() -> tuple[str, str]:
            services.add_completion(volunteer, course, form.completed_on.data, form.note.data,
                                    current_user)
            return (url_for("volunteers.detail", volunteer_id=volunteer.id),
                    _("Recorded: %(what)s.", what=course.name))
        return submit_once(form.once_key.data, record)
    return render_form("volunteers/training/completion_form.html", form, volunteer=volunteer)


@bp.get("/me/trainings")
@roles_required(Role.VOLUNTEER)
def my_trainings():
    return _render_mine()


def _render_mine(error: str = "", code: int = 200):
    volunteer = my_volunteer()
    view = services.volunteer_trainings(volunteer, local_today(), utcnow())
    return render_page("volunteers/training/my_trainings.html", status=code, volunteer=volunteer,
                       error=error, **view)


@bp.post("/me/trainings/<int:session_id>/enrol")
@roles_required(Role.VOLUNTEER)
def my_enrol(session_id: int):
    return _change_mine(session_id, lambda s, v: services.enrol(s, v, current_user, utcnow(),
                                                                own=True))


@bp.post("/me/trainings/<int:session_id>/withdraw")
@roles_required(Role.VOLUNTEER)
def my_withdraw(session_id: int):
    return _change_mine(session_id, lambda s, v: services.withdraw(s, v, current_user, utcnow(),
                                                                   own=True))


def _change_mine(session_id: int, change):
    volunteer = my_volunteer()
    session = _session_or_404(session_id)
    try:
        change(session, volunteer)
    except DomainError as error:
        return refused_in_place(error, _render_mine)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("training.my_trainings"))
