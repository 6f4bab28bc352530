"""Volunteers' profiles: application, pipeline, compliance records, profile."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from cal.auth import services as auth_services
from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.text import fold
from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.compliance import (
    State,
    activation_blockers,
    compliance_items,
    missing_record_fields,
    record_fields,
    usual_agreement,
)
from volunteers.models import (
    ComplianceRecord,
    HelpKind,
    RecordKind,
    StatusChange,
    Volunteer,
    VolunteerStatus,
)
from volunteers.services import records_of, volunteer_of_user
from volunteers.training.compliance import training_items
from volunteers.training.models import TrainingCompletion
from volunteers.training.services import active_courses, completions_of

S = VolunteerStatus
ALLOWED_MOVES = {
    S.APPLICANT: (S.SCREENING, S.LEFT),
    S.SCREENING: (S.TRAINING, S.ACTIVE, S.LEFT),
    S.TRAINING: (S.ACTIVE, S.LEFT),
    S.ACTIVE: (S.PAUSED, S.LEFT),
    S.PAUSED: (S.ACTIVE, S.LEFT),
    S.LEFT: (S.SCREENING,),
}
PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "birth_date", "gender",
                  "district_id",
                  "help_kinds", "subjects", "grade_from", "grade_to", "tasks", "languages",
                  "availability", "capacity", "works_with_children", "sees_personal_data",
                  "lived_abroad", "notes")
OWN_PROFILE_FIELDS = ("email", "phone", "availability")


RECORD_FIELDS = ("done_on", "valid_until", "period_start", "period_end", "result", "scope",
                 "place", "terms", "checked_by", "note")


def count_by_status() -> dict[VolunteerStatus, int]:
    rows = db.session.execute(select(Volunteer.status, func.count()).group_by(Volunteer.status))
    counts = dict.fromkeys(VolunteerStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


PAGE_SIZE = 50


def volunteers_listed(status: VolunteerStatus | None = None, query: str = ""):
    """The select of the volunteers at a stage (any if None) whose name contains each
    word of ``query`` (Polish letters and case aside), by name (read in the order of an
    index, ix_volunteers_name or ix_volunteers_status_name), with their districts."""
    stmt = select(Volunteer).options(joinedload(Volunteer.district))
    if status is not None:
        stmt = stmt.where(Volunteer.status == status)
    for word in fold(query).split():  # "dabrowska" finds Dąbrowska
        stmt = stmt.where(Volunteer.search_name.contains(word, autoescape=True))
    return stmt.order_by(Volunteer.last_name, Volunteer.first_name, Volunteer.id)


def board_page(status: VolunteerStatus | None, query: str, number: int):
    """A page of the board (volunteers_listed) and the count at each stage. Without a
    name searched, the page's total is the stage's count (or all of them): no second
    count of the volunteers."""
    counts = count_by_status()
    page = db.paginate(volunteers_listed(status, query), page=number, per_page=PAGE_SIZE,
                       error_out=False, count=bool(query.split()))
    if page.total is None:
        page.total = counts[status] if status else sum(counts.values())
    return page, counts


def submit_application(data: dict, key: str) -> tuple[Volunteer, bool]:
    """Store an application once per key; returns the volunteer and whether it is new.

    A form sent twice (a double tap, a retry on a bad network) carries the same key
    and finds the first application instead of making a second.
    """
    existing = find_application(key)
    if existing is not None:
        return existing, False
    volunteer = Volunteer(application_key=key, status=S.APPLICANT, consent_at=utcnow(),
                          **{k: v for k, v in data.items() if k in PROFILE_FIELDS})
    volunteer.works_with_children = HelpKind.TUTORING in volunteer.kinds()
    db.session.add(volunteer)
    db.session.flush()  # two requests with one key at the same moment: IntegrityError here
    db.session.add(StatusChange(volunteer_id=volunteer.id, from_status=None, to_status=S.APPLICANT,
                                note=_("application form")))
    return volunteer, True


def find_application(key: str) -> Volunteer | None:
    return db.session.scalar(select(Volunteer).where(Volunteer.application_key == key))


def read_compliance(volunteer: Volunteer, actor, today: date):
    """The compliance panel's items (records and required trainings), the full
    history of records and the trainings completed; the read is audited."""
    records = records_of(volunteer)
    completions = completions_of(volunteer)
    audit(actor, AuditAction.READ, "volunteer_compliance", volunteer.id)
    items = compliance_items(volunteer, records, today,
                             training_items(volunteer, active_courses(), completions, today))
    return items, records, completions


class ActivationRefused(DomainError):
    """Activation refused: ``items`` are the records and trainings still missing, each
    with what to do about it (the volunteer's page lists them with links)."""

    def __init__(self, items: list):
        missing = "; ".join(f"{i.label} ({i.reason})" for i in items)
        super().__init__(_("Cannot activate yet. Missing: %(missing)s.", missing=missing))
        self.items = items


def what_activation_needs(volunteer: Volunteer, today: date) -> list:
    """The required records and trainings that are missing, expired or not clear."""
    trainings = training_items(volunteer, active_courses(), completions_of(volunteer), today)
    return activation_blockers(volunteer, records_of(volunteer), today, trainings)


def move_volunteer(volunteer: Volunteer, to_status: VolunteerStatus, actor, today: date,
                   note: str = "") -> None:
    """Move to another stage; refuses a move the pipeline does not allow, and
    activation while a required record is missing (naming each one)."""
    to_status = VolunteerStatus(to_status)
    if to_status not in ALLOWED_MOVES[volunteer.status]:
        raise DomainError(_("A volunteer cannot move from this stage to that one."))
    if to_status == S.ACTIVE:
        blockers = what_activation_needs(volunteer, today)
        if blockers:
            raise ActivationRefused(blockers)
    db.session.add(StatusChange(volunteer_id=volunteer.id, from_status=volunteer.status,
                                to_status=to_status, by_user_id=actor.id, note=note[:300]))
    volunteer.status = to_status
    volunteer.status_changed_at = utcnow()
    volunteer.left_at = utcnow() if to_status == S.LEFT else None


def invite_volunteer(volunteer: Volunteer, actor, ttl: timedelta) -> str | None:
    """Give an accepted volunteer an account: returns the invitation token, or None
    when they already have one (or have no e-mail to send it to)."""
    if volunteer.user_id is not None or not volunteer.email:
        return None
    user = auth_services.find_user_by_email(volunteer.email)
    if user is not None:
        if user.role == Role.VOLUNTEER and volunteer_of_user(user) is None:
            volunteer.user_id = user.id
        return None
    user, raw = auth_services.invite_user(volunteer.email, volunteer.full_name, Role.VOLUNTEER,
                                          actor, ttl)
    volunteer.user_id = user.id
    return raw


def history_of(volunteer: Volunteer) -> list[StatusChange]:
    return list(db.session.scalars(
        select(StatusChange).where(StatusChange.volunteer_id == volunteer.id)
        .options(selectinload(StatusChange.by_user))
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())))


