"""The legal rules for activation (DOMAIN.md sections 1 and 2), as plain functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from volunteers.compliance import State, activation_blockers, compliance_items
from volunteers.models import CheckResult, ComplianceRecord, RecordKind, Volunteer

TODAY = date(2026, 11, 23)
K = RecordKind


def volunteer(**overrides) -> Volunteer:
    values = {"first_name": "Ola", "last_name": "Nowak", "birth_date": date(1990, 5, 1),
              "works_with_children": False, "sees_personal_data": True, "lived_abroad": False}
    return Volunteer(**{**values, **overrides})


def record(kind, done_on=TODAY - timedelta(days=10), **fields) -> ComplianceRecord:
    return ComplianceRecord(kind=kind, done_on=done_on, **fields)


def agreement(days: int | None = 365, start=TODAY - timedelta(days=10)) -> ComplianceRecord:
    end = start + timedelta(days=days - 1) if days else None
    return record(K.AGREEMENT, period_start=start, period_end=end, scope="pomoc w nauce",
                  place="dom rodziny", terms="7 dni wypowiedzenia")


def adult_basics() -> list[ComplianceRecord]:
    return [agreement(), record(K.RISK_INFO), record(K.RIGHTS_INFO), record(K.CONFIDENTIALITY),
            record(K.DATA_AUTHORISATION)]


def child_checks() -> list[ComplianceRecord]:
    return [record(K.REGISTER_CHECK, result=CheckResult.CLEAR, checked_by="koordynator"),
            record(K.CRIMINAL_RECORD, result=CheckResult.CLEAR, scope="art. 21 ust. 3"),
            record(K.CHILD_STANDARDS, period_start=TODAY - timedelta(days=12))]


def blocking(v, records) -> set[RecordKind]:
    return {item.kind for item in activation_blockers(v, records, TODAY)}


def test_complete_adult_can_be_activated():
    assert blocking(volunteer(), adult_basics()) == set()


def test_nothing_recorded_names_every_basic_item():
    assert blocking(volunteer(), []) == {K.AGREEMENT, K.RISK_INFO, K.RIGHTS_INFO,
                                         K.CONFIDENTIALITY, K.DATA_AUTHORISATION}


@pytest.mark.parametrize(("days", "needs_insurance"), [(29, True), (30, True), (31, False),
                                                      (None, False)])
def test_accident_insurance_is_required_for_agreements_of_30_days_or_less(days, needs_insurance):
    records = [agreement(days), *adult_basics()[1:]]
    assert (K.INSURANCE in blocking(volunteer(), records)) is needs_insurance


def test_recorded_insurance_satisfies_a_short_agreement():
    records = [agreement(14), *adult_basics()[1:],
               record(K.INSURANCE, valid_until=TODAY + timedelta(days=60))]
    assert blocking(volunteer(), records) == set()


def test_work_with_children_needs_register_check_criminal_record_and_standards():
    v = volunteer(works_with_children=True)
    assert blocking(v, adult_basics()) == {K.REGISTER_CHECK, K.CRIMINAL_RECORD, K.CHILD_STANDARDS}
    assert blocking(v, adult_basics() + child_checks()) == set()


@pytest.mark.parametrize("kind", [K.REGISTER_CHECK, K.CRIMINAL_RECORD])
def test_a_check_with_an_entry_found_blocks(kind):
    v = volunteer(works_with_children=True)
    records = adult_basics() + child_checks() + [
        record(kind, done_on=TODAY - timedelta(days=1), result=CheckResult.ENTRY_FOUND,
               checked_by="x", scope="x")]
    assert blocking(v, records) == {kind}


def test_lived_abroad_adds_foreign_records_for_work_with_children_only():
    assert blocking(volunteer(works_with_children=True, lived_abroad=True),
                    adult_basics() + child_checks()) == {K.FOREIGN_RECORDS}
    assert blocking(volunteer(lived_abroad=True), adult_basics()) == set()


@pytest.mark.parametrize(("birth", "needs_consent"), [
    (date(2008, 11, 24), True),   # 18 tomorrow
    (date(2008, 11, 23), False),  # 18 today
    (date(2014, 1, 1), True),     # under 13: the guardian is the party
])
def test_a_minor_needs_the_guardians_consent(birth, needs_consent):
    assert (K.GUARDIAN_CONSENT in blocking(volunteer(birth_date=birth), adult_basics())) is (
        needs_consent)


def test_no_access_to_personal_data_needs_no_confidentiality_records():
    records = [agreement(), record(K.RISK_INFO), record(K.RIGHTS_INFO)]
    assert blocking(volunteer(sees_personal_data=False), records) == set()


def test_expired_agreement_blocks_and_one_ending_soon_warns():
    expired = [agreement(30, start=TODAY - timedelta(days=40)), *adult_basics()[1:]]
    assert K.AGREEMENT in blocking(volunteer(), expired)
    soon = [agreement(40, start=TODAY - timedelta(days=20)), *adult_basics()[1:],
            record(K.INSURANCE, valid_until=TODAY + timedelta(days=60))]
    states = {i.kind: i.state for i in compliance_items(volunteer(), soon, TODAY)}
    assert states[K.AGREEMENT] == State.EXPIRING
    assert blocking(volunteer(), soon) == set()


def test_agreement_that_has_not_started_blocks():
    records = [agreement(start=TODAY + timedelta(days=3)), *adult_basics()[1:]]
    assert K.AGREEMENT in blocking(volunteer(), records)


def test_newest_record_of_a_kind_counts():
    old = agreement(30, start=TODAY - timedelta(days=400))
    old.done_on = TODAY - timedelta(days=400)
    assert blocking(volunteer(), [old, *adult_basics()]) == set()
    newer_bad = record(K.RISK_INFO, done_on=TODAY, valid_until=TODAY - timedelta(days=1))
    assert blocking(volunteer(), [*adult_basics(), newer_bad]) == {K.RISK_INFO}


def test_optional_items_never_block_and_are_marked_optional():
    items = {i.kind: i for i in compliance_items(volunteer(), adult_basics(), TODAY)}
    assert items[K.COST_WAIVER].state == State.OPTIONAL and not items[K.COST_WAIVER].required
    assert items[K.REGISTER_CHECK].state == State.OPTIONAL
