"""What each demo user does first: sign in at phone and desktop size, reach the
start page, switch the language; a coordinator finds and registers a person."""

from __future__ import annotations

import re

import pytest

from cal.commands.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

ACCOUNTS = {
    "admin": ("admin@cal.local", "Administracja"),
    "coordinator": ("koordynator@cal.local", "Dzień dobry, Anna"),
    "leader": ("lider@cal.local", "Dzień dobry, Tomasz"),
    "volunteer": ("wolontariusz@cal.local", "Dzień dobry, Kacper"),
    "project_manager": ("projekty@cal.local", "Dzień dobry, Ewa"),
}
ENGLISH_HEADING = {"admin": "Administration"}


def sign_in(visit, email: str) -> None:
    page = visit.page
    visit.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_demo_user_signs_in_reaches_start_page_and_switches_language(visit, role, size):
    email, heading = ACCOUNTS[role]
    v = visit(PHONE if size == "phone" else DESKTOP, name=f"{role}-{size}")
    page = v.page
    visit_login = v.goto("/login")
    assert visit_login.status == 200
    assert page.locator("html").get_attribute("lang") == "pl"
    v.check_accessibility()
    v.screenshot("login")

    sign_in(v, email)
    assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    v.check_accessibility()
    v.screenshot("start")

    page.get_by_role("button", name="English").click()
    page.locator("html[lang='en']").wait_for(state="attached")
    english = ENGLISH_HEADING.get(role, "Good day")
    assert page.get_by_role("heading", level=1).inner_text().startswith(english)
    assert page.get_by_role("button", name="Sign out").is_visible()
    v.check_accessibility()
    v.screenshot("english")

    page.get_by_role("button", name="Polski").click()
    page.locator("html[lang='pl']").wait_for(state="attached")
    assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    page.get_by_role("button", name="Wyloguj się").click()
    page.wait_for_url(re.compile(r"/login"))


def test_wrong_password_is_answered_beside_the_field(visit):
    v = visit(PHONE)
    v.goto("/login")
    v.page.get_by_label("E-mail").fill("koordynator@cal.local")
    v.page.get_by_label("Hasło").fill("not the password")
    v.page.get_by_role("button", name="Zaloguj się").click()
    error = v.page.locator("#password-error")
    error.wait_for()
    assert "hasło" in error.inner_text().lower()
    assert v.page.get_by_label("E-mail").input_value() == "koordynator@cal.local"
    v.check_accessibility()
    v.screenshot("wrong-password")


def test_coordinator_searches_people_live_and_registers_a_person(visit):
    v = visit(DESKTOP)
    page = v.page
    sign_in(v, "koordynator@cal.local")
    page.get_by_role("link", name="Osoby", exact=True).click()
    page.wait_for_url(re.compile(r"/people"))
    v.check_accessibility()
    first_row = page.locator("#people-results tbody tr").first
    surname = first_row.locator("td").nth(1).inner_text().split()[0]  # after the tick
    page.get_by_label("Szukaj po nazwisku").fill(surname[:4].lower())
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("#people-results tbody tr")
    assert rows.count() >= 1
    assert all(surname[:4].lower() in r.lower() for r in rows.all_inner_texts())
    v.screenshot("search")

    page.get_by_role("button", name="Zarejestruj osobę").click()
    page.wait_for_url(re.compile(r"/people/new"))
    page.get_by_label(re.compile(r"^Nazwisko")).fill("Testowa")
    page.get_by_label("Telefon").fill("abc")
    page.get_by_role("button", name="Zapisz").click()
    page.locator("#first_name-error").wait_for()
    assert page.locator("#phone-error").is_visible()
    assert page.get_by_label(re.compile(r"^Nazwisko")).input_value() == "Testowa"
    v.check_accessibility()
    v.screenshot("form-errors")

    page.get_by_label(re.compile(r"^Imię")).fill("Halina")
    page.get_by_label("Telefon").fill("600 700 800")
    page.get_by_label("Uwagi o stanie zdrowia").fill("Nadciśnienie")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/people/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Halina Testowa"
    assert "Nadciśnienie" in page.locator("main").inner_text()
    v.check_accessibility()
    v.screenshot("person")
