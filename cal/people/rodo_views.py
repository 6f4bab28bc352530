"""RODO pages of the administrator: data subjects' requests with their deadlines, the
export and the erasure each request allows, and the retention periods."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.centre import centre
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.pdf import render_pdf
from cal.core.render import refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.core.urls import arg_id
from cal.extensions import db
from cal.people import retention, rodo, walk_in_links
from cal.people.forms import (
    REQUEST_KIND_LABELS,
    CloseRequestForm,
    DataRequestForm,
    EraseForm,
    ExtendRequestForm,
    LinkRecordsForm,
    retention_form,
)
from cal.people.models import DataRequest, DataRequestStatus, RequestKind, SubjectKind
from cal.people.rodo_labels import ACTIONS, FIELDS, SECTIONS

bp = Blueprint("rodo", __name__)
declare(bp, menu=[MenuEntry("rodo.data_requests", _l("RODO requests"), 180)])

@bp.get("/admin/rodo")
@roles_required(Role.ADMIN)
def data_requests():
    return render_page("people/rodo_requests.html", requests=rodo.list_data_requests(),
                       today=local_today(), kinds=REQUEST_KIND_LABELS)


def _subject_from_args() -> rodo.Subject:
    for kind in SubjectKind:
        subject_id = arg_id(request.args.get(kind.value))
        if subject_id:
            return found(rodo.gather(kind, subject_id))
    return found(None)


@bp.route("/admin/rodo/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def data_request_new():
    subject = _subject_from_args()
    form = DataRequestForm()
    if form.validate_on_submit():
        def log() -> tuple[str, str]:
            logged = rodo.open_request(subject, form.data, current_user)
            return (url_for("rodo.data_request", request_id=logged.id),
                    _("Request logged. Answer by %(day)s.",
                      day=logged.due_on.strftime("%d.%m.%Y")))
        try:
            return submit_once(form.once_key.data, log)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("people/rodo_request_new.html", form, subject=subject)


def _page(logged: DataRequest, status: int = 200, **forms):
    record = rodo.subject_record(logged.subject_kind, logged.subject_id)
    blockers = []  # everything stored about the subject is read only to find these
    if record and logged.kind == RequestKind.ERASURE and not record.anonymised_at:
        blockers = rodo.erasure_blockers(rodo.gather(logged.subject_kind, record.id), _held())
    unlinked = []  # records made with the person's phone or e-mail, not yet theirs
    if (record and logged.subject_kind == SubjectKind.PERSON and not record.anonymised_at
            and logged.status == DataRequestStatus.OPEN):
        unlinked = walk_in_links.unlinked_of(record)
    context = {"extend_form": ExtendRequestForm(formdata=None),
               "close_form": CloseRequestForm(formdata=None),
               "erase_form": EraseForm(formdata=None),
               "link_form": LinkRecordsForm(formdata=None), **forms}
    context["link_form"].records.choices = [(found.key, found.what) for found in unlinked]
    return render_page("people/rodo_request.html", status=status, logged=logged,
                       record=record, blockers=blockers, today=local_today(),
                       kinds=REQUEST_KIND_LABELS, unlinked=unlinked, **context)


def _held():
    return retention.held_projects(local_today(), retention.periods())


@bp.get("/admin/rodo/<int:request_id>")
@roles_required(Role.ADMIN)
def data_request(request_id: int):
    return _page(found(db.session.get(DataRequest, request_id)))


def _act(request_id: int, form_class, name: str, action):
    """Check the form, run ``action(logged, form)``, commit; or the page with the errors."""
    logged = found(db.session.get(DataRequest, request_id))
    form = form_class()
    if form.validate_on_submit():
        try:
            message = action(logged, form)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("rodo.data_request", request_id=logged.id))
    return _page(logged, status=422, **{name: form})


@bp.post("/admin/rodo/<int:request_id>/link")
@roles_required(Role.ADMIN)
def data_request_link(request_id: int):
    """Link the records the person made with their phone or e-mail to their record."""
    def link(logged, form):
        if logged.status != DataRequestStatus.OPEN or logged.subject_kind != SubjectKind.PERSON:
            raise DomainError(_("The RODO request is closed."), field="records")
        person = found(rodo.subject_record(logged.subject_kind, logged.subject_id))
        linked = walk_in_links.link(person, form.records.data or [], current_user)
        return ngettext("%(num)d record linked to the person: it is in their data now.",
                        "%(num)d records linked to the person: they are in their data now.",
                        linked)
    return _act(request_id, LinkRecordsForm, "link_form", link)


@bp.post("/admin/rodo/<int:request_id>/extend")
@roles_required(Role.ADMIN)
def data_request_extend(request_id: int):
    def extend(logged, form):
        rodo.extend_request(logged, form.reason.data, current_user)
        return _("Deadline extended to %(day)s. Tell the person why, within the first month.",
                 day=logged.due_on.strftime("%d.%m.%Y"))
    return _act(request_id, ExtendRequestForm, "extend_form", extend)


@bp.post("/admin/rodo/<int:request_id>/close")
@roles_required(Role.ADMIN)
def data_request_close(request_id: int):
    def close(logged, form):
        rodo.close_request(logged, form.status.data, form.outcome.data, current_user)
        return _("Request closed.")
    return _act(request_id, CloseRequestForm, "close_form", close)


@bp.post("/admin/rodo/<int:request_id>/erase")
@roles_required(Role.ADMIN)
def data_request_erase(request_id: int):
    def erase(logged, form):
        if logged.kind != RequestKind.ERASURE:
            raise DomainError(_("Only a request for erasure allows it."), field="confirm")
        if logged.status != DataRequestStatus.OPEN:
            raise DomainError(_("The RODO request is closed."), field="confirm")
        subject = found(rodo.gather(logged.subject_kind, logged.subject_id))
        if subject.record.anonymised_at:
            raise DomainError(_("The data were anonymised already."), field="confirm")
        rodo.anonymise(subject, current_user, f"RODO request {logged.id}", _held())
        return _("The personal data were anonymised; the counts for reports stay.")
    return _act(request_id, EraseForm, "erase_form", erase)


@bp.get("/admin/rodo/<int:request_id>/export.json", defaults={"file_format": "json"})
@bp.get("/admin/rodo/<int:request_id>/export.pdf", defaults={"file_format": "pdf"})
@bp.get("/admin/rodo/<int:request_id>/export.zip", defaults={"file_format": "zip"})
@roles_required(Role.ADMIN)
def data_request_export(request_id: int, file_format: str):
    """Everything stored about the subject, as the request's answer; audited."""
    logged = found(db.session.get(DataRequest, request_id))
    subject = found(rodo.gather(logged.subject_kind, logged.subject_id))
    data = rodo.export_data(subject, centre().name, printed=file_format == "pdf")
    name = f"rodo-{logged.id}-{subject.kind.value}-{subject.record.id}.{file_format}"
    if file_format == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2)
    elif file_format == "zip":  # the data with the subject's files (scans)
        body = rodo.export_archive(data, rodo.export_files(subject))
    else:
        labels = rodo_labels()
        entries = data["sections"]["audit_log"]
        data["sections"]["audit_log"] = rodo.log_by_month(entries, labels["actions"],
                                                          labels["fields"])
        try:  # the log's heading counts its entries, not the rows of months
            body = render_pdf("rodo_export", data=data, logged=logged, labels=labels,
                              issued_on=local_today(), counts={"audit_log": len(entries)})
        except DomainError as error:
            return refused(error, url_for("rodo.data_request", request_id=logged.id))
    rodo.record_export(subject, current_user, logged.id, file_format)
    return exports.attachment(body, name)


def rodo_labels():
    return {"sections": SECTIONS, "fields": FIELDS, "actions": ACTIONS}


@bp.route("/admin/retention", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def retention_periods():
    form = retention_form(retention.RecordType, retention.periods())
    if form.validate_on_submit():
        retention.set_periods({kind: form[kind.value].data for kind in retention.RecordType},
                              current_user)
        db.session.commit()
        flash(_("Retention periods saved."), "success")
        return redirect(url_for("rodo.retention_periods"))
    return render_form("people/retention.html", form, types=retention.RECORD_TYPES,
                       due=retention.due())


@bp.post("/admin/retention/sweep")
@roles_required(Role.ADMIN)
def retention_sweep():
    done = retention.sweep()
    db.session.commit()
    flash(ngettext("Sweep done: %(num)d record anonymised or deleted.",
                   "Sweep done: %(num)d records anonymised or deleted.", sum(done.values())),
          "success")
    return redirect(url_for("rodo.retention_periods"))
