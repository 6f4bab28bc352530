"""The register of partners: the agreement's dates, a search typed without Polish
letters, the partner's page with the projects and events done together, the list's
files, who may do what, and a contact person's data under RODO."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cal.community import services as events
from cal.community.models import event_partners
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today
from cal.extensions import db
from cal.partners import services
from cal.partners.models import LogEntry, LogKind, PartnerContact, PartnerKind
from cal.people import rodo
from cal.people.models import SubjectKind
from cal.projects import services as projects
from tests.community.test_events import key_of, make_event

TODAY = local_today()


def partner(name: str, kind=PartnerKind.SCHOOL, **values):
    return services.save_partner(None, {"name": name, "kind": kind, "address": "",
                                        "phone": "", "email": "", "website": "",
                                        "agreement_note": "", "notes": "", "active": True,
                                        "agreement_from": None, "agreement_until": None,
                                        **values}, None)


def contact(of, first="Anna", last="Wiśniewska", **values):
    return services.save_contact(of, None, {"first_name": first, "last_name": last,
                                            "position": "pedagog szkolny",
                                            "phone": "33 812 45 03",
                                            "email": "pedagog@sp3.example.pl",
                                            "notes": "dzwonić po 14", **values}, None)


def project_with(users, *partners_linked, name="Aktywni razem"):
    data = {"name": name, "funder": "eu", "programme": "", "call_number": "",
            "agreement_number": "", "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31), "value_gr": 0, "share_eu": 0,
            "share_national": 0, "share_own": 0, "settlement": "real_costs",
            "indirect_rate": 0, "status": "running",
            "manager_id": users[Role.PROJECT_MANAGER].id, "help_kinds": "",
            "monitors_participants": False}
    return projects.save_project(None, data, [], [], users[Role.PROJECT_MANAGER],
                                 partner_ids=[p.id for p in partners_linked])


def test_an_agreement_cannot_end_before_it_starts_and_is_refused_beside_the_field(
        app, client_as):
    with pytest.raises(DomainError) as refused:
        partner("Szkoła Podstawowa nr 3", agreement_from=date(2026, 9, 1),
                agreement_until=date(2026, 6, 30))
    assert refused.value.field == "agreement_until"
    desk = client_as(Role.COORDINATOR)
    form = {"once_key": key_of(desk.get("/partners/new").text),
            "name": "Szkoła Podstawowa nr 3", "kind": "school",
            "agreement_from": "2026-09-01", "agreement_until": "2026-06-30", "active": "y"}
    answer = desk.post("/partners/new", data=form)
    assert answer.status_code == 422 and 'id="agreement_until-error"' in answer.text
    assert services.find() == []
    form["agreement_until"] = "2027-06-30"
    assert desk.post("/partners/new", data=form).status_code == 302
    assert [p.agreement_until for p in services.find()] == [date(2027, 6, 30)]


def test_a_name_is_in_the_register_once_however_it_is_spelt(app):
    partner("Stowarzyszenie Sąsiedzkie „Razem”", kind=PartnerKind.NGO)
    with pytest.raises(DomainError) as refused:
        partner('stowarzyszenie sasiedzkie "Razem"', kind=PartnerKind.NGO)
    assert refused.value.field == "name"


def test_the_list_finds_words_typed_without_polish_letters_and_filters_kind_and_activity(
        app, client_as):
    library = partner("Miejska Biblioteka Publiczna", kind=PartnerKind.CULTURE,
                      address="ul. Mickiewicza 2")
    partner("Poradnia Zdrowia Psychicznego", kind=PartnerKind.HEALTH)
    partner("Dawny Klub Sportowy „Błękitni”", kind=PartnerKind.SPORT, active=False)
    db.session.commit()
    assert services.find("biblioteka mickiewicza") == [library]
    assert [p.name for p in services.find("zdrowia")] == ["Poradnia Zdrowia Psychicznego"]
    assert services.find("blekitni") == []  # a former partner, not on the default list
    assert [p.name for p in services.find("blekitni", active=None)] == [
        "Dawny Klub Sportowy „Błękitni”"]
    desk = client_as(Role.COORDINATOR)
    page = desk.get("/partners/", query_string={"q": "poradnia zdrowia"})
    assert "Poradnia Zdrowia Psychicznego" in page.text and "Biblioteka" not in page.text
    page = desk.get("/partners/", query_string={"kind": "culture"})
    assert "Miejska Biblioteka Publiczna" in page.text and "Poradnia" not in page.text
    page = desk.get("/partners/", query_string={"active": "no"})
    assert "Błękitni" in page.text and "Biblioteka" not in page.text
    for query in ({"kind": "nope"}, {"active": "x"}, {"q": "%_" * 80}):
        assert desk.get("/partners/", query_string=query).status_code == 200


def test_the_partners_page_lists_the_project_and_the_event_done_together(
        app, users, client_as, count_queries):
    school = partner("Szkoła Podstawowa nr 3")
    contact(school)
    project = project_with(users, school)
    event = make_event(title="Mikołajki dla dzieci", days=3)
    events.save_event(event, {**{name: getattr(event, name) for name in events.EVENT_FIELDS},
                              "partner_ids": [school.id]}, users[Role.COORDINATOR])
    cancelled = make_event(title="Odwołany festyn", days=5, status="cancelled")
    db.session.execute(event_partners.insert().values(event_id=cancelled.id,
                                                      partner_id=school.id))
    services.add_log_entry(school, {"held_on": TODAY, "kind": LogKind.MEETING,
                                    "note": "Plan pomocy w nauce."},
                           users[Role.COORDINATOR], TODAY)
    db.session.commit()
    together = services.together(school, users[Role.PROJECT_MANAGER])
    assert [(item.title, item.on) for item in together] == [
        ("Mikołajki dla dzieci", TODAY + timedelta(days=3)),
        ("Aktywni razem", date(2026, 1, 1))]
    desk = client_as(Role.PROJECT_MANAGER)
    page = desk.get(f"/partners/{school.id}").text
    assert f'href="/projects/{project.id}">Aktywni razem</a>' in page
    assert f'href="/events/{event.id}">Mikołajki dla dzieci</a>' in page
    assert "Odwołany festyn" not in page and "Plan pomocy w nauce." in page
    project_page = desk.get(f"/projects/{project.id}").text
    assert f'href="/partners/{school.id}">Szkoła Podstawowa nr 3</a>' in project_page
    with count_queries() as queries:
        assert desk.get(f"/partners/{school.id}").status_code == 200
    assert len(queries) <= 10
    # a leader reads of it only what they may open: not the project of no group of
    # theirs, nor an event still in preparation
    draft = make_event(title="Warsztaty w przygotowaniu", days=7, status="draft")
    db.session.execute(event_partners.insert().values(event_id=draft.id, partner_id=school.id))
    db.session.commit()
    assert "Warsztaty w przygotowaniu" in client_as(Role.COORDINATOR).get(
        f"/partners/{school.id}").text
    read = client_as(Role.LEADER).get(f"/partners/{school.id}").text
    assert "Mikołajki dla dzieci" in read
    assert "Warsztaty w przygotowaniu" not in read and "Aktywni razem" not in read


def test_the_public_event_page_names_its_partners_without_links(app, users, client,
                                                                client_as):
    library = partner("Miejska Biblioteka Publiczna", kind=PartnerKind.CULTURE)
    event = make_event(title="Prelekcja", audience="everyone", age_from=None, age_to=None)
    db.session.execute(event_partners.insert().values(event_id=event.id, partner_id=library.id))
    db.session.commit()
    public = client.get(f"/events/{event.id}").text
    assert "Miejska Biblioteka Publiczna" in public and "/partners/" not in public
    staff = client_as(Role.COORDINATOR).get(f"/events/{event.id}").text
    assert f'href="/partners/{library.id}">Miejska Biblioteka Publiczna</a>' in staff


def test_a_project_manager_links_partners_on_the_projects_form(app, users, client_as):
    school, former = partner("Szkoła Podstawowa nr 3"), partner("Stary Klub", active=False)
    project = project_with(users, former)
    db.session.commit()
    desk = client_as(Role.PROJECT_MANAGER)
    form_page = desk.get(f"/projects/{project.id}/edit").text
    assert "Szkoła Podstawowa nr 3" in form_page and "Stary Klub" in form_page  # kept
    assert "Stary Klub" not in desk.get("/projects/new").text  # a former partner
    form = {"once_key": key_of(form_page), "name": "Aktywni razem", "funder": "eu",
            "starts_on": "2026-01-01", "ends_on": "2026-12-31", "value_gr": "0",
            "settlement": "real_costs", "status": "running",
            "manager_id": str(users[Role.PROJECT_MANAGER].id), "partners": [str(school.id)]}
    assert desk.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    assert projects.linked_partners(project) == [school.id]


def test_the_files_hold_the_rows_of_the_filters_with_their_columns_and_are_audited(
        app, client_as):
    school = partner("Szkoła Podstawowa nr 3", phone="33 812 45 03",
                     agreement_from=date(2025, 9, 1), agreement_until=date(2026, 6, 30),
                     agreement_note="Porozumienie nr 4/2025")
    contact(school)
    partner("Miejski Dom Kultury", kind=PartnerKind.CULTURE)
    partner("Dawna szkoła", active=False)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    answer = desk.get("/partners/", query_string={"kind": "school", "format": "csv"})
    assert answer.status_code == 200 and answer.data.startswith(b"\xef\xbb\xbf")
    assert 'filename="partnerzy-' in answer.headers["Content-Disposition"]
    lines = answer.data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == [
        "Nazwa instytucji", "Rodzaj", "Adres", "Telefon", "E-mail", "Strona internetowa",
        "Porozumienie od", "Porozumienie do", "Porozumienie", "Aktywny", "Osoby do kontaktu"]
    assert len(lines) == 2  # the current school only: not the culture centre, not the former
    assert lines[1].split(";") == [
        "Szkoła Podstawowa nr 3", "Szkoła", "", "33 812 45 03", "", "", "2025-09-01",
        "2026-06-30", "Porozumienie nr 4/2025", "tak",
        "Anna Wiśniewska, pedagog szkolny, 33 812 45 03, pedagog@sp3.example.pl"]
    assert "dzwonić" not in answer.data.decode("utf-8-sig")  # contacts' notes stay home
    answer = desk.get("/partners/", query_string={"active": "all", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Dawna szkoła", "Miejski Dom Kultury",
                                           "Szkoła Podstawowa nr 3"]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "partner", AuditLog.action == "export")) == 2
    assert desk.get("/partners/?format=pdf").status_code == 404


@pytest.mark.parametrize("role, reads, keeps, log, files", [
    (Role.ADMIN, 200, 200, True, 200),
    (Role.COORDINATOR, 200, 200, True, 200),
    (Role.PROJECT_MANAGER, 200, 403, True, 200),
    (Role.LEADER, 200, 403, False, 403),
    (Role.VOLUNTEER, 403, 403, False, 403),
])
def test_who_may_read_keep_and_export_the_register(app, client_as, role, reads, keeps, log,
                                                   files):
    school = partner("Szkoła Podstawowa nr 3")
    person = contact(school)
    services.add_log_entry(school, {"held_on": TODAY, "kind": LogKind.REFERRAL,
                                    "note": "Skierowanie do poradni."}, None, TODAY)
    db.session.commit()
    user = client_as(role)
    page = user.get(f"/partners/{school.id}")
    assert user.get("/partners/").status_code == reads and page.status_code == reads
    assert user.get(f"/partners/{school.id}/edit").status_code == keeps
    assert user.get(f"/partners/{school.id}/contacts/{person.id}").status_code == keeps
    assert user.post(f"/partners/{school.id}/contacts/{person.id}/remove").status_code in (
        302 if keeps == 200 else 403,)
    assert user.get("/partners/?format=csv").status_code == files
    if reads == 200:
        assert ("Skierowanie do poradni." in page.text) is log
        assert ("dzwonić po 14" in page.text) is (keeps == 200)  # the notes on a contact
        assert "pedagog@sp3.example.pl" in page.text  # the work contact data: every reader


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    school = partner("Szkoła Podstawowa nr 3")
    db.session.commit()
    for path in ("/partners/", f"/partners/{school.id}", "/partners/?format=csv"):
        assert client.get(path).status_code == 302


def test_the_log_records_what_was_done_and_refuses_a_day_to_come(app, users, client_as):
    school = partner("Szkoła Podstawowa nr 3")
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    page = desk.get(f"/partners/{school.id}").text
    form = {"once_key": key_of(page), "held_on": (TODAY + timedelta(days=1)).isoformat(),
            "kind": "meeting", "note": "Spotkanie z dyrekcją."}
    refused = desk.post(f"/partners/{school.id}/log", data=form)
    assert refused.status_code == 422 and 'id="held_on-error"' in refused.text
    form["held_on"] = TODAY.isoformat()
    assert desk.post(f"/partners/{school.id}/log", data=form).status_code == 302
    assert desk.post(f"/partners/{school.id}/log", data=form).status_code == 302  # once
    entries = db.session.scalars(select(LogEntry)).all()
    assert [(e.kind, e.created_by_id) for e in entries] == [
        (LogKind.MEETING, users[Role.COORDINATOR].id)]


def test_a_contact_needs_a_way_to_reach_them_and_goes_at_once_when_removed(app, client_as):
    school = partner("Szkoła Podstawowa nr 3")
    with pytest.raises(DomainError) as refused:
        contact(school, phone="", email="")
    assert refused.value.field == "phone"
    person = contact(school)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    assert desk.post(f"/partners/{school.id}/contacts/{person.id}/remove").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PartnerContact)) == 0
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.entity == "partner_contact", AuditLog.entity_id == person.id,
        AuditLog.action == "delete")) == "delete"


def test_a_contact_person_gets_their_data_and_has_them_erased(app, users, client_as):
    school = partner("Szkoła Podstawowa nr 3")
    person = contact(school)
    db.session.commit()
    admin = client_as(Role.ADMIN)
    assert f"/admin/rodo/new?partner_contact={person.id}" in admin.get(
        f"/partners/{school.id}").text.replace("&amp;", "&")
    page = admin.get(f"/admin/rodo/new?partner_contact={person.id}")
    assert page.status_code == 200 and "Anna Wiśniewska" in page.text
    form = {"once_key": key_of(page.text), "kind": "erasure",
            "received_on": TODAY.isoformat(), "identity_check": "Legitymacja służbowa"}
    assert admin.post(f"/admin/rodo/new?partner_contact={person.id}", data=form
                      ).status_code == 302
    subject = rodo.gather(SubjectKind.PARTNER_CONTACT, person.id)
    exported = rodo.export_data(subject, "OPS")
    assert exported["sections"]["partner_contacts"][0]["email"] == "pedagog@sp3.example.pl"
    request_id = db.session.scalar(select(func.max(AuditLog.entity_id)).where(
        AuditLog.entity == "data_request"))
    assert f'href="/partners/{school.id}"' in admin.get(f"/admin/rodo/{request_id}").text
    answer = admin.get(f"/admin/rodo/{request_id}/export.json")
    assert answer.status_code == 200 and "pedagog@sp3.example.pl" in answer.text
    assert admin.get(f"/admin/rodo/{request_id}/export.pdf").status_code == 200
    erased = admin.post(f"/admin/rodo/{request_id}/erase", data={"confirm": "y"})
    assert erased.status_code == 302
    db.session.expire_all()
    row = db.session.get(PartnerContact, person.id)
    assert (row.first_name, row.last_name, row.phone, row.email, row.position, row.notes) == (
        "Osoba", f"#{person.id}", "", "", "", "")
    assert row.anonymised_at is not None
    assert "Osoba" not in admin.get(f"/partners/{school.id}").text


def test_a_leaders_event_form_offers_the_active_partners(app, users, client_as):
    partner("Miejski Dom Kultury", kind=PartnerKind.CULTURE)
    partner("Stary Klub", active=False)
    db.session.commit()
    page = client_as(Role.LEADER).get("/events/new").text
    assert "Miejski Dom Kultury" in page and "Stary Klub" not in page
    day = TODAY + timedelta(days=4)
    made = events.save_event(None, {
        "title": "Festyn", "kind": "initiative", "description": "", "place": "Park",
        "starts_at": local_to_utc(day, time(10)), "ends_at": local_to_utc(day, time(12)),
        "organiser": "", "audience": "everyone", "age_from": None, "age_to": None,
        "public": True, "capacity": None, "registration_from": None,
        "registration_until": None, "partner_ids": services.named("miejski dom kultury")},
        users[Role.LEADER])
    assert [p.name for p in services.linked(event_partners, event_partners.c.event_id,
                                            made.id)] == ["Miejski Dom Kultury"]


@pytest.mark.parametrize("size", [1, 30])
def test_the_list_keeps_to_the_query_budget(app, client_as, count_queries, size):
    for n in range(size):
        partner(f"Szkoła Podstawowa nr {n + 1}", agreement_from=date(2025, 1, 1))
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    desk.get("/partners/")
    with count_queries() as queries:
        page = desk.get("/partners/")
    assert page.status_code == 200 and f"Szkoła Podstawowa nr {size}<" in page.text
    assert len(queries) <= 4
