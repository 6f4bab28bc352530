"""Page weight and queries of the phone pages, on the demo data.

    .venv/bin/python -m bench.pages

For each page: the HTML, and on a first visit everything it loads (stylesheets,
scripts, icons, the manifest), each compressed with gzip as the server's proxy sends
it; then the htmx fragments of the later steps; and the SQL queries of each page.
Budgets (issue: hours from phones): the start page's first load at most 60 KB
compressed, each later step a fragment of a few KB, at most 10 queries a page.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from contextlib import contextmanager

import flask_migrate
from sqlalchemy import event, select

from cal import create_app
from cal.auth import lifetime
from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.extensions import db

BUDGET_FIRST_LOAD_KB = 60
BUDGET_FRAGMENT_KB = 5
BUDGET_QUERIES = 10
ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@contextmanager
def counting(app):
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", listener)


def measure(app, client, path: str) -> dict:
    client.get(path)  # warm
    with counting(app) as queries:
        page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    assets = sorted(set(ASSETS.findall(page.text)))
    sizes = {asset: gz(client.get(asset.split("?")[0]).data) for asset in assets}
    return {"path": path, "html": gz(page.data), "assets": sizes,
            "first": gz(page.data) + sum(sizes.values()), "queries": len(queries)}


def fragment(app, client, path: str, data: dict, target: str) -> dict:
    with counting(app) as queries:
        answer = client.post(path, data=data, headers={"HX-Request": "true",
                                                       "HX-Target": target})
    return {"path": f"POST {path} (refused, #{target})", "status": answer.status_code,
            "bytes": gz(answer.data), "queries": len(queries)}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/pages.db",
                          "SECRET_KEY": "bench-" + "x" * 40, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_STORAGE_URI": "memory://", "SESSION_COOKIE_SECURE": False,
                          "BASE_URL": "http://localhost"})
        with app.app_context():
            flask_migrate.upgrade()
            seed_demo()
            db.session.commit()
            volunteer = db.session.scalar(select(User).where(
                User.email == "wolontariusz@cal.local")).get_id()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = volunteer
            session["_born"] = session["_seen"] = lifetime.now()
        pages = [measure(app, client, p) for p in
                 ("/", "/volunteers/me/hours/new", "/volunteers/me/hours",
                  "/volunteers/me/matches")]
        refused = fragment(app, client, "/volunteers/me/hours/new",
                           {"key": "b" * 32, "activity": "event", "minutes": "60",
                            "worked_on": "2000-01-01"}, "hours-form")
    over = False
    print("## Phone pages (demo data, the demo volunteer), compressed with gzip")
    for page in pages:
        print(f"- {page['path']}: HTML {page['html'] / 1024:.1f} KB, first load with "
              f"{len(page['assets'])} files {page['first'] / 1024:.1f} KB, "
              f"{page['queries']} queries")
        over |= page["queries"] > BUDGET_QUERIES
    start = pages[0]
    for asset, size in start["assets"].items():
        print(f"  - {asset}: {size / 1024:.1f} KB")
    print(f"- {refused['path']}: {refused['status']}, {refused['bytes'] / 1024:.1f} KB, "
          f"{refused['queries']} queries")
    over |= start["first"] > BUDGET_FIRST_LOAD_KB * 1024
    over |= refused["bytes"] > BUDGET_FRAGMENT_KB * 1024 or refused["status"] != 422
    if over:
        print("over budget", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
