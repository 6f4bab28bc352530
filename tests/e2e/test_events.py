"""Community events in Chromium, in Polish: a resident finds Mikołajki on the public
calendar on a phone and registers two children; a volunteer takes a shift in one tap;
on the day the coordinator checks a child in on a tablet. Each page passes axe."""

from __future__ import annotations

import re

import pytest

from cal.community.demo import mikolajki_day
from cal.core.timeutil import local_today
from tests.e2e.conftest import PHONE, TABLET
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_a_resident_registers_two_children_from_the_public_calendar(visit):
    phone = visit(PHONE, name="events-resident")
    page = phone.page
    phone.goto(f"/events/?month={mikolajki_day(local_today()):%Y-%m}")
    phone.check_accessibility()
    phone.screenshot("calendar")
    page.get_by_role("link", name="Mikołajki dla dzieci").click()
    page.wait_for_url(re.compile(r"/events/[0-9]+$"))
    phone.check_accessibility()
    page.get_by_label("Imię i nazwisko").fill("Anna Kowalska")
    page.get_by_label("Telefon").fill("600 700 800")
    page.fill("#children-0-first_name", "Zosia")
    page.fill("#children-0-age", "5")
    page.fill("#children-1-first_name", "Antek")
    page.fill("#children-1-age", "12")  # outside 3–10: refused beside the field
    page.get_by_label("Zgadzam się na przetwarzanie").check()
    page.get_by_role("button", name="Zapisz się").click()
    page.locator("#children-1-age-error").wait_for()
    assert "od 3 do 10 lat" in page.locator("#children-1-age-error").inner_text()
    phone.screenshot("refused")
    page.fill("#children-1-age", "7")
    page.get_by_role("button", name="Zapisz się").click()
    page.wait_for_url(re.compile(r"/events/registered/"))
    status = page.locator("main").inner_text()
    assert "Anna Kowalska: Zosia, Antek" in status
    assert "Zapisano" in status or "Na liście oczekujących" in status
    phone.check_accessibility()
    phone.screenshot("registered")


def test_a_volunteer_takes_a_shift_and_the_coordinator_checks_a_child_in(visit):
    phone = visit(PHONE, name="events-volunteer")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/events/shifts")
    phone.check_accessibility()
    shift = page.locator("article", has_text="Punkt informacyjny")
    shift.get_by_role("button", name="Biorę ten dyżur").click()
    page.get_by_text("Dyżur jest Twój: Punkt informacyjny.").wait_for()
    phone.screenshot("taken")

    tablet = visit(TABLET, name="events-day")
    sign_in(tablet, "koordynator@cal.local")
    tablet.goto(f"/events/?month={mikolajki_day(local_today()):%Y-%m}")
    tablet.page.get_by_role("link", name="Mikołajki dla dzieci").click()
    tablet.page.get_by_role("button", name="W dniu wydarzenia").click()
    tablet.page.wait_for_url(re.compile(r"/day$"))
    tablet.check_accessibility()
    tablet.page.locator("#day-list button").first.click()
    tablet.page.get_by_text("Obecnych: 1").wait_for()
    tablet.screenshot("checked-in")
