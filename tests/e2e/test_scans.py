"""At the desk, the coordinator attaches the scan of a signed agreement to its record: a
file that is not a PDF or an image is refused beside the field, a PDF is kept and can be
downloaded; the register check has no scan, and the page says why."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_the_coordinator_attaches_a_signed_agreement(visit, tmp_path):
    desk = visit(DESKTOP, name="scans-desk")
    page = desk.page
    sign_in(desk, "koordynator@cal.local")
    desk.goto("/volunteers/?status=active")
    page.locator("table a[href^='/volunteers/']").last.click()
    page.wait_for_url(re.compile(r"/volunteers/\d+$"))
    volunteer_url = page.url
    attach = page.get_by_role("link", name=re.compile("^(Dołącz skan|Skan)")).first
    attach.click()
    page.wait_for_url(re.compile(r"/records/\d+/scan$"))
    desk.check_accessibility()
    fake = tmp_path / "porozumienie.pdf"
    fake.write_text("<html>to nie jest skan</html>")
    page.set_input_files("#file", str(fake))
    page.get_by_role("button", name=re.compile("skan$")).click()
    page.locator("#file[aria-invalid='true']").wait_for()
    assert "PDF" in page.locator(".field-error").first.inner_text()
    desk.screenshot("refused")
    scan = tmp_path / "porozumienie-podpisane.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("#file", str(scan))
    page.get_by_role("button", name=re.compile("skan$")).click()
    page.wait_for_url(re.compile(re.escape(volunteer_url) + "(#.*)?$"))
    assert "Zapisano skan" in page.locator(".flash-success").inner_text()
    page.get_by_role("link", name=re.compile("^Skan \\(PDF\\)")).first.click()
    download = page.get_by_role("link", name="Pobierz skan")
    file = page.request.get(desk.base_url + download.get_attribute("href"))
    assert file.ok and file.body() == PDF
    assert file.headers["x-content-type-options"] == "nosniff"
    desk.check_accessibility()
    desk.screenshot("attached")
