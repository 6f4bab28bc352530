"""A would-be volunteer applies on a phone; a coordinator takes them to `active`
through the real checks."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest

from cal.core.timeutil import local_today
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in
from tests.volunteers.documents.test_documents import text_of

pytestmark = pytest.mark.e2e
TODAY = local_today()


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
    subjects = page.locator("input[name=subjects]").first
    tasks = page.locator("input[name=tasks]").first
    assert subjects.is_hidden() and tasks.is_hidden()  # shown only when they apply
    page.check("input[name=help_kinds][value=tutoring]")
    assert subjects.is_visible()
    page.uncheck("input[name=help_kinds][value=tutoring]")
    assert subjects.is_hidden()
    page.check("input[name=help_kinds][value=senior]")
    assert tasks.is_visible()
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
    error = page.locator(".flash-error")
    error.wait_for()  # the training required for help to seniors is still missing
    assert "Wsparcie seniora" in error.inner_text()
    assert "Porozumienie" not in error.inner_text()

    page.get_by_role("link", name="Odnotuj szkolenie ukończone u innego organizatora").click()
    page.select_option("#course_id", label="Wsparcie seniora: komunikacja i bezpieczeństwo")
    page.fill("#completed_on", day)
    page.fill("#note", "PCK, zaświadczenie 12/2026")
    desk.check_accessibility()
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(detail_url)
    page.select_option("#to", "active")
    page.get_by_role("button", name="Przenieś").click()
    page.locator(".flash-success", has_text="Aktywny").wait_for()
    assert "Aktywny" in page.locator("main").inner_text()
    desk.screenshot("active")

    def issue(kind_label: str, fill: dict) -> str:
        page.locator("summary", has_text="Wystaw dokument").click()
        page.locator("details").get_by_role("link", name=kind_label).click()
        for selector, value in fill.items():
            page.fill(selector, value)
        desk.check_accessibility()
        page.get_by_role("button", name="Wystaw PDF").click()
        page.wait_for_url(detail_url)
        page.locator(".flash-success", has_text="Wystawiono").wait_for()
        link = page.locator("#documents-heading ~ ul a").first
        assert kind_label in link.inner_text()
        pdf = page.request.get(urljoin(page.url, link.get_attribute("href")))
        assert pdf.headers["content-type"] == "application/pdf"
        return text_of(pdf.body())

    agreement = issue("Porozumienie", {})  # starts from the signed agreement
    assert "Weronika Testowa" in agreement and "Zakupy dla seniorów" in agreement
    certificate = issue("Zaświadczenie o wykonaniu", {"#period_start": day,
                                                      "#period_end": TODAY.isoformat()})
    assert "ZAŚWIADCZENIE" in certificate and "Weronika Testowa" in certificate
    desk.screenshot("documents")


def test_a_volunteer_signs_up_for_a_training_on_the_phone(visit):
    phone = visit(PHONE, name="training-phone")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/volunteers/me/trainings")
    phone.check_accessibility()
    card = page.locator("article.card", has_text="Pierwsza pomoc przedmedyczna")
    card.get_by_role("button", name="Zapisz mnie").click()
    card.get_by_text("Jesteś na liście").wait_for()
    phone.check_accessibility()
    phone.screenshot("enrolled")
    card.get_by_role("button", name="Rezygnuję z miejsca").click()
    card.get_by_role("button", name="Zapisz mnie").wait_for()
    assert "Jesteś na liście" not in card.inner_text()


def test_a_coordinator_takes_training_attendance_with_one_tap(visit):
    desk = visit(DESKTOP, name="training-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    desk.goto("/volunteers/trainings")
    desk.check_accessibility()
    page.get_by_role("link", name="Standardy ochrony małoletnich w pracy wolontariusza"
                     ).first.click()
    page.wait_for_url(re.compile(r"/volunteers/trainings/\d+$"))
    desk.check_accessibility()
    page.locator("table a").last.click()  # the oldest session: yesterday's, with its learners
    page.wait_for_url(re.compile(r"/volunteers/trainings/sessions/\d+$"))
    row = page.locator("#session-people li").first
    name = row.locator("a").inner_text()
    row.get_by_role("button", name=re.compile(r"^Obecność")).click()
    # the list is swapped in by htmx with the tap saved
    page.locator("#session-people li", has_text=name).locator(
        "button[aria-pressed=true]", has_text="Obecność").wait_for()
    assert "Ukończone" in page.locator("#session-people li", has_text=name).inner_text()
    desk.check_accessibility()
    desk.screenshot("attendance")
