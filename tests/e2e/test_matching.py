"""A coordinator records a need, sees explained suggestions and blocked volunteers,
proposes; the volunteer accepts on a phone and the match is active."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_a_need_is_recorded_proposed_and_accepted_on_the_phone(visit):
    desk = visit(DESKTOP, name="matching-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    desk.goto("/volunteers/requests?kind=tutoring")
    desk.check_accessibility()
    page.locator("#request-list tbody a").first.click()
    page.wait_for_url(re.compile(r"/volunteers/requests/\d+$"))
    page.locator("dl.facts a").first.click()  # the child's page
    page.wait_for_url(re.compile(r"/people/\d+$"))
    page.get_by_role("button", name="Zgłoś potrzebę").click()
    page.wait_for_url(re.compile(r"/volunteers/requests/new"))
    page.select_option("#kind", "disability")
    assert page.locator("#subject").is_hidden()  # tutoring fields only for tutoring
    page.select_option("#kind", "tutoring")
    page.select_option("#subject", "math")
    page.select_option("#grade", "5")
    page.fill("#goal", "Przygotowanie do sprawdzianu z ułamków.")
    desk.check_accessibility()
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/volunteers/requests/\d+$"))
    request_url = page.url

    suggestions = page.locator("section[aria-labelledby=suggestions-heading]")
    row = suggestions.locator("tr", has_text="Lewandowski Kacper")
    assert "klasy 4–8" in row.inner_text()
    assert suggestions.locator("h3", has_text="których nie można zaproponować").count() == 1
    desk.check_accessibility()
    desk.screenshot("suggestions")
    row.get_by_role("button", name=re.compile("^Zaproponuj")).click()
    page.locator(".flash-success", has_text="Zaproponowano").wait_for()
    assert "Zaproponowano" in page.locator("main").inner_text()

    phone = visit(PHONE, name="matching-phone")
    mobile = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/volunteers/me/matches")
    phone.check_accessibility()
    card = mobile.locator("article.card", has_text="Przygotowanie do sprawdzianu z ułamków.")
    assert "ul." not in card.inner_text()  # no address before accepting
    phone.screenshot("proposal")
    card.get_by_role("button", name="Pomogę").click()
    mobile.locator(".flash-success", has_text="Dziękujemy").wait_for()
    phone.screenshot("accepted")

    page.goto(request_url)
    assert "Dopasowane" in page.locator("dl.facts").inner_text()


def test_the_coordinator_reviews_the_whole_list_plan_and_sends_it(visit):
    desk = visit(DESKTOP, name="assign-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    desk.goto("/volunteers/requests")
    page.get_by_role("button", name="Zaproponuj dla wszystkich otwartych potrzeb").click()
    page.wait_for_url(re.compile(r"/volunteers/requests/assign$"))
    desk.check_accessibility()
    desk.screenshot("plan")
    rows = page.locator("table.plan tbody tr")
    planned = rows.count()
    assert planned > 3
    rows.nth(0).locator("select").select_option("")  # the coordinator changes a row
    left_out = page.evaluate(
        "() => [...document.querySelectorAll('table.plan select')].filter(s => !s.value).length")
    page.get_by_role("button", name="Wyślij wybrane propozycje").click()
    page.wait_for_url(re.compile(r"/volunteers/requests\?status=proposed$"))
    flash = page.locator(".flash-success").inner_text()
    assert "Wysłano" in flash
    desk.goto("/volunteers/requests/assign")
    assert page.locator("table.plan tbody tr").count() == left_out  # only those left out
