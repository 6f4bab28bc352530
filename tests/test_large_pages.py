"""The pages each role uses most keep to the query budget (DESIGN.md: at most 10) on
the demo town and on a town grown with the large data set's generator, with the same
count on both: an N+1 fails here, not in the benchmark."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.load import pages
from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.commands.large import grow
from cal.extensions import db
from clubs.models import Attendance, GroupLeader
from tests.conftest import log_in
from volunteers.hours.models import HourEntry

BUDGET = 10


def _pages() -> list[tuple[str, str]]:
    """(demo account, path) of each page the benchmark drives, the project list, the
    funds by source and the gifts register."""
    return [*pages().values(), ("projekty@cal.local", "/projects/"),
            ("admin@cal.local", "/funds/"), ("koordynator@cal.local", "/gifts/")]


def _counts(app, count_queries, pages) -> dict[str, int]:
    counts = {}
    for email, path in pages:
        client = app.test_client()
        if email:  # None: a visitor (the public calendar and an event's page)
            log_in(client, db.session.scalar(select(User).where(User.email == email)))
        client.get(path)  # the first request of a client loads what every request needs
        with count_queries() as queries:
            assert client.get(path).status_code == 200, path
        counts[f"{email} {path}"] = len(queries)
    return counts


def test_the_main_pages_keep_their_query_count_when_the_town_grows(app, count_queries):
    seed_demo()
    db.session.commit()
    pages = _pages()
    small = _counts(app, count_queries, pages)
    made = grow(0.004)
    db.session.commit()
    # the lists really grew: hundreds of rows where the demo has tens
    assert made["attendance"] >= 3000 and made["hours"] >= 2000
    assert db.session.scalar(select(func.count()).select_from(Attendance)) > 3000
    assert db.session.scalar(select(func.count()).select_from(HourEntry)) > 2000
    leader = db.session.scalar(select(User.id).where(User.email == "lider@cal.local"))
    assert db.session.scalar(select(func.count()).select_from(GroupLeader).where(
        GroupLeader.user_id == leader)) >= 4
    large = _counts(app, count_queries, pages)
    assert large == small, {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    over = {page: count for page, count in large.items() if count > BUDGET}
    assert over == {}, large
