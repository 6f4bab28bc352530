"""A would-be volunteer applies on a phone; a coordinator takes them to `active`
through the real checks."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
TODAY = date.today()


def test_apply_on_a_phone_then_coordinator_activates_after_the_checks(visit):
    phone = visit(PHONE, name="apply-phone")
    page = phone.page
    phone.goto("/login")
    page.get_by_role("link", name="Zostań wolontariuszem").click()
    page.wait_for_url(re.compile(r"/volunteers/apply$"))
    phone.check_accessibility()
    page.fill("#first_name", "Weronika")
    page.fill("#last_name", "Testowa")
    page.fill("#email", "weronika.testowa@example.org")
    page.fill("#phone", "601 202 303")
    page.fill("#birth_date", "1998-03-05")
    page.check("input[name=help_kinds][value=senior]")
    page.check("input[name=tasks][value=shopping]")
    page.click("label:has(input[name='slot-1-4'])")
    page.click("label:has(input[name='slot-3-4'])")
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    page.locator(".form-summary").wait_for()  # no consent yet: refused, nothing lost
    assert page.input_value("#last_name") == "Testowa"
    assert page.is_checked("input[name='slot-3-4']")
    phone.screenshot("refused")
    page.check("#consent")
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    page.wait_for_url(re.compile(r"/apply/thanks$"))
    phone.check_accessibility()
    phone.screenshot("thanks")

    desk = visit(DESKTOP, name="onboard-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    desk.goto("/volunteers/?status=applicant")
    row = page.locator("tr", has_text="Testowa Weronika")
    row.locator("select").select_option("screening")
    row.get_by_role("button", name="Przenieś").click()
    page.locator(".flash-success", has_text="Weronika Testowa").wait_for()
    desk.check_accessibility()

    page.get_by_role("link", name="Weryfikacja").first.click()
    page.get_by_role("link", name="Testowa Weronika").click()
    page.wait_for_url(re.compile(r"/volunteers/\d+$"))
    detail_url = page.url
    page.select_option("#to", "active")
    page.get_by_role("button", name="Przenieś").click()
    error = page.locator(".flash-error")
    error.wait_for()
    assert "Porozumienie" in error.inner_text()
    desk.screenshot("refused-activation")

    def record(kind: str, fill: dict):
        page.goto(f"{detail_url}/records/{kind}")
        for selector, value in fill.items():
            page.fill(selector, value)
        page.get_by_role("button", name="Zapisz").click()
        page.wait_for_url(detail_url)

    day = (TODAY - timedelta(days=1)).isoformat()
    record("agreement", {"#done_on": day, "#period_start": day, "#scope": "Zakupy dla seniorów",
                         "#place": "Mieszkanie osoby wspieranej",
                         "#terms": "7 dni wypowiedzenia"})
    for kind in ("risk_info", "rights_info", "confidentiality", "data_authorisation"):
        record(kind, {"#done_on": day})
    desk.check_accessibility()
    page.select_option("#to", "active")
    page.get_by_role("button", name="Przenieś").click()
    page.locator(".flash-success", has_text="Aktywny").wait_for()
    assert "Aktywny" in page.locator("main").inner_text()
    desk.screenshot("active")