def record_defaults(volunteer: Volunteer, kind: RecordKind) -> dict:
    """What a new record's form starts with: an agreement, the centre's usual wording."""
    return usual_agreement(volunteer) if kind == RecordKind.AGREEMENT else {}


def record_refusals(kind: RecordKind, data: dict) -> dict[str, str]:
    """What this kind of record still lacks or gets wrong, by field: every reason at
    once, so that a form is corrected in one go."""
    data = {k: v for k, v in data.items() if k in record_fields(kind)}
    refusals = {name: _("This field is required for this record.")
                for name in missing_record_fields(kind, data)}
    if data.get("valid_until") and data.get("done_on") and data["valid_until"] < data["done_on"]:
        refusals["valid_until"] = _("“Valid until” cannot be before the date.")
    if data.get("period_start") and data.get("period_end") and (
            data["period_end"] < data["period_start"]):
        refusals["period_end"] = _("The period cannot end before it starts.")
    return refusals


def add_record(volunteer: Volunteer, kind: RecordKind, data: dict, actor) -> ComplianceRecord:
    """Record an agreement, check or consent; refuses one without what the law needs."""
    kind = RecordKind(kind)
    data = {k: v for k, v in data.items() if k in record_fields(kind)}
    refusals = record_refusals(kind, data)
    if refusals:
        raise DomainError.of(refusals)
    record = ComplianceRecord(volunteer_id=volunteer.id, kind=RecordKind(kind),
                              created_by_id=actor.id,
                              **{k: v for k, v in data.items() if k in RECORD_FIELDS})
    db.session.add(record)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "compliance_record", record.id, fields=[record.kind.value],
          detail=f"volunteer {volunteer.id}")
    return record


def compliance_overview(today: date) -> list[tuple[Volunteer, list]]:
    """Everyone not gone whose required records are missing or end within 30 days,
    with those items; four queries whatever the number of volunteers."""
    volunteers = list(db.session.scalars(
        select(Volunteer).where(Volunteer.status != S.LEFT)
        .options(selectinload(Volunteer.district))
        .order_by(Volunteer.last_name, Volunteer.first_name)))
    by_volunteer: dict[int, list[ComplianceRecord]] = {}
    for record in db.session.scalars(select(ComplianceRecord).join(Volunteer).where(
            Volunteer.status != S.LEFT)):
        by_volunteer.setdefault(record.volunteer_id, []).append(record)
    courses = active_courses()
    trained: dict[int, list[TrainingCompletion]] = {}
    for completion in db.session.scalars(select(TrainingCompletion).join(Volunteer).where(
            Volunteer.status != S.LEFT)):
        trained.setdefault(completion.volunteer_id, []).append(completion)
    result = []
    for volunteer in volunteers:
        trainings = training_items(volunteer, courses, trained.get(volunteer.id, []), today)
        items = [i for i in compliance_items(volunteer, by_volunteer.get(volunteer.id, []), today,
                                             trainings)
                 if i.required and i.state in (State.MISSING, State.EXPIRING)]
        if items:
            result.append((volunteer, items))
    return result


def update_profile(volunteer: Volunteer, data: dict, actor, own: bool = False) -> list[str]:
    allowed = OWN_PROFILE_FIELDS if own else PROFILE_FIELDS
    changed = [k for k in allowed if k in data and getattr(volunteer, k) != data[k]]
    for name in changed:
        setattr(volunteer, name, data[name])
    if changed:
        audit(actor, AuditAction.UPDATE, "volunteer", volunteer.id, fields=changed)
    return changed
