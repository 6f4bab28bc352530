"""A project manager at a desk, in Polish: fills an EU participant's fields of the
monitoring system's file, is told beside the postcode what is wrong with it, adds a kind
of support, and downloads the participants in the layout of SM EFS."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in
from tests.projects.test_smefs import SYSTEM_COLUMNS

pytestmark = pytest.mark.e2e


def test_a_project_manager_fills_the_fields_and_downloads_the_sm_efs_file(visit):
    desk = visit(DESKTOP, name="smefs")
    page = desk.page
    sign_in(desk, "projekty@cal.local")
    desk.goto("/projects/")
    page.get_by_role("link", name=re.compile("Aktywni razem")).first.click()
    page.get_by_role("button", name="Uczestnicy (UE)").click()
    page.wait_for_url(re.compile(r"/participants$"))
    desk.check_accessibility()
    person = page.locator("table.stack tbody a").first
    name = person.inner_text()
    person.click()
    page.wait_for_selector("text=Miejsce zamieszkania")
    desk.check_accessibility()

    page.get_by_label("Kod pocztowy").fill("08110")
    page.get_by_label("Gmina").fill("Siedlce")
    last = page.locator("fieldset.support-row").count() - 1  # an empty row, offered
    started = page.get_by_label("Początek udziału").input_value()
    page.locator(f"#support_rows-{last}-kind").fill("usługa aktywnej integracji")
    page.locator(f"#support_rows-{last}-kind_detail").fill("usługa o charakterze społecznym")
    page.locator(f"#support_rows-{last}-scope").fill("Zadanie 1")
    page.locator(f"#support_rows-{last}-started_on").fill(started)
    page.get_by_role("button", name="Zapisz").click()
    error = page.locator("#postcode-error")
    error.wait_for()
    assert "00-950" in error.inner_text()
    assert page.get_by_label("Kod pocztowy").get_attribute("aria-invalid") == "true"
    desk.check_accessibility()
    desk.screenshot("postcode-refused")

    page.get_by_label("Kod pocztowy").fill("08-110")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_selector("text=Uczestnik zapisany.")
    desk.screenshot("participants")
    with page.expect_download() as download:
        page.get_by_role("button", name="Plik uczestników SM EFS (CSV)").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == SYSTEM_COLUMNS
    last_name, first_name = name.split(" ", 1)
    [row] = [r for r in rows[1:] if (r[0], r[1]) == (first_name, last_name)]
    assert "usługa aktywnej integracji" in row[21].split("|")
    assert row[14] == "08-110" and row[12] == "Siedlce"
