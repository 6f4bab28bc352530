"""Periodic scans that write due reminders into the outbox, then hand them on.

Each reminder's due time is fixed by what it is about (the day before a visit, 48 hours
after a proposal, 30 and 7 days before a document ends), so the outbox's unique key
(kind, subject, recipient, channel, due day) stores it once however often and however
late the scans run: a scan that missed a day catches up, and never repeats.

Texts are lazy (flask_babel's lazy_gettext), made in each recipient's language when
the outbox stores them.

Kinds: visits tomorrow, group sessions tomorrow (to those who lead them), proposals
waiting for an answer, agreements, checks, insurance and trainings that end in 30 or 7
days, a weekly nudge to volunteers who help and logged no hours for 7 days, a
morning summary for coordinators, and project deadlines 14, 7 and 1 day before. Each
is written in its recipient's language.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, ngettext
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from cal.auth.models import User
from cal.core.access import Role
from cal.core.once import FormSubmission
from cal.core.timeutil import (
    local_day_end_utc,
    local_day_start_utc,
    local_to_utc,
    to_local,
    utcnow,
)
from cal.core.urls import external_url
from cal.extensions import db
from cal.jobs import delivery
from cal.jobs.outbox import tell
from clubs.models import GroupLeader, GroupSession, SessionStatus
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
FORM_KEYS_KEPT = timedelta(days=30)


def _remind_at() -> time:
    """The local time of a reminder the day before (REMINDER_TIME, 17:00 by default)."""
    return current_app.config["REMINDER_TIME"]


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
                     due_at=local_to_utc(tomorrow - timedelta(days=1), _remind_at()),
                     url=external_url("volunteers.my_matches"))
    return made


def sessions_tomorrow(now: datetime) -> int:
    """The day before each group session, to those who lead the group (leaders, and the
    volunteers who co-lead it); a cancelled session is not announced."""
    tomorrow = to_local(now).date() + timedelta(days=1)
    made = 0
    for session in db.session.scalars(
            select(GroupSession).where(
                GroupSession.status == SessionStatus.PLANNED,
                GroupSession.starts_at >= local_day_start_utc(tomorrow),
                GroupSession.starts_at <= local_day_end_utc(tomorrow))
            .options(joinedload(GroupSession.group))):
        starts = to_local(session.starts_at).strftime("%H:%M")
        for user_id in db.session.scalars(select(GroupLeader.user_id).where(
                GroupLeader.group_id == session.group_id)):
            made += tell(user_id, "session_reminder", f"session:{session.id}",
                         _l("Tomorrow %(time)s: %(group)s", time=starts, group=session.group.name),
                         due_at=local_to_utc(tomorrow - timedelta(days=1), _remind_at()),
                         url=external_url("clubs.session_detail", session_id=session.id))
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


def project_deadlines(now: datetime) -> int:
    """14, 7 and 1 day before a project's report, payment claim or milestone, to its
    owner (or the project's manager); a deadline added late gets only the nearest."""
    from cal.projects.services import DEADLINE_DAYS, open_deadlines

    today = to_local(now).date()
    made = 0
    for deadline, project in open_deadlines(today + timedelta(days=max(DEADLINE_DAYS)), today):
        if deadline.due_on < today:
            continue
        passed = [d for d in DEADLINE_DAYS if deadline.due_on - timedelta(days=d) <= today]
        if not passed:
            continue
        days = min(passed)
        left = (deadline.due_on - today).days
        made += tell(deadline.owner_id or project.manager_id, "project_deadline",
                     f"deadline:{deadline.id}:{days}",
                     lazy_ngettext("%(what)s: %(num)d day left",
                                      "%(what)s: %(num)d days left", left,
                                      what=deadline.title),
                     body=_l("%(project)s: due on %(day)s.", project=project.name,
                                    day=deadline.due_on.strftime("%d.%m.%Y")),
                     due_at=local_to_utc(deadline.due_on - timedelta(days=days), time(8)),
                     url=external_url("projects.detail", project_id=project.id))
    return made


RODO_DAYS = (7, 1)  # before a data subject's request is due; and once when it is overdue


def rodo_deadlines(now: datetime) -> int:
    """7 days and 1 day before an open RODO request is due, and the day after, to every
    administrator (they handle the requests; the law gives a month)."""
    from cal.people.models import DataRequest, DataRequestStatus

    today = to_local(now).date()
    admins = list(db.session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                           User.active.is_(True))))
    made = 0
    for request in db.session.scalars(select(DataRequest).where(
            DataRequest.status == DataRequestStatus.OPEN,
            DataRequest.due_on <= today + timedelta(days=max(RODO_DAYS)))):
        left = (request.due_on - today).days
        step = "late" if left < 0 else min(d for d in RODO_DAYS if left <= d)
        title = (_l("RODO request no. %(id)s is overdue", id=request.id) if left < 0 else
                 lazy_ngettext("RODO request no. %(id)s: %(num)d day left",
                               "RODO request no. %(id)s: %(num)d days left", left,
                               id=request.id))
        for admin_id in admins:
            made += tell(admin_id, "rodo_deadline", f"rodo:{request.id}:{step}", title,
                         body=_l("Answer by %(day)s.",
                                 day=request.due_on.strftime("%d.%m.%Y")),
                         url=external_url("people.data_request", request_id=request.id))
    return made


SCANS = (visits_tomorrow, sessions_tomorrow, proposals_waiting, expiring, hours_nudge,
         coordinators_digest, project_deadlines, rodo_deadlines)


def refresh_indicators(now: datetime) -> int:
    """The values of the running projects' indicators, for the list of projects."""
    from cal.projects.models import Project, ProjectStatus
    from cal.projects.services import refresh_last_values

    projects = list(db.session.scalars(select(Project).where(
        Project.status.in_((ProjectStatus.RUNNING, ProjectStatus.SETTLING)))))
    refresh_last_values(projects, to_local(now).date(), now)
    return len(projects)


def purge(now: datetime) -> int:
    """Keys of stored forms are kept 30 days: long enough for any repeat to arrive."""
    return db.session.execute(delete(FormSubmission).where(
        FormSubmission.created_at < now - FORM_KEYS_KEPT)).rowcount


def run(now: datetime | None = None, inline: bool = False) -> dict[str, int]:
    """One scan of every kind, then the due notifications handed on (or delivered here).
    Each step is committed on its own: one that fails is logged and rolled back, and the
    others (the deliveries above all) go on."""
    now = now or utcnow()
    steps = [*SCANS, purge]
    made: dict[str, int] = {}
    for step in steps:
        made[step.__name__] = _step(step, now)
    made["handled"] = delivery.dispatch(now, inline=inline)
    made["indicators_refreshed"] = _step(refresh_indicators, now)
    made["retention"] = _step(retention_sweep, now)
    return made


def retention_sweep(now: datetime) -> int:
    """What has passed its retention period, anonymised or deleted (cal/people/retention)."""
    from cal.people.retention import sweep_step

    return sweep_step(now)


def _step(step, now: datetime) -> int:
    try:
        done = step(now)
        db.session.commit()
        return done
    except Exception:
        db.session.rollback()
        current_app.logger.exception("reminder step %s failed", step.__name__)
        return -1


def scheduled_run() -> dict[str, int]:
    """What `rq cron` runs (cal/jobs/cron.py): the application is made for each run."""
    from flask import has_app_context

    if has_app_context():
        return run()
    from cal import create_app

    with create_app().app_context():
        return run()
