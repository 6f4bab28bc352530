"""Which legal records a volunteer needs, and whether each is in order.

The rules (DOMAIN.md, sections 1 and 2):
- always: the agreement (porozumienie: scope, place, period, termination clause) and
  the information on health and safety risks (art. 45) and on rights and duties (art. 47);
- an agreement of 30 days or less: accident insurance (NNW, art. 46 ust. 3);
- work with children: the register check (both registers) and the criminal-record
  information, both without entries, the signed acknowledgement of the child-protection
  standards with the training date, and foreign records when the volunteer lived
  abroad in the last 20 years;
- a volunteer under 18: the guardian's consent (under 13 the guardian is the party);
- access to personal data: the confidentiality pledge and the data-access authorisation.
The travel-cost waiver is optional, and shown when given.

Trainings join the same panel (volunteers/training/compliance.py): a volunteer who offers
a kind of help must hold a valid completion of every active course required for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from cal.core.centre import centre
from cal.core.timeutil import age_on
from volunteers.models import (
    HELP_KIND_LABELS,
    CheckResult,
    ComplianceRecord,
    RecordKind,
    Volunteer,
)

EXPIRY_WARNING_DAYS = 30
SHORT_AGREEMENT_DAYS = 30

RECORD_LABELS = {
    RecordKind.AGREEMENT: _l("Agreement (porozumienie)"),
    RecordKind.RISK_INFO: _l("Information on health and safety risks (art. 45)"),
    RecordKind.RIGHTS_INFO: _l("Information on rights and duties (art. 47)"),
    RecordKind.INSURANCE: _l("Accident insurance (NNW)"),
    RecordKind.COST_WAIVER: _l("Waiver of travel costs"),
    RecordKind.REGISTER_CHECK: _l("Sex offenders register check (both registers)"),
    RecordKind.CRIMINAL_RECORD: _l("Criminal record information (KRK)"),
    RecordKind.FOREIGN_RECORDS: _l("Declaration and records from abroad (last 20 years)"),
    RecordKind.CHILD_STANDARDS: _l("Child-protection standards: acknowledgement and training"),
    RecordKind.GUARDIAN_CONSENT: _l("Guardian's consent (volunteer under 18)"),
    RecordKind.CONFIDENTIALITY: _l("Confidentiality pledge"),
    RecordKind.DATA_AUTHORISATION: _l("Authorisation to process personal data"),
}


class State(enum.StrEnum):
    OK = "ok"            # green: in order
    EXPIRING = "expiring"  # amber: in order, ends within 30 days
    MISSING = "missing"    # red: missing, expired or with an entry found
    OPTIONAL = "optional"  # grey: not required for this volunteer


class PanelRow:
    """What every row of the compliance panel answers."""

    required: bool
    state: State

    @property
    def blocks_activation(self) -> bool:
        return self.required and self.state == State.MISSING


@dataclass(frozen=True)
class Item(PanelRow):
    """One legal record of the compliance panel."""

    kind: RecordKind
    required: bool
    state: State
    record: ComplianceRecord | None
    reason: str = ""
    course = None

    @property
    def label(self):
        return RECORD_LABELS[self.kind]

    @property
    def done_on(self) -> date | None:
        return self.record.done_on if self.record else None

    @property
    def ends_on(self) -> date | None:
        return _end_of(self.record) if self.record else None


def latest_records(records: list[ComplianceRecord]) -> dict[RecordKind, ComplianceRecord]:
    """The newest record of each kind (by date, then by entry)."""
    latest: dict[RecordKind, ComplianceRecord] = {}
    for record in sorted(records, key=lambda r: (r.done_on, r.id or 0)):
        latest[record.kind] = record
    return latest


def is_minor(volunteer: Volunteer, today: date) -> bool:
    return born_a_minor(volunteer.birth_date, today)


def born_a_minor(birth_date: date | None, today: date) -> bool:
    """Under 18 today, by the birth date (unknown: not a minor)."""
    return birth_date is not None and age_on(birth_date, today) < 18


def agreement_days(agreement: ComplianceRecord | None) -> int | None:
    """Calendar days of the agreement's period, or None when it runs with no end."""
    if agreement is None or agreement.period_start is None or agreement.period_end is None:
        return None
    return (agreement.period_end - agreement.period_start).days + 1


