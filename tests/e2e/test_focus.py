"""Focus stays where the user acted when htmx swaps a part of the page: after
"everyone else present" on the tablet it is in the attendance list, not back at the
top, and the page does not jump; a refused hours form on the phone puts it on the first
field to correct."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE, TABLET
from tests.e2e.test_clubs import one_off_session
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
FOCUS_IN = ("selector => { const a = document.activeElement; "
            "return a !== null && a !== document.body && a.closest(selector) !== null; }")


def test_after_everyone_else_present_focus_stays_in_the_list(visit):
    session_path = one_off_session(visit, "07:30")  # its own: other tests mark the others
    tablet = visit(TABLET, name="focus-attendance")
    page = tablet.page
    sign_in(tablet, "admin@cal.local")
    tablet.goto(session_path)
    button = page.get_by_role("button", name=re.compile("^Wszyscy obecni"))
    button.scroll_into_view_if_needed()
    button.focus()
    before = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    page.locator("#all-present").wait_for(state="detached")
    page.wait_for_function(FOCUS_IN, arg="#attendance")
    assert abs(page.evaluate("window.scrollY") - before) < 100
    # htmx settles the new buttons' classes a moment after the swap: axe sees them settled
    page.wait_for_function("() => [...document.querySelectorAll('#attendance button.mark')]"
                           ".every(b => /mark-(present|absent|excused)/.test(b.className))")
    tablet.check_accessibility()
    tablet.screenshot("after-all-present")


def test_a_refused_hours_form_focuses_the_first_field_to_correct(visit):
    phone = visit(PHONE, name="focus-hours")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/volunteers/me/hours/new")
    page.locator("label.chip", has_text="45 min").click()
    page.fill("#worked_on", "2099-01-01")  # a day to come: refused
    page.get_by_role("button", name="Zapisz", exact=True).click()
    page.locator("#worked_on[aria-invalid='true']").wait_for()
    # the summary of what to correct, or the first field marked wrong, has the focus
    page.wait_for_function(
        "() => document.activeElement.matches('.form-summary, [aria-invalid=true]')")
    box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
    assert 0 <= box["y"] <= PHONE["height"]  # in sight
    phone.check_accessibility()
    phone.screenshot("refused")
