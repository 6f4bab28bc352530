"""Documents issued to a volunteer as PDFs (WeasyPrint), always in Polish.

The agreement (porozumienie, art. 44: scope, manner, place, period, termination
clause; an adult variant, one for a volunteer aged 13–17 who signs with the
guardian's consent, and one for a child under 13 on whose behalf the guardian
concludes it), the information on risks (art. 45) and on rights and duties
(art. 47), the written waiver of travel costs (art. 45 ust. 4), the confidentiality
pledge with the authorisation to process personal data, the certificate of
volunteering (zaświadczenie, art. 44 ust. 2: scope and period), the opinion
(opinia, art. 44 ust. 3) and the certificate of a completed training.

A document is stored as issued, so the copy printed again is the copy signed.
The wording is Polish whatever the interface language: these are the centre's
legal documents.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, undefer

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.pdf import render_pdf
from cal.core.text import fold
from cal.core.timeutil import age_on, local_today
from cal.extensions import db
from volunteers.compliance import (
    SHORT_AGREEMENT_DAYS,
    help_scope,
    latest_records,
    usual_agreement,
)
from volunteers.hours import approval
from volunteers.hours import services as hours
from volunteers.models import (
    HELP_KIND_LABELS,
    DocumentKind,
    RecordKind,
    Volunteer,
    VolunteerDocument,
)
from volunteers.training.models import TrainingCompletion

DOCUMENT_LABELS = {
    DocumentKind.AGREEMENT: _l("Agreement (porozumienie)"),
    DocumentKind.INFO_SHEET: _l("Information on risks, rights and duties"),
    DocumentKind.COST_WAIVER: _l("Waiver of travel costs"),
    DocumentKind.CONFIDENTIALITY: _l("Confidentiality pledge and data authorisation"),
    DocumentKind.CERTIFICATE: _l("Certificate of volunteering (zaświadczenie)"),
    DocumentKind.OPINION: _l("Opinion (opinia)"),
    DocumentKind.TRAINING_CERTIFICATE: _l("Training certificate"),
}
# The documents a coordinator issues from the volunteer's page, with the fields
# each asks for (a training certificate is issued from the completion).
DOCUMENT_FIELDS = {
    DocumentKind.AGREEMENT: ("issued_on", "period_start", "period_end", "scope", "place",
                             "terms", "guardian_name"),
    DocumentKind.INFO_SHEET: ("issued_on",),
    DocumentKind.COST_WAIVER: ("issued_on", "waiver_extent", "body"),
    DocumentKind.CONFIDENTIALITY: ("issued_on", "period_end"),
    DocumentKind.CERTIFICATE: ("issued_on", "period_start", "period_end", "scope"),
    DocumentKind.OPINION: ("issued_on", "period_start", "period_end", "body"),
}
REQUIRED_FIELDS = {
    DocumentKind.AGREEMENT: ("period_start", "scope", "place", "terms"),
    DocumentKind.CERTIFICATE: ("period_start", "period_end", "scope"),
    DocumentKind.OPINION: ("period_start", "period_end", "body"),
}
MIN_OPINION_LENGTH = 20


# The kinds of work on a certificate: the kinds of help, and trainings.
WORK_LABELS = {**{kind.value: label for kind, label in HELP_KIND_LABELS.items()},
               "training": _l("Trainings")}


def work_scope(worked: list[tuple[str, int]]) -> str:
    """The kinds of work done, in Polish, for a certificate's scope."""
    with force_locale("pl"):
        return "; ".join(str(WORK_LABELS.get(kind, kind)) for kind, _minutes in worked)


def agreement_variant(volunteer: Volunteer, on: date) -> str:
    """``adult``; ``minor`` (13–17: signs with the guardian's consent); ``child``
    (under 13: the guardian acts on the child's behalf). Capacity counts on the day
    the document is signed, which is the day it is issued."""
    if volunteer.birth_date is None:
        return "adult"
    age = age_on(volunteer.birth_date, on)
    return "adult" if age >= 18 else "minor" if age >= 13 else "child"


def defaults_for(volunteer: Volunteer, kind: DocumentKind, records, today: date) -> dict:
    """What a new document's form starts with: the signed agreement's wording when
    there is one, the centre's usual wording otherwise (compliance.usual_agreement); a
    certificate or an opinion covers the service from its first day to today."""
    agreement = latest_records(records).get(RecordKind.AGREEMENT)
    values = {"issued_on": today, "waiver_extent": "full", **usual_agreement(volunteer)}
    if agreement is not None:
        values.update(period_start=agreement.period_start, scope=agreement.scope or
                      values["scope"], place=agreement.place or values["place"],
                      terms=agreement.terms or values["terms"])
        if kind in (DocumentKind.AGREEMENT, DocumentKind.CONFIDENTIALITY):
            values["period_end"] = agreement.period_end
    if kind in (DocumentKind.CERTIFICATE, DocumentKind.OPINION):
        values.update(period_start=hours.service_start(volunteer), period_end=today)
    return values