def required_kinds(volunteer: Volunteer, latest: dict, today: date) -> set[RecordKind]:
    kinds = {RecordKind.AGREEMENT, RecordKind.RISK_INFO, RecordKind.RIGHTS_INFO}
    days = agreement_days(latest.get(RecordKind.AGREEMENT))
    if days is not None and days <= SHORT_AGREEMENT_DAYS:
        kinds.add(RecordKind.INSURANCE)
    if volunteer.works_with_children:
        kinds |= {RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD,
                  RecordKind.CHILD_STANDARDS}
        if volunteer.lived_abroad:
            kinds.add(RecordKind.FOREIGN_RECORDS)
    if is_minor(volunteer, today):
        kinds.add(RecordKind.GUARDIAN_CONSENT)
    if volunteer.sees_personal_data:
        kinds |= {RecordKind.CONFIDENTIALITY, RecordKind.DATA_AUTHORISATION}
    return kinds


def _end_of(record: ComplianceRecord) -> date | None:
    """The earlier of the record's end dates (it runs thousands of times a suggestion)."""
    valid, period = record.valid_until, record.period_end
    if valid is None or period is None:
        return period if valid is None else valid
    return min(valid, period)


def _state_of(kind: RecordKind, record: ComplianceRecord | None, today: date):
    problem = _problem(kind, record, today)
    if problem is not None:
        return State.MISSING, PROBLEMS[problem]
    return state_by_end(_end_of(record), today)


PROBLEMS = {"missing": _l("missing"), "entry": _l("an entry was found"),
            "not started": _l("the agreement has not started yet")}


_ENTRY_FOUND, _AGREEMENT = CheckResult.ENTRY_FOUND, RecordKind.AGREEMENT  # read once


def _problem(kind: RecordKind, record, today: date) -> str | None:
    if record is None:
        return "missing"
    if record.result == _ENTRY_FOUND:
        return "entry"
    if kind == _AGREEMENT and record.period_start and record.period_start > today:
        return "not started"
    return None


def in_order(kind: RecordKind, record, today: date) -> bool:
    """Whether the newest record of a kind is in order today (green or amber): the
    rule of _state_of without its words, for thousands of volunteers at once."""
    if _problem(kind, record, today) is not None:
        return False
    end = _end_of(record)
    return end is None or end >= today


def in_order_columns(kinds, volunteer_ids, today: date):
    """A subquery of the volunteers among `volunteer_ids` (a select of ids) who have a
    record of one of `kinds`, and for each kind whether their newest record of it is in
    order today (in_order, answered by the database: one pass over their records, the
    newest of each kind found by a window, so a roster of thousands reads no records at
    all). Columns: volunteer_id, then one per kind named by its value (1 or 0). The
    same rule as in_order, which a test holds it to on a generated town."""
    ok = and_(or_(ComplianceRecord.result.is_(None), ComplianceRecord.result != _ENTRY_FOUND),
              # the earlier of its two ends, when it has one, is today or later
              or_(ComplianceRecord.valid_until.is_(None), ComplianceRecord.valid_until >= today),
              or_(ComplianceRecord.period_end.is_(None), ComplianceRecord.period_end >= today),
              or_(ComplianceRecord.kind != _AGREEMENT, ComplianceRecord.period_start.is_(None),
                  ComplianceRecord.period_start <= today))
    newest = select(
        ComplianceRecord.volunteer_id, ComplianceRecord.kind,
        case((ok, 1), else_=0).label("ok"),
        func.row_number().over(
            partition_by=(ComplianceRecord.volunteer_id, ComplianceRecord.kind),
            order_by=(ComplianceRecord.done_on.desc(), ComplianceRecord.id.desc())).label("nth"),
    ).where(ComplianceRecord.volunteer_id.in_(volunteer_ids),
            ComplianceRecord.kind.in_(kinds)).subquery()
    return (select(newest.c.volunteer_id,
                   *(func.max(case((newest.c.kind == kind, newest.c.ok), else_=0))
                     .label(kind.value) for kind in kinds))
            .where(newest.c.nth == 1).group_by(newest.c.volunteer_id).subquery())


