"""Pages read at the width they are used, without scrolling sideways (WCAG 1.4.10): a
request with its suggestions on a 320-pixel phone, a group's statistics on a tablet; a
table that must scroll in its box takes keyboard focus (axe: scrollable-region-focusable)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import TABLET
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
NARROWEST = {"width": 320, "height": 640}


def page_width(visit) -> int:
    return visit.page.evaluate("document.documentElement.scrollWidth")


def test_a_request_and_its_suggestions_fit_a_320_pixel_phone(visit):
    phone = visit(NARROWEST)
    sign_in(phone, "koordynator@cal.local")
    phone.goto("/volunteers/requests?kind=disability")
    phone.page.locator("#request-list tbody a[href^='/volunteers/requests/']").first.click()
    phone.page.wait_for_url(re.compile(r"/volunteers/requests/\d+$"))
    reasons = phone.page.locator("section[aria-labelledby=suggestions-heading] ul.reasons")
    withdraw = phone.page.locator("input[id$='-withdrawn']")
    if not reasons.count() and withdraw.count():  # another test proposed someone: take it back
        withdraw.first.fill("Sprawdzamy stronę na telefonie")
        phone.page.get_by_role("button", name="Wycofaj propozycję").first.click()
        reasons.first.wait_for()
    assert reasons.count() > 0
    assert "niepełnosprawnościami" in phone.page.locator("h1").inner_text()
    assert page_width(phone) <= NARROWEST["width"]
    # each suggestion a card: the reasons take the card's width, not one letter's
    assert min(box["width"] for box in (r.bounding_box() for r in reasons.all())) > 200
    label = reasons.first.locator("xpath=..").evaluate(
        "cell => getComputedStyle(cell, '::before').content")
    assert label == '"Dlaczego"'  # the column's name above the cell
    phone.check_accessibility()
    phone.screenshot("request-320")


def test_statistics_fit_a_tablet_and_scroll_by_keyboard_on_a_phone(visit):
    tablet = visit(TABLET)
    sign_in(tablet, "koordynator@cal.local")
    tablet.goto("/clubs/")
    tablet.page.locator("table a[href^='/clubs/groups/']").first.click()
    tablet.page.wait_for_url(re.compile(r"/clubs/groups/\d+$"))
    tablet.page.get_by_role("button", name="Obecność i statystyki").click()
    tablet.page.wait_for_url(re.compile(r"/stats"))
    stats_url = tablet.page.url
    header = tablet.page.get_by_role("columnheader", name="Frekwencja").first
    box = header.bounding_box()
    assert box["x"] + box["width"] <= TABLET["width"]
    assert page_width(tablet) <= TABLET["width"]
    assert tablet.page.locator(".table-wrap[tabindex]").count() == 0  # nothing scrolls
    tablet.check_accessibility()
    tablet.screenshot("stats-tablet")

    phone = visit(NARROWEST)
    sign_in(phone, "koordynator@cal.local")
    phone.page.goto(stats_url)
    wrap = phone.page.locator(".table-wrap").first
    assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "region"
    assert wrap.get_attribute("aria-label")
    for _ in range(80):  # Tab, past the menu and the form, reaches the table's box
        phone.page.keyboard.press("Tab")
        if phone.page.evaluate("document.activeElement.classList.contains('table-wrap')"):
            break
    assert phone.page.evaluate("document.activeElement.classList.contains('table-wrap')")
    phone.page.keyboard.press("ArrowRight")
    phone.page.wait_for_function(
        "() => document.activeElement.scrollLeft > 0")
    assert page_width(phone) <= NARROWEST["width"]
    phone.check_accessibility()
