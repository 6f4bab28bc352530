"""A volunteer logs a visit from the start page of a phone in three taps, and an
entry made with the network cut arrives once when it returns."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_a_visit_is_logged_in_three_taps_from_the_start_page(visit):
    phone = visit(PHONE, name="hours-phone")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.check_accessibility()
    phone.screenshot("start")
    taps = 0
    page.get_by_role("button", name="Zapisz godziny").click()  # the start page's button
    taps += 1
    page.wait_for_url(re.compile(r"/volunteers/me/hours/new$"))
    assert page.locator("#activity option:checked").inner_text().startswith("Pomoc: ")
    phone.check_accessibility()
    phone.screenshot("form")
    page.locator("label.chip", has_text="1 h 30 min").click()
    taps += 1
    page.get_by_role("button", name="Zapisz", exact=True).click()
    taps += 1
    page.wait_for_url(re.compile(r"/volunteers/me/hours$"))
    assert taps == 3
    assert "Zapisano: 1 h 30 min" in page.locator(".flash-success").inner_text()
    newest = page.locator(".card.entry").first.inner_text()  # the latest day first
    assert "1 h 30 min" in newest and "Czeka na zatwierdzenie" in newest
    phone.check_accessibility()
    phone.screenshot("history")


def test_an_entry_made_offline_is_kept_and_arrives_once(visit):
    phone = visit(PHONE, name="hours-offline")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/volunteers/me/hours/new")
    page.locator("label.chip", has_text="45 min").click()
    page.fill("#note", "Wpis bez zasięgu")
    phone.expect_console_errors("ERR_INTERNET_DISCONNECTED", "htmx:sendError",
                                "htmx:afterRequest")
    phone.context.set_offline(True)
    page.get_by_role("button", name="Zapisz", exact=True).click()
    page.get_by_text("Brak zasięgu: wpis jest zapisany w telefonie").wait_for()
    assert "Czeka na wysłanie, gdy wróci zasięg: 1" in page.locator("#queue-status").inner_text()
    assert page.locator("#hours-form").is_hidden()  # no second tap on the same entry
    phone.screenshot("waiting")
    queued_key = page.evaluate(
        "() => new URLSearchParams(JSON.parse(localStorage.getItem('cal-waiting-entries'))[0]"
        ".body).get('key')")
    page.get_by_role("button", name="Zapisz kolejne godziny").click()
    assert page.locator("#hours-form").is_visible()
    assert page.locator("input[name=key]").input_value() != queued_key  # a new entry
    phone.context.set_offline(False)
    page.get_by_text("Czekające wpisy zostały wysłane.").wait_for()
    phone.goto("/volunteers/me/hours")
    assert page.locator(".card.entry", has_text="Wpis bez zasięgu").count() == 1
    assert page.evaluate("() => localStorage.getItem('cal-waiting-entries')") == "[]"
    phone.screenshot("arrived")


def test_a_coordinator_approves_the_shown_hours_in_one_action(visit):
    desk = visit(DESKTOP, name="hours-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    desk.goto("/volunteers/hours")
    desk.check_accessibility()
    desk.screenshot("queue")
    waiting = page.locator("#hours-queue tbody input[type=checkbox]").count()
    assert waiting > 3
    page.get_by_role("button", name=re.compile(r"^Zatwierdź wszystkie \d+")).click()
    page.locator(".flash-success", has_text="Zatwierdzono").wait_for()
    assert page.locator("#hours-queue tbody input[type=checkbox]").count() == 0
    desk.screenshot("approved")
