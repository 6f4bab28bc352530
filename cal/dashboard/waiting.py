"""What waits for a user on their start page, as counts read in one statement each: for
a volunteer, what waits for their answer or tap; for a coordinator, the work of the day,
each count with the page where it is done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from cal.community import shifts
from cal.directory.models import DirectoryEntry
from cal.directory.services import CHECK_AFTER
from cal.extensions import db
from cal.people import doubles
from volunteers.followup import services as followup
from volunteers.hours import services as hours
from volunteers.hours.models import EntryStatus, HourEntry
from volunteers.models import ComplianceRecord, Volunteer, VolunteerStatus
from volunteers.needs import services as needs
from volunteers.needs.models import HelpRequest, Match, MatchStatus, RequestStatus
from volunteers.training.models import TrainingCompletion

SOON = timedelta(days=30)
UNANSWERED = timedelta(hours=48)


def for_volunteer(volunteer, user, now: datetime) -> dict:
    """Proposals whose turn it is and shifts held whose hours are not logged (one
    statement), unread notices (read with the user); the duties' part is added by the
    start page."""
    since = now - timedelta(days=hours.MAX_DAYS_BACK)
    proposals, unlogged = db.session.execute(select(
        needs.waiting_count(volunteer), shifts.unlogged_count(volunteer, since, now))).one()
    return {"proposals": proposals, "shifts": unlogged, "duties": 0,
            "unread": user.unread_notifications}


@dataclass(frozen=True)
class Waiting:
    """A line of the coordinator's start page: what, how many, where it is done."""

    text: str
    count: int
    url: str


# Made once: an alias made on each call adapts its columns again.
_LATER = aliased(ComplianceRecord)
_NEWER = aliased(TrainingCompletion)


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def for_coordinator(today: date, now: datetime) -> list[Waiting]:
    """Hours to approve, proposals unanswered for 48 hours, open requests (and how long
    the oldest has waited), check-ins of matches due, new applications, legal records
    and trainings ending within 30 days, directory entries to check, records that may be
    one person's (a leader registered someone anew at the door): one statement, the
    lines with a count."""
    later, newer = _LATER, _NEWER
    active = select(Volunteer.id).where(Volunteer.status == VolunteerStatus.ACTIVE)
    row = db.session.execute(select(
        _count(HourEntry, HourEntry.status == EntryStatus.PENDING),
        _count(Match, Match.status == MatchStatus.PROPOSED, Match.proposed_at < now - UNANSWERED),
        _count(HelpRequest, HelpRequest.status == RequestStatus.OPEN),
        select(func.min(HelpRequest.created_at)).where(
            HelpRequest.status == RequestStatus.OPEN).scalar_subquery(),
        followup.due_count(today),
        _count(Volunteer, Volunteer.status == VolunteerStatus.APPLICANT),
        _count(ComplianceRecord, ComplianceRecord.period_end.between(today, today + SOON),
               ComplianceRecord.volunteer_id.in_(active), ~select(later.id).where(
                   later.volunteer_id == ComplianceRecord.volunteer_id,
                   later.kind == ComplianceRecord.kind,
                   or_(later.period_end.is_(None),
                       later.period_end > ComplianceRecord.period_end)).exists()),
        _count(TrainingCompletion, TrainingCompletion.valid_until.between(today, today + SOON),
               TrainingCompletion.volunteer_id.in_(active), ~select(newer.id).where(
                   newer.volunteer_id == TrainingCompletion.volunteer_id,
                   newer.course_id == TrainingCompletion.course_id,
                   or_(newer.valid_until.is_(None),
                       newer.valid_until > TrainingCompletion.valid_until)).exists()),
        _count(DirectoryEntry, and_(DirectoryEntry.active.is_(True),
                                    DirectoryEntry.checked_on < today - CHECK_AFTER)),
        doubles.count(),
    )).one()
    (hours_, unanswered, open_, oldest, check_ins, applicants, records, trainings, entries,
     twice) = row
    waited = (now - oldest).days if oldest else 0
    lines = [
        Waiting(ngettext("%(num)d entry of hours to approve", "%(num)d entries of hours to approve",
                         hours_), hours_, url_for("hours.hours_queue")),
        Waiting(ngettext("%(num)d proposal without an answer for 48 hours",
                         "%(num)d proposals without an answer for 48 hours", unanswered),
                unanswered, url_for("needs.requests", status="proposed")),
        Waiting(ngettext("%(num)d open request (the oldest waits %(days)d days)",
                         "%(num)d open requests (the oldest waits %(days)d days)", open_,
                         days=waited), open_, url_for("needs.requests", status="open")),
        Waiting(ngettext("%(num)d check-in of a match due", "%(num)d check-ins of matches due",
                         check_ins), check_ins, url_for("followup.index", _anchor="due")),
        Waiting(ngettext("%(num)d new application", "%(num)d new applications", applicants),
                applicants, url_for("volunteers.index", status="applicant")),
        Waiting(ngettext("%(num)d legal record ending within 30 days",
                         "%(num)d legal records ending within 30 days", records),
                records, url_for("volunteers.compliance")),
        Waiting(ngettext("%(num)d training ending within 30 days",
                         "%(num)d trainings ending within 30 days", trainings),
                trainings, url_for("volunteers.compliance")),
        Waiting(ngettext("%(num)d directory entry to check", "%(num)d directory entries to check",
                         entries), entries, url_for("directory.to_check")),
        Waiting(ngettext("%(num)d person possibly registered twice",
                         "%(num)d people possibly registered twice", twice),
                twice, url_for("merge.pairs")),
    ]
    return [line for line in lines if line.count]
