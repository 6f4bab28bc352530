"""The coordinators' side of the hours: the queue of entries waiting for approval, its
filters, approving and rejecting, the totals and the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_ngettext
from sqlalchemy import case, extract, func, select, update
from sqlalchemy.orm import joinedload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import utcnow
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from volunteers.hours.models import (
    Activity,
    EntryStatus,
    HourEntry,
)
from volunteers.hours.services import WHAT_IT_WAS_FOR
from volunteers.models import HelpKind, Volunteer


@dataclass(frozen=True)
class HoursFilter:
    volunteer_id: int | None = None
    month: date | None = None  # its first day
    activity: Activity | None = None
    status: EntryStatus | None = EntryStatus.PENDING


def _filtered(stmt, filters: HoursFilter):
    if filters.volunteer_id:
        stmt = stmt.where(HourEntry.volunteer_id == filters.volunteer_id)
    if filters.month:
        stmt = stmt.where(HourEntry.worked_on >= filters.month,
                          HourEntry.worked_on < next_month(filters.month))
    if filters.activity:
        stmt = stmt.where(HourEntry.activity == filters.activity)
    if filters.status:
        stmt = stmt.where(HourEntry.status == filters.status)
    return stmt


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


# As many rows as the bench's list yardstick (issue 26); approving them shows the next.
QUEUE_SHOWN = 50


def queue(filters: HoursFilter, limit: int | None = QUEUE_SHOWN) -> list[HourEntry]:
    """Entries for review, the oldest day first; one query. The entries are chosen
    first and only those are joined to their volunteers and read with what they were
    for (joined before the limit, every waiting entry of a large centre was joined,
    then all but 500 thrown away).
    The chosen ids are joined, not asked for with IN: PostgreSQL made IN a semi-join
    after joining all 500,000 entries (1 s; joined, 4 ms)."""
    order = (HourEntry.worked_on, HourEntry.volunteer_id, HourEntry.id)
    chosen = _filtered(select(HourEntry.id), filters).order_by(*order).limit(limit).subquery()
    return list(db.session.scalars(
        select(HourEntry).join(chosen, chosen.c.id == HourEntry.id)
        .options(joinedload(HourEntry.volunteer), WHAT_IT_WAS_FOR).order_by(*order)))


def count(filters: HoursFilter) -> int:
    """How many entries the filters match; count(*), which the smallest index answers
    (counting the ids read the queue's wider index)."""
    return db.session.scalar(_filtered(select(func.count()).select_from(HourEntry), filters))


def review(entry_ids: list[int], approve: bool, reason: str, actor) -> int:
    """Approve or reject the entries still waiting among these; a rejection needs its
    reason, which the volunteer sees. Returns how many changed."""
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError(_("Give the reason for the rejection; the volunteer will see it."),
                          field="reason")
    status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    # One conditional UPDATE: an entry changed, deleted or reviewed by someone else at
    # the same moment is left as it is.
    changed = db.session.execute(
        update(HourEntry).where(HourEntry.id.in_(entry_ids),
                                HourEntry.status == EntryStatus.PENDING)
        .values(status=status, reviewed_by_id=actor.id, reviewed_at=utcnow(),
                reject_reason="" if approve else reason[:300])
        .returning(HourEntry.id, HourEntry.volunteer_id)
        .execution_options(synchronize_session=False)).all()
    for entry_id, _volunteer_id in changed:
        audit(actor, AuditAction.UPDATE, "hour_entry", entry_id, fields=["status"],
              detail=status.value)
    if not approve and changed:
        users = dict(db.session.execute(select(Volunteer.id, Volunteer.user_id).where(
            Volunteer.id.in_({v for _, v in changed}))).all())
        for volunteer_id in sorted({v for _, v in changed}):
            theirs = sorted(e for e, v in changed if v == volunteer_id)
            count = len(theirs)
            tell(users.get(volunteer_id), "hours_rejected", f"hours:{theirs[0]}",
                 lazy_ngettext("%(num)d entry of hours not approved",
                                  "%(num)d entries of hours not approved", count),
                 body=reason, url=external_url("hours.my_hours"))
    db.session.expire_all()
    return len(changed)


@dataclass(frozen=True)
class TotalRow:
    volunteer_id: int
    name: str
    year: int
    month: int
    kind: str  # a HelpKind value, or "training"
    approved: int
    waiting: int


def totals(filters: HoursFilter) -> list[TotalRow]:
    """Minutes per volunteer, month and kind of help (approved and waiting); one query,
    whatever the status filter (rejected entries never count)."""
    year = extract("year", HourEntry.worked_on)
    month = extract("month", HourEntry.worked_on)
    kind = func.coalesce(HourEntry.help_kind, "training")

    def minutes(status):
        return func.sum(case((HourEntry.status == status, HourEntry.minutes), else_=0))
    stmt = _filtered(
        select(HourEntry.volunteer_id, Volunteer.last_name, Volunteer.first_name, year, month,
               kind, minutes(EntryStatus.APPROVED), minutes(EntryStatus.PENDING))
        .join(Volunteer, Volunteer.id == HourEntry.volunteer_id)
        .where(HourEntry.status != EntryStatus.REJECTED),
        HoursFilter(filters.volunteer_id, filters.month, filters.activity, None))
    stmt = stmt.group_by(HourEntry.volunteer_id, Volunteer.last_name, Volunteer.first_name,
                         year, month, kind)
    return sorted((TotalRow(v, f"{last} {first}", int(y), int(m), str(k), int(a or 0),
                            int(w or 0))
                   for v, last, first, y, m, k, a, w in db.session.execute(stmt)),
                  key=lambda r: (r.name, r.volunteer_id, r.year, r.month, r.kind))


def volunteer_name(volunteer_id: int) -> str | None:
    """"Surname First name" of a volunteer, or None if there is none with that id."""
    row = db.session.execute(select(Volunteer.last_name, Volunteer.first_name).where(
        Volunteer.id == volunteer_id)).first()
    return f"{row[0]} {row[1]}" if row else None


def approved_by_kind(volunteer: Volunteer, start: date, end: date) -> list[tuple[str, int]]:
    """Approved minutes in a period by kind of work (training last); one query."""
    kind = func.coalesce(HourEntry.help_kind, "training")
    rows = db.session.execute(
        select(kind, func.sum(HourEntry.minutes)).where(
            HourEntry.volunteer_id == volunteer.id, HourEntry.status == EntryStatus.APPROVED,
            HourEntry.worked_on >= start, HourEntry.worked_on <= end)
        .group_by(kind)).all()
    order = [k.value for k in HelpKind] + ["training"]
    return sorted(((str(k), int(m)) for k, m in rows), key=lambda r: order.index(r[0]))
