"""The help directory in Chromium, as a resident with a screen reader would use it: the
search form's fields found by their labels, transport for wheelchair users found by
category and district, the result read by its heading. Each page passes axe."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def test_a_resident_finds_transport_for_wheelchair_users(visit):
    phone = visit(PHONE, name="directory-resident")
    page = phone.page
    phone.goto("/events/")
    page.get_by_role("link", name="Informator dla osób z niepełnosprawnościami").click()
    page.wait_for_url(re.compile(r"/directory/$"))
    phone.check_accessibility()
    search = page.get_by_role("search", name="Szukaj w informatorze")
    search.get_by_label("Kategoria").select_option(label="Transport")
    search.get_by_role("button", name="Szukaj").click()
    page.wait_for_url(re.compile(r"category=transport"))
    first = page.locator("main article.card").first
    district_name = first.inner_text().split("Transport · ", 1)[1].split("\n", 1)[0]
    search = page.get_by_role("search", name="Szukaj w informatorze")
    search.get_by_label("Dzielnica").select_option(label=district_name)
    search.get_by_role("button", name="Szukaj").click()
    page.wait_for_url(re.compile(r"district=[1-9]"))
    page.get_by_role("heading", name=re.compile(r"Znaleziono [1-9]\d* wpis")).wait_for()
    for text in page.locator("main article.card").all_inner_texts():
        assert f"Transport · {district_name}" in text
    phone.check_accessibility()
    phone.screenshot("transport")
    search = page.get_by_role("search", name="Szukaj w informatorze")
    search.get_by_label("Szukaj", exact=True).fill("winda")  # typed without Polish letters
    search.get_by_label("Dzielnica").select_option(index=0)
    search.get_by_role("button", name="Szukaj").click()
    page.get_by_role("link", name=re.compile("Miejski przewóz osób")).first.wait_for()
    page.get_by_role("link", name=re.compile("Miejski przewóz osób")).first.click()
    page.wait_for_url(re.compile(r"/directory/[0-9]+$"))
    assert "Wejście bez schodów" in page.locator("main").inner_text()
    phone.check_accessibility()
    phone.screenshot("entry")
