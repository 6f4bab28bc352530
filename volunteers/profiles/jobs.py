"""The profiles room's periodic scans (cal/core/rooms.py): agreements, checks, insurance
and trainings that end in 30 or 7 days, and the coordinators' morning summary."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cal.auth.models import User
from cal.core.access import Role
from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from volunteers.compliance import latest_records
from volunteers.followup import services as followup
from volunteers.hours.models import EntryStatus, HourEntry
from volunteers.models import ComplianceRecord, RecordKind, Volunteer, VolunteerStatus
from volunteers.needs.models import HelpRequest, RequestStatus
from volunteers.training.models import TrainingCompletion

DIGEST_AT = time(8)  # local time of the coordinators' morning summary


EXPIRY_DAYS = (30, 7)


EXPIRING_KINDS = (RecordKind.AGREEMENT, RecordKind.REGISTER_CHECK, RecordKind.INSURANCE)


def expiring(now: datetime) -> int:
    """Records and required trainings that end in 30 or 7 days: to the volunteer and to
    the coordinators."""
    today = to_local(now).date()
    horizon = today + timedelta(days=max(EXPIRY_DAYS))
    coordinators = list(db.session.scalars(select(User.id).where(
        User.role == Role.COORDINATOR, User.active.is_(True))))
    volunteers = {v.id: v for v in db.session.scalars(select(Volunteer).where(
        Volunteer.status.in_((VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED))))}
    made = 0
    records: dict[int, list] = {}
    for record in db.session.scalars(select(ComplianceRecord).where(
            ComplianceRecord.volunteer_id.in_(list(volunteers)),
            ComplianceRecord.kind.in_(EXPIRING_KINDS))):
        records.setdefault(record.volunteer_id, []).append(record)
    ending = []
    for volunteer_id, theirs in records.items():
        for kind, record in latest_records(theirs).items():
            end = min(d for d in (record.valid_until, record.period_end, date.max) if d)
            if today <= end <= horizon:
                ending.append((volunteer_id, f"record:{record.id}", str(kind.value), end))
    for completion in db.session.scalars(
            select(TrainingCompletion).where(
                TrainingCompletion.volunteer_id.in_(list(volunteers)),
                TrainingCompletion.valid_until >= today,
                TrainingCompletion.valid_until <= horizon)
            .options(joinedload(TrainingCompletion.course))):
        ending.append((completion.volunteer_id, f"training:{completion.id}",
                       completion.course.name, completion.valid_until))
    for volunteer_id, subject, what, end in ending:
        volunteer = volunteers[volunteer_id]
        for days in EXPIRY_DAYS:
            due_day = end - timedelta(days=days)
            if due_day > today:
                continue
            due_at = local_to_utc(due_day, time(8))
            made += tell(volunteer.user_id, "expiring", f"{subject}:{days}",
                         _what_ends(what, end), due_at=due_at,
                         url=external_url("volunteers.me"))
            name = f"{volunteer.first_name} {volunteer.last_name}"
            for coordinator in coordinators:
                made += tell(coordinator, "expiring", f"{subject}:{days}",
                             _l("%(name)s: %(what)s", name=name, what=_what_ends(what, end)),
                             due_at=due_at,
                             url=external_url("volunteers.detail",
                                              volunteer_id=volunteer.id))
    return made


def _what_ends(what: str, end: date):
    """A lazy text: made in the language of the one it is told to."""
    names = {RecordKind.AGREEMENT.value: _l("The volunteer agreement"),
             RecordKind.REGISTER_CHECK.value: _l("The register check"),
             RecordKind.INSURANCE.value: _l("The accident insurance")}
    return _l("%(what)s ends on %(day)s", what=names.get(what, what),
              day=end.strftime("%d.%m.%Y"))


def coordinators_digest(now: datetime) -> int:
    """Every morning, to each coordinator, what waits for them: new applications, the
    open requests waiting longest, hours to approve, check-ins of matches due and
    matches with no hours and no contact for 14 days (counts only, no names)."""
    today = to_local(now).date()
    due_at = local_to_utc(today, DIGEST_AT)
    if now < due_at:
        return 0
    applications = db.session.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.status == VolunteerStatus.APPLICANT,
        Volunteer.created_at >= due_at - timedelta(days=1)))
    open_requests, oldest = db.session.execute(select(
        func.count(), func.min(HelpRequest.created_at)).where(
        HelpRequest.status == RequestStatus.OPEN)).one()
    hours = db.session.scalar(select(func.count()).select_from(HourEntry).where(
        HourEntry.status == EntryStatus.PENDING))
    check_ins, quiet = db.session.execute(select(
        followup.due_count(today), followup.quiet_count(today))).one()
    if not (applications or open_requests or hours or check_ins or quiet):
        return 0
    waiting_days = (today - to_local(oldest).date()).days if oldest else 0

    def body() -> str:
        lines = [
            ngettext("%(num)d new volunteer application since yesterday morning",
                     "%(num)d new volunteer applications since yesterday morning",
                     applications),
            ngettext("%(num)d open help request", "%(num)d open help requests", open_requests),
            ngettext("%(num)d entry of hours waits for approval",
                     "%(num)d entries of hours wait for approval", hours),
            ngettext("%(num)d check-in of a match is due", "%(num)d check-ins of matches are due",
                     check_ins),
            ngettext("%(num)d match with no hours and no contact for 14 days",
                     "%(num)d matches with no hours and no contact for 14 days", quiet),
        ]
        if open_requests:
            lines.insert(2, ngettext("the longest has waited %(num)d day",
                                     "the longest has waited %(num)d days", waiting_days))
        return "\n".join(f"- {line}" for line in lines)

    made = 0
    for user_id in db.session.scalars(select(User.id).where(
            User.role == Role.COORDINATOR, User.active.is_(True))):
        made += tell(user_id, "digest", f"day:{today.isoformat()}",
                     _l("What waits today"), body=body, due_at=due_at,
                     url=external_url("dashboard.index"))
    return made


SCANS = (expiring, coordinators_digest)