def state_by_end(end: date | None, today: date):
    if end is not None and end < today:
        return State.MISSING, _l("expired")
    if end is not None and end <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return State.EXPIRING, _l("ends soon")
    return State.OK, ""


def compliance_items(volunteer: Volunteer, records: list[ComplianceRecord], today: date,
                     trainings=()) -> list:
    """Every record kind, in the order of RECORD_LABELS, with its state for this volunteer,
    then the trainings' rows (volunteers.training.compliance.training_items)."""
    latest = latest_records(records)
    required = required_kinds(volunteer, latest, today)
    items = []
    for kind in RECORD_LABELS:
        record = latest.get(kind)
        state, reason = _state_of(kind, record, today)
        if kind not in required:
            state = State.OPTIONAL if state == State.MISSING else state
        items.append(Item(kind, kind in required, state, record, reason))
    return items + list(trainings)


def activation_blockers(volunteer: Volunteer, records: list[ComplianceRecord], today: date,
                        trainings=()) -> list:
    """The required items that are missing, expired or not clear."""
    return [item for item in compliance_items(volunteer, records, today, trainings)
            if item.blocks_activation]


# Which fields a record of each kind has, and which of them the law needs filled.
RECORD_FIELDS_BY_KIND = {
    RecordKind.AGREEMENT: ("done_on", "period_start", "period_end", "scope", "place", "terms",
                           "note"),
    RecordKind.INSURANCE: ("done_on", "valid_until", "note"),
    RecordKind.REGISTER_CHECK: ("done_on", "result", "checked_by", "valid_until", "note"),
    RecordKind.CRIMINAL_RECORD: ("done_on", "result", "scope", "checked_by", "valid_until",
                                 "note"),
    RecordKind.FOREIGN_RECORDS: ("done_on", "result", "scope", "checked_by", "note"),
    RecordKind.CHILD_STANDARDS: ("done_on", "period_start", "note"),
}
DEFAULT_RECORD_FIELDS = ("done_on", "valid_until", "note")
REQUIRED_RECORD_FIELDS = {
    RecordKind.AGREEMENT: ("period_start", "scope", "place", "terms"),
    RecordKind.INSURANCE: ("valid_until",),
    RecordKind.REGISTER_CHECK: ("result", "checked_by"),
    RecordKind.CRIMINAL_RECORD: ("result", "scope"),
    RecordKind.FOREIGN_RECORDS: ("result", "scope"),
    RecordKind.CHILD_STANDARDS: ("period_start",),
}
# period_start of the child-protection record is the date of the training.
FIELD_LABELS_BY_KIND = {RecordKind.CHILD_STANDARDS: {"period_start": _l("Date of the training")}}


def record_fields(kind: RecordKind) -> tuple[str, ...]:
    return RECORD_FIELDS_BY_KIND.get(kind, DEFAULT_RECORD_FIELDS)


def missing_record_fields(kind: RecordKind, data: dict) -> list[str]:
    return [name for name in REQUIRED_RECORD_FIELDS.get(kind, ()) if not data.get(name)]


def help_scope(volunteer: Volunteer) -> str:
    """The kinds of help a volunteer offers, in Polish, as a default scope."""
    with force_locale("pl"):
        return "; ".join(str(HELP_KIND_LABELS[k]) for k in sorted(volunteer.kinds()))


def usual_agreement(volunteer: Volunteer) -> dict[str, str]:
    """What a new agreement starts from: the centre's usual scope, place and termination
    clause (its settings), and the kinds of help the volunteer offers when the centre
    has no usual scope."""
    usual = centre()
    return {"scope": usual.agreement_scope or help_scope(volunteer),
            "place": usual.agreement_place, "terms": usual.agreement_terms}
