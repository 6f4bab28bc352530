"""A coordinator opens a check-in due from the start page, records the family's voice
and a call, and ends the match with its cause, opening a new request for the family."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_a_check_in_is_recorded_and_the_match_ends_with_a_new_request(visit):
    desk = visit(DESKTOP, name="followup-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    page.get_by_role("link", name=re.compile("rozmow.* kontroln.* do przeprowadzenia")).click()
    page.wait_for_url(re.compile(r"/volunteers/follow-up"))
    desk.check_accessibility()
    page.locator("#due tbody a").first.click()
    page.wait_for_url(re.compile(r"/volunteers/matches/\d+$"))
    desk.check_accessibility()

    page.get_by_label("Częściowo zadowoleni").check()
    page.get_by_label("Co chcieliby zmienić?").fill("Zajęcia wcześniej, przed 16:00.")
    page.get_by_role("button", name="Zapisz rozmowę kontrolną").click()
    page.locator(".flash-success", has_text="Rozmowa kontrolna zapisana").wait_for()
    assert "Zajęcia wcześniej, przed 16:00." in page.locator("#log").inner_text()
    assert "dziś" not in page.locator("#next-check-in").inner_text()  # the next one, later

    page.get_by_label("Krótka notatka").fill("Mama dziękuje za pomoc.")
    page.get_by_role("button", name="Zapisz kontakt").click()
    page.locator(".flash-success", has_text="Kontakt zapisany").wait_for()
    desk.screenshot("match")

    page.get_by_label("Cel osiągnięty").check()
    page.get_by_label(re.compile("Otwórz nowe zgłoszenie")).check()
    page.get_by_role("button", name="Zakończ pomoc").click()
    page.wait_for_url(re.compile(r"/volunteers/requests/\d+$"))
    page.locator(".flash-success", has_text="otwarto nowe zgłoszenie").wait_for()
    assert "Otwarte" in page.locator("dl.facts").inner_text()
    desk.check_accessibility()
