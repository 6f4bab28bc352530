"""A project manager at a desk, in Polish: sets up a project linked to a group, adds an
indicator counted from attendance, a budget line and an expense, takes a participant
into the EU records, and downloads the participant list and the budget execution."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cal.core.timeutil import local_today
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def _workbook(download) -> list[list]:
    data = io.BytesIO(Path(download.path()).read_bytes())
    return [list(r) for r in load_workbook(data).active.iter_rows(values_only=True)]


def test_a_project_manager_sets_up_a_project_and_exports_what_the_funder_asks(visit):
    desk = visit(DESKTOP, name="project-manager")
    page = desk.page
    sign_in(desk, "projekty@cal.local")
    desk.goto("/projects/new")
    desk.check_accessibility()
    year = local_today().year
    page.get_by_label("Nazwa projektu").fill("Seniorzy w ruchu")
    page.get_by_label("Źródło finansowania").select_option("eu")
    page.get_by_label("Początek").fill(f"{year}-01-01")
    page.get_by_label("Koniec").fill(f"{year}-12-31")
    page.get_by_label("Wartość całkowita (zł)").fill("50 000,00")
    page.get_by_label("Koszty pośrednie, stawka ryczałtowa od kosztów bezpośrednich (%)").fill(
        "25")
    page.get_by_label("Gimnastyka dla seniorów").check()
    page.get_by_label("Prowadzi rejestr uczestników UE (monitoring EFS+)").check()
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    assert "Projekt zapisany." in page.content()

    page.locator("summary", has_text="Dodaj wskaźnik").click()
    page.get_by_role("textbox", name="Wskaźnik").fill("Seniorzy na zajęciach")
    page.get_by_label("Wartość docelowa").fill("20")
    page.get_by_label("Jednostka").fill("osoby")
    page.get_by_label("Źródło").select_option("participants")
    page.get_by_role("button", name="Dodaj wskaźnik").click()
    page.wait_for_selector("text=Wskaźnik dodany.")
    counted = page.locator("article.card p strong").first.inner_text()
    assert int(counted) == 0  # the manager's link to the group waits for a coordinator
    desk.check_accessibility()
    desk.screenshot("project")
    project_path = page.url.removeprefix(desk.base_url)
    office = visit(DESKTOP, name="project-coordinator")
    sign_in(office, "koordynator@cal.local")
    office.goto(project_path)
    office.page.get_by_role("button", name="Potwierdź powiązania").click()
    office.page.get_by_role("button", name="Potwierdź powiązania").wait_for(state="detached")
    desk.goto(project_path)
    counted = page.locator("article.card p strong").first.inner_text()
    assert int(counted) > 0  # confirmed: the demo group's past attendance counts at once

    page.get_by_role("button", name="Budżet i wydatki").click()
    page.get_by_role("textbox", name="Zadanie").fill("Zadanie 1. Zajęcia ruchowe")
    page.locator("#line-name").fill("Instruktor")
    page.locator("#line-planned").fill("1 000")
    page.get_by_role("button", name="Dodaj pozycję").click()
    page.wait_for_selector("text=Pozycja budżetu dodana.")
    page.locator("#expense-line_id").select_option(label="Zadanie 1. Zajęcia ruchowe · "
                                                               "Instruktor")
    page.get_by_label("Kwota (zł)").fill("1 200,50")
    page.get_by_label("Numer dokumentu").fill("FV/7/2026")
    page.get_by_role("button", name="Zapisz wydatek").click()
    page.wait_for_selector("text=Wydatek zapisany.")
    assert "Przekroczony plan: Instruktor" in page.content()
    desk.check_accessibility()
    desk.screenshot("budget")
    with page.expect_download() as budget:
        page.get_by_role("button", name="Wykonanie budżetu (XLSX)").click()
    rows = _workbook(budget.value)
    assert rows[-1][2:5] == ["Razem", 1250, 1500.63]  # 25 % on top: 1 200,50 + 300,13

    page.get_by_role("link", name=re.compile("Seniorzy w ruchu")).click()
    page.get_by_role("button", name="Uczestnicy (UE)").click()
    page.get_by_role("button", name="Dodaj uczestnika").click()
    desk.check_accessibility()
    person = page.get_by_label("Osoba")
    person.select_option(index=1)
    chosen = person.locator("option:checked").inner_text()
    page.get_by_label("Płeć").select_option("female")
    page.get_by_label("Brak numeru PESEL").check()
    page.get_by_label("PESEL lub inny identyfikator").fill("FH123456")
    page.get_by_label("Obywatelstwo").select_option("polish")
    page.get_by_label("Województwo").select_option("mazowieckie")
    for label, value in (("Powiat", "Siedlce"), ("Gmina", "Siedlce"),
                         ("Miejscowość", "Siedlce"), ("Kod pocztowy", "08-110")):
        page.get_by_label(label).fill(value)
    page.get_by_label("Stopień urbanizacji (DEGURBA)").select_option("2")
    page.get_by_label("Wykształcenie (ISCED)").select_option("isced_3")
    page.get_by_label("Status na rynku pracy przy przystąpieniu").select_option("inactive")
    page.get_by_label("Niepełnosprawność").select_option("refused")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_selector("text=Uczestnik zapisany.")
    desk.check_accessibility()
    desk.screenshot("participants")
    with page.expect_download() as participants:
        page.get_by_role("button", name="Lista uczestników (XLSX)").click()
    rows = _workbook(participants.value)
    assert rows[0][0] == "Lp." and len([r for r in rows if r[0] == 1]) == 1
    assert chosen.split(" (")[0] == f"{rows[1][2]} {rows[1][1]}"
    assert ["Odmówili odpowiedzi na co najmniej jedno pytanie", 1, 0, 0, 1] in [
        r[:5] for r in rows]
