"""The year's report on the large town at two sizes: its first view (every year
counted) and its views once the past years are kept, how their time grows with the
data, and that their count of queries does not.

    .venv/bin/python -m bench.report                       # SQLite, scales 0.25 and 1.0
    .venv/bin/python -m bench.report --database postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.report --scales 0.05 0.2     # a quick look

For each size: a new database filled by `seed-large` at that scale, then, as the
coordinator, this year's report:

- "first": the page with no year kept (the kept counts removed before each of
  COLD_REPEATS views), as after a write into an early year: every year counted;
- "kept": the page, its PDF and its spreadsheet once counted, each asked REPEATS times
  after a first request: the page answers from the kept counts (this year's kept for
  some minutes, its tables and charts drawn once); the files count this year at once.

Each is given as the median time, the process's CPU time (on SQLite it holds the
database's work; on PostgreSQL the server's is apart), the queries, and the median as
a multiple of the yardstick: the signed-in start page measured in the same run, so that
a busy machine slows both alike. The growth printed is the ratio of the larger size's
median to the smaller's, against the ratio of their rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import delete, event, func, select

from bench.matching import database
from cal import create_app
from cal.commands.large import seed_large
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.reports.cache import KeptFigures
from clubs.models import Attendance
from volunteers.hours.models import HourEntry

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5
COLD_REPEATS = 3
COORDINATOR = "koordynator@cal.local"


def _signed_in(app):
    from bench.load import CSRF
    from cal.commands.demo import DEMO_PASSWORD

    client = app.test_client()
    token = CSRF.search(client.get("/login").text).group(1)
    client.post("/login", data={"email": COORDINATOR, "password": DEMO_PASSWORD,
                                "csrf_token": token})
    return client


def _forget(app) -> None:
    """Remove the kept counts: the next view counts every year."""
    with app.app_context():
        db.session.execute(delete(KeptFigures))
        db.session.commit()


def _views(app, client, path: str, times: int, before=None) -> dict:
    """``times`` views of ``path``: median and slowest wall time, median CPU time (ms),
    and the queries of each (all the same, or the run fails)."""
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    with app.app_context():
        engine = db.engine
    walls, cpus, queries = [], [], set()
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(times):
            if before:
                before(app)
            statements.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            if client.get(path).status_code != 200:
                raise RuntimeError(f"{path} stopped answering 200")
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            queries.add(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if len(queries) != 1:
        raise RuntimeError(f"{path}: the queries differ between views: {sorted(queries)}")
    return {"median_ms": round(statistics.median(walls), 1), "slowest_ms": round(max(walls), 1),
            "cpu_ms": round(statistics.median(cpus), 1), "queries": queries.pop()}


def measure(url: str, scale: float) -> dict:
    os.environ.update(DATABASE_URL=url, RATELIMIT_ENABLED="0", SESSION_COOKIE_SECURE="0")
    app = create_app()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        seed_large(scale)
        made = time.perf_counter() - started
        rows = {"hours entries": db.session.scalar(select(func.count()).select_from(HourEntry)),
                "attendance rows": db.session.scalar(
                    select(func.count()).select_from(Attendance))}
    client = _signed_in(app)
    page = f"/reports/year?year={local_today().year}"
    result = {"scale": scale, "rows": rows, "generated_s": round(made)}
    try:
        client.get("/")
        result["yardstick"] = _views(app, client, "/", REPEATS)
        result["first"] = _views(app, client, page, COLD_REPEATS, before=_forget)
        for name, path in (("kept", page), ("PDF", page.replace("year?", "year.pdf?")),
                           ("XLSX", page.replace("year?", "year.xlsx?"))):
            client.get(path)
            result[name] = _views(app, client, path, REPEATS)
    finally:
        with app.app_context():
            db.engine.dispose()
    return result


def _cell(run: dict, name: str) -> str:
    found, yardstick = run[name], run["yardstick"]["median_ms"]
    return (f"{found['median_ms']} / {found['cpu_ms']} ms, "
            f"{found['median_ms'] / max(yardstick, 0.1):.0f}×, {found['queries']} q")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument("--scales", type=float, nargs=2, default=(0.25, 1.0))
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-1")
    os.environ.setdefault("BASE_URL", "http://127.0.0.1")
    label = "PostgreSQL" if args.database else "SQLite"
    runs = []
    for scale in args.scales:
        with database(args.database) as url:
            runs.append(measure(url, scale))
        print(f"  scale {scale}: {runs[-1]}", flush=True)
    small, large = runs
    data = sum(large["rows"].values()) / max(sum(small["rows"].values()), 1)
    print(f"## The year's report on {label}, the large town at scales {small['scale']} and "
          f"{large['scale']} ({data:.1f} times the rows)")
    print("Each cell: median wall / CPU time of the process, the median as a multiple of "
          "the signed-in start page (the yardstick), the queries.")
    print("| | " + " | ".join(f"scale {r['scale']}" for r in runs) + " | time grew |")
    print("|---|---|---|---|")
    steady = True
    for name in ("yardstick", "first", "kept", "PDF", "XLSX"):
        grew = large[name]["median_ms"] / max(small[name]["median_ms"], 0.1)
        print(f"| {name} | {_cell(small, name)} | {_cell(large, name)} | {grew:.1f}× |")
        steady &= small[name]["queries"] == large[name]["queries"]
    if not steady:
        print("the count of queries grew with the data", file=sys.stderr)
    return 0 if steady else 1


if __name__ == "__main__":
    sys.exit(main())
