"""The rules of following a match: the contact log, the check-ins (the first two weeks
after the start, then every N days for the kind of help; a check-in held moves the next
one), the matches gone quiet, and the end of a match with its cause and what follows
for the request."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.extensions import db
from volunteers.followup.models import (
    CheckIn,
    CheckInInterval,
    ContactKind,
    MatchContact,
    NextCheckIn,
    Voice,
)
from volunteers.hours.models import EntryStatus, HourEntry
from volunteers.models import HelpKind
from volunteers.needs import services as needs
from volunteers.needs.models import (
    END_CAUSE_LABELS,
    REQUEST_KINDS,
    EndCause,
    HelpRequest,
    Match,
    MatchStatus,
)

FIRST_CHECK_IN = timedelta(days=14)  # after the start of a match
DEFAULT_INTERVAL = 30  # days between check-ins, unless set for the kind of help
INTERVAL_RANGE = (7, 180)
QUIET = timedelta(days=14)  # no hours and no contact for this long: the match is quiet
SHOWN = 200
# Matches the log and the check-ins belong to: accepted once.
FOLLOWED = (MatchStatus.ACTIVE, MatchStatus.PAUSED, MatchStatus.ENDED)


class NextStep(enum.StrEnum):
    """What becomes of the request when its match ends."""

    REOPEN = "reopen"  # look for another volunteer
    CLOSE = "close"  # nothing more is needed
    NEW = "new"  # close it and open a new request for the family, copied from it


# Intervals ------------------------------------------------------------------------------

def intervals() -> dict[HelpKind, int]:
    """Days between check-ins for each kind of help a request can be for."""
    kept = dict(db.session.execute(select(CheckInInterval.kind, CheckInInterval.days)).all())
    return {kind: kept.get(kind, DEFAULT_INTERVAL) for kind in REQUEST_KINDS}


def set_intervals(days: dict[HelpKind, int], actor) -> None:
    low, high = INTERVAL_RANGE
    for kind, value in days.items():
        if not low <= value <= high:
            raise DomainError(_("Between %(low)d and %(high)d days.", low=low, high=high),
                              field=kind.value)
        row = db.session.get(CheckInInterval, kind)
        if row is None:
            db.session.add(CheckInInterval(kind=kind, days=value))
        else:
            row.days = value
    audit(actor, AuditAction.UPDATE, "check_in_interval", None,
          fields=[kind.value for kind in days])


def interval_of(kind: HelpKind) -> int:
    return db.session.scalar(select(CheckInInterval.days).where(
        CheckInInterval.kind == kind)) or DEFAULT_INTERVAL


# One match ------------------------------------------------------------------------------

def get_match(match_id: int) -> Match | None:
    return db.session.scalar(
        select(Match).where(Match.id == match_id)
        .options(joinedload(Match.volunteer),
                 joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household)))


def next_check_in(match: Match) -> date | None:
    """The day of the match's next check-in; none unless the match is active."""
    if match.status != MatchStatus.ACTIVE or match.started_on is None:
        return None
    planned = db.session.get(NextCheckIn, match.id)
    return planned.due_on if planned else match.started_on + FIRST_CHECK_IN


@dataclass(frozen=True)
class LogLine:
    """A line of a match's log: a contact, or a check-in with the family's voice."""

    on: date
    by: str
    contact: MatchContact | None = None
    check_in: CheckIn | None = None


def log_of(match: Match) -> list[LogLine]:
    """The contacts and check-ins of a match, the latest first (two queries)."""
    lines = [LogLine(c.happened_on, c.by_user.full_name if c.by_user else "", contact=c)
             for c in db.session.scalars(select(MatchContact).where(
                 MatchContact.match_id == match.id).options(joinedload(MatchContact.by_user)))]
    lines += [LogLine(c.held_on, c.by_user.full_name if c.by_user else "", check_in=c)
              for c in db.session.scalars(select(CheckIn).where(
                  CheckIn.match_id == match.id).options(joinedload(CheckIn.by_user)))]
    return sorted(lines, key=lambda line: (line.on, (line.contact or line.check_in).created_at),
                  reverse=True)


def _check_day(match: Match, day: date, today: date, field: str) -> None:
    if day > today:
        raise DomainError(_("The day cannot be in the future."), field=field)
    if match.started_on and day < match.started_on:
        raise DomainError(_("The match started on %(day)s.",
                            day=match.started_on.strftime("%d.%m.%Y")), field=field)


def add_contact(match: Match, kind: ContactKind, happened_on: date, note: str, actor,
                today: date) -> MatchContact:
    """A call with the family, a visit, a talk with the volunteer, on a day, with a note."""
    if match.status not in FOLLOWED:
        raise DomainError(_("Contacts are logged for an accepted match."))
    _check_day(match, happened_on, today, "happened_on")
    contact = MatchContact(match_id=match.id, kind=kind, happened_on=happened_on,
                           note=note[:500], by_user_id=actor.id)
    db.session.add(contact)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "match_contact", contact.id, detail=f"match {match.id}")
    return contact


