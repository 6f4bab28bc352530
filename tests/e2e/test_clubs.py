"""A leader on a tablet takes a session's attendance for a group of 15: one tap per
absent person, then everyone else present."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from cal.core.timeutil import LOCAL_ZONE
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


def test_a_senior_checks_in_at_the_kiosk_with_the_card_number(visit, live_server):
    admin = visit(TABLET, name="kiosk-admin")
    sign_in(admin, "admin@cal.local")
    admin.goto("/seniors/kiosks")
    admin.page.fill("#name", "Wejście główne")
    admin.page.get_by_role("button", name="Dodaj kiosk").click()
    link = admin.page.locator("code").inner_text()
    admin.goto("/clubs/")  # a member of today's gymnastics
    admin.page.get_by_role("link", name="Gimnastyka dla seniorów").click()
    first_member = admin.page.locator("#members-heading + ul li").first.inner_text()
    # a one-off session running now: the kiosk checks in only around a session's time
    admin.page.get_by_role("button", name="Zajęcia jednorazowe").click()
    now = datetime.now(LOCAL_ZONE).replace(tzinfo=None)
    starts = max(now - timedelta(minutes=30), datetime.combine(now.date(), time(0)))
    ends = min(now + timedelta(minutes=60), datetime.combine(now.date(), time(23, 59)))
    admin.page.fill("#day", now.date().isoformat())
    admin.page.fill("#starts", starts.strftime("%H:%M"))
    admin.page.fill("#ends", ends.strftime("%H:%M"))
    admin.page.get_by_role("button", name="Dodaj").click()
    admin.page.wait_for_url(re.compile(r"/clubs/sessions/\d+$"))
    name = " ".join(first_member.split()[:2])  # "Last First"
    admin.goto(f"/seniors/?q={name}")
    card = admin.page.locator("tbody tr td").first.inner_text()

    kiosk = visit(TABLET, name="kiosk")
    page = kiosk.page
    page.goto(link.replace("http://localhost", live_server))
    page.wait_for_url(re.compile(r"/kiosk/$"))
    kiosk.check_accessibility()
    kiosk.screenshot("keypad")
    for digit in card:  # the large keypad
        page.locator(f"button[data-key='{digit}']").click()
    page.get_by_role("button", name="OK").click()
    page.locator(".kiosk-result").wait_for()
    assert "Dzień dobry" in page.locator(".kiosk-result").inner_text()
    assert "Gimnastyka dla seniorów" in page.locator(".kiosk-result").inner_text()
    kiosk.check_accessibility()
    kiosk.screenshot("checked-in")
