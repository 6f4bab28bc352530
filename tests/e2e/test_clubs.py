"""A leader on a tablet takes a session's attendance for a group of 15: one tap per
absent person, then everyone else present."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

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
    first_member = admin.page.locator("#members-heading ~ ul li").first.inner_text()
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



ERROR_PAGE = ("<!doctype html><html lang='pl'><body><div id='page'><main id='main'>"
              "<h1>Coś poszło nie tak</h1></main></div></body></html>")
FAILURES = ("status of 500", "Status Error Code 500", "ERR_FAILED", "htmx:sendError",
            "htmx:afterRequest")


def one_off_session(visit, starts: str) -> str:
    """A session of the digital skills class today, unmarked, for one test alone (its
    members are adults, so the seniors' kiosk and the gymnastics journey do not see it)."""
    admin = visit(TABLET, name=f"one-off-{starts.replace(':', '')}")
    sign_in(admin, "admin@cal.local")
    admin.goto("/clubs/")
    admin.page.get_by_role("link", name="Warsztaty kompetencji cyfrowych").click()
    admin.page.get_by_role("button", name="Zajęcia jednorazowe").click()
    admin.page.fill("#day", datetime.now(LOCAL_ZONE).date().isoformat())
    admin.page.fill("#starts", starts)
    admin.page.fill("#ends", (datetime.strptime(starts, "%H:%M") + timedelta(minutes=20))
                    .strftime("%H:%M"))
    admin.page.get_by_role("button", name="Dodaj").click()
    admin.page.wait_for_url(re.compile(r"/clubs/sessions/\d+$"))
    return admin.page.url.removeprefix(admin.base_url)


def fail(page, url: str, failure: str) -> None:
    if failure == "server-error":  # the whole error page, as the server answers a 500
        page.route(url, lambda route: route.fulfill(
            status=500, content_type="text/html; charset=utf-8", body=ERROR_PAGE))
    else:
        page.route(url, lambda route: route.abort())


@pytest.mark.parametrize("failure", ["server-error", "no-network"])
def test_a_tap_that_is_not_saved_keeps_its_button_and_says_so(visit, failure):
    session_path = one_off_session(visit, "06:00" if failure == "server-error" else "06:30")
    tablet = visit({"width": 1024, "height": 768}, name=f"attendance-{failure}")
    page = tablet.page
    tablet.expect_console_errors(*FAILURES)
    sign_in(tablet, "lider@cal.local")
    tablet.goto(session_path)
    button = page.locator("ul.attendance li button.mark").nth(1)
    button_id = button.get_attribute("id")
    assert button.inner_text() == "Nie zaznaczono"
    fail(page, "**/mark", failure)
    button.click()
    alert = page.locator(f"#{button_id}-unsaved")
    alert.wait_for()
    assert alert.get_attribute("role") == "alert"
    assert alert.inner_text() == "Nie zapisano: sprawdź połączenie i dotknij ponownie"
    tapped = page.locator(f"#{button_id}")
    assert tapped.count() == 1 and tapped.inner_text() == "Nie zaznaczono"  # as it was
    assert "unsaved" in tapped.get_attribute("class")
    assert tapped.get_attribute("aria-describedby") == f"{button_id}-unsaved"
    assert page.locator("#main").count() == 1 and page.locator("#page").count() == 1
    tablet.check_accessibility()
    tablet.screenshot("not-saved")

    page.unroute("**/mark")
    tapped.click()  # the same tap again
    page.locator(f"#{button_id}.mark-absent:not(.unsaved)").wait_for()
    assert page.locator(f"#{button_id}-unsaved").count() == 0
    tablet.goto(session_path)  # saved, not only shown
    assert page.locator(f"#{button_id}").inner_text() == "Nieobecność"
    assert page.locator("ul.attendance button.mark-absent").count() == 1


def test_everyone_else_present_not_saved_keeps_the_list_and_says_so(visit):
    session_path = one_off_session(visit, "07:00")
    tablet = visit({"width": 1024, "height": 768}, name="attendance-all-present-failed")
    page = tablet.page
    tablet.expect_console_errors(*FAILURES)
    sign_in(tablet, "lider@cal.local")
    tablet.goto(session_path)
    members = page.locator("ul.attendance button.mark-none").count()
    fail(page, "**/all-present", "server-error")
    page.get_by_role("button", name=re.compile("^Wszyscy obecni")).click()
    page.locator("#all-present-unsaved[role=alert]").wait_for()
    assert page.locator("#main").count() == 1
    assert page.locator("ul.attendance button.mark-none").count() == members
    tablet.check_accessibility()
    tablet.screenshot("not-saved")
    page.unroute("**/all-present")
    page.get_by_role("button", name=re.compile("^Wszyscy obecni")).click()  # again
    page.locator("#all-present").wait_for(state="detached")
    # htmx settles the new buttons (their classes come after a moment): wait for them.
    expect(page.locator("#attendance ul.attendance button.mark-present")).to_have_count(members)
    assert page.locator("#all-present-unsaved").count() == 0
    tablet.goto(session_path)
    assert page.locator("ul.attendance button.mark-present").count() == members
