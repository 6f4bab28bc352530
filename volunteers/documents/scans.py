"""Scans of a volunteer's signed paper records: the agreement, the information on risks
and on rights and duties, the consents and pledges, attached to their compliance record.

A scan is a PDF, PNG or JPEG, its type read from its first bytes (never from the name
or the browser's word), within the size of SCAN_MAX_BYTES, kept in the database with its
checksum. Only coordinators and administrators see it, and the volunteer their own; every
upload, removal and download is audited. The criminal-record information, the register
check and the records from abroad take no scan (RODO art. 10, DOMAIN.md 4.3): the centre
notes that the certificate was seen, when, by whom and the result, and keeps no copy.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.exports import ascii_name
from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.models import ComplianceRecord, RecordKind, Volunteer, VolunteerScan

# Criminal-record data: the fact of the check is recorded, never a copy of the certificate.
NO_SCAN = frozenset({RecordKind.CRIMINAL_RECORD, RecordKind.REGISTER_CHECK,
                     RecordKind.FOREIGN_RECORDS})
SCANNABLE = frozenset(RecordKind) - NO_SCAN
NO_SCAN_REASON = _l("A criminal-record certificate or a register check is not kept as a "
                    "scan (RODO art. 10): record only that it was seen, when, by whom and "
                    "the result.")

# The types a scan may have, by the bytes a file of each starts with.
SIGNATURES = ((b"%PDF-", "application/pdf", "pdf"),
              (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
              (b"\xff\xd8\xff", "image/jpeg", "jpg"))
EXTENSIONS = {content_type: ext for _head, content_type, ext in SIGNATURES}


def detect_type(content: bytes) -> str | None:
    """The scan's type read from its first bytes, or None for any other file."""
    for head, content_type, _ext in SIGNATURES:
        if content.startswith(head):
            return content_type
    return None


def may_scan(record: ComplianceRecord) -> bool:
    return record.kind in SCANNABLE


def record_of(volunteer: Volunteer, record_id: int) -> ComplianceRecord | None:
    """One of this volunteer's compliance records."""
    return db.session.scalar(select(ComplianceRecord).where(
        ComplianceRecord.id == record_id, ComplianceRecord.volunteer_id == volunteer.id))


def scan_of(record: ComplianceRecord) -> VolunteerScan | None:
    """The record's scan, without its content."""
    return db.session.scalar(select(VolunteerScan).where(VolunteerScan.record_id == record.id))


def scans_by_record(volunteer: Volunteer) -> dict[int, VolunteerScan]:
    """The volunteer's scans by their record, without their content (one query)."""
    return {scan.record_id: scan for scan in db.session.scalars(
        select(VolunteerScan).where(VolunteerScan.volunteer_id == volunteer.id))}


def scans_with_kinds(volunteer: Volunteer) -> list[tuple[VolunteerScan, RecordKind]]:
    """The volunteer's scans with their record's kind, the newest first (one query)."""
    return list(db.session.execute(
        select(VolunteerScan, ComplianceRecord.kind)
        .join(ComplianceRecord, ComplianceRecord.id == VolunteerScan.record_id)
        .where(VolunteerScan.volunteer_id == volunteer.id)
        .order_by(VolunteerScan.uploaded_at.desc(), VolunteerScan.id.desc())))


def read_upload(upload, max_bytes: int) -> tuple[bytes, str]:
    """The file sent and its type; refused beside the field when there is none, when it
    is empty, too large, or neither PDF, PNG nor JPEG."""
    if upload is None or not hasattr(upload, "stream") or not upload.filename:
        raise DomainError(_("Choose the file of the scan."), field="file")
    content = upload.stream.read(max_bytes + 1)
    if not content:
        raise DomainError(_("The file is empty."), field="file")
    if len(content) > max_bytes:
        raise DomainError(_("The file is too large: the most a scan may have is %(mb)d MB.",
                            mb=max_bytes // (1024 * 1024)), field="file")
    content_type = detect_type(content)
    if content_type is None:
        raise DomainError(_("This file is not a PDF, PNG or JPEG. Scan the paper to one of "
                            "them and send it again."), field="file")
    return content, content_type


def attach_scan(volunteer: Volunteer, record: ComplianceRecord, upload, actor,
                max_bytes: int) -> VolunteerScan:
    """Attach the scan of a signed record, replacing the one it had; audited."""
    if not may_scan(record):
        raise DomainError(str(NO_SCAN_REASON))
    content, content_type = read_upload(upload, max_bytes)
    scan = scan_of(record)
    action = AuditAction.UPDATE if scan else AuditAction.CREATE
    if scan is None:
        scan = VolunteerScan(volunteer_id=volunteer.id, record_id=record.id)
        db.session.add(scan)
    scan.file_name = (upload.filename or "")[:200]
    scan.content_type, scan.content, scan.size_bytes = content_type, content, len(content)
    scan.sha256 = hashlib.sha256(content).hexdigest()
    scan.uploaded_at, scan.uploaded_by_id = utcnow(), actor.id
    db.session.flush()
    audit(actor, action, "volunteer_scan", scan.id, fields=[record.kind.value],
          detail=f"volunteer {volunteer.id}, record {record.id}: {content_type}, "
                 f"{len(content)} B, sha256 {scan.sha256[:16]}")
    return scan


def remove_scan(volunteer: Volunteer, record: ComplianceRecord, actor) -> None:
    """Remove the record's scan (the record stays); audited."""
    scan = scan_of(record)
    if scan is None:
        raise DomainError(_("This record has no scan."))
    audit(actor, AuditAction.DELETE, "volunteer_scan", scan.id, fields=[record.kind.value],
          detail=f"volunteer {volunteer.id}, record {record.id}")
    db.session.delete(scan)


def open_scan(volunteer: Volunteer, scan_id: int, actor) -> VolunteerScan | None:
    """One of this volunteer's scans with its content; the download is audited."""
    scan = db.session.scalar(select(VolunteerScan).where(
        VolunteerScan.id == scan_id, VolunteerScan.volunteer_id == volunteer.id)
        .options(undefer(VolunteerScan.content)))
    if scan is not None:
        audit(actor, AuditAction.EXPORT, "volunteer_scan", scan.id,
              detail=f"volunteer {volunteer.id}, record {scan.record_id}")
    return scan


def download_name(scan: VolunteerScan, volunteer: Volunteer) -> str:
    """A name for the downloaded file, of ASCII only: never the name it was sent with."""
    name = ascii_name(f"skan {volunteer.last_name} {volunteer.first_name}", "skan")
    return f"{name}-{scan.id}.{EXTENSIONS[scan.content_type]}"


def scan_files(volunteer_id: int) -> list[tuple[str, bytes]]:
    """The volunteer's scans as files of a RODO export: (name, content)."""
    return [(f"{scan.id}-{ascii_name(scan.file_name.rsplit('.', 1)[0], 'skan')}."
             f"{EXTENSIONS[scan.content_type]}", scan.content)
            for scan in db.session.scalars(
                select(VolunteerScan).where(VolunteerScan.volunteer_id == volunteer_id)
                .options(undefer(VolunteerScan.content)).order_by(VolunteerScan.id))]


def delete_scans(volunteer_id: int) -> None:
    """Erasure: the volunteer's scans go, files and rows."""
    db.session.execute(delete(VolunteerScan).where(VolunteerScan.volunteer_id == volunteer_id))
