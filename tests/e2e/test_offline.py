"""The volunteer's phone without a signal: the app closed, then opened in a basement,
shows the hours form kept by the service worker; the hours saved there wait on the phone
and arrive once when the network returns. After a sign-out, nothing of the volunteer's
is shown offline: the offline page instead."""

from __future__ import annotations

import re

import pytest

from cal.core import offline
from tests.e2e.conftest import PHONE
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e
NO_NETWORK = ("ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest")


def _until(page, predicate: str, arg=None) -> None:
    """Wait until the asynchronous ``predicate`` (caches answer with promises, which
    wait_for_function does not wait for) holds, asking again every tenth of a second."""
    held = page.evaluate(
        """async (arg) => {
             const check = PREDICATE;
             const until = Date.now() + 15000;
             while (Date.now() < until) {
               if (await check(arg)) { return true; }
               await new Promise(resolve => setTimeout(resolve, 100));
             }
             return false;
           }""".replace("PREDICATE", predicate), arg)
    assert held, predicate


def _kept_by_the_worker(visit, *paths: str) -> None:
    """The service worker controls the page, and has kept these pages as they were seen."""
    page = visit.page
    _until(page, "async () => navigator.serviceWorker.controller !== null")
    for path in paths:
        visit.goto(path)
    _until(page, """async (paths) => {
             const names = (await caches.keys()).filter(n => n.startsWith("cal-pages-"));
             if (names.length !== 1) { return false; }
             const cache = await caches.open(names[0]);
             const kept = (await cache.keys()).map(r => new URL(r.url).pathname);
             return paths.every(p => kept.includes(p));
           }""", list(paths))


def _reopen(visit):
    """The app closed (its last page), the browser's profile kept: a new page."""
    visit.page.close()
    visit.page = visit.context.new_page()
    visit.page.on("console", visit._console)
    visit.page.on("pageerror", lambda e: visit.errors.append(str(e)))
    return visit.page


def test_hours_logged_from_a_cold_start_offline_arrive_once(visit):
    phone = visit(PHONE, name="offline-cold-start")
    sign_in(phone, "wolontariusz@cal.local")
    _kept_by_the_worker(phone, "/", "/volunteers/me/hours/new")
    phone.expect_console_errors(*NO_NETWORK)
    phone.context.set_offline(True)
    page = _reopen(phone)

    opened = page.goto(phone.base_url + "/volunteers/me/hours/new")  # kept on the phone
    assert opened.ok and opened.from_service_worker
    assert page.evaluate("() => navigator.onLine") is False
    assert page.get_by_role("heading", name="Zapisz godziny").is_visible()
    phone.check_accessibility()
    phone.screenshot("form-offline")
    page.locator("label.chip", has_text="2 h").click()  # not what the other tests log today
    page.fill("#note", "Wpis z piwnicy")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    page.get_by_text("Brak zasięgu: wpis jest zapisany w telefonie").wait_for()
    assert "Czeka na wysłanie, gdy wróci zasięg: 1" in page.locator("#queue-status").inner_text()
    phone.screenshot("queued")

    phone.context.set_offline(False)
    page.get_by_text("Czekające wpisy zostały wysłane.").wait_for()
    phone.goto("/volunteers/me/hours")
    assert page.locator(".card.entry", has_text="Wpis z piwnicy").count() == 1
    assert page.evaluate("() => localStorage.getItem('cal-waiting-entries')") == "[]"
    phone.screenshot("arrived")


def test_after_a_sign_out_the_phone_shows_nothing_of_the_volunteer_offline(visit):
    phone = visit(PHONE, name="offline-signed-out")
    sign_in(phone, "wolontariusz@cal.local")
    kept = ["/", "/volunteers/me/hours", "/volunteers/me/hours/new"]
    _kept_by_the_worker(phone, *kept)
    name = phone.page.locator(".user-name").inner_text().split(" · ")[0]
    phone.page.get_by_role("button", name="Wyloguj").click()
    phone.page.wait_for_url(re.compile(r"/login"))
    phone.expect_console_errors(*NO_NETWORK)
    phone.context.set_offline(True)
    page = _reopen(phone)
    for path in kept:
        page.goto(phone.base_url + path)
        assert page.locator("html").get_attribute("lang") == "pl"
        assert page.locator("#hours-form, #queue-status, .user-name").count() == 0, path
        assert name not in page.content(), path
        assert page.locator("a[href='/volunteers/me/hours/new']").is_visible()  # offline page
    phone.check_accessibility()
    phone.screenshot("offline-page")
    phone.context.set_offline(False)


def test_a_new_deployment_takes_over_and_deletes_the_old_caches(visit, monkeypatch):
    phone = visit(PHONE, name="offline-update")
    page = phone.page
    sign_in(phone, "wolontariusz@cal.local")
    _kept_by_the_worker(phone, "/volunteers/me/hours")
    caches = "async () => (await caches.keys()).filter(n => n.startsWith('cal-pages-'))"
    old = page.evaluate(caches)
    shell = ("async () => (await (await caches.open('cal-shell')).keys())"
             ".map(r => r.url).filter(u => u.includes('/static/app.css'))")
    old_css = page.evaluate(shell)
    # A deployment: a file of the shell changes (here its hash, in the live server's
    # process), so the worker's script changes.
    real = offline._digest
    monkeypatch.setattr(offline, "_digest", lambda data: real(data + b"the next release"))
    page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
    _until(page, "async (old) => !(await caches.keys()).includes(old)", old[0])
    phone.goto("/volunteers/me/hours")  # the new worker keeps the pages in its own cache
    _kept_by_the_worker(phone, "/volunteers/me/hours")
    new = page.evaluate(caches)
    assert len(new) == 1 and new != old
    new_css = page.evaluate(shell)
    assert len(new_css) == 1 and new_css != old_css  # the shell fetched again
