"""People and households: search, duplicates, special-category notes and their audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditAction, AuditLog, audit
from cal.core.errors import DomainError
from cal.core.text import fold
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.people import services
from cal.people.models import Person
from tests.factories import DistrictFactory, HouseholdFactory, PersonFactory, VolunteerFactory

HTMX = {"HX-Request": "true", "HX-Target": "people-results"}


def _audit_rows(action=None):
    stmt = select(AuditLog).order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return list(db.session.scalars(stmt))


def test_fold_ignores_case_accents_and_polish_letters():
    assert fold("  Łucja   ŻÓŁTOWSKA ") == "lucja zoltowska"
    assert fold("Źdźbło") == "zdzblo"


def test_search_finds_by_any_word_without_polish_letters(users):
    PersonFactory(first_name="Łucja", last_name="Żółtowska")
    PersonFactory(first_name="Jan", last_name="Kowalski")
    people, total = services.search_people("zolt luc")
    assert [p.last_name for p in people] == ["Żółtowska"] and total == 1


def test_search_treats_percent_and_underscore_literally(users):
    PersonFactory(first_name="Anna", last_name="Nowak")
    assert services.search_people("%")[1] == 0
    assert services.search_people("_")[1] == 0


def test_duplicate_is_found_by_name_and_birth_year(users):
    PersonFactory(first_name="Zofia", last_name="Nowak", birth_date=date(2015, 3, 14))
    assert services.find_duplicates("zofia", "NOWAK", date(2015, 11, 1))
    assert not services.find_duplicates("Zofia", "Nowak", date(2016, 3, 14))
    # a year not given on either side does not say it is someone else
    assert services.find_duplicates("Zofia", "Nowak", None)
    PersonFactory(first_name="Jan", last_name="Nowak", birth_date=None)
    assert services.find_duplicates("Jan", "Nowak", date(1970, 1, 1))


def test_create_person_refuses_a_likely_duplicate_until_confirmed(users):
    coordinator = users[Role.COORDINATOR]
    PersonFactory(first_name="Zofia", last_name="Nowak", birth_date=date(2015, 3, 14))
    data = {"first_name": "Zofia", "last_name": "Nowak", "birth_date": date(2015, 6, 1)}
    with pytest.raises(services.DuplicateWarning):
        services.create_person(data, coordinator)
    person = services.create_person(data, coordinator, confirm_duplicate=True)
    assert person.id and db.session.scalar(select(func.count(Person.id))) == 2


def test_create_person_refuses_an_unknown_household(users):
    with pytest.raises(DomainError):
        services.create_person({"first_name": "A", "last_name": "B", "household_id": 424242},
                               users[Role.COORDINATOR])


def test_reading_special_notes_is_audited(users):
    person = PersonFactory(health_notes="Cukrzyca")
    notes = services.read_special_notes(person, users[Role.COORDINATOR])
    assert notes["health_notes"] == "Cukrzyca"
    row = _audit_rows("read")[-1]
    assert (row.user_id, row.entity, row.entity_id) == (users[Role.COORDINATOR].id, "person",
                                                       person.id)
    assert "health_notes" in row.fields


def test_roles_without_need_never_get_special_notes(users):
    person = PersonFactory(health_notes="Cukrzyca")
    for role in (Role.LEADER, Role.VOLUNTEER, Role.PROJECT_MANAGER):
        assert services.read_special_notes(person, users[role]) is None
    assert _audit_rows("read") == []


def test_changing_special_notes_is_audited_with_the_fields(users):
    person = PersonFactory()
    services.update_person(person, {"health_notes": "Astma"}, users[Role.ADMIN])
    row = _audit_rows("update")[-1]
    assert row.fields == "health_notes"


def test_person_list_shows_people(client_as):
    PersonFactory(first_name="Helena", last_name="Mazur")
    db.session.commit()
    html = client_as(Role.COORDINATOR).get("/people").get_data(as_text=True)
    assert "Mazur Helena" in html and "<html" in html


def test_person_search_answers_htmx_with_only_the_results_block(client_as):
    PersonFactory(first_name="Helena", last_name="Mazur")
    PersonFactory(first_name="Jan", last_name="Kowalski")
    db.session.commit()
    response = client_as(Role.COORDINATOR).get("/people?q=mazur", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mazur Helena" in html and "Kowalski" not in html
    assert "<html" not in html and "<nav" not in html


def test_boosted_navigation_gets_the_whole_page(client_as):
    response = client_as(Role.COORDINATOR).get(
        "/people", headers={"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "page"})
    assert "<html" in response.get_data(as_text=True)


def test_person_list_runs_the_same_queries_for_one_and_fifty_people(client_as, count_queries):
    client = client_as(Role.COORDINATOR)
    district, household = DistrictFactory(), HouseholdFactory()
    PersonFactory(district=district, household=household)
    db.session.commit()
    client.get("/people")  # the first request of a process reads what every page shows
    with count_queries() as one:
        client.get("/people")
    PersonFactory.create_batch(49, district=DistrictFactory(), household=HouseholdFactory())
    db.session.commit()
    with count_queries() as fifty:
        client.get("/people")
    assert len(one) == len(fifty) <= 10


def test_register_person_form_rejects_bad_input_beside_the_fields(client_as):
    future = (local_today() + timedelta(days=3)).isoformat()
    response = client_as(Role.COORDINATOR).post("/people/new", data={
        "first_name": "", "last_name": "Nowak", "birth_date": future, "phone": "abc",
        "email": "not-an-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('aria-invalid="true"') == 4
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_register_person_then_see_it(client_as):
    client = client_as(Role.COORDINATOR)
    response = client.post("/people/new", data={
        "first_name": "Józef", "last_name": "Wójcik", "birth_date": "1950-02-01",
        "phone": "600 100 200", "health_notes": "Po udarze", "district_id": "0"})
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert person.search_name == "wojcik jozef" and person.health_notes == "Po udarze"
    assert "Józef Wójcik" in client.get(response.location).get_data(as_text=True)


def test_register_duplicate_shows_a_warning_then_saves_when_confirmed(client_as):
    PersonFactory(first_name="Zofia", last_name="Nowak", birth_date=date(2015, 3, 14))
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    data = {"first_name": "Zofia", "last_name": "Nowak", "birth_date": "2015-09-09",
            "once_key": "a-key-for-this-form-1"}
    warned = client.post("/people/new", data=data)
    assert warned.status_code == 422
    assert 'name="confirm_duplicate"' in warned.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Person.id))) == 1
    saved = client.post("/people/new", data={**data, "confirm_duplicate": "y"})
    assert saved.status_code == 302
    again = client.post("/people/new", data={**data, "confirm_duplicate": "y"})  # sent twice
    assert again.status_code == 302 and again.location == saved.location
    assert db.session.scalar(select(func.count(Person.id))) == 2


def test_person_page_shows_special_notes_to_coordinator_and_audits_it(client_as, users):
    person = PersonFactory(health_notes="Cukrzyca typu 2")
    db.session.commit()
    html = client_as(Role.COORDINATOR).get(f"/people/{person.id}").get_data(as_text=True)
    assert "Cukrzyca typu 2" in html
    assert [r.entity_id for r in _audit_rows("read")] == [person.id]


def test_edit_person_saves_changes_and_audits(client_as):
    person = PersonFactory(first_name="Jan", last_name="Nowak", birth_date=None)
    db.session.commit()
    client = client_as(Role.ADMIN)
    assert client.get(f"/people/{person.id}/edit").status_code == 200
    response = client.post(f"/people/{person.id}/edit", data={
        "first_name": "Jan", "last_name": "Nowak-Kowalski", "disability_notes": "Wózek"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.last_name == "Nowak-Kowalski" and person.disability_notes == "Wózek"
    assert "disability_notes" in _audit_rows("update")[-1].fields


def test_unknown_person_answers_404(client_as):
    assert client_as(Role.COORDINATOR).get("/people/4242").status_code == 404


def test_household_create_and_register_a_member(client_as):
    client = client_as(Role.COORDINATOR)
    response = client.post("/households/new", data={"name": "Rodzina Mazurów",
                                                    "address": "ul. Polna 3"})
    assert response.status_code == 302
    household_page = client.get(response.location).get_data(as_text=True)
    assert "Rodzina Mazurów" in household_page
    household_id = int(response.location.rstrip("/").split("/")[-1])
    client.post("/people/new", data={"first_name": "Ala", "last_name": "Mazur",
                                     "household_id": str(household_id)})
    assert "Ala Mazur" in client.get(response.location).get_data(as_text=True)


def test_household_form_requires_a_name(client_as):
    response = client_as(Role.COORDINATOR).post("/households/new", data={"name": " "})
    assert response.status_code == 422


def test_household_search_fragment(client_as):
    HouseholdFactory(name="Rodzina Lis")
    HouseholdFactory(name="Rodzina Wilk")
    db.session.commit()
    response = client_as(Role.COORDINATOR).get(
        "/households?q=lis", headers={"HX-Request": "true", "HX-Target": "household-results"})
    html = response.get_data(as_text=True)
    assert "Rodzina Lis" in html and "Wilk" not in html and "<html" not in html


def test_audit_log_page_filters_by_action_and_user(client_as, users):
    person = PersonFactory()
    services.read_special_notes(person, users[Role.COORDINATOR])
    services.update_person(person, {"notes": "x"}, users[Role.ADMIN])
    db.session.commit()
    client = client_as(Role.ADMIN)
    html = client.get("/admin/audit?action=read").get_data(as_text=True)
    assert "Uwagi o stanie zdrowia" in html and "<small>Uwagi</small>" not in html
    html = client.get(f"/admin/audit?user_id={users[Role.ADMIN].id}").get_data(as_text=True)
    assert "Uwagi o stanie zdrowia" not in html and "<small>Uwagi</small>" in html


def test_the_audit_log_says_in_polish_who_did_what_to_which_record_with_links(
        client_as, users):
    """"Approved, Volunteer hours: Ola Wolontariuszka, 12.11.2026, 1 h 30 min", with the
    volunteer's page and the approver's other actions one click away; a record no longer
    kept says so, and a kind the code audits always has its words."""
    from volunteers.hours import approval
    from volunteers.hours.models import HourEntry

    volunteer = VolunteerFactory(first_name="Ola", last_name="Pszczoła")
    entry = HourEntry(volunteer_id=volunteer.id, key="audit-words-" + "x" * 20,
                      activity="event", label="Piknik", worked_on=date(2026, 11, 12), minutes=90)
    person = PersonFactory(first_name="Jan", last_name="Kos")
    db.session.add(entry)
    db.session.flush()
    approval.review([entry.id], True, "", users[Role.COORDINATOR])
    services.read_special_notes(person, users[Role.COORDINATOR])
    audit(users[Role.ADMIN], AuditAction.DELETE, "person", 999999)
    db.session.commit()
    html = client_as(Role.ADMIN).get("/admin/audit").text
    assert (f'Godziny wolontariatu: <a href="/volunteers/{volunteer.id}">Ola Pszczoła, '
            '12.11.2026, 1 h 30 min</a>') in html
    assert "zatwierdzono" in html.lower()
    assert f'Osoba: <a href="/people/{person.id}">Jan Kos</a>' in html
    assert f'href="/admin/audit?user_id={users[Role.COORDINATOR].id}"' in html
    assert "nr 999999 (już nieprzechowywany)" in html and ">hour_entry<" not in html


def test_every_kind_of_record_the_code_audits_has_its_words(app):
    import re
    from pathlib import Path

    from cal.people.audit_words import kinds

    root = Path(__file__).resolve().parents[2]
    audited = set()
    for package in ("cal", "volunteers", "clubs", "seniors"):
        for path in (root / package).rglob("*.py"):
            audited |= set(re.findall(r'\baudit\(\s*[\w.\[\]]+,\s*[^,"]+,\s*"([a-z_]+)"',
                                      path.read_text(encoding="utf-8")))
    assert len(audited) > 30
    assert sorted(audited - set(kinds())) == []


def test_audit_log_records_refused_access(client_as, users):
    client_as(Role.VOLUNTEER).get("/people")
    row = _audit_rows("denied")[-1]
    assert row.user_id == users[Role.VOLUNTEER].id and row.detail == "people.person_list"


def test_audit_filter_by_date_uses_warsaw_days(users):
    from datetime import datetime

    person = PersonFactory()
    services.read_special_notes(person, users[Role.ADMIN])
    late_evening = _audit_rows("read")[-1]
    late_evening.at = datetime(2026, 7, 1, 22, 30)  # UTC: 00:30 on 2 July in Warsaw
    db.session.commit()

    def ids(day_from, day_to):
        stmt = services.filter_audit_log(date_from=day_from, date_to=day_to)
        return [row.id for row in db.session.scalars(stmt)]

    assert ids(date(2026, 7, 2), date(2026, 7, 2)) == [late_evening.id]
    assert ids(date(2026, 7, 1), date(2026, 7, 1)) == []


def test_register_form_opened_from_a_household_names_it(client_as):
    household = HouseholdFactory(name="Rodzina Lis")
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    html = client.get(f"/people/new?household={household.id}").get_data(as_text=True)
    assert "Rodzina Lis" in html
    assert client.get("/people/new?household=99999999999999").status_code == 200


def test_a_household_member_gets_the_households_address_phone_and_district(
        client_as, users):
    district = DistrictFactory(name="Zatorze")
    household = HouseholdFactory(name="Lisowie", address="ul. Polna 3/4", phone="600 700 800",
                                 district=district)
    db.session.commit()
    form = client_as(Role.COORDINATOR).get(f"/people/new?household={household.id}").text
    assert 'value="ul. Polna 3/4"' in form and 'value="600 700 800"' in form
    assert f'<option selected value="{district.id}">Zatorze</option>' in form
    child = services.create_person({"first_name": "Ala", "last_name": "Lis",
                                    "household_id": household.id, "address": ""},
                                   users[Role.COORDINATOR])
    assert (child.address, child.phone, child.district_id) == (
        "ul. Polna 3/4", "600 700 800", district.id)
    own = services.create_person({"first_name": "Jan", "last_name": "Lis",
                                  "household_id": household.id, "phone": "511 222 333"},
                                 users[Role.COORDINATOR], confirm_duplicate=True)
    assert own.phone == "511 222 333" and own.address == "ul. Polna 3/4"
