"""A coordinator ends a KIS member's participation with the effect reached, and finds
it counted in the club's annual report for the year."""

from __future__ import annotations

import re

import pytest

from cal.core.timeutil import local_today
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_an_end_with_its_effect_is_counted_in_the_kis_report(visit):
    desk = visit(DESKTOP, name="kis-report")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    page.get_by_role("link", name="Grupy", exact=True).click()
    page.get_by_role("link", name="Grupa wsparcia: w drodze do pracy").click()
    page.wait_for_url(re.compile(r"/clubs/groups/\d+$"))
    first = page.locator("form[action$='/end']").first
    first.get_by_role("combobox").select_option(label="Podjęcie pracy")
    first.get_by_role("button").click()
    page.locator(".flash-success").wait_for()
    desk.check_accessibility()

    page.get_by_role("link", name="Sprawozdanie KIS").click()
    page.wait_for_url(re.compile(r"/kis/report/"))
    page.get_by_label("Rok", exact=True).fill(str(local_today().year))
    page.get_by_role("button", name="Pokaż").click()
    page.get_by_role("heading", name="2. Uczestnicy według grup docelowych").wait_for()
    total = page.locator("#participants-heading + p + .table-wrap tfoot tr").inner_text()
    assert int(total.split()[4]) >= 1  # "Razem", participants, ended, reached, work
    desk.check_accessibility()
    desk.screenshot("report")
