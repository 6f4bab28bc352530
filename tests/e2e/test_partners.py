"""The register of partners in Chromium, in Polish: a coordinator adds a foundation with
its contact person (an agreement ending before it starts is refused beside the field) and
names it a partner of Mikołajki; the project manager links it to the project, whose page
shows it as a link; the partner's page lists the project and the event. Each page
passes axe; the list and the partner's page are shot at a phone's and a desk's width."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from cal.community.demo import mikolajki_day
from cal.core.timeutil import local_today
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

NAME = "Fundacja Pomocy Sąsiedzkiej „Most”"
PHONE = {"width": 375, "height": 812}  # the narrow phone the register is looked at on


def _add_the_partner(desk) -> None:
    page = desk.page
    page.get_by_role("link", name="Partnerzy").first.click()
    page.wait_for_url(re.compile(r"/partners/$"))
    desk.check_accessibility()
    page.get_by_role("button", name="Nowy partner").click()
    page.get_by_label("Nazwa instytucji").fill(NAME)
    page.get_by_label("Rodzaj").select_option(label="Stowarzyszenie lub fundacja")
    page.get_by_label("Adres", exact=True).fill("ul. Mostowa 2")
    page.get_by_label("Porozumienie od").fill("2026-09-01")
    page.get_by_label("Porozumienie do").fill("2026-06-30")
    page.get_by_role("button", name="Zapisz").click()
    error = page.locator("#agreement_until-error")
    error.wait_for()
    assert "nie może kończyć się" in error.inner_text()
    desk.check_accessibility()
    page.get_by_label("Porozumienie do").fill("2027-08-31")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    assert "Partner zapisany." in page.content()
    page.get_by_role("button", name="Dodaj osobę do kontaktu").click()
    page.locator("#first_name").fill("Joanna")
    page.get_by_label("Nazwisko").fill("Lis")
    page.get_by_label("Stanowisko lub funkcja").fill("koordynatorka wolontariatu")
    page.get_by_label("Telefon służbowy").fill("604 210 331")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/partners/\d+#contacts$"))
    page.get_by_role("heading", name="Joanna Lis").wait_for()
    desk.check_accessibility()


def _name_it_at_mikolajki(desk) -> None:
    page = desk.page
    desk.goto(f"/events/?month={mikolajki_day(local_today()):%Y-%m}")
    page.get_by_role("link", name="Mikołajki dla dzieci").first.click()
    page.get_by_role("button", name="Edytuj").click()
    page.get_by_label(NAME).check()
    desk.check_accessibility()
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    assert page.get_by_role("link", name=NAME).count() == 1


def test_a_partner_added_by_the_coordinator_links_a_project_and_lists_the_work_together(
        visit):
    desk = visit(DESKTOP, name="partners-coordinator")
    sign_in(desk, "koordynator@cal.local")
    _add_the_partner(desk)
    _name_it_at_mikolajki(desk)
    desk.goto("/partners/?q=komenda")
    desk.page.get_by_role("link", name="Komenda Powiatowa Policji").click()
    log = desk.page.locator("#log")
    assert "Skierowanie" in log.inner_text() and "Spotkanie" in log.inner_text()
    desk.page.locator("#log summary").click()  # the form of a new entry
    desk.check_accessibility()
    desk.screenshot("demo-partner-with-log")

    manager = visit(DESKTOP, name="partners-project-manager")
    page = manager.page
    sign_in(manager, "projekty@cal.local")
    page.get_by_role("link", name="Projekty").first.click()
    page.locator("main h2 a", has_text="Aktywni razem").first.click()
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    project_url = page.url
    page.get_by_role("button", name="Edytuj").click()
    page.get_by_label(NAME).check()
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(project_url)
    link = page.get_by_role("link", name=NAME)
    assert link.count() == 1
    manager.check_accessibility()
    link.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    together = page.locator("#together")
    assert "Aktywni razem" in together.inner_text()
    assert "Mikołajki dla dzieci" in together.inner_text()
    assert "Joanna Lis" in page.locator("#contacts").inner_text()
    manager.check_accessibility()
    manager.screenshot("partner-desk")
    partner_path = urlsplit(page.url).path
    manager.goto("/partners/")
    manager.screenshot("list-desk")

    phone = visit(PHONE, name="partners-phone")
    sign_in(phone, "koordynator@cal.local")
    phone.goto("/partners/?q=most")  # typed without Polish letters
    phone.page.get_by_role("link", name=NAME).wait_for()
    phone.check_accessibility()
    phone.screenshot("list-phone")
    phone.goto(partner_path)
    phone.check_accessibility()
    phone.screenshot("partner-phone")
    for path in ("/partners/", partner_path):  # the page no wider than the phone
        phone.goto(path)
        assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
