"""An administrator sets the centre's details at the desk, a refusal answered beside its
field; the coordinator's agreement then starts from the usual place, and its PDF names
the centre and who represents it as a Polish official writes them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
NAME = "Miejski Ośrodek Pomocy Społecznej w Lipowie"
PLACE = "świetlica Ośrodka przy ul. Polnej 2"


def test_the_centre_is_set_once_and_the_agreement_follows(visit):
    desk = visit(DESKTOP, name="settings-desk")
    page = desk.page
    sign_in(desk, "admin@cal.local")
    page.get_by_role("link", name="Ustawienia").click()
    page.wait_for_url(re.compile(r"/admin/settings$"))
    desk.check_accessibility()
    page.fill("#name", NAME)
    page.fill("#name_genitive", "Miejskiego Ośrodka Pomocy Społecznej w Lipowie")
    page.fill("#signatory_name", "Anna Nowak")
    page.fill("#signatory_title", "Dyrektor")
    page.fill("#represented_by", "Dyrektora Annę Nowak")
    page.fill("#agreement_place", PLACE)
    page.fill("#hour_value_gr", "-5")
    page.get_by_role("button", name="Zapisz").click()
    page.locator("#hour_value_gr[aria-invalid='true']").wait_for()
    desk.check_accessibility()
    desk.screenshot("refused")
    page.fill("#hour_value_gr", "41,20")
    page.get_by_role("button", name="Zapisz").click()
    page.locator(".flash-success").wait_for()
    assert NAME in page.locator("footer").inner_text()
    desk.screenshot("saved")

    office = visit(DESKTOP, name="settings-agreement")
    sign_in(office, "koordynator@cal.local")
    office.goto("/volunteers/?status=applicant")  # no agreement yet: the usual wording
    office.page.locator("table a[href^='/volunteers/']").first.click()
    office.page.wait_for_url(re.compile(r"/volunteers/\d+$"))
    volunteer_url = office.page.url
    office.page.goto(volunteer_url + "/documents/agreement")
    assert office.page.input_value("#place") == PLACE  # the usual wording, from the settings
    office.page.fill("#scope", "Pomoc w nauce dzieciom ze szkoły podstawowej.")
    office.page.fill("#period_start", date.today().isoformat())
    office.check_accessibility()
    office.page.get_by_role("button", name=re.compile("PDF")).click()
    office.page.wait_for_url(volunteer_url)
    link = office.page.locator("a[href$='.pdf'][href*='/documents/']").first
    pdf = office.page.request.get(office.base_url + link.get_attribute("href"))
    assert pdf.ok
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.body())).pages)
    text = " ".join(text.split())
    assert NAME in text and "reprezentowanym przez Dyrektora Annę Nowak" in text
    assert PLACE in text
