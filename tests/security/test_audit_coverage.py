"""The audit log covers every export and every denial: following every link a demo user
can reach, each download (a file, not a page) adds an export or read entry to the
audit log, and each refusal (403) a denial."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import func, select

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.core.audit import AuditLog
from cal.extensions import db
from tests.conftest import log_in

HREF = re.compile(r'href="([^"#]+)"')


def _audit_rows(app, *actions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action.in_(actions)))


@pytest.fixture
def demo(app):
    seed_demo(persons=60, volunteers=30)
    db.session.commit()
    return {u.email: u for u in db.session.scalars(select(User))}


# Files anyone may take, signed in or not, holding no one's personal data (the help
# directory's list): a visitor's download writes no row, so neither does a user's.
PUBLIC_FILES = {"/directory/list.pdf"}


@pytest.mark.parametrize("email", ["koordynator@cal.local", "lider@cal.local",
                                   "wolontariusz@cal.local", "projekty@cal.local"])
def test_every_download_reachable_is_in_the_audit_log(app, demo, email):
    client = app.test_client()
    log_in(client, demo[email])
    db.session.remove()
    seen, queue, downloads, missing = set(), deque(["/"]), [], []
    while queue and len(seen) < 200:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        before = _audit_rows(app, "export", "read")
        answer = client.get(path)
        if answer.status_code == 200 and "text/html" not in answer.content_type:
            if urlsplit(path).path in PUBLIC_FILES:
                continue
            if "attachment" in answer.headers.get("Content-Disposition", "") or \
                    answer.mimetype in ("application/pdf", "text/csv") or "spreadsheet" in \
                    answer.mimetype:
                downloads.append(path)
                if _audit_rows(app, "export", "read") == before:
                    missing.append(path)
            continue
        if answer.status_code != 200:
            continue
        for href in HREF.findall(answer.get_data(as_text=True)):
            target = urlsplit(urljoin("http://localhost" + path, href.replace("&amp;", "&")))
            if target.scheme in ("http", "https") and target.netloc in ("", "localhost") \
                    and not target.path.startswith(("/static/", "/calendar/")):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert missing == [], f"downloads not in the audit log: {missing}"
    if email in ("koordynator@cal.local", "projekty@cal.local"):  # they have files to take
        assert downloads, "the walk found no download to check"


def test_a_refusal_is_in_the_audit_log(client_as):
    from cal.core.access import Role

    client = client_as(Role.VOLUNTEER)
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    assert client.get("/people").status_code == 403
    db.session.expire_all()
    denial = db.session.scalar(select(AuditLog).order_by(AuditLog.id.desc()))
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before + 1
    assert denial.action == "denied" and "people" in denial.detail
