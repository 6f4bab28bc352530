"""Every page a demo user can reach by following links answers without a server
error, never links to a page that refuses them, and is HTML the Nu Html Checker passes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.extensions import db
from tests.conftest import log_in, service_missing

HREF = re.compile(r'href="([^"#]+)"')
# A required select whose first option has a value: the Nu Html Checker refuses it
# (the placeholder "—" must have an empty value, or the browser takes it for an answer).
REQUIRED_SELECT = re.compile(r'<select[^>]*\brequired\b[^>]*>\s*<option([^>]*)>')
MAX_PAGES = 120
VNU = (Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist"
       / "vnu.jar")
# htmx's own attributes (hx-post, hx-boost…) are not HTML's: the only errors let through.
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")


@pytest.fixture
def demo(app):
    seed_demo(persons=80, volunteers=40)
    db.session.commit()
    return {u.email: u for u in db.session.scalars(select(User))}


def _crawl(client, placeholders: dict[str, int] | None = None,
           pages: dict[str, str] | None = None, start: str = "/") -> dict[str, int]:
    """The pages reached and their status; ``placeholders`` gets the pages with a
    required select whose first option has a value, ``pages`` each HTML page's text."""
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        page = response.get_data(as_text=True)
        if pages is not None:
            pages[path] = page
        valued = [o for o in REQUIRED_SELECT.findall(page) if 'value=""' not in o]
        if valued and placeholders is not None:
            placeholders[path] = len(valued)
        for href in HREF.findall(page):
            target = urlsplit(urljoin("http://localhost" + path, href.replace("&amp;", "&")))
            if (target.scheme in ("http", "https") and target.netloc in ("", "localhost")
                    and not target.path.startswith("/static/")):  # not tel: or mailto:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


# The least each account must reach, so a broken menu cannot pass as "nothing failed".
MIN_PAGES = {"admin@cal.local": 50, "koordynator@cal.local": 50, "lider@cal.local": 3,
             "wolontariusz@cal.local": 1, "projekty@cal.local": 1}


@pytest.mark.parametrize("email", list(MIN_PAGES))
def test_no_page_reachable_by_a_demo_user_fails_or_refuses(app, demo, email, tmp_path):
    client = app.test_client()
    log_in(client, demo[email])
    placeholders: dict[str, int] = {}
    pages: dict[str, str] = {}
    visited = _crawl(client, placeholders, pages)
    broken = {path: code for path, code in visited.items() if code >= 400}
    assert broken == {}
    assert placeholders == {}
    assert len(visited) >= MIN_PAGES[email]
    assert html_errors(pages, tmp_path) == {}


def test_the_public_pages_are_valid_html(app, demo, tmp_path):
    """What a resident reaches without an account, from the sign-in page and the public
    lists (events, duty hours, the directory, the volunteer application)."""
    client, pages = app.test_client(), {}
    starts = ("/login", "/events/", "/duties/", "/directory/", "/volunteers/apply")
    for start in starts:
        _crawl(client, pages=pages, start=start)
    assert set(starts) <= set(pages)
    assert html_errors(pages, tmp_path) == {}


def html_errors(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The Nu Html Checker's errors on each page (one run of the checker for all of
    them), but for htmx's attributes."""
    if not VNU.exists():
        service_missing("the Nu Html Checker is not installed (npm ci)")
    if shutil.which("java") is None:
        service_missing("the Nu Html Checker needs Java (Debian: default-jre-headless)")
    names = {}
    for number, (path, page) in enumerate(sorted(pages.items())):
        (folder / f"page-{number}.html").write_text(page, encoding="utf-8")
        names[f"page-{number}.html"] = path
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                          *map(str, sorted(folder.glob("page-*.html")))],
                         capture_output=True, text=True, timeout=600, check=False)
    found: dict[str, list[str]] = {}
    for message in json.loads(run.stderr)["messages"]:
        if HTMX_ATTRIBUTE.match(message.get("message", "")):
            continue
        url = message.get("url", "?")
        where = names.get(url.rsplit("/", 1)[-1], url)
        found.setdefault(where, []).append(
            f"{message.get('lastLine', '?')}: {message.get('message', '')} "
            f"{message.get('extract', '')!r}"[:300])
    return found


def test_the_checker_reports_an_error_and_lets_htmx_attributes_through(tmp_path):
    head = '<!DOCTYPE html><html lang="pl"><head><title>t</title></head><body>'
    found = html_errors({"/bad": head + '<a href="/x"><a href="/y">x</a></a></body></html>',
                         "/htmx": head + '<form hx-post="/x" action="/x"></form></body></html>'},
                        tmp_path)
    assert list(found) == ["/bad"] and "“a”" in found["/bad"][0]
