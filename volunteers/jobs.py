"""The volunteers' periodic scans (cal/core/rooms.py): visits tomorrow, proposals
waiting for an answer, agreements, checks, insurance and trainings that end in 30 or 7
days, the Monday nudge to log hours, and the coordinators' morning summary."""

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
from cal.notifications.reminders import remind_at
from volunteers import availability
from volunteers.compliance import latest_records
from volunteers.models import (
    ComplianceRecord,
    EntryStatus,
    HelpRequest,
    HourEntry,
    Match,
    MatchStatus,
    RecordKind,
    RequestStatus,
    TrainingCompletion,
    Volunteer,
    VolunteerStatus,
)

DIGEST_AT = time(8)  # local time of the coordinators' morning summary
NUDGE_AT = time(10)  # Monday, local time, of the weekly nudge to log hours
NUDGE_AFTER = timedelta(days=7)
ANSWER_AFTER = timedelta(hours=48)
EXPIRY_DAYS = (30, 7)
EXPIRING_KINDS = (RecordKind.AGREEMENT, RecordKind.REGISTER_CHECK, RecordKind.INSURANCE)


def visits_tomorrow(now: datetime) -> int:
    """The day before each regular visit of an active match, to its volunteer."""
    tomorrow = to_local(now).date() + timedelta(days=1)
    made = 0
    for match in db.session.scalars(
            select(Match).where(Match.status == MatchStatus.ACTIVE)
            .options(joinedload(Match.volunteer),
                     joinedload(Match.request).joinedload(HelpRequest.person),
                     joinedload(Match.request).joinedload(HelpRequest.household))):
        blocks = [b for d, b in availability.decode(match.schedule) if d == tomorrow.weekday()]
        if not blocks or match.volunteer.user_id is None:
            continue
        start, end = availability.BLOCKS[min(blocks)]
        person = match.request.person
        made += tell(match.volunteer.user_id, "visit_reminder",
                     f"match:{match.id}:{tomorrow.isoformat()}",
                     _l("Tomorrow %(start)d–%(end)d: a visit to %(who)s", start=start, end=end,
                        who=person.first_name if person else _l("the family")),
                     due_at=local_to_utc(tomorrow - timedelta(days=1), remind_at()),
                     url=external_url("volunteers.my_matches"))
    return made


def proposals_waiting(now: datetime) -> int:
    """A proposal still waiting for the volunteer's answer 48 hours later."""
    made = 0
    for match in db.session.scalars(
            select(Match).where(Match.status == MatchStatus.PROPOSED,
                                Match.proposed_at <= now - ANSWER_AFTER)
            .options(joinedload(Match.volunteer))):
        if match.volunteer.user_id is None:
            continue
        made += tell(match.volunteer.user_id, "proposal_waiting", f"match:{match.id}",
                     _l("A proposal is waiting for your answer"),
                     due_at=match.proposed_at + ANSWER_AFTER,
                     url=external_url("volunteers.my_matches"))
    return made


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


def hours_nudge(now: datetime) -> int:
    """On Monday morning, to volunteers with an active match who have logged no hours
    in the 7 days before it; once a week, and only on Monday (a scan that missed the
    Monday does not nudge in the middle of the week, or of the night)."""
    today = to_local(now).date()
    due_at = local_to_utc(today, NUDGE_AT)
    if today.weekday() != 0 or now < due_at:
        return 0
    since = due_at - NUDGE_AFTER
    helping = select(Match.volunteer_id).where(
        Match.status == MatchStatus.ACTIVE, Match.started_on <= today - NUDGE_AFTER)
    logged = select(HourEntry.volunteer_id).where(HourEntry.created_at >= since)
    made = 0
    week = f"{today.isocalendar().year}-{today.isocalendar().week:02d}"
    for user_id in db.session.scalars(select(Volunteer.user_id).where(
            Volunteer.status == VolunteerStatus.ACTIVE, Volunteer.user_id.is_not(None),
            Volunteer.id.in_(helping), Volunteer.id.not_in(logged))):
        made += tell(user_id, "hours_nudge", f"week:{week}",
                     _l("Log the hours of your visits"),
                     body=_l("No hours have come from you for a week. Logging a visit "
                             "takes three taps on the phone."),
                     due_at=due_at, url=external_url("volunteers.my_hours_new"))
    return made


def coordinators_digest(now: datetime) -> int:
    """Every morning, to each coordinator, what waits for them: new applications, the
    open requests waiting longest and hours to approve (counts only, no names)."""
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
    if not (applications or open_requests or hours):
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


SCANS = (visits_tomorrow, proposals_waiting, expiring, hours_nudge, coordinators_digest)
