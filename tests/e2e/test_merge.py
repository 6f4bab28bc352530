"""At the desk, the coordinator finds someone registered twice (once with a birth date,
once without, as at a door) and joins the two: both compared side by side, the check
not ticked refused beside the field, then one record left with the birth date."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def _register(desk, birth_date: str = "") -> str:
    page = desk.page
    desk.goto("/people/new")
    page.fill("#first_name", "Teodora")
    page.fill("#last_name", "Mazurkiewicz-Kot")
    if birth_date:
        page.fill("#birth_date", birth_date)
    page.get_by_role("button", name="Zapisz").click()
    duplicate = page.locator("#confirm_duplicate")
    duplicate.or_(page.locator(".flash-success")).first.wait_for()
    if duplicate.count():
        duplicate.check()
        page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/people/\d+$"))
    return page.url


def test_the_coordinator_joins_a_person_registered_twice(visit):
    desk = visit(DESKTOP, name="merge-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    first = _register(desk, "1948-03-09")
    second = _register(desk)
    desk.goto("/people/duplicates")
    assert page.get_by_role("link", name=re.compile("Mazurkiewicz-Kot Teodora")).count() >= 2
    desk.check_accessibility()
    page.goto(second)
    page.get_by_role("button", name="Połącz z inną kartoteką").click()
    page.get_by_role("link", name=re.compile("Mazurkiewicz-Kot Teodora")).first.click()
    page.wait_for_url(re.compile(r"/merge/\d+$"))
    page.get_by_role("link", name="Zachowaj raczej tę drugą kartotekę").click()
    page.wait_for_url(re.compile(re.escape(first) + r"/merge/\d+$"))
    assert "9 marca 1948" in page.locator("table").inner_text()
    desk.check_accessibility()
    page.get_by_role("button", name="Połącz kartoteki").click()
    page.locator("#same_person[aria-invalid='true']").wait_for()
    assert "nie można cofnąć" in page.locator(".field-error").inner_text()
    desk.screenshot("refused")
    page.check("#same_person")
    page.get_by_role("button", name="Połącz kartoteki").click()
    page.wait_for_url(first)
    assert "Kartoteki połączone" in page.locator(".flash-success").inner_text()
    assert page.request.get(second).status == 404
    desk.screenshot("joined")
