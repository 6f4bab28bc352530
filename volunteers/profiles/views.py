"""Volunteers' profiles: the application, the pipeline board, a volunteer's page with their
legal records, the compliance board, and a volunteer's own profile."""

from __future__ import annotations

import secrets
from datetime import timedelta
from types import SimpleNamespace

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from cal.core import exports
from cal.core.access import Role, public, roles_required
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, show_refusal
from cal.core.http import enum_or_404, found
from cal.core.labels import translated
from cal.core.mail import try_send_mail
from cal.core.once import submit_once
from cal.core.render import page_number, refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.core.urls import external_url
from cal.extensions import db, limiter
from cal.notifications.outbox import tell
from volunteers import availability
from volunteers.compliance import (
    FIELD_LABELS_BY_KIND,
    RECORD_LABELS,
    REQUIRED_RECORD_FIELDS,
    State,
    record_fields,
)
from volunteers.documents import scans
from volunteers.documents import services as documents
from volunteers.forms import SUBJECTS, TASKS
from volunteers.models import (
    GENDER_LABELS,
    HELP_KIND_LABELS,
    STATUS_LABELS,
    RecordKind,
    VolunteerStatus,
)
from volunteers.needs import services as needs
from volunteers.needs import visits
from volunteers.needs.models import MATCH_STATUS_LABELS
from volunteers.pages import STAFF, load_volunteer, with_districts
from volunteers.profiles import (
    audiences,
    demo,
    figures,
    jobs,
    personal_data,
    records,
    services,
    tables,
)
from volunteers.profiles.forms import (
    LANGUAGES,
    ApplicationForm,
    CoordinatorProfileForm,
    OwnProfileForm,
    RecordForm,
)
from volunteers.services import coordinators_to_notify, volunteer_of_user

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")
declare(bp, scans=jobs.SCANS, personal_data=[personal_data.PART], demo=[demo.SEED],
        year_figures=[figures.SECTION],
        audiences=audiences.AUDIENCES, records=records.RECORDS, menu=[
    MenuEntry("volunteers.index", _l("Volunteers"), 10),
    MenuEntry("volunteers.me", _l("My profile"), 70),
])


def _stage(value: str | None) -> VolunteerStatus | None:
    """The stage named in a query or form value, or None for anything else."""
    try:
        return VolunteerStatus(value)
    except ValueError:
        return None


