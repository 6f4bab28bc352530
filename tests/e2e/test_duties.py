"""Duty hours in Chromium, as their users meet them: a resident reads on a phone when
the legal-aid volunteer is in; a coordinator at a desk books a psychologist's slot and
cannot book it twice from a second tab; the psychologist reads the day's list on a phone;
the legal-aid volunteer logs the duty's hours with one tap. Each page passes axe."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_a_resident_reads_when_the_legal_aid_volunteer_is_in(visit):
    phone = visit(PHONE, name="duties-resident")
    page = phone.page
    phone.goto("/duties/")
    legal = page.get_by_role("article", name="Bezpłatna porada prawna")
    assert "w każdy czwartek, 14:00–15:30" in legal.inner_text()
    assert "Nie trzeba się zapisywać" in legal.inner_text()
    psychologist = page.get_by_role("article", name="Konsultacje psychologa")
    assert psychologist.get_by_role("link", name="48 362 11 20").get_attribute(
        "href") == "tel:483621120"
    phone.check_accessibility()
    phone.screenshot("public")


def test_a_booked_slot_reaches_the_psychologists_phone_and_is_not_booked_twice(visit):
    desk = visit(DESKTOP, name="duties-coordinator")
    sign_in(desk, "koordynator@cal.local")
    page = desk.page
    desk.goto("/duties/manage")
    page.get_by_role("article", name="Konsultacje psychologa").get_by_role(
        "link", name=re.compile(r"^śr")).nth(1).click()  # the Wednesday after next
    page.wait_for_url(re.compile(r"/duties/\d+/day/"))
    desk.check_accessibility()
    second_tab = desk.context.new_page()
    second_tab.goto(page.url)
    form = page.locator("form[method=post]").last
    free = form.get_by_label("Godzina").locator("option").nth(1)
    slot = free.get_attribute("value")
    form.get_by_label("Godzina").select_option(slot)
    form.get_by_label("Imię i nazwisko").fill("Halina Wrona")
    form.get_by_label("Telefon").fill("601 222 333")
    form.get_by_label("Zgoda na przypomnienie SMS").check()
    form.get_by_label("Temat").fill("Wsparcie w opiece nad chorą matką")
    form.get_by_role("button", name="Zarezerwuj").click()
    page.get_by_text(f"Zarezerwowano: {slot}.").wait_for()
    assert page.get_by_role("link", name="Halina Wrona").is_visible()
    desk.screenshot("booked")
    # the same slot from a tab opened before the booking: refused beside the field
    other = second_tab.locator("form[method=post]").last
    other.get_by_label("Godzina").select_option(slot)
    other.get_by_label("Imię i nazwisko").fill("Ktoś Inny")
    other.get_by_role("button", name="Zarezerwuj").click()
    second_tab.get_by_text("Ten termin jest już zajęty; wybierz inny.").wait_for()
    day = page.url.rsplit("/", 1)[1]

    phone = visit(PHONE, name="duties-psychologist")
    sign_in(phone, "psycholog@cal.local")
    phone.page.get_by_role("article", name="Moje dyżury").wait_for()
    phone.goto(f"/duties/mine?day={day}")
    listed = phone.page.locator("main").inner_text()
    assert "Halina Wrona" in listed and "Wsparcie w opiece nad chorą matką" in listed
    assert "Ktoś Inny" not in listed
    phone.check_accessibility()
    phone.screenshot("day-list")


def test_the_legal_aid_volunteer_logs_the_duty_in_one_tap(visit):
    phone = visit(PHONE, name="duties-volunteer")
    sign_in(phone, "wolontariusz@cal.local")
    page = phone.page
    phone.goto("/duties/mine")
    phone.check_accessibility()
    taps = page.get_by_role("button", name="Wpisz godziny tego dyżuru")
    before = taps.count()
    assert before >= 1
    taps.first.click()
    page.get_by_text(re.compile(r"Wpisano: Bezpłatna porada prawna, 90 min")).wait_for()
    assert page.get_by_role("button", name="Wpisz godziny tego dyżuru").count() == before - 1
    phone.screenshot("logged")
