"""The large data set of DESIGN.md, for the benchmarks: `flask --app wsgi seed-large`.

At scale 1.0: 5,000 volunteers, 20,000 persons, 300 groups, about 1,000,000 attendance
rows and 500,000 hours entries, with requests, matches, trainings and projects in
proportion. The demo town (cal.commands.demo) makes the people, volunteers with their
records and trainings, the demo accounts and four demo groups as the application would;
the bulk (groups, sessions, attendance, hours, more requests and matches) is written
with multi-row INSERTs in chunks, not one ORM object at a time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, text

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.core.access import Role
from cal.core.rooms import registry
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.people.models import Person

CHUNK = 10_000
FULL = {"persons": 20_000, "volunteers": 5_000, "groups": 300, "attendance": 1_000_000,
        "hours": 500_000, "open_requests": 1_000, "leaders": 30, "projects": 10}


def _chunks(rows: Iterator[dict]) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk(model, rows: Iterator[dict]) -> int:
    """Insert rows in chunks of CHUNK, each one multi-row INSERT; returns how many."""
    count = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)
        count += len(chunk)
    return count


@dataclass
class Large:
    """What the rooms' growers share (cal/core/rooms.py): one random generator, the
    sizes wanted, the persons as (id, birth date, district), the coordinator's id,
    today, and a way to say what is being made."""

    rng: random.Random
    size: dict[str, int]
    people: list
    coordinator: int
    today: date
    say: Callable[[str], None]


def sizes(scale: float) -> dict[str, int]:
    size = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    size["groups"] = max(size["groups"], 5)
    return size


def seed_large(scale: float = 1.0, seed: int = 2026,
               say: Callable[[str], None] = lambda _text: None) -> dict[str, int]:
    size = sizes(scale)
    say(f"demo town: {size['persons']} persons, {size['volunteers']} volunteers")
    seed_demo(seed=seed, persons=size["persons"], volunteers=size["volunteers"])
    db.session.commit()
    return grow(scale, seed, say)


def grow(scale: float, seed: int = 2026,
         say: Callable[[str], None] = lambda _text: None) -> dict[str, int]:
    """Everything beyond the demo town, added to the town already in the database."""
    size = sizes(scale)
    rng = random.Random(seed)
    today = local_today()
    coordinator = db.session.scalar(select(User.id).where(User.role == Role.COORDINATOR))
    people = list(db.session.execute(select(Person.id, Person.birth_date, Person.district_id)))
    made = {"persons": len(people)}

    large = Large(rng, size, people, coordinator, today, say)
    for room in registry().demo:
        if room.grow:
            made.update(room.grow(large))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The planner's statistics and the tables' visibility maps, as autovacuum keeps
        # them on a database in use (a bulk load measured before autovacuum comes by is
        # planned on guesses, and an index-only scan of it reads the table as well).
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE"))
    return made