def _check(volunteer: Volunteer, kind: DocumentKind, data: dict) -> None:
    for name in REQUIRED_FIELDS.get(kind, ()):
        if not data.get(name):
            raise DomainError(_("This field is required for this document."), field=name)
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        raise DomainError(_("The period cannot end before it starts."), field="period_end")
    if kind in (DocumentKind.CERTIFICATE, DocumentKind.OPINION) and end > data["issued_on"]:
        raise DomainError(_("A certificate or opinion covers time already served: the period "
                             "cannot end after the date of issue."), field="period_end")
    if kind == DocumentKind.OPINION and len(data["body"]) < MIN_OPINION_LENGTH:
        raise DomainError(_("Write the opinion (at least %(n)d characters).",
                             n=MIN_OPINION_LENGTH), field="body")
    if kind == DocumentKind.CONFIDENTIALITY and end and end < data["issued_on"]:
        raise DomainError(_("The authorisation cannot end before the date of issue."),
                          field="period_end")
    if kind == DocumentKind.AGREEMENT and agreement_variant(volunteer, data["issued_on"]) != (
            "adult") and not data.get("guardian_name"):
        raise DomainError(_("The volunteer is under 18: enter the guardian's name."),
                          field="guardian_name")
    if kind == DocumentKind.COST_WAIVER and data.get("waiver_extent") == "partial" and (
            not data.get("body")):
        raise DomainError(_("Describe which costs the volunteer waives."), field="body")


def issue_document(volunteer: Volunteer, kind: DocumentKind, data: dict, actor,
                   records=()) -> VolunteerDocument:
    """Check the data, print the PDF, keep it and audit it."""
    kind = DocumentKind(kind)
    data = {name: data.get(name) for name in DOCUMENT_FIELDS[kind]}
    data["issued_on"] = data.get("issued_on") or local_today()
    _check(volunteer, kind, data)
    agreement = latest_records(records).get(RecordKind.AGREEMENT)
    worked = (approval.approved_by_kind(volunteer, data["period_start"], data["period_end"])
              if kind == DocumentKind.CERTIFICATE else [])
    pdf = render_pdf(kind.value, issued_on=data["issued_on"], volunteer=volunteer, data=data,
                     worked=[(WORK_LABELS.get(k, k), m) for k, m in worked],
                     worked_total=sum(m for _, m in worked), hours_text=hours.hours_text,
                     agreement=agreement,
                     variant=agreement_variant(volunteer, data["issued_on"]),
                     short=_is_short(data.get("period_start"), data.get("period_end")),
                     help_scope=help_scope(volunteer))
    document = VolunteerDocument(
        volunteer_id=volunteer.id, kind=kind, issued_on=data["issued_on"],
        period_start=data.get("period_start"), period_end=data.get("period_end"),
        body=data.get("body") or data.get("scope") or "", pdf=pdf, created_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "volunteer_document", document.id, fields=[kind.value],
          detail=f"volunteer {volunteer.id}")
    return document


def _is_short(start: date | None, end: date | None) -> bool:
    return bool(start and end and (end - start).days + 1 <= SHORT_AGREEMENT_DAYS)


def training_certificate(completion: TrainingCompletion, actor) -> VolunteerDocument:
    """The certificate of one completed training; issued once and then reprinted."""
    existing = db.session.scalar(
        select(VolunteerDocument).where(VolunteerDocument.completion_id == completion.id))
    if existing is not None:
        return existing
    pdf = render_pdf("training_certificate", issued_on=local_today(),
                     volunteer=completion.volunteer, completion=completion,
                     course=completion.course)
    document = VolunteerDocument(
        volunteer_id=completion.volunteer_id, kind=DocumentKind.TRAINING_CERTIFICATE,
        issued_on=local_today(), period_start=completion.completed_on,
        period_end=completion.valid_until, body=completion.course.name,
        completion_id=completion.id, pdf=pdf, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:  # issued meanwhile (a second tap while this one was drawn)
        return db.session.scalar(
            select(VolunteerDocument).where(VolunteerDocument.completion_id == completion.id))
    audit(actor, AuditAction.CREATE, "volunteer_document", document.id,
          fields=[DocumentKind.TRAINING_CERTIFICATE.value],
          detail=f"volunteer {completion.volunteer_id}")
    return document


def documents_of(volunteer: Volunteer) -> list[VolunteerDocument]:
    """The documents issued to a volunteer, newest first (without their PDFs)."""
    return list(db.session.scalars(
        select(VolunteerDocument).where(VolunteerDocument.volunteer_id == volunteer.id)
        .options(joinedload(VolunteerDocument.created_by))  # in the same query
        .order_by(VolunteerDocument.created_at.desc(), VolunteerDocument.id.desc())))


def open_document(volunteer: Volunteer, document_id: int, actor) -> VolunteerDocument | None:
    """One of this volunteer's documents with its PDF; the read is audited."""
    document = db.session.scalar(
        select(VolunteerDocument).where(VolunteerDocument.id == document_id,
                                        VolunteerDocument.volunteer_id == volunteer.id)
        .options(undefer(VolunteerDocument.pdf)))
    if document is not None:
        audit(actor, AuditAction.READ, "volunteer_document", document.id,
              detail=f"volunteer {volunteer.id}")
    return document


def file_name(document: VolunteerDocument, volunteer: Volunteer) -> str:
    name = fold(f"{document.kind.value} {volunteer.last_name} {volunteer.first_name}")
    return "".join(c if c.isalnum() else "-" for c in name) + f"-{document.issued_on}.pdf"
