"""The year's report in Chromium, in Polish: the coordinator opens this year's report
from the menu and reads when its figures were counted, counts them at once with
"Przelicz teraz" and is back on the report with the new time; the page passes axe, and
on a phone nothing on it scrolls sideways."""

from __future__ import annotations

import re

import pytest

from cal.core.timeutil import local_today
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

COUNTED = re.compile(r"Liczby roku \d{4} do tej pory, policzone .+ o godz\. \d\d:\d\d\.")


def test_the_coordinator_reads_when_this_years_figures_were_counted_and_counts_them(visit):
    desk = visit(DESKTOP, name="year-report")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    page.get_by_role("link", name="Sprawozdanie roczne").first.click()
    year = local_today().year
    page.get_by_role("heading", name=f"Rok {year} w liczbach").wait_for()
    counted = page.get_by_role("status").filter(has_text="policzone")
    assert COUNTED.search(counted.inner_text())
    assert page.get_by_role("table", name="Przepracowane godziny i ich wartość").count() == 1
    desk.check_accessibility()
    desk.screenshot("this-year")

    page.get_by_role("button", name="Przelicz teraz").click()
    page.wait_for_url(re.compile(rf"/reports/year\?year={year}$"))
    assert COUNTED.search(page.get_by_role("status").filter(has_text="policzone").inner_text())

    phone = visit(PHONE, name="year-report-phone")
    sign_in(phone, "koordynator@cal.local")
    phone.goto(f"/reports/year?year={year}")
    phone.check_accessibility()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot("this-year")
