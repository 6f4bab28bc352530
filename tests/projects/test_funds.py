"""Funds by source: a project's money by source and year (refusals beside the field),
the year's sums over all projects with each project's line, the year before, the
gifts in kind without a family's name, the page and its files, who reads it, and a
query count that does not grow with the projects."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.gifts import services as gifts
from cal.projects import funds
from cal.projects.models import Deliverable, DeliverableStatus, Funding, FundSource
from tests.factories import HouseholdFactory
from tests.projects.test_projects import project

TODAY = date(2026, 11, 23)


def multi_year(users, name="Aktywni razem", start=2025, end=2027):
    return project(users, name=name, starts_on=date(start, 1, 1), ends_on=date(end, 12, 31))


def fund(made, year, source, planned_zl, spent_zl, users, today=TODAY):
    return funds.set_funding(made, year, FundSource(source), planned_zl * 100, spent_zl * 100,
                             users[Role.PROJECT_MANAGER], today)


def gift(users, received_on, value_zl, **values):
    data = {"received_on": received_on, "donor": "Sklep „Pod Lipami”", "what": "Owoce",
            "quantity": 10, "unit": "kg", "value_gr": value_zl * 100, "used_for": "general",
            "note": "", **values}
    return gifts.save_gift(None, data, users[Role.COORDINATOR], TODAY)


def test_a_projects_money_by_source_and_year_is_stored_corrected_and_removed(app, users):
    made = multi_year(users)
    fund(made, 2026, "eu", 204_000, 0, users)
    fund(made, 2026, "eu", 204_000, 112_858, users)  # corrected, not added again
    fund(made, 2027, "eu", 204_000, 0, users)  # a year to come: planned only
    fund(made, 2026, "own", 12_000, 6_000, users)
    assert [(f.year, f.source, f.planned_gr, f.spent_gr) for f in funds.funding_of(made)] == [
        (2026, FundSource.EU, 20_400_000, 11_285_800), (2026, FundSource.OWN, 1_200_000,
                                                         600_000),
        (2027, FundSource.EU, 20_400_000, 0)]
    assert fund(made, 2026, "own", 0, 0, users) is None  # both amounts 0: removed
    assert db.session.scalar(select(func.count()).select_from(Funding)) == 2
    assert [a for (a,) in db.session.execute(select(AuditLog.action).where(
        AuditLog.entity == "project_funding").order_by(AuditLog.id))] == [
        "create", "update", "create", "create", "delete"]


@pytest.mark.parametrize("year, planned, spent, field", [
    (2024, 100, 0, "year"),  # before the project
    (2028, 100, 0, "year"),  # after it
    (2026, -1, 0, "planned"),
    (2026, 100, -5, "spent"),
    (2027, 100, 50, "spent"),  # spent in a year that has not begun
])
def test_bad_funding_is_refused_beside_its_field(app, users, year, planned, spent, field):
    made = multi_year(users)
    with pytest.raises(DomainError) as refused:
        fund(made, year, "city", planned, spent, users)
    assert field in refused.value.fields


def test_the_year_sums_every_project_by_source_with_its_lines_and_the_year_before(
        app, users):
    first, second = multi_year(users, "Aktywni razem"), multi_year(users, "Bezpieczny senior")
    fund(first, 2026, "eu", 204_000, 112_000, users)
    fund(first, 2026, "state", 24_000, 13_000, users)
    fund(second, 2026, "city", 64_500, 60_000, users)
    fund(second, 2026, "eu", 87_000, 80_000, users)
    fund(first, 2025, "eu", 290_000, 290_000, users)
    family = HouseholdFactory(name="Kowalscy")
    gift(users, date(2026, 8, 20), 4_500, what="Plecaki", used_for="household",
         household_id=family.id)
    gift(users, date(2026, 12, 4) if TODAY.month == 12 else date(2026, 11, 20), 625)
    gift(users, date(2025, 12, 4), 500)
    summary = funds.funds_by_source(2026)
    assert summary["has_data"] and summary["has_previous"] and summary["has_previous_money"]
    eu, state, city = summary["sources"]
    assert (eu["source"], eu["planned_gr"], eu["spent_gr"], eu["previous_spent_gr"]) == (
        "eu", 29_100_000, 19_200_000, 29_000_000)
    assert [(p["name"], p["spent_gr"]) for p in eu["projects"]] == [
        ("Aktywni razem", 11_200_000), ("Bezpieczny senior", 8_000_000)]
    assert (state["spent_gr"], state["previous_spent_gr"], state["label"]) == (
        1_300_000, 0, "Budżet państwa")
    assert city["projects"] == [{"project_id": second.id, "name": "Bezpieczny senior",
                                 "planned_gr": 6_450_000, "spent_gr": 6_000_000}]
    assert summary["total"] == {"planned_gr": 37_950_000, "spent_gr": 26_500_000,
                                "previous_planned_gr": 29_000_000,
                                "previous_spent_gr": 29_000_000}
    given = summary["gifts"]
    assert (given["count"], given["value_gr"], given["previous_count"],
            given["previous_value_gr"]) == (2, 512_500, 1, 50_000)
    assert [i["used_for"] for i in given["items"]] == ["Bieżąca działalność ośrodka",
                                                       "Rodzina"]  # never the name
    assert "Kowalscy" not in str(summary)


def test_a_year_with_no_data_says_so(app, users, client_as):
    made = multi_year(users)
    fund(made, 2026, "eu", 1_000, 0, users)
    db.session.commit()
    summary = funds.funds_by_source(2019)
    assert not summary["has_data"] and summary["sources"] == [] and not summary["gifts"]["items"]
    page = client_as(Role.ADMIN).get("/funds/?year=2019")
    assert page.status_code == 200
    assert "Dla roku 2019 nie wpisano żadnych środków ani darów." in page.text


def test_a_year_to_come_is_refused_beside_the_field(app, client_as):
    next_year = local_today().year + 1
    for path in ("/funds/", "/gifts/"):
        page = client_as(Role.ADMIN).get(path, query_string={"year": next_year})
        assert page.status_code == 422
        assert f"Rok {next_year} jeszcze się nie zaczął" in page.text
        assert 'aria-invalid="true"' in page.text
        assert client_as(Role.ADMIN).get(path, query_string={
            "year": next_year, "format": "csv"}).status_code == 422  # no file either


def test_the_page_shows_this_years_funds_in_polish_and_the_files_hold_them(
        app, users, client_as):
    year = local_today().year
    made = project(users, name="Aktywni razem", starts_on=date(year - 1, 1, 1),
                   ends_on=date(year, 12, 31))
    fund(made, year, "city", 64_500, 60_000, users, local_today())
    fund(made, year - 1, "city", 50_000, 50_000, users, local_today())
    gifts.save_gift(None, {"received_on": date(year, 1, 10), "donor": "Hurtownia „Kartka”",
                           "what": "Artykuły papiernicze", "quantity": 1, "unit": "komplet",
                           "value_gr": 38_000, "used_for": "general", "note": ""},
                    users[Role.COORDINATOR], local_today())
    db.session.commit()
    director = client_as(Role.ADMIN)
    page = director.get("/funds/")
    assert page.status_code == 200
    for text in ("Środki według źródeł", "Budżet miasta", "64\u00a0500,00\u00a0zł",
                 f"Wydatkowano w {year - 1}", "Sponsorzy: pomoc rzeczowa",
                 "Hurtownia „Kartka”", "380,00\u00a0zł", "?format=csv"):
        assert text in page.text, text
    answer = director.get("/funds/?format=csv")
    assert answer.status_code == 200
    assert 'filename="fundusze-wg-zrodel-' in answer.headers["Content-Disposition"]
    lines = answer.data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["Rok", "Źródło", "Projekt lub dar"]
    assert lines[1:4] == [f"{year};Budżet miasta;Wszystkie projekty;64500.0;60000.0;50000.0;;",
                          f"{year};Budżet miasta;Aktywni razem;64500.0;60000.0;;;",
                          f"{year};Razem;Wszystkie źródła;64500.0;60000.0;50000.0;;"]
    assert lines[-1] == (f"{year};Sponsorzy (pomoc rzeczowa);Hurtownia „Kartka”: Artykuły "
                         f"papiernicze (1 komplet);;380.0;;{year}-01-10;"
                         "Bieżąca działalność ośrodka")
    rows = list(load_workbook(io.BytesIO(director.get(
        f"/funds/?year={year}&format=xlsx").data)).active.iter_rows(values_only=True))
    assert rows[1][:6] == (year, "Budżet miasta", "Wszystkie projekty", 64500, 60000, 50000)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "funds_by_source", AuditLog.action == "export")) == 2


@pytest.mark.parametrize("role, status", [
    (Role.ADMIN, 200), (Role.PROJECT_MANAGER, 200), (Role.COORDINATOR, 403),
    (Role.LEADER, 403), (Role.VOLUNTEER, 403)])
def test_the_director_and_project_managers_read_the_funds(app, client_as, role, status):
    user = client_as(role)
    assert user.get("/funds/").status_code == status
    assert user.get("/funds/?format=csv").status_code == status


def test_the_budget_page_keeps_the_funding_and_refuses_a_negative_amount(
        app, users, client_as):
    made = multi_year(users)
    db.session.commit()
    desk = client_as(Role.PROJECT_MANAGER)
    page = desk.get(f"/projects/{made.id}/budget")
    assert page.status_code == 200 and "Finansowanie według źródeł i lat" in page.text
    form = {"funding-year": "2026", "funding-source": "city", "funding-planned": "64 500,00",
            "funding-spent": "", "funding-once_key": "fund-key-000000000001"}
    assert desk.post(f"/projects/{made.id}/funding", data=form).status_code == 302
    assert [(f.source, f.planned_gr, f.spent_gr) for f in funds.funding_of(made)] == [
        (FundSource.CITY, 6_450_000, 0)]
    refused = desk.post(f"/projects/{made.id}/funding", data={
        **form, "funding-planned": "-100", "funding-once_key": "fund-key-000000000002"})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert "Kwota nie może być ujemna." in refused.text
    refused = desk.post(f"/projects/{made.id}/funding", data={
        **form, "funding-year": "2031", "funding-once_key": "fund-key-000000000003"})
    assert refused.status_code == 422 and "Wybierz rok, w którym trwa projekt" in refused.text


def test_funding_saved_in_place_loads_the_budget_page_again_at_its_section(
        app, users, client_as):
    """The form stands on the page it returns to: a redirect that only adds #funding
    would scroll, not load the saved row, so htmx is asked to load the page again."""
    made = multi_year(users)
    db.session.commit()
    budget = f"/projects/{made.id}/budget"
    sent = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{made.id}/funding", headers={
            "HX-Request": "true", "HX-Current-URL": f"http://localhost{budget}"},
        data={"funding-year": "2026", "funding-source": "city", "funding-planned": "100,00",
              "funding-once_key": "fund-key-000000000009"})
    assert sent.status_code == 204 and sent.headers["HX-Redirect"] == f"{budget}#funding"
    assert sent.headers["HX-Refresh"] == "true"
    # Sent from another page (the funds by source), the redirect alone opens it.
    elsewhere = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{made.id}/funding", headers={
            "HX-Request": "true", "HX-Current-URL": "http://localhost/funds/"},
        data={"funding-year": "2026", "funding-source": "city", "funding-planned": "200,00",
              "funding-once_key": "fund-key-000000000010"})
    assert elsewhere.status_code == 204 and "HX-Refresh" not in elsewhere.headers


@pytest.mark.parametrize("size", [1, 12])
def test_the_page_keeps_to_the_query_budget_whatever_the_projects(
        app, users, client_as, count_queries, size):
    year = local_today().year
    for n in range(size):
        made = project(users, name=f"Projekt {n}", starts_on=date(year - 1, 1, 1),
                       ends_on=date(year, 12, 31))
        for source in ("eu", "state", "own"):
            fund(made, year, source, 1_000 + n, 500, users, local_today())
            fund(made, year - 1, source, 1_000, 900, users, local_today())
        gifts.save_gift(None, {"received_on": date(year, 1, 2), "donor": f"Firma {n}",
                               "what": "Plecaki", "quantity": 2, "unit": "szt.",
                               "value_gr": 10_000, "used_for": "general", "note": ""},
                        users[Role.COORDINATOR], local_today())
    db.session.commit()
    director = client_as(Role.ADMIN)
    director.get("/funds/")
    with count_queries() as queries:
        page = director.get("/funds/")
    assert page.status_code == 200 and f"Projekt {size - 1}<" in page.text
    assert len(queries) <= 6
    with count_queries() as counted:
        funds.funds_by_source(year)
    assert len(counted) == 4


def test_a_deliverables_evidence_refused_is_kept_with_the_reason_beside_it(client_as, users):
    made = project(users)
    db.session.add(Deliverable(project_id=made.id, name="Raport z warsztatów",
                               amount_gr=500_000, due_on=date(2026, 6, 30)))
    db.session.commit()
    deliverable = db.session.scalar(select(Deliverable))
    manager = client_as(Role.PROJECT_MANAGER)
    url = f"/projects/{made.id}/deliverables/{deliverable.id}"
    name = f"d{deliverable.id}"
    typed = "Listy obecności w segregatorze B, pok. 12. " * 100  # past the 4,000 letters
    refused = manager.post(url, data={f"{name}-status": "done", f"{name}-evidence": typed})
    assert refused.status_code == 422
    beside = refused.text.split(f'id="{name}-evidence-error"')[1].split("</small>")[0]
    assert "4000" in beside
    assert "Listy obecności w segregatorze B" in refused.text  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Deliverable, deliverable.id).status == DeliverableStatus.PLANNED
    saved = manager.post(url, data={f"{name}-status": "done", f"{name}-evidence": typed[:200]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Deliverable, deliverable.id).status == DeliverableStatus.DONE
