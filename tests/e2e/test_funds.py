"""Funds by source in Chromium, in Polish: the project manager records a project's money
from sponsors for this year and the administrator (the director) a gift in kind; the
director opens this year's funds, sees the source with its planned and spent money and
the sponsors' gifts, is refused a year that has not begun beside the field, and
downloads the page as a CSV file that keeps its Polish letters. The page passes axe,
and on a phone nothing on it scrolls sideways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cal.core.timeutil import local_today
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

PROJECT = "Sąsiedzka spiżarnia – zakupy dla seniorów"
DONOR = "Piekarnia „Złoty Kłos”"


def _text(locator) -> str:
    """The text as a reader sees it: the amounts' narrow spaces read as spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", locator.inner_text())


def _a_project_with_money_from_sponsors(visit) -> None:
    manager = visit(DESKTOP, name="funds-project-manager")
    page = manager.page
    sign_in(manager, "projekty@cal.local")
    year = local_today().year
    manager.goto("/projects/new")
    page.get_by_label("Nazwa projektu").fill(PROJECT)
    page.get_by_label("Źródło finansowania").select_option("city")
    page.get_by_label("Początek").fill(f"{year}-01-01")
    page.get_by_label("Koniec").fill(f"{year}-12-31")
    page.get_by_label("Wartość całkowita (zł)").fill("20 000,00")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    manager.goto(page.url.removeprefix(manager.base_url) + "/budget")
    funding = page.locator("#funding")
    funding.get_by_label("Rok").fill(str(year))
    funding.get_by_label("Źródło").select_option(label="Sponsorzy (środki pieniężne)")
    funding.get_by_label("Plan (zł)").fill("12 345,67")
    funding.get_by_label("Wydano (zł)").fill("2 000,00")
    funding.get_by_role("button", name="Zapisz finansowanie").click()
    page.locator(".flash-success", has_text="Finansowanie zapisane.").wait_for()


def _a_gift_in_kind(director) -> None:
    page = director.page
    director.goto("/gifts/new")
    page.get_by_label("Darczyńca").fill(DONOR)
    page.get_by_label("Co przekazano").fill("Chleb i bułki na spotkanie wigilijne")
    page.get_by_label("Ilość").fill("40")
    page.get_by_label("Jednostka").fill("szt.")
    page.get_by_label("Szacunkowa wartość (zł)").fill("321,50")
    page.get_by_role("button", name="Zapisz").click()
    page.locator(".flash-success", has_text="Dar zapisany.").wait_for()


def test_the_director_reads_this_years_funds_by_source_and_takes_them_as_a_file(visit):
    _a_project_with_money_from_sponsors(visit)
    director = visit(DESKTOP, name="funds-director")
    page = director.page
    sign_in(director, "admin@cal.local")
    _a_gift_in_kind(director)

    page.get_by_role("link", name="Środki według źródeł").first.click()
    page.wait_for_url(re.compile(r"/funds/$"))
    year = local_today().year
    page.get_by_role("heading", name=f"Środki według źródeł {year}").wait_for()
    money = page.locator("[aria-labelledby=money-heading] table")
    assert "Wydano" in money.locator("thead").inner_text()
    assert money.locator("th[scope=row]", has_text="Sponsorzy (środki pieniężne)").count() == 1
    line = _text(money.locator("tr", has=page.get_by_role("link", name=PROJECT)))
    assert "12 345,67 zł" in line and "2 000,00 zł" in line  # planned, then spent
    gifts = page.locator("[aria-labelledby=gifts-heading] table")
    gift = _text(gifts.locator("tr", has_text=DONOR))
    assert "321,50 zł" in gift and "Chleb i bułki" in gift
    director.check_accessibility()
    director.screenshot("this-year")

    with page.expect_download() as download:
        page.get_by_role("button", name="Ta lista jako CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    header = text.splitlines()[0]
    assert "Źródło" in header and "Projekt lub dar" in header
    assert PROJECT in text and DONOR in text

    page.get_by_label("Rok", exact=True).fill(str(year + 1))
    page.get_by_role("button", name="Pokaż").click()
    error = page.locator("#year-error")
    error.wait_for()
    assert f"Rok {year + 1} jeszcze się nie zaczął" in error.inner_text()
    assert page.get_by_label("Rok", exact=True).get_attribute("aria-invalid") == "true"
    assert page.get_by_role("heading", name="Środki projektów").count() == 0
    director.check_accessibility()
    director.screenshot("year-not-begun")

    phone = visit(PHONE, name="funds-phone")
    sign_in(phone, "admin@cal.local")
    phone.goto("/funds/")
    phone.check_accessibility()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot("this-year")
