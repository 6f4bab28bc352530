"""Browser tests: the app served on loopback with the demo data, driven by
Playwright in Debian's Chromium; axe-core checks every page a test visits."""

from __future__ import annotations

import json
import os
import threading
from datetime import time
from pathlib import Path

import flask_migrate
import pytest
from werkzeug.serving import make_server

from cal import create_app
from cal.commands.demo import seed_demo
from cal.extensions import db
from tests.conftest import config_for_tests, make_database, service_missing
from tests.sms_gateway import StandInGateway

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# One folder per database: make test runs the suite on both at once.
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots" / (
    "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite")
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]


@pytest.fixture(scope="session")
def sms_gateway():
    """The stand-in of the SMS gateway the live server sends its text messages to."""
    with StandInGateway() as running:
        yield running


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, sms_gateway):
    """The app on a random loopback port, on its own database with the demo data, sending
    text messages to the stand-in gateway (at any hour: no quiet hours here)."""
    with make_database(tmp_path_factory, "e2e") as url:
        app = create_app(config_for_tests(url, SERVER_NAME=None, **sms_gateway.settings(),
                                          SMS_QUIET_FROM=time(0), SMS_QUIET_UNTIL=time(0)))
        with app.app_context():
            flask_migrate.upgrade()
            seed_demo()
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        service_missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        service_missing("axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


class Visit:
    """A page in a fresh browser context, with helpers every journey needs."""

    def __init__(self, browser, base_url: str, viewport: dict, name: str):
        self.context = browser.new_context(viewport=viewport, locale="pl-PL")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.errors: list[str] = []
        self.expected: tuple[str, ...] = ()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.shots = 0

    def _console(self, message) -> None:
        # A refused form answers 422 by design; Chromium logs every 4xx as an error.
        if message.type == "error" and "status of 422" not in message.text and not any(
                part in message.text for part in self.expected):
            self.errors.append(f"{self.page.url}: {message.text}")

    def expect_console_errors(self, *parts: str) -> None:
        """Errors this journey causes on purpose (say, a cut network) are not failures."""
        self.expected = parts

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.status < 500, f"{path} answered {response.status}"
        return response

    def check_accessibility(self) -> None:
        """axe-core on the current page: no serious or critical violation."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "() => axe.run(document, {resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{self.page.url}: {json.dumps(bad, indent=1)}"

    def screenshot(self, label: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{label}.png"),
                             full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], f"browser console errors: {self.errors}"


@pytest.fixture
def visit(browser, live_server, request):
    opened: list[Visit] = []

    def open_visit(viewport: dict, name: str | None = None) -> Visit:
        label = name or request.node.name.replace("[", "-").replace("]", "")
        opened.append(Visit(browser, live_server, viewport, label))
        return opened[-1]

    yield open_visit
    for item in opened:
        item.close()