def record_check_in(match: Match, voice: Voice, to_change: str, held_on: date, actor,
                    today: date) -> CheckIn:
    """A check-in held with the family: their voice, what they would change; the next
    one is planned the interval of the kind of help after it."""
    due_on = next_check_in(match)
    if due_on is None:
        raise DomainError(_("Check-ins are held while the match is active."))
    _check_day(match, held_on, today, "held_on")
    check_in = CheckIn(match_id=match.id, held_on=held_on, due_on=due_on, voice=voice,
                       to_change=to_change[:2000], by_user_id=actor.id)
    db.session.add(check_in)
    following = held_on + timedelta(days=interval_of(match.request.kind))
    planned = db.session.get(NextCheckIn, match.id)
    if planned is None:
        db.session.add(NextCheckIn(match_id=match.id, due_on=following))
    else:
        planned.due_on = following
    db.session.flush()
    audit(actor, AuditAction.CREATE, "match_check_in", check_in.id, detail=f"match {match.id}")
    return check_in


def end_match(match: Match, cause: EndCause, note: str, step: NextStep, actor,
              today: date) -> HelpRequest | None:
    """End the match with its cause, then reopen its request (another volunteer is
    looked for), close it, or close it and open a new request for the family copied
    from it, returned so its page can be opened to adjust it."""
    needs.change_match(match, MatchStatus.ENDED, note, actor, today, cause=cause)
    request = needs.get_request(match.request_id)
    if step == NextStep.REOPEN:
        return None
    if request.status.value != "closed":
        needs.close_request(request, note or str(END_CAUSE_LABELS[cause]), actor)
    if step == NextStep.NEW:
        return open_new_request(request, actor, today)
    return None


def open_new_request(request: HelpRequest, actor, today: date) -> HelpRequest:
    """A new open request for the same person or household, with the kind of help and
    its details copied, starting today."""
    data = {name: getattr(request, name) for name in needs.REQUEST_FIELDS}
    data.update(starts_on=today, ends_on=None)
    return needs.save_request(None, data, actor, person=request.person,
                              household=request.household)


# The coordinators' lists ----------------------------------------------------------------

def _due(today: date):
    """An active match whose next check-in is today or past."""
    return (Match.status == MatchStatus.ACTIVE, or_(
        NextCheckIn.due_on <= today,
        and_(NextCheckIn.match_id.is_(None), Match.started_on <= today - FIRST_CHECK_IN)))


def _last_hours():
    return (select(func.max(HourEntry.worked_on)).where(
        HourEntry.match_id == Match.id, HourEntry.status != EntryStatus.REJECTED)
        .correlate(Match).scalar_subquery())


def _last_contacts():
    return (select(func.max(MatchContact.happened_on)).where(MatchContact.match_id == Match.id)
            .correlate(Match).scalar_subquery(),
            select(func.max(CheckIn.held_on)).where(CheckIn.match_id == Match.id)
            .correlate(Match).scalar_subquery())


def _quiet(today: date):
    """An active match for at least QUIET with no hours logged (and not rejected) and
    no contact or check-in within QUIET."""
    since = today - QUIET
    return (Match.status == MatchStatus.ACTIVE, Match.started_on <= since,
            ~select(HourEntry.id).where(HourEntry.match_id == Match.id,
                                        HourEntry.status != EntryStatus.REJECTED,
                                        HourEntry.worked_on > since).exists(),
            ~select(MatchContact.id).where(MatchContact.match_id == Match.id,
                                           MatchContact.happened_on > since).exists(),
            ~select(CheckIn.id).where(CheckIn.match_id == Match.id,
                                      CheckIn.held_on > since).exists())


def due_count(today: date):
    """How many check-ins are due, as a scalar subquery (read with other counts)."""
    return (select(func.count()).select_from(Match)
            .outerjoin(NextCheckIn, NextCheckIn.match_id == Match.id)
            .where(*_due(today)).scalar_subquery())


def quiet_count(today: date):
    """How many matches are quiet, as a scalar subquery."""
    return select(func.count()).select_from(Match).where(*_quiet(today)).scalar_subquery()


@dataclass(frozen=True)
class Row:
    """A match of a coordinators' list, with its next check-in and its last signs."""

    match: Match
    due_on: date | None
    last_hours: date | None
    last_contact: date | None


def _rows(conditions, limit: int) -> list[Row]:
    stmt = (select(Match, NextCheckIn.due_on, _last_hours(), *_last_contacts())
            .outerjoin(NextCheckIn, NextCheckIn.match_id == Match.id).where(*conditions)
            .options(joinedload(Match.volunteer),
                     joinedload(Match.request).joinedload(HelpRequest.person),
                     joinedload(Match.request).joinedload(HelpRequest.household))
            .order_by(Match.started_on, Match.id).limit(limit))
    rows = [Row(match, due_on or match.started_on + FIRST_CHECK_IN, hours,
                max((d for d in (contact, check_in) if d), default=None))
            for match, due_on, hours, contact, check_in in db.session.execute(stmt)]
    return sorted(rows, key=lambda row: (row.due_on, row.match.id))


def due_check_ins(today: date, limit: int = SHOWN) -> list[Row]:
    """Active matches whose check-in is due, the longest overdue first."""
    return _rows(_due(today), limit)


def quiet_matches(today: date, limit: int = SHOWN) -> list[Row]:
    """Active matches with no hours and no contact for QUIET."""
    return _rows(_quiet(today), limit)
