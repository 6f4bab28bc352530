"""What the profiles room holds about a data subject (cal/core/rooms.py, RODO): the
volunteers themselves, their legal records, the documents issued to them and the scans
of the papers they signed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select, update

from cal.core.rooms import PersonalData
from cal.extensions import db
from cal.people.models import SubjectKind
from volunteers.documents import scans
from volunteers.models import ComplianceRecord, Volunteer, VolunteerDocument, VolunteerStatus
from volunteers.needs.models import NOT_ENDED, Match


def anonymise(subject, now: datetime) -> None:
    """A volunteer leaves; their grammatical gender, their register checks' findings
    (criminal-record data, RODO art. 10), their documents' PDFs and the scans of their
    signed papers go."""
    if subject.kind != SubjectKind.VOLUNTEER:
        return
    volunteer = subject.record
    volunteer.application_key, volunteer.gender = None, None
    if volunteer.status != VolunteerStatus.LEFT:
        volunteer.status, volunteer.left_at = VolunteerStatus.LEFT, now
        volunteer.status_changed_at = now
    for record in db.session.scalars(select(ComplianceRecord).where(
            ComplianceRecord.volunteer_id == volunteer.id)):
        record.result = None
    db.session.execute(update(VolunteerDocument).where(
        VolunteerDocument.volunteer_id == volunteer.id).values(pdf=b""))
    scans.delete_scans(volunteer.id)


def files(subject) -> list[tuple[str, bytes]]:
    """The scans of the papers the volunteer signed, for their export."""
    if subject.kind != SubjectKind.VOLUNTEER:
        return []
    return scans.scan_files(subject.record.id)


def past(_kind: str, cutoff: datetime, batch: int) -> list[int]:
    """Volunteers who left before ``cutoff``, without a match still live (which would
    block their erasure, and the batch, sweep after sweep)."""
    return list(db.session.scalars(
        select(Volunteer.id).where(Volunteer.anonymised_at.is_(None),
                                   Volunteer.status == VolunteerStatus.LEFT,
                                   func.coalesce(Volunteer.left_at,
                                                 Volunteer.status_changed_at) < cutoff,
                                   ~exists().where(Match.volunteer_id == Volunteer.id,
                                                   Match.status.in_(NOT_ENDED)))
        .order_by(Volunteer.id).limit(batch)))


PART = PersonalData("volunteers", subjects={SubjectKind.VOLUNTEER.value: Volunteer},
                    anonymise=anonymise, past=past, files=files)
