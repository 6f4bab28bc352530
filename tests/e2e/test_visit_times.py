"""A volunteer whose free times and the family's do not overlap agrees the weekly visit
times with the family and writes them on the phone; the match and the start page then
show the visits at those times."""

from __future__ import annotations

import re

import pytest

from cal.core.timeutil import local_today
from tests.e2e.conftest import PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_the_volunteer_sets_the_visit_times_on_the_phone(visit):
    phone = visit(PHONE, name="visit-times-phone")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/volunteers/me/matches")
    card = page.locator("article.card").filter(
        has=page.get_by_role("button", name="Ustal termin wizyt")).first
    action = card.get_by_role("button", name="Ustal termin wizyt")
    who = card.locator("h2").inner_text()
    assert action.bounding_box()["height"] >= 44
    phone.check_accessibility()
    phone.screenshot("matches")
    action.click()
    page.wait_for_url(re.compile(r"/volunteers/me/matches/\d+/times$"))
    assert who.split()[0] in page.locator("h1").inner_text()
    phone.check_accessibility()
    phone.screenshot("form")

    # today's weekday, after 20:00: no computed two-hour block reaches so late
    page.select_option("#times-0-weekday", str(local_today().weekday()))
    page.fill("#times-0-starts", "20:00")
    page.fill("#times-0-ends", "19:00")
    page.get_by_role("button", name="Zapisz terminy").click()
    error = page.locator("#times-0-ends-error")
    error.wait_for()
    assert "Koniec musi być później niż początek" in error.inner_text()
    phone.check_accessibility()
    phone.screenshot("refused")

    page.fill("#times-0-ends", "21:00")
    page.get_by_role("button", name="Zapisz terminy").click()
    page.wait_for_url(re.compile(r"/volunteers/me/matches$"))
    assert "Terminy wizyt zostały zapisane" in page.locator(".flash-success").inner_text()
    card = page.locator("article.card", has=page.locator("h2", has_text=who))
    assert "20:00–21:00" in card.inner_text()
    change = card.get_by_role("link", name="Zmień termin wizyt")
    assert change.count() == 1 and change.bounding_box()["height"] >= 44
    assert card.get_by_role("button", name="Ustal termin wizyt").count() == 0
    phone.check_accessibility()
    phone.screenshot("agreed")

    phone.goto("/")
    assert "20:00–21:00" in page.locator("main").inner_text()  # the next visits
