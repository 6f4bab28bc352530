"""The in-kind gifts register: refusals beside the field (a day to come, a negative
value, a missing link), what a gift went to, the year's totals counted by the database,
who keeps it, the family as personal data (export, erasure, retention) and the files."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.gifts import personal_data, services
from cal.gifts.models import Gift, UsedFor
from cal.people import rodo
from cal.people.models import SubjectKind
from clubs.models import Group, GroupKind
from tests.factories import HouseholdFactory, PersonFactory

TODAY = date(2026, 11, 23)


def data(**values) -> dict:
    return {"received_on": date(2026, 8, 20), "donor": "Biuro Rachunkowe „Bilans”",
            "what": "Plecaki z wyprawką", "quantity": 30, "unit": "szt.", "value_gr": 450_000,
            "used_for": "general", "event_id": None, "group_id": None, "household_id": None,
            "note": "", **values}


def record(users, **values) -> Gift:
    return services.save_gift(None, data(**values), users[Role.COORDINATOR], TODAY)


@pytest.mark.parametrize("values, field", [
    ({"received_on": date(2026, 11, 24)}, "received_on"),
    ({"value_gr": -100}, "value_gr"),
    ({"quantity": 0}, "quantity"),
    ({"used_for": "household"}, "household_id"),
    ({"used_for": "group", "group_id": 999_999}, "group_id"),
])
def test_bad_gifts_are_refused_beside_their_field(app, users, values, field):
    with pytest.raises(DomainError) as refused:
        record(users, **values)
    assert field in refused.value.fields
    assert db.session.scalar(select(func.count()).select_from(Gift)) == 0


def test_a_gift_keeps_only_the_link_of_what_it_went_to_and_says_it(app, users):
    family = HouseholdFactory(name="Kowalscy")
    group = Group(name="Warsztaty cyfrowe", kind=GroupKind.CLASS, starts_on=date(2026, 1, 1))
    db.session.add(group)
    db.session.flush()
    gift = record(users, used_for="household", household_id=family.id, group_id=group.id)
    assert (gift.used_for, gift.household_id, gift.group_id) == (UsedFor.HOUSEHOLD, family.id,
                                                                 None)
    listed = services.gifts_of_year(2026)
    assert listed[0].used_for() == "Rodzina: Kowalscy"
    assert listed[0].used_for(named=False) == "Rodzina"
    services.save_gift(gift, data(used_for="group", group_id=group.id), users[Role.ADMIN],
                       TODAY)
    assert (gift.household_id, services.gifts_of_year(2026)[0].used_for()) == (
        None, "Grupa: Warsztaty cyfrowe")
    assert [(a, f) for a, f in db.session.execute(select(AuditLog.action, AuditLog.fields).where(
        AuditLog.entity == "gift"))][1][0] == "update"


def test_the_totals_of_each_year_are_counted_by_the_database(app, users, count_queries):
    record(users, received_on=date(2025, 12, 4), value_gr=50_000)
    record(users, received_on=date(2026, 1, 1), value_gr=38_000)
    record(users, received_on=date(2026, 8, 20), value_gr=450_000)
    db.session.flush()
    with count_queries() as queries:
        totals = services.totals_by_year([2025, 2026])
    assert totals == {2025: (1, 50_000), 2026: (2, 488_000)} and len(queries) == 1
    assert [g.gift.received_on for g in services.gifts_of_year(2026)] == [
        date(2026, 8, 20), date(2026, 1, 1)]


@pytest.mark.parametrize("role, status", [
    (Role.ADMIN, 200), (Role.COORDINATOR, 200), (Role.PROJECT_MANAGER, 403),
    (Role.LEADER, 403), (Role.VOLUNTEER, 403)])
def test_those_who_work_with_families_keep_the_register(app, users, client_as, role, status):
    gift = record(users)
    db.session.commit()
    user = client_as(role)
    for path in ("/gifts/", "/gifts/new", f"/gifts/{gift.id}/edit", "/gifts/?format=csv"):
        assert user.get(path).status_code == status, path


def test_a_coordinator_records_a_gift_for_a_family_from_its_page(app, users, client_as):
    family = HouseholdFactory(name="Nowakowie")
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    assert "/gifts/new?household=" in desk.get(f"/households/{family.id}").text
    form = desk.get(f"/gifts/new?household={family.id}").text
    assert "Nowakowie" in form and '<option selected value="household">' in form
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    sent = {"once_key": key, "received_on": "2026-08-20", "donor": "Firma „Bilans”",
            "what": "Plecak z wyprawką", "quantity": "3", "unit": "szt.",
            "value_gr": "450,00", "used_for": "household", "event_id": "0", "group_id": "0",
            "household_id": str(family.id), "note": ""}
    assert desk.post("/gifts/new", data=sent).status_code == 302
    gift = db.session.scalar(select(Gift))
    assert (gift.household_id, gift.value_gr, gift.quantity) == (family.id, 45_000, 3)
    refused = desk.post("/gifts/new", data={**sent, "once_key": key[:-1] + "x",
                                            "value_gr": "-5",
                                            "received_on": (local_today().replace(
                                                year=local_today().year + 1)).isoformat()})
    assert refused.status_code == 422 and refused.text.count('aria-invalid="true"') == 2
    assert "Data nie może być późniejsza niż dzisiejsza." in refused.text
    assert "Kwota nie może być ujemna." in refused.text
    page = desk.get("/gifts/?year=2026")
    assert "Rodzina: Nowakowie" in page.text and "1 dar" in page.text


def test_the_register_of_a_year_as_files_is_audited(app, users, client_as):
    record(users, received_on=date(2026, 12, 4) if TODAY.month == 12 else date(2026, 11, 2),
           donor="Sklep „Pod Lipami”", what="=Owoce", value_gr=62_500)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    lines = desk.get("/gifts/?year=2026&format=csv").data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["Data wpływu", "Darczyńca", "Co przekazano"]
    assert lines[1].split(";")[1:3] == ["Sklep „Pod Lipami”", "'=Owoce"]  # never a formula
    rows = list(load_workbook(io.BytesIO(desk.get(
        "/gifts/?year=2026&format=xlsx").data)).active.iter_rows(values_only=True))
    assert rows[1][5] == 625
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "gift", AuditLog.action == "export")) == 2
    assert "W roku 2019 nie wpisano żadnych darów." in desk.get("/gifts/?year=2019").text


def test_a_family_member_gets_the_gifts_and_the_last_ones_erasure_blanks_the_link(
        app, users):
    family = HouseholdFactory(name="Kowalscy")
    mother, son = PersonFactory(household=family), PersonFactory(household=family)
    gift = record(users, used_for="household", household_id=family.id, note="dla Jasia")
    other = record(users)
    subject = rodo.gather(SubjectKind.PERSON, mother.id)
    assert [row["id"] for row in subject.sections["gifts"]] == [gift.id]
    rodo.anonymise(subject, users[Role.ADMIN], "test", {})
    db.session.refresh(gift)
    assert (gift.household_id, gift.note) == (family.id, "dla Jasia")  # the son's still
    rodo.anonymise(rodo.gather(SubjectKind.PERSON, son.id), users[Role.ADMIN], "test", {})
    db.session.refresh(gift)
    assert (gift.household_id, gift.used_for, gift.note, gift.value_gr) == (
        None, UsedFor.GENERAL, "", 450_000)
    assert gift.version > 1  # a form opened before cannot link the family back
    assert other.donor == "Biuro Rachunkowe „Bilans”"


def test_the_period_of_peoples_records_blanks_old_links_to_a_family(app, users):
    family = HouseholdFactory()
    old = record(users, received_on=date(2020, 5, 1), used_for="household",
                 household_id=family.id)
    recent = record(users, used_for="household", household_id=family.id)
    cutoff = datetime(2021, 1, 1)
    assert personal_data.records("person", cutoff, apply=False) == 1
    assert personal_data.records("volunteer", cutoff, apply=True) == 0
    assert personal_data.records("person", cutoff, apply=True) == 1
    db.session.refresh(old)
    db.session.refresh(recent)
    assert (old.household_id, recent.household_id) == (None, family.id)


def test_a_family_number_out_of_range_is_refused_not_looked_up(app, users, client_as):
    """The form comes back with its refusal (PostgreSQL takes an id as an integer: a
    number past it must never reach a query)."""
    answer = client_as(Role.COORDINATOR).post("/gifts/new", data={
        "received_on": "2026-12-01", "donor": "Piekarnia", "what": "Chleb", "quantity": "1",
        "value_gr": "10", "used_for": "household", "household_id": "99999999999999"})
    assert answer.status_code == 422 and "Chleb" in answer.get_data(as_text=True)
