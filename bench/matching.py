"""Benchmark of matching at the size of a large town: suggestions for one request and
the whole-list assignment of every open request.

    .venv/bin/python -m bench.matching                        # SQLite (a temporary file)
    .venv/bin/python -m bench.matching --database postgresql://postgres@127.0.0.1/postgres

Generates the demo town with VOLUNTEERS volunteers (their legal records, trainings
and past matches as the demo data makes them) and REQUESTS open help requests, then
measures, on a warm process:
- the suggestions service for one request, and the whole suggestions page as a
  coordinator gets it (median and slowest of 20 requests);
- planning the whole list (median of 3 runs), and the SQL part of it alone.
Budgets (issue: needs and matching): suggestions under 200 ms, the whole list under 5 s.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import flask_migrate
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from cal import create_app
from cal.auth import lifetime
from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.config import normalise_database_url
from cal.core.access import Role
from cal.extensions import db
from cal.people.models import Person
from volunteers.availability import BLOCKS_PER_DAY, encode
from volunteers.models import HelpKind, Volunteer, VolunteerStatus
from volunteers.needs import candidates
from volunteers.needs import services as needs
from volunteers.needs.demo import SUBJECTS, TASKS
from volunteers.needs.models import HelpRequest, Match, MatchStatus, RequestStatus

BUDGET_SUGGESTIONS_MS = 200
BUDGET_WHOLE_LIST_S = 5


@contextmanager
def database(url: str | None):
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    url = make_url(normalise_database_url(url))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"cal_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def generate(volunteers: int, requests: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    seed_demo(seed=seed, persons=max(3 * requests, 80), volunteers=volunteers)
    today = date.today()
    people = list(db.session.scalars(select(Person).where(Person.birth_date.is_not(None))))
    coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
    made = []
    for person in rng.sample(people, requests):
        age = (today - person.birth_date).days // 365
        if age < 18:
            request = HelpRequest(kind=HelpKind.TUTORING, subject=rng.choice(SUBJECTS[:5]),
                                  grade=max(1, min(8, age - 6)))
        else:
            request = HelpRequest(kind=rng.choice([HelpKind.SENIOR, HelpKind.DISABILITY]),
                                  tasks=",".join(rng.sample(TASKS, 2)))
        request.person_id, request.district_id = person.id, person.district_id
        request.slots = encode({(rng.randrange(5), rng.randrange(BLOCKS_PER_DAY))
                                for _ in range(rng.randint(1, 3))})
        request.starts_on, request.created_by_id = today, coordinator.id
        made.append(request)
    db.session.add_all(made)
    db.session.flush()
    # A third of the active volunteers already help someone (past requests, now matched).
    active = list(db.session.scalars(select(Volunteer).where(
        Volunteer.status == VolunteerStatus.ACTIVE)))
    for volunteer in rng.sample(active, len(active) // 3):
        past = HelpRequest(kind=next(iter(volunteer.kinds())), person_id=rng.choice(people).id,
                           starts_on=today - timedelta(days=90), created_by_id=coordinator.id,
                           status=RequestStatus.MATCHED)
        db.session.add(past)
        db.session.flush()
        db.session.add(Match(request_id=past.id, volunteer_id=volunteer.id,
                             status=MatchStatus.ACTIVE, score=70, schedule=0,
                             started_on=today - timedelta(days=60)))
    db.session.commit()


def timed(work, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        db.session.expunge_all()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def measure(app, label: str, volunteers: int, requests: int) -> dict:
    today = date.today()
    with app.app_context():
        start = time.perf_counter()
        generate(volunteers, requests)
        generated = time.perf_counter() - start
        ids = list(db.session.scalars(select(HelpRequest.id).where(
            HelpRequest.status == "open").order_by(HelpRequest.id)))
        sample = random.Random(1).sample(ids, 20)
        coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
        coordinator_id = coordinator.get_id()

        def suggest_one(request_id):
            return lambda: candidates.suggestions(needs.get_request(request_id), today)

        candidates.suggestions(needs.get_request(sample[0]), today)  # warm up
        service = [timed(suggest_one(r), 1)[0] for r in sample]
        plan = timed(lambda: plan.plan_open(today), 3)
        sql = timed(lambda: candidates.roster(today, active_only=True), 3)
        rows = plan.plan_open(today)
        assigned = sum(1 for row in rows if row.volunteer_id)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = coordinator_id
        session["_born"] = session["_seen"] = lifetime.now()
    client.get(f"/volunteers/requests/{sample[0]}")
    page = []
    for request_id in sample:
        start = time.perf_counter()
        response = client.get(f"/volunteers/requests/{request_id}")
        page.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return {"database": label, "generated_s": generated, "service": service, "page": page,
            "plan": plan, "sql": sql, "assigned": assigned, "open": len(rows)}


def report(result: dict, volunteers: int) -> str:
    ms = lambda xs: f"{statistics.median(xs) * 1000:.0f} ms (slowest {max(xs) * 1000:.0f})"  # noqa: E731
    return "\n".join([
        f"## {result['database']}: {volunteers} volunteers, {result['open']} open requests "
        f"(generated in {result['generated_s']:.0f} s)",
        f"- suggestions for one request, service: {ms(result['service'])}",
        f"- suggestions page for one request:     {ms(result['page'])}",
        f"- whole-list assignment: {statistics.median(result['plan']):.2f} s "
        f"(loading the volunteers: {statistics.median(result['sql']):.2f} s); "
        f"{result['assigned']} of {result['open']} requests get a volunteer",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args(argv)
    label = "PostgreSQL" if args.database else "SQLite"
    with database(args.database) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40,
                          "RATELIMIT_STORAGE_URI": "memory://", "SESSION_COOKIE_SECURE": False,
                          "BASE_URL": "http://localhost"})
        with app.app_context():
            flask_migrate.upgrade()
        gc.freeze()  # as wsgi.py does after start-up
        result = measure(app, label, args.volunteers, args.requests)
        with app.app_context():
            db.engine.dispose()
    print(report(result, args.volunteers))
    slow = (max(result["service"]) * 1000 > BUDGET_SUGGESTIONS_MS
            or max(result["plan"]) > BUDGET_WHOLE_LIST_S)
    if slow:
        print("over budget", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
