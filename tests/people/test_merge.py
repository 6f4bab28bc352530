"""Joining two records of one person: everything that refers to the other record moves
to the one kept (found from the schema), empty fields are filled and notes kept, a
clash is refused and named, consents keep the person's latest word, the audit log of
the joined record stays in the kept one's RODO export; by a coordinator, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditAction, AuditLog, audit
from cal.core.errors import DomainError
from cal.extensions import db
from cal.people import doubles, merge, rodo
from cal.people.models import ConsentWay, ContactConsent, Person, SubjectKind
from cal.people.rodo_labels import SECTIONS
from clubs import attendance, services
from clubs.models import Attendance, Mark, Membership
from tests.clubs.test_groups import TODAY, make_group, todays_session
from tests.factories import HouseholdFactory, PersonFactory


def _pair():
    kept = PersonFactory(first_name="Halina", last_name="Wrona", birth_date=date(1950, 4, 2),
                         phone="", notes="Lubi szachy.", health_notes="Cukrzyca.")
    door = PersonFactory(first_name="Halina", last_name="Wrona", birth_date=None,
                         phone="+48600100200", notes="Zapisana przy drzwiach.",
                         health_notes="")
    return kept, door


def test_joining_moves_what_refers_to_the_other_record_and_fills_the_gaps(app, users):
    coordinator = users[Role.COORDINATOR]
    kept, door = _pair()
    group, other_group = make_group(users), make_group(users)
    services.enrol(group, kept, coordinator, TODAY)
    services.enrol(other_group, door, coordinator, TODAY)
    session = todays_session(other_group)
    attendance.set_mark(session.id, door.id, Mark.PRESENT, coordinator, TODAY)
    audit(coordinator, AuditAction.CREATE, "person", door.id)
    db.session.commit()
    door_id = door.id

    assert db.session.scalar(select(doubles.count())) == 1
    preview = merge.merge_persons(kept, door, coordinator)
    db.session.commit()

    assert db.session.get(Person, door_id) is None
    assert db.session.scalar(select(doubles.count())) == 0  # no longer two records
    assert {m.table for m in preview.moved} >= {"memberships", "attendance"}
    assert db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.person_id == kept.id)) == 2
    assert db.session.scalar(select(Attendance.person_id).where(
        Attendance.session_id == session.id)) == kept.id
    assert kept.phone == "+48600100200" and kept.birth_date == date(1950, 4, 2)
    assert kept.notes == "Lubi szachy.\n\nZapisana przy drzwiach."
    assert kept.health_notes == "Cukrzyca."
    assert merge.merged_ids(kept.id) == [door_id]
    joined = db.session.scalars(select(AuditLog).where(
        AuditLog.entity == "person", AuditLog.detail.contains("joined"))).all()
    assert {(e.action, e.entity_id) for e in joined} == {("update", kept.id),
                                                         ("delete", door_id)}
    # the joined record's log is the kept person's in their RODO export
    data = rodo.export_data(rodo.gather(SubjectKind.PERSON, kept.id), "OPS")
    assert "create" in {entry["action"] for entry in data["sections"]["audit_log"]}
    assert data["sections"]["person_merges"][0]["merged_id"] == door_id


def test_a_clash_is_refused_and_named_and_nothing_changes(app, users):
    coordinator = users[Role.COORDINATOR]
    kept, door = _pair()
    group = make_group(users)
    services.enrol(group, kept, coordinator, TODAY)
    services.enrol(group, door, coordinator, TODAY)
    db.session.commit()
    preview = merge.preview_merge(kept, door)
    assert len(preview.clashes) == 1 and str(SECTIONS["memberships"]) in preview.clashes[0]
    with pytest.raises(DomainError):
        merge.merge_persons(kept, door, coordinator)
    db.session.rollback()
    assert db.session.get(Person, door.id) is not None


def test_an_ended_membership_of_the_same_group_is_no_clash(app, users):
    coordinator = users[Role.COORDINATOR]
    kept, door = _pair()
    group = make_group(users)
    ended = services.enrol(group, door, coordinator, TODAY - timedelta(days=30))
    services.end_membership(ended, "przeprowadzka", coordinator, TODAY - timedelta(days=10))
    services.enrol(group, kept, coordinator, TODAY)
    db.session.commit()
    assert merge.preview_merge(kept, door).clashes == []
    merge.merge_persons(kept, door, coordinator)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.person_id == kept.id)) == 2


def test_of_two_consents_for_one_channel_the_latest_word_stays(app, users):
    kept, door = _pair()
    early, late = datetime(2026, 1, 5, 10), datetime(2026, 6, 1, 10)
    db.session.add_all([
        ContactConsent(person_id=kept.id, channel="sms", address="+48600100200",
                       given_at=early, way=ConsentWay.WRITTEN),
        ContactConsent(person_id=door.id, channel="sms", address="+48600100200",
                       given_at=early, way=ConsentWay.IN_PERSON, withdrawn_at=late,
                       withdrawn_how="STOP"),
        ContactConsent(person_id=door.id, channel="email", address="h@example.org",
                       given_at=early, way=ConsentWay.ONLINE)])
    db.session.commit()
    merge.merge_persons(kept, door, users[Role.COORDINATOR])
    db.session.commit()
    rows = {c.channel: c for c in db.session.scalars(select(ContactConsent).where(
        ContactConsent.person_id == kept.id))}
    assert rows["sms"].withdrawn_at == late and rows["email"].active


def test_a_record_is_not_joined_with_itself_nor_an_anonymised_one(app, users):
    kept, door = _pair()
    with pytest.raises(DomainError):
        merge.preview_merge(kept, kept)
    door.anonymised_at = datetime(2026, 1, 1)
    assert merge.preview_merge(kept, door).clashes


def test_likely_pairs_are_the_same_name_with_years_that_do_not_differ(app, users):
    kept, door = _pair()
    PersonFactory(first_name="Halina", last_name="Wrona", birth_date=date(1988, 1, 1))
    PersonFactory(first_name="Jan", last_name="Wrona", birth_date=date(1950, 4, 2))
    db.session.commit()
    pairs = {(a.id, b.id) for a, b in merge.likely_pairs()}
    assert (kept.id, door.id) in pairs
    assert len([p for p in pairs if kept.id in p]) == 1  # 1950 and 1988 differ
    assert db.session.scalar(select(doubles.count())) == len(pairs)


def test_the_coordinators_start_page_counts_the_possible_double_records(app, users,
                                                                       client_as):
    _pair()
    db.session.commit()
    page = client_as(Role.COORDINATOR).get("/").get_data(as_text=True)
    assert "/people/duplicates" in page


def test_a_coordinator_joins_two_records_once_after_ticking_the_check(app, users, client_as):
    kept, door = _pair()
    db.session.commit()
    door_id = door.id
    client = client_as(Role.COORDINATOR)
    assert "Halina" in client.get(f"/people/{kept.id}/merge").get_data(as_text=True)
    url = f"/people/{kept.id}/merge/{door.id}"
    page = client.get(url)
    assert page.status_code == 200
    key = page.get_data(as_text=True).split('name="once_key" type="hidden" value="')[1][:32]
    refused = client.post(url, data={"once_key": key})
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)
    assert db.session.get(Person, door.id) is not None
    done = client.post(url, data={"once_key": key, "same_person": "y"})
    assert done.status_code == 302 and done.location.endswith(f"/people/{kept.id}")
    again = client.post(url, data={"once_key": key, "same_person": "y"})
    assert again.status_code == 302 and again.location.endswith(f"/people/{kept.id}")
    db.session.expire_all()
    assert db.session.get(Person, door_id) is None


def test_the_choice_shows_households_as_a_page_and_as_a_fragment(app, users, client_as):
    kept, door = _pair()
    kept.household = HouseholdFactory(name="Wronowie – ul. Polna 3")
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/people/{door.id}/merge").get_data(as_text=True)
    assert "Wronowie" in page and f"/people/{door.id}/merge/{kept.id}" in page
    fragment = client.get(f"/people/{door.id}/merge?q=wrona",
                          headers={"HX-Request": "true", "HX-Target": "merge-results"})
    assert fragment.status_code == 200 and "Wronowie" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)


def test_a_leader_cannot_join_records(app, users, client_as):
    kept, door = _pair()
    db.session.commit()
    client = client_as(Role.LEADER)
    assert client.get(f"/people/{kept.id}/merge/{door.id}").status_code == 403
    assert client.post(f"/people/{kept.id}/merge/{door.id}",
                       data={"same_person": "y"}).status_code in (400, 403)
