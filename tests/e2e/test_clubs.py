"""A leader on a tablet takes a session's attendance for a group of 15: one tap per
absent person, then everyone else present."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
TABLET = {"width": 820, "height": 1180}


def test_a_leader_takes_attendance_on_a_tablet(visit):
    tablet = visit(TABLET, name="attendance-tablet")
    page = tablet.page
    sign_in(tablet, "lider@cal.local")
    page.get_by_role("button", name=re.compile("Gimnastyka dla seniorów")).click()
    page.wait_for_url(re.compile(r"/clubs/sessions/\d+$"))
    tablet.check_accessibility()
    rows = page.locator("ul.attendance li")
    assert rows.count() == 15
    tablet.screenshot("before")
    absent = [rows.nth(i) for i in (2, 7, 11)]
    for row in absent:  # one tap each
        row.locator("button.mark").click()
        row.locator("button.mark-absent").wait_for()
    page.get_by_role("button", name=re.compile("^Wszyscy obecni")).click()
    page.locator("button.mark-none").first.wait_for(state="detached")
    assert page.locator("button.mark-present").count() == 12
    assert page.locator("button.mark-absent").count() == 3
    page.reload()  # saved, not only shown
    assert page.locator("button.mark-present").count() == 12
    assert page.locator("button.mark-absent").count() == 3
    tablet.check_accessibility()
    tablet.screenshot("taken")
