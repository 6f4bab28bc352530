"""The participants in the layout of the monitoring system's file (SM EFS): read back with
the column names of the system's export, both "w tym" columns in their places, Tak/Nie,
several kinds of support joined by "|", the non-binary category in the indicators, the
PESEL checked against the birth date and the sex, the form's refusals beside the fields,
the file for the project's own manager and the administrators only, in as many queries
for many participants as for few."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from cal import create_app
from cal.auth.models import User
from cal.core import pesel
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.extensions import db
from cal.people.models import Person
from cal.projects import eu_participants
from cal.projects.participant_models import (
    Answer,
    Citizenship,
    Degurba,
    Education,
    ExitSituation,
    LabourDetail,
    LabourStatus,
    Participant,
    Sex,
    Support,
)
from tests.conftest import config_for_tests, log_in, password_hash, row_of
from tests.factories import PersonFactory
from tests.projects.participants import participant_data
from tests.projects.test_projects import project

# The columns of the system's own export (SM EFS, "Uczestnicy_projektu_Efs_<date>.csv").
SYSTEM_COLUMNS = [
    "Imię", "Nazwisko", "PESEL/Inny identyfikator", "brak PESEL",
    "Techniczny identyfikator uczestnika", "Płeć", "Wiek w chwili przystąpienia do projektu",
    "Wykształcenie", "Obywatelstwo", "Kraj", "Województwo", "Powiat", "Gmina", "Miejscowość",
    "Kod pocztowy", "Obszar według stopnia urbanizacji (DEGURBA)", "Telefon kontaktowy",
    "Adres e-mail", "Status osoby na rynku pracy w chwili przystąpienia do projektu", "w tym",
    "Zakres wsparcia", "Rodzaj przyznanego wsparcia", "w tym",
    "Data rozpoczęcia udziału we wsparciu", "Data rozpoczęcia udziału w projekcie",
    "Data zakończenia udziału w projekcie",
    "Sytuacja osoby w momencie zakończenia udziału w projekcie",
    "Zakończenie udziału osoby w projekcie zgodnie z zaplanowaną dla niej ścieżką "
    "uczestnictwa", "Osoba z niepełnosprawnościami", "Osoba obcego pochodzenia",
    "Obywatel państwa trzeciego",
    "Osoba należąca do mniejszości narodowej lub etnicznej (w tym społeczności "
    "marginalizowane)", "Osoba bezdomna lub dotknięta wykluczeniem z dostępu do mieszkań"]
STATUS_DETAIL, SUPPORT_DETAIL = 19, 22  # the two "w tym", by position


def add(p, users, birth, sex=Sex.FEMALE, person=None, **changes) -> Participant:
    person = person or PersonFactory(birth_date=birth)
    return eu_participants.save_participant(p, None, person, participant_data(
        birth, sex, **changes), birth, users[Role.ADMIN])


def support(row, kind, detail, day, scope="Zadanie 1") -> dict:
    return {"row": row, "scope": scope, "kind": kind, "kind_detail": detail,
            "started_on": day}


def read(answer) -> list[dict]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == SYSTEM_COLUMNS
    assert [n for n, name in enumerate(rows[0]) if name == "w tym"] == [
        STATUS_DETAIL, SUPPORT_DETAIL]
    return [dict(zip(rows[0], row, strict=True)) | {"status detail": row[STATUS_DETAIL],
                                                    "support detail": row[SUPPORT_DETAIL]}
            for row in rows[1:]]


def two_participants(users):
    p = project(users)
    worker = PersonFactory(first_name="Zofia", last_name="Kowalska", birth_date=date(1980, 5, 1),
                           phone="600 100 200", email="zofia@example.pl")
    add(p, users, date(1980, 5, 1), person=worker, labour_status=LabourStatus.EMPLOYED,
        labour_detail=LabourDetail.SCHOOL_TEACHING, education=Education.ISCED_7,
        ended_on=date(2026, 6, 30), completed_as_planned=False,
        exit_situation=ExitSituation.EMPLOYED, disability=Answer.REFUSED,
        supports=[support(1, "krajowe szkolenie/kurs", "", date(2026, 4, 2), "Zadanie 2"),
                  support(0, "doradztwo/konsultacje", "pomoc psychologiczna",
                          date(2026, 3, 20))])
    add(p, users, date(2001, 1, 9), Sex.NON_BINARY, no_pesel=True, identifier="FH123456",
        citizenship=Citizenship.THIRD_COUNTRY, country="Ukraina", voivodeship="",
        powiat="", gmina="", locality="Lwów", postcode="", degurba=Degurba.CITY,
        labour_status=LabourStatus.UNEMPLOYED_REGISTERED, labour_detail=LabourDetail.LONG_TERM,
        minority=Answer.REFUSED)
    db.session.commit()
    return p


def test_the_file_reads_back_with_the_columns_of_the_systems_export(client_as, users):
    p = two_participants(users)
    worker, newcomer = read(client_as(Role.PROJECT_MANAGER).get(
        f"/projects/{p.id}/participants?format=csv"))
    assert (worker["Imię"], worker["Nazwisko"], worker["brak PESEL"]) == (
        "Zofia", "Kowalska", "Nie")
    assert pesel.parse(worker["PESEL/Inny identyfikator"]).birth_date == date(1980, 5, 1)
    assert (worker["Płeć"], worker["Wiek w chwili przystąpienia do projektu"]) == (
        "Kobieta", "45")
    assert worker["Wykształcenie"].endswith("(ISCED 7)")
    assert (worker["Obywatelstwo"], worker["Kraj"], worker["Gmina"], worker["Kod pocztowy"],
            worker["Obszar według stopnia urbanizacji (DEGURBA)"]) == (
        "Obywatelstwo polskie", "Polska", "Siedlce", "08-110", "2")
    assert (worker["Telefon kontaktowy"], worker["Adres e-mail"]) == (
        "600100200", "zofia@example.pl")  # from the person's record
    assert worker["status detail"] == ("Osoba pracująca w szkole lub placówce systemu "
                                       "oświaty (kadra pedagogiczna)")
    # two kinds of support, by the day each began, in the same order in every column
    assert worker["Zakres wsparcia"] == "Zadanie 1|Zadanie 2"
    assert worker["Rodzaj przyznanego wsparcia"] == (
        "doradztwo/konsultacje|krajowe szkolenie/kurs")
    assert worker["support detail"] == "pomoc psychologiczna|"
    assert worker["Data rozpoczęcia udziału we wsparciu"] == "2026-03-20|2026-04-02"
    assert (worker["Data rozpoczęcia udziału w projekcie"],
            worker["Data zakończenia udziału w projekcie"]) == ("2026-03-15", "2026-06-30")
    assert worker["Zakończenie udziału osoby w projekcie zgodnie z zaplanowaną dla niej "
                  "ścieżką uczestnictwa"] == "Nie"
    assert worker["Osoba z niepełnosprawnościami"] == "Odmowa podania informacji"
    assert worker["Obywatel państwa trzeciego"] == "Nie"
    assert (newcomer["PESEL/Inny identyfikator"], newcomer["brak PESEL"], newcomer["Płeć"]) == (
        "FH123456", "Tak", "Osoba niebinarna")
    assert newcomer["Obywatel państwa trzeciego"] == "Tak"  # from the citizenship
    assert newcomer["Status osoby na rynku pracy w chwili przystąpienia do projektu"] == (
        "Osoba bezrobotna zarejestrowana w ewidencji urzędów pracy")
    assert newcomer["status detail"] == "Osoba długotrwale bezrobotna"
    assert newcomer["Rodzaj przyznanego wsparcia"] == newcomer["support detail"] == ""
    assert newcomer["Data zakończenia udziału w projekcie"] == ""
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "export"))
    assert (entry.entity, entry.entity_id, entry.fields) == ("participants", p.id, "disability")


def test_the_non_binary_participants_have_their_column_in_the_indicators(client_as, users):
    p = two_participants(users)
    table = {line.label: (line.women, line.men, line.non_binary, line.total)
             for line in eu_participants.common_indicators(eu_participants.participants_of(p))}
    assert table["Uczestnicy ogółem"] == (1, 0, 1, 2)
    assert table["Osoby długotrwale bezrobotne"] == (0, 0, 1, 1)
    assert table["Obywatele państw trzecich"] == (0, 0, 1, 1)
    assert table["Z wykształceniem wyższym (ISCED 5–8)"] == (1, 0, 0, 1)
    page = client_as(Role.PROJECT_MANAGER).get(f"/projects/{p.id}/participants").text
    assert "Osoby niebinarne" in page and "…" + "3456" in page  # the identifier masked
    assert "FH123456" not in page


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"identifier": "80050101231"}, "identifier", "prawidłowy numer PESEL"),
    ({"identifier": pesel.compose(date(1980, 5, 2), True, 5)}, "identifier", "02.05.1980"),
    ({"identifier": pesel.compose(date(1980, 5, 1), False, 5)}, "identifier", "mężczyzny"),
    ({"identifier": ""}, "identifier", "zaznacz"),
    ({"identifier": "", "no_pesel": True}, "identifier", "paszportu"),
    ({"postcode": "08110"}, "postcode", "00-950"),
    ({"gmina": ""}, "gmina", "gminę"),
    ({"labour_status": LabourStatus.EMPLOYED}, "labour_detail", "Wybierz"),
    ({"labour_detail": LabourDetail.LONG_TERM}, "labour_detail", "biernej zawodowo"),
    ({"ended_on": date(2026, 5, 1)}, "completed_as_planned", "zgodnie z planem"),
    ({"completed_as_planned": True}, "completed_as_planned", "po zakończeniu udziału"),
    ({"supports": [support(3, "doradztwo/konsultacje", "", date(2026, 3, 1))]},
     "support_rows-3-started_on", "15.03.2026"),
    ({"supports": [support(0, "kurs|szkolenie", "", date(2026, 3, 20))]},
     "support_rows-0-kind", "|"),
])
def test_a_record_the_file_cannot_take_is_refused_beside_its_field(
        app, users, changes, field, words):
    p = project(users)
    with pytest.raises(DomainError) as refusal:
        add(p, users, date(1980, 5, 1), **changes)
    assert words in refusal.value.fields[field]


def test_a_pesel_gives_the_birth_date_and_is_one_participants_only(app, users):
    p = project(users)
    person = PersonFactory(birth_date=None)
    code = pesel.compose(date(1975, 11, 30), False, 42)
    eu_participants.save_participant(p, None, person, participant_data(
        None, Sex.MALE, identifier=code, no_pesel=False), None, users[Role.ADMIN])
    assert person.birth_date == date(1975, 11, 30)
    with pytest.raises(DomainError, match="ma już ten PESEL"):
        add(p, users, date(1975, 11, 30), Sex.MALE, identifier=code)


def test_a_participant_saved_again_keeps_only_the_rows_of_support_sent(app, users):
    p = project(users)
    saved = add(p, users, date(1980, 5, 1), supports=[
        support(0, "doradztwo/konsultacje", "doradztwo zawodowe", date(2026, 3, 16)),
        support(1, "krajowe szkolenie/kurs", "", date(2026, 3, 17))])
    data = participant_data(date(1980, 5, 1), identifier=saved.identifier, supports=[
        support(0, "usługa aktywnej integracji", "usługa o charakterze społecznym",
                date(2026, 4, 1))])
    person = db.session.get(Person, saved.person_id)
    eu_participants.save_participant(p, saved, person, data, None, users[Role.ADMIN])
    assert [s.kind for s in eu_participants.supports_of(saved)] == [
        "usługa aktywnej integracji"]


def form_of(client, url: str) -> dict:
    page = client.get(url).text
    key = page.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    return {"once_key": key, "sex": "female", "identifier": "", "citizenship": "polish",
            "country": "Polska", "voivodeship": "mazowieckie", "powiat": "Siedlce",
            "gmina": "Siedlce", "locality": "Siedlce", "postcode": "08-110", "degurba": "2",
            "started_on": "2026-03-15", "education": "isced_3", "labour_status": "inactive",
            "disability": "no", "foreign_background": "no", "minority": "no", "homeless": "no"}


def test_the_manager_fills_the_form_with_a_refusal_beside_the_field_and_sends_it_once(
        client_as, users):
    p = project(users)
    saved = add(p, users, date(1980, 5, 1))
    db.session.commit()
    url = f"/projects/{p.id}/participants/{saved.id}"
    manager = client_as(Role.PROJECT_MANAGER)
    form = form_of(manager, url)
    assert 'name="support_rows-1-kind"' in manager.get(url).text  # two empty rows offered
    form.update(identifier=saved.identifier, postcode="8-110", **{
        "support_rows-0-kind": "doradztwo/konsultacje",
        "support_rows-0-kind_detail": "pomoc psychologiczna",
        "support_rows-0-started_on": "2026-03-20", "support_rows-1-kind": ""})
    refused = manager.post(url, data=form)
    assert refused.status_code == 422
    error = refused.text.split('id="postcode-error"')[1].split("</small>")[0]
    assert "00-950" in error
    assert 'value="doradztwo/konsultacje"' in refused.text  # what was typed stays
    form["postcode"] = "08-110"
    for _ in range(2):  # a double tap stores it once
        assert manager.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert [(s.kind, s.started_on) for s in db.session.scalars(select(Support))] == [
        ("doradztwo/konsultacje", date(2026, 3, 20))]
    read = db.session.scalars(select(AuditLog.entity_id).where(
        AuditLog.entity == "participant", AuditLog.action == "read")).all()
    assert read == [saved.id] * 2  # each opening of the record: disability and more in it


def test_the_file_is_for_the_projects_manager_and_the_administrators_only(
        client_as, users, app):
    p = two_participants(users)
    url = f"/projects/{p.id}/participants?format=csv"
    assert len(read(client_as(Role.ADMIN).get(url))) == 2
    for role in (Role.COORDINATOR, Role.LEADER, Role.VOLUNTEER):
        assert client_as(role).get(url).status_code == 403
    other = User(email="pm2@test.local", full_name="Drugi Kierownik",
                 role=Role.PROJECT_MANAGER, password_hash=password_hash())
    db.session.add(other)
    db.session.commit()
    stranger = app.test_client()
    log_in(stranger, other)
    assert stranger.get(url).status_code == 403
    assert "format=csv" in client_as(Role.PROJECT_MANAGER).get(
        f"/projects/{p.id}/participants").text


def test_the_file_takes_as_many_queries_for_many_participants_as_for_few(
        client_as, users, count_queries):
    p = project(users)
    counts = []
    for size in (2, 9):
        while db.session.scalar(select(db.func.count(Participant.id))) < size:
            n = db.session.scalar(select(db.func.count(Person.id)))
            add(p, users, date(1980, 1, 1 + n), supports=[
                support(0, "doradztwo/konsultacje", "doradztwo zawodowe", date(2026, 3, 16)),
                support(1, "krajowe szkolenie/kurs", "", date(2026, 3, 17))])
        db.session.commit()
        client = client_as(Role.PROJECT_MANAGER)
        client.get(f"/projects/{p.id}/participants?format=csv")
        with count_queries() as queries:
            assert len(read(client.get(f"/projects/{p.id}/participants?format=csv"))) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


# --- the migration that adds the file's fields -------------------------------------------

BEFORE, AFTER = "ebffe68bbc6e", "b93938207ce5"
# (labour status, education, area, third country) before; after: status, detail,
# education, DEGURBA, citizenship.
CARRIED = [
    (("long_term_unemployed", "isced_0_2", "rural", "yes"),
     ("unemployed_reg", "long_term", "isced_0", "3", "third_country")),
    (("unemployed", "isced_3_4", "urban", "no"),
     ("unemployed_reg", "other", "isced_3", None, "polish")),
    (("employed", "isced_5_8", "urban", "refused"), ("employed", None, "isced_5", None, None)),
    (("inactive", "isced_3_4", "rural", "no"), ("inactive", None, "isced_3", "3", "polish")),
]


def test_the_migration_carries_the_records_over_and_folds_them_back(empty_database):
    from alembic import command

    app = create_app(config_for_tests(empty_database))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, BEFORE)
        engine = sa.create_engine(empty_database)
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection, only=["persons", "projects", "project_participants"])
            connection.execute(tables.tables["projects"].insert(), row_of(
                tables.tables["projects"], id=1, starts_on=date(2026, 1, 1)))
            for n, (status, education, area, third) in enumerate(
                    (before for before, _ in CARRIED), 1):
                connection.execute(tables.tables["persons"].insert(), row_of(
                    tables.tables["persons"], id=n))
                connection.execute(tables.tables["project_participants"].insert(), row_of(
                    tables.tables["project_participants"], id=n, project_id=1, person_id=n,
                    sex="female", labour_status=status, education=education, area=area,
                    third_country=third, disability="no", foreign_background="no",
                    minority="no", homeless="no"))
        command.upgrade(config, AFTER)
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(sa.text(
                "SELECT labour_status, labour_detail, education, degurba, citizenship "
                "FROM project_participants ORDER BY id"))] == [after for _, after in CARRIED]
            connection.execute(sa.text(
                "UPDATE project_participants SET sex = 'non_binary', "
                "labour_status = 'unemployed_unreg' WHERE id = 2"))
            connection.commit()
        command.downgrade(config, BEFORE)
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(sa.text(
                "SELECT labour_status, education, area FROM project_participants "
                "ORDER BY id"))] == [before[:3] for before, _ in CARRIED]
            assert connection.execute(sa.text(
                "SELECT sex FROM project_participants WHERE id = 2")).scalar() == "female"
        engine.dispose()
        db.engine.dispose()
