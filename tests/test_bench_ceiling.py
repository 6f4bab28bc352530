"""The bench's yardsticks (bench/ceiling.py) answer on our own database: the bare
ceiling, the signed-in page, and the signed-in list of 50 rows with its links."""

from __future__ import annotations

import importlib
import re
import sys

from sqlalchemy import func, select

from cal.commands.demo import DEMO_PASSWORD, seed_demo
from cal.extensions import db
from volunteers.models import Volunteer

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def test_the_ceilings_answer_signed_in_on_the_demo_town(app, database_url, monkeypatch):
    seed_demo()
    db.session.commit()
    volunteers = db.session.scalar(select(func.count()).select_from(Volunteer))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "bench-secret-key-long-enough-1")
    sys.modules.pop("bench.ceiling", None)  # made anew on this test's database
    ceiling = importlib.import_module("bench.ceiling")
    try:
        client = ceiling.app.test_client()
        assert client.get("/ceiling").status_code == 200
        assert client.get("/ceiling/list").status_code == 401  # signed out
        token = CSRF.search(client.get("/login").text).group(1)
        signed_in = client.post("/login", data={
            "email": "admin@cal.local", "password": DEMO_PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302
        page = client.get("/ceiling/page")
        assert page.status_code == 200 and "admin@cal.local" in page.text
        listing = client.get("/ceiling/list")
        links = re.findall(r'href="(/ceiling/row/\d+)"', listing.text)
        assert listing.status_code == 200 and len(links) == min(50, volunteers)
        assert client.get(links[0]).status_code == 200
    finally:
        ceiling.engine.dispose()
        sys.modules.pop("bench.ceiling", None)