@bp.route("/apply", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def apply():
    form = with_districts(ApplicationForm())
    if request.method == "GET":
        form.application_key.data = secrets.token_urlsafe(24)
    if not form.validate_on_submit():
        return render_form("volunteers/profiles/apply.html", form, grid=availability)
    key = form.application_key.data
    try:
        volunteer, new = services.submit_application(form.profile_data(), key)
        db.session.commit()
    except IntegrityError:  # the same form arrived twice at the same moment
        db.session.rollback()
        volunteer, new = services.find_application(key), False
    if new:
        _notify_coordinators(volunteer)
        db.session.commit()
    return redirect(url_for("volunteers.apply_thanks"))


def _notify_coordinators(volunteer) -> None:
    url = external_url("volunteers.detail", volunteer_id=volunteer.id)
    for coordinator in coordinators_to_notify():
        tell(coordinator.id, "application_new", f"volunteer:{volunteer.id}",
             _l("New volunteer application"),
             body=_l("%(name)s has applied to volunteer.", name=volunteer.first_name),
             url=url)


@bp.get("/apply/thanks")
@public
def apply_thanks():
    return render_page("volunteers/profiles/apply_thanks.html")


@bp.get("/")
@roles_required(*STAFF)
def index():
    status = _stage(request.args.get("status"))
    if exports.asked_format():
        query = request.args.get("q", "")[:100]
        return exports.send_list(tables.VOLUNTEERS, db.session.scalars(
            services.volunteers_listed(status, query)).all())
    return _render_board(status)


def _render_board(status, code=200, refusal=None):
    """The board at a stage: a page of 50, narrowed by name (q); a move sends the q
    and page it was made on, so the board comes back as it was. A refused move is said
    on its row, or above the list when its volunteer is not on the page shown
    (refusal: the volunteer and the reason)."""
    query = request.values.get("q", "")[:100]
    page, counts = services.board_page(status, query, page_number())
    return render_page(
        "volunteers/profiles/index.html", status=code, page=page, q=query,
        counts=counts, current=status,
        labels=translated(STATUS_LABELS),
        move_to=_("Move %(name)s to"),  # translated once, each row's name put in by the page
        moves=services.ALLOWED_MOVES, refusal=refusal)


@bp.post("/<int:volunteer_id>/status")
@roles_required(*STAFF)
def move(volunteer_id: int):
    volunteer = load_volunteer(volunteer_id)
    shown = _stage(request.form.get("shown"))
    target = _stage(request.form.get("to"))
    back_to_detail = request.form.get("back") == "detail"
    detail_url = url_for("volunteers.detail", volunteer_id=volunteer.id)
    try:
        if target is None:
            raise DomainError(_("Choose a stage."))
        was_applicant = volunteer.status == VolunteerStatus.APPLICANT
        services.move_volunteer(volunteer, target, current_user, local_today())
        raw = _invite_if_accepted(volunteer) if was_applicant else None
    except DomainError as error:
        if back_to_detail:
            missing = isinstance(error, services.ActivationRefused)
            return refused(error, url_for("volunteers.detail", volunteer_id=volunteer.id,
                                          why="activation", _anchor="activation")
                           if missing else detail_url)
        db.session.rollback()
        return _render_board(shown, code=422, refusal=(
            volunteer, error.message, isinstance(error, services.ActivationRefused)))
    db.session.commit()
    if raw:
        _mail_invitation(volunteer, raw)
    stage = STATUS_LABELS[volunteer.status]
    flash(_("%(name)s: %(stage)s.", name=volunteer.full_name, stage=stage), "success")
    return redirect(detail_url) if back_to_detail else _render_board(shown)


def _invite_if_accepted(volunteer):
    if volunteer.status != VolunteerStatus.SCREENING:
        return None
    ttl = timedelta(hours=current_app.config["INVITE_TTL_HOURS"])
    return services.invite_volunteer(volunteer, current_user, ttl)


def _mail_invitation(volunteer, raw: str) -> None:
    url = external_url("auth.accept_invitation", token=raw)
    body = _("Your application was accepted. Set your password here:") + f"\n\n{url}\n"
    if not current_app.config.get("MAIL_SERVER"):
        flash(_("E-mail is not configured. Pass this link on yourself: %(url)s", url=url), "info")
    elif not try_send_mail(volunteer.email, _("Invitation to CAL"), body):
        flash(_("The e-mail could not be sent. Try “Send the invitation again” later."), "error")


def _offered(volunteer) -> dict:
    """What the volunteer offered, in words: kinds of help in the form's order, subjects,
    tasks and languages by their names."""
    def named(choices, codes: str) -> list[str]:
        chosen = set(filter(None, (codes or "").split(",")))
        return [str(label) for code, label in choices if code in chosen]
    return {"kinds": [k for k in HELP_KIND_LABELS if k in volunteer.kinds()],
            "subjects": named(SUBJECTS, volunteer.subjects),
            "tasks": named(TASKS, volunteer.tasks),
            "languages": named(LANGUAGES, volunteer.languages)}


@bp.get("/<int:volunteer_id>")
@roles_required(*STAFF)
def detail(volunteer_id: int):
    volunteer = load_volunteer(volunteer_id)
    items, records, completions = services.read_compliance(volunteer, current_user,
                                                           local_today())
    page = render_page(
        "volunteers/profiles/detail.html", volunteer=volunteer, items=items, records=records,
        history=services.history_of(volunteer), labels=STATUS_LABELS, State=State,
        documents=documents.documents_of(volunteer), document_labels=documents.DOCUMENT_LABELS,
        issuable=documents.DOCUMENT_FIELDS, completions=completions,
        record_labels=RECORD_LABELS, gender_labels=GENDER_LABELS,
        moves=services.ALLOWED_MOVES[volunteer.status],
        slots=availability.describe(volunteer.availability),
        matches=needs.matches_of_volunteer(volunteer), match_labels=MATCH_STATUS_LABELS,
        kinds=HELP_KIND_LABELS, when=visits.when,
        offered=_offered(volunteer), scans=scans.scans_by_record(volunteer),
        scannable=scans.SCANNABLE,
        needed=services.what_activation_needs(volunteer, local_today())
        if request.args.get("why") == "activation" else [])
    db.session.commit()  # the audited read, once the page is made
    return page


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(volunteer_id: int):
    volunteer = load_volunteer(volunteer_id)
    form = with_districts(CoordinatorProfileForm(obj=_form_object(volunteer)))
    if form.validate_on_submit():
        try:
            changed_meanwhile(form, volunteer)
        except DomainError as error:
            show_refusal(form, error)
        else:
            services.update_profile(volunteer, form.profile_data(), current_user)
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    return render_form("volunteers/profiles/edit.html", form, volunteer=volunteer,
                       grid=availability)


def _form_object(volunteer):
    """The volunteer as the form reads it (lists for the multiple choices)."""
    if request.method != "GET":
        return None
    values = {name: getattr(volunteer, name) for name in services.PROFILE_FIELDS}
    for name in ("help_kinds", "subjects", "tasks", "languages"):
        values[name] = [v for v in values[name].split(",") if v]
    for name in ("grade_from", "grade_to"):
        values[name] = str(values[name]) if values[name] else ""
    values["district_id"] = values["district_id"] or 0
    values["gender"] = values["gender"] or ""
    values["version"] = volunteer.version
    return SimpleNamespace(**values)


@bp.route("/<int:volunteer_id>/records/<kind>", methods=["GET", "POST"])
@roles_required(*STAFF)
def record_new(volunteer_id: int, kind: str):
    volunteer = load_volunteer(volunteer_id)
    kind = enum_or_404(RecordKind, kind)
    form = RecordForm(data=services.record_defaults(volunteer, kind)
                      if request.method == "GET" else None)
    for name in REQUIRED_RECORD_FIELDS.get(kind, ()):  # starred beside their labels
        form[name].flags.required = True
    if form.validate_on_submit():
        def record() -> tuple[str, str]:
            services.add_record(volunteer, kind, form.record_data(), current_user)
            return (url_for("volunteers.detail", volunteer_id=volunteer.id),
                    _("Recorded: %(what)s.", what=RECORD_LABELS[kind]))
        try:
            return submit_once(form.once_key.data, record)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    elif form.is_submitted():  # the record's own rules too, all at once with the form's
        for name, message in services.record_refusals(kind, form.record_data()).items():
            if not form[name].errors:
                form[name].errors.append(message)
    return render_form("volunteers/profiles/record.html", form, volunteer=volunteer, kind=kind,
                       title=RECORD_LABELS[kind], fields=record_fields(kind),
                       field_labels=FIELD_LABELS_BY_KIND.get(kind, {}),
                       no_scan=kind in scans.NO_SCAN)


@bp.get("/compliance")
@roles_required(*STAFF)
def compliance():
    rows = services.compliance_overview(local_today())
    if exports.asked_format():
        return exports.send_list(tables.COMPLIANCE, tables.attention_rows(rows))
    return render_page("volunteers/profiles/compliance.html", rows=rows, State=State)


@bp.route("/me", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def me():
    volunteer = found(volunteer_of_user(current_user))
    form = OwnProfileForm(obj=volunteer if request.method == "GET" else None)
    if form.validate_on_submit():
        services.update_profile(volunteer, form.data, current_user, own=True)
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("volunteers.me"))
    return render_form("volunteers/profiles/me.html", form, volunteer=volunteer, grid=availability,
                       labels=STATUS_LABELS, documents=documents.documents_of(volunteer),
                       scans=scans.scans_with_kinds(volunteer), record_labels=RECORD_LABELS,
                       document_labels=documents.DOCUMENT_LABELS)
