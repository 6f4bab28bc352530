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
MAX_PAGES = 120


@pytest.fixture
def demo(app):
    seed_demo(persons=80, volunteers=40)
    db.session.commit()
    return {u.email: u for u in db.session.scalars(select(User))}


def _crawl(client) -> dict[str, int]:
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
        for href in HREF.findall(response.get_data(as_text=True)):
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
    visited = _crawl(client)
    broken = {path: code for path, code in visited.items() if code >= 400}
    assert broken == {}
    assert len(visited) >= MIN_PAGES[email]
