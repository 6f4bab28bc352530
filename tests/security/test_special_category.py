"""Special-category data (health, disability) found by a walk, not by a list: every
special field of the demo town holds a marker, each account follows every link it can
reach, and every page or file that shows a marker must be one of a role allowed to see
it (coordinators and administrators) and must have written a read (or export) of that
user to the audit log while it was made."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.extensions import db
from cal.people.models import Person
from seniors.models import SeniorMember
from tests.conftest import client_of, shared_app
from tests.security.walk import walk

MARKERS = {"health": "Zdrowie-7F3Q", "disability": "Niepelnosprawnosc-9K2W",
           "senior": "Senior-zdrowie-4M8Z"}
ALLOWED = {Role.ADMIN, Role.COORDINATOR}
ACCOUNTS = ["admin@cal.local", "koordynator@cal.local", "lider@cal.local",
            "wolontariusz@cal.local", "projekty@cal.local"]


@pytest.fixture(scope="module")
def town(database_url):
    def marked_town() -> dict[str, tuple[int, Role]]:
        seed_demo(persons=60, volunteers=30)
        db.session.execute(update(Person).values(health_notes=MARKERS["health"],
                                                 disability_notes=MARKERS["disability"]))
        db.session.execute(update(SeniorMember).values(health_notes=MARKERS["senior"]))
        return {u.email: (u.id, u.role) for u in db.session.scalars(select(User))}

    with shared_app(database_url, marked_town) as (app, users):
        yield app, users


def _reads(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.user_id == user_id, AuditLog.action.in_(("read", "export"))))


def _walk(app, user_id: int) -> tuple[list[str], list[str]]:
    """(paths that showed a marker, those of them that wrote no read)."""
    client = client_of(app, user_id)
    shown, unaudited, before = [], [], [0]

    def fetch(path: str):
        before[0] = _reads(app, user_id)
        return client.get(path)

    for path, answer in walk(fetch, skip=("/static/", "/calendar/")):
        body = answer.get_data()
        if answer.status_code == 200 and any(m.encode() in body for m in MARKERS.values()):
            shown.append(path)
            if _reads(app, user_id) == before[0]:
                unaudited.append(path)
    return shown, unaudited


@pytest.mark.parametrize("email", ACCOUNTS)
def test_special_category_data_is_shown_only_to_whom_it_may_be_and_every_view_is_audited(
        town, email):
    app, users = town
    user_id, role = users[email]
    shown, unaudited = _walk(app, user_id)
    if role not in ALLOWED:
        assert shown == [], f"{role.value} sees special-category data at {shown}"
        return
    assert unaudited == [], f"shown without an audited read: {unaudited}"
    routes = {re.sub(r"\d+", "<id>", urlsplit(p).path) for p in shown}
    # The walk must reach the places the data lives, or it proves nothing.
    assert {"/people/<id>", "/people/<id>/edit", "/seniors/members/<id>"} <= routes, routes
