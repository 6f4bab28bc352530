"""Every page a demo user can reach by following links answers without a server
error, and never links to a page that refuses them."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.extensions import db
from tests.conftest import log_in

HREF = re.compile(r'href="([^"#]+)"')
# A required select whose first option has a value: the Nu Html Checker refuses it
# (the placeholder "—" must have an empty value, or the browser takes it for an answer).
REQUIRED_SELECT = re.compile(r'<select[^>]*\brequired\b[^>]*>\s*<option([^>]*)>')
MAX_PAGES = 120


@pytest.fixture
def demo(app):
    seed_demo(persons=80, volunteers=40)
    db.session.commit()
    return {u.email: u for u in db.session.scalars(select(User))}


def _crawl(client, placeholders: dict[str, int] | None = None) -> dict[str, int]:
    """The pages reached and their status; ``placeholders`` gets the pages with a
    required select whose first option has a value."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        page = response.get_data(as_text=True)
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
def test_no_page_reachable_by_a_demo_user_fails_or_refuses(app, demo, email):
    client = app.test_client()
    log_in(client, demo[email])
    placeholders: dict[str, int] = {}
    visited = _crawl(client, placeholders)
    broken = {path: code for path, code in visited.items() if code >= 400}
    assert broken == {}
    assert placeholders == {}
    assert len(visited) >= MIN_PAGES[email]
