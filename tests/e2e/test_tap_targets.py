"""Tap targets of at least 44 pixels (DESIGN.md) where the helper is a finger: the
volunteer's week of free times on the narrowest phones, the tablet's sections that
open under the attendance list, and links that stand on their own line."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE, TABLET
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
NARROW_PHONE = {"width": 360, "height": 740}


def sizes(page, selector: str) -> list[tuple[float, float]]:
    return [(box["width"], box["height"]) for box in
            (element.bounding_box() for element in page.query_selector_all(selector)) if box]


@pytest.mark.parametrize("viewport", [PHONE, NARROW_PHONE], ids=["390", "360"])
def test_the_week_of_free_times_has_boxes_a_finger_can_hit(visit, viewport):
    phone = visit(viewport)
    sign_in(phone, "wolontariusz@cal.local")
    phone.goto("/volunteers/me")
    boxes = sizes(phone.page, ".slot")
    assert len(boxes) == 42 and min(min(box) for box in boxes) >= 44, boxes[:3]
    # all seven days in sight, the page no wider than the phone
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    sunday = phone.page.query_selector_all(".slot")[6].bounding_box()
    assert sunday["x"] + sunday["width"] <= viewport["width"]


def test_the_sections_under_the_attendance_list_and_the_lone_links(visit):
    tablet = visit(TABLET)
    sign_in(tablet, "lider@cal.local")
    tablet.page.get_by_role("link", name="Grupy").first.click()
    tablet.page.locator("a[href^='/clubs/groups/']").first.click()  # a group
    tablet.page.wait_for_url(re.compile(r"/clubs/groups/\d+$"))
    links = sizes(tablet.page, "a.tap")  # its meetings
    assert links and min(h for _w, h in links) >= 44
    tablet.page.locator("a.tap").first.click()  # a meeting
    tablet.page.wait_for_url(re.compile(r"/clubs/sessions/\d+$"))
    summaries = sizes(tablet.page, "details > summary")
    assert summaries and min(h for _w, h in summaries) >= 44
    phone = visit(PHONE)
    sign_in(phone, "wolontariusz@cal.local")
    lone = sizes(phone.page, "a.tap")  # "Moje godziny" under the next visits
    assert lone and min(h for _w, h in lone) >= 44
