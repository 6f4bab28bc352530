"""The register of in-kind gifts in Chromium, in Polish: a coordinator records a gift (a
negative value refused beside its field first) and finds it in the year's list; then
opens a family of her own making and records a gift for it from the family's page. The
pages pass axe, and on a phone the list is cards, nothing scrolling sideways."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

DONOR = "Kwiaciarnia „Różany Zakątek”"
FAMILY = "Żółkiewski – ul. Źródlana 8"


def _fill_the_gift(page, donor: str, what: str, value: str) -> None:
    page.get_by_label("Darczyńca").fill(donor)
    page.get_by_label("Co przekazano").fill(what)
    page.get_by_label("Ilość").fill("12")
    page.get_by_label("Jednostka").fill("szt.")
    page.get_by_label("Szacunkowa wartość (zł)").fill(value)


def test_a_coordinator_records_gifts_in_the_register_and_for_a_family(visit):
    desk = visit(DESKTOP, name="gifts-coordinator")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    page.get_by_role("link", name="Dary rzeczowe").first.click()
    page.wait_for_url(re.compile(r"/gifts/$"))
    desk.check_accessibility()
    page.get_by_role("button", name="Wpisz dar").click()
    page.wait_for_url(re.compile(r"/gifts/new$"))
    _fill_the_gift(page, DONOR, "Stroiki świąteczne na stoły", "-80,00")
    page.get_by_role("button", name="Zapisz").click()
    error = page.locator("#value_gr-error")
    error.wait_for()
    assert "Kwota nie może być ujemna." in error.inner_text()
    assert page.get_by_label("Darczyńca").input_value() == DONOR  # nothing typed is lost
    desk.check_accessibility()
    desk.screenshot("refused")
    page.get_by_label("Szacunkowa wartość (zł)").fill("240,00")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/gifts/\?year=\d{4}$"))
    page.locator(".flash-success", has_text="Dar zapisany.").wait_for()
    row = page.locator("tbody tr", has_text=DONOR)
    assert row.count() == 1
    listed = re.sub(r"[\u00a0\u202f]", " ", row.inner_text())
    assert "Stroiki świąteczne na stoły" in listed and "240,00 zł" in listed
    assert "12 szt." in listed and "Bieżąca działalność ośrodka" in listed
    desk.check_accessibility()
    desk.screenshot("list")

    desk.goto("/households/new")
    page.get_by_label("Nazwa gospodarstwa domowego").fill(FAMILY)
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/households/\d+$"))
    page.get_by_role("button", name="Wpisz dar rzeczowy").click()
    page.wait_for_url(re.compile(r"/gifts/new\?household=\d+$"))
    assert page.get_by_role("link", name=FAMILY).count() == 1  # the gift is the family's
    assert page.get_by_label("Przeznaczenie").input_value() == "household"
    desk.check_accessibility()
    _fill_the_gift(page, "Sklep „Pod Lipami”", "Paczki żywnościowe dla rodziny", "95,50")
    page.get_by_role("button", name="Zapisz").click()
    page.locator(".flash-success", has_text="Dar zapisany.").wait_for()
    family_row = page.locator("tbody tr", has_text="Paczki żywnościowe dla rodziny")
    assert f"Rodzina: {FAMILY}" in family_row.inner_text()

    phone = visit(PHONE, name="gifts-phone")
    sign_in(phone, "koordynator@cal.local")
    phone.goto("/gifts/")
    phone.page.locator("tbody tr", has_text=DONOR).wait_for()
    phone.check_accessibility()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot("list")
