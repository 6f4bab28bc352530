"""Documents issued to a volunteer: agreements, certificates and opinions (coordinators),
and a volunteer's own certificates of hours and of trainings (phone); the scans of the
papers a volunteer signed, attached to their records."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import enum_or_404, found
from cal.core.once import submit_once
from cal.core.render import refused, render_form
from cal.core.rooms import declare
from cal.core.timeutil import local_today
from cal.extensions import db
from volunteers.compliance import RECORD_LABELS
from volunteers.documents import scans, services
from volunteers.documents.forms import DocumentForm, ScanForm
from volunteers.hours import approval
from volunteers.hours.forms import HoursCertificateForm
from volunteers.hours.views import render_my_hours
from volunteers.models import DocumentKind
from volunteers.pages import STAFF, load_volunteer, my_volunteer
from volunteers.services import records_of, volunteer_of_user
from volunteers.training import services as training

bp = Blueprint("documents", __name__, url_prefix="/volunteers")
declare(bp)


@bp.route("/<int:volunteer_id>/documents/<kind>", methods=["GET", "POST"])
@roles_required(*STAFF)
def document_new(volunteer_id: int, kind: str):
    volunteer = load_volunteer(volunteer_id)
    kind = enum_or_404(DocumentKind, kind, services.DOCUMENT_FIELDS)
    records = records_of(volunteer)
    form = DocumentForm(data=services.defaults_for(volunteer, kind, records, local_today())
                        if request.method == "GET" else None)
    if form.validate_on_submit():
        def issue() -> tuple[str, str]:
            services.issue_document(volunteer, kind, form.document_data(), current_user,
                                     records)
            return (url_for("volunteers.detail", volunteer_id=volunteer.id),
                    _("Issued: %(what)s.", what=services.DOCUMENT_LABELS[kind]))
        try:
            return submit_once(form.once_key.data, issue)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("volunteers/documents/document.html", form, volunteer=volunteer, kind=kind,
                       title=services.DOCUMENT_LABELS[kind],
                       fields=services.DOCUMENT_FIELDS[kind])


@bp.get("/<int:volunteer_id>/documents/<int:document_id>.pdf")
@roles_required(*STAFF)
def document_pdf(volunteer_id: int, document_id: int):
    return _send_document(load_volunteer(volunteer_id), document_id)


def _send_document(volunteer, document_id: int):
    document = found(services.open_document(volunteer, document_id, current_user))
    return exports.attachment(document.pdf, services.file_name(document, volunteer))


@bp.get("/me/documents/<int:document_id>.pdf")
@roles_required(Role.VOLUNTEER)
def my_document_pdf(document_id: int):
    return _send_document(found(volunteer_of_user(current_user)), document_id)


@bp.post("/me/hours/certificate")
@roles_required(Role.VOLUNTEER)
def my_hours_certificate():
    """The certificate (zaświadczenie, art. 44 ust. 3) of the approved hours in a period,
    which the volunteer may ask for: issued, kept and audited like every document."""
    volunteer = my_volunteer()
    form = HoursCertificateForm()
    if form.validate_on_submit():
        def issue() -> tuple[str, str]:
            records = records_of(volunteer)
            worked = approval.approved_by_kind(volunteer, form.period_start.data,
                                            form.period_end.data)
            if not worked:
                raise DomainError(_("There are no approved hours in this period."),
                                  field="period_start")
            scope = services.defaults_for(volunteer, DocumentKind.CERTIFICATE, records,
                                           local_today())["scope"] or services.work_scope(worked)
            document = services.issue_document(
                volunteer, DocumentKind.CERTIFICATE,
                {"issued_on": local_today(), "period_start": form.period_start.data,
                 "period_end": form.period_end.data, "scope": scope}, current_user, records)
            return url_for("documents.my_document_pdf", document_id=document.id), ""
        try:
            return submit_once(form.once_key.data, issue)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_my_hours(my_volunteer(), form, code=422)


@bp.post("/<int:volunteer_id>/trainings/<int:completion_id>/certificate")
@roles_required(*STAFF)
def training_certificate(volunteer_id: int, completion_id: int):
    volunteer = load_volunteer(volunteer_id)
    return _certificate(volunteer, completion_id, "documents.document_pdf",
                        url_for("volunteers.detail", volunteer_id=volunteer.id),
                        volunteer_id=volunteer.id)


def _certificate(volunteer, completion_id: int, endpoint: str, back: str, **values):
    """Issue (or find) the certificate of a completion of this volunteer and open it;
    a refusal goes back to ``back`` with its message."""
    completion = training.get_completion(completion_id)
    if completion is None or completion.volunteer_id != volunteer.id:
        abort(404)
    try:
        document = services.training_certificate(completion, current_user)
    except DomainError as error:
        return refused(error, back)
    db.session.commit()
    return redirect(url_for(endpoint, document_id=document.id, **values))


@bp.post("/me/trainings/completions/<int:completion_id>/certificate")
@roles_required(Role.VOLUNTEER)
def my_training_certificate(completion_id: int):
    return _certificate(my_volunteer(), completion_id, "documents.my_document_pdf",
                        url_for("training.my_trainings"))


@bp.route("/<int:volunteer_id>/records/<int:record_id>/scan", methods=["GET", "POST"])
@roles_required(*STAFF)
def scan_attach(volunteer_id: int, record_id: int):
    """The scan of a signed record: shown, attached or replaced."""
    volunteer = load_volunteer(volunteer_id)
    record = found(scans.record_of(volunteer, record_id))
    form = ScanForm()
    max_bytes = current_app.config["SCAN_MAX_BYTES"]
    if form.validate_on_submit():
        try:
            scans.attach_scan(volunteer, record, form.file.data, current_user, max_bytes)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Scan saved: %(what)s.", what=RECORD_LABELS[record.kind]), "success")
            return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id,
                                    _anchor="compliance-heading"))
    return _scan_page(volunteer, record, form, max_bytes)


def _scan_page(volunteer, record, form, max_bytes: int):
    """The record's scan and the form to send one, which says the size allowed beside
    the field, and says it again as soon as a larger file is chosen (app.js)."""
    mb = max_bytes // (1024 * 1024)
    form.file.description = _("PDF, PNG or JPEG, at most %(mb)d MB.", mb=mb)
    form.file.render_kw = {**form.file.render_kw, "data-max-bytes": max_bytes}
    return render_form("volunteers/documents/scan.html", form, volunteer=volunteer,
                       record=record, scan=scans.scan_of(record),
                       title=RECORD_LABELS[record.kind], allowed=scans.may_scan(record),
                       too_large=_("The file is too large: the most a scan may have is "
                                   "%(mb)d MB.", mb=mb))


@bp.post("/<int:volunteer_id>/records/<int:record_id>/scan/remove")
@roles_required(*STAFF)
def scan_remove(volunteer_id: int, record_id: int):
    volunteer = load_volunteer(volunteer_id)
    record = found(scans.record_of(volunteer, record_id))
    back = url_for("documents.scan_attach", volunteer_id=volunteer.id, record_id=record.id)
    try:
        scans.remove_scan(volunteer, record, current_user)
    except DomainError as error:
        return refused(error, back)
    db.session.commit()
    flash(_("Scan removed: %(what)s.", what=RECORD_LABELS[record.kind]), "success")
    return redirect(back)


@bp.get("/<int:volunteer_id>/scans/<int:scan_id>")
@roles_required(*STAFF)
def scan_file(volunteer_id: int, scan_id: int):
    return _send_scan(load_volunteer(volunteer_id), scan_id)


@bp.get("/me/scans/<int:scan_id>")
@roles_required(Role.VOLUNTEER)
def my_scan_file(scan_id: int):
    return _send_scan(my_volunteer(), scan_id)


def _send_scan(volunteer, scan_id: int):
    """The scan as a download, never shown in the browser's own page; audited."""
    scan = found(scans.open_scan(volunteer, scan_id, current_user))
    answer = exports.attachment(scan.content, scans.download_name(scan, volunteer))
    answer.headers.update({"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
    return answer
