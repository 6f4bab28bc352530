"""The year's report on the large town at two sizes: how its time grows with the data,
and that its count of queries does not.

    .venv/bin/python -m bench.report                       # SQLite, scales 0.25 and 1.0
    .venv/bin/python -m bench.report --database postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.report --scales 0.05 0.2     # a quick look

For each size: a new database filled by `seed-large` at that scale, then the page of
this year's report (as the coordinator), its PDF and its spreadsheet, each asked
REPEATS times in one process after a first request; the median time, the slowest, and
the queries. The report sums every room's records of all the years at once (aggregate
queries grouped by year), so its time grows with the rows it sums and its count of
queries does not; the growth printed is the time's ratio against the data's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import event, func, select

from bench.matching import database
from cal import create_app
from cal.commands.large import seed_large
from cal.core.timeutil import local_today
from cal.extensions import db
from clubs.models import Attendance
from volunteers.hours.models import HourEntry

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5
COORDINATOR = "koordynator@cal.local"


def _signed_in(app):
    from bench.load import CSRF
    from cal.commands.demo import DEMO_PASSWORD

    client = app.test_client()
    token = CSRF.search(client.get("/login").text).group(1)
    client.post("/login", data={"email": COORDINATOR, "password": DEMO_PASSWORD,
                                "csrf_token": token})
    return client


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
        engine = db.engine
    client = _signed_in(app)
    year = local_today().year
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    result = {"scale": scale, "rows": rows, "generated_s": round(made)}
    event.listen(engine, "before_cursor_execute", count)
    try:
        for name, path in (("page", f"/reports/year?year={year}"),
                           ("PDF", f"/reports/year.pdf?year={year}"),
                           ("XLSX", f"/reports/year.xlsx?year={year}")):
            first = client.get(path)
            if first.status_code != 200:
                raise RuntimeError(f"{path} answered {first.status_code}")
            times = []
            for _ in range(REPEATS):
                statements.clear()
                began = time.perf_counter()
                if client.get(path).status_code != 200:
                    raise RuntimeError(f"{path} stopped answering 200")
                times.append((time.perf_counter() - began) * 1000)
            result[name] = {"median_ms": round(statistics.median(times), 1),
                            "slowest_ms": round(max(times), 1), "queries": len(statements)}
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    return result


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
    print("| | " + " | ".join(f"scale {r['scale']}: median / slowest ms, queries"
                              for r in runs) + " | time grew |")
    print("|---|---|---|---|")
    steady = True
    for name in ("page", "PDF", "XLSX"):
        cells = [f"{r[name]['median_ms']} / {r[name]['slowest_ms']}, {r[name]['queries']}"
                 for r in runs]
        grew = large[name]["median_ms"] / max(small[name]["median_ms"], 0.1)
        print(f"| {name} | {' | '.join(cells)} | {grew:.1f}× |")
        steady &= small[name]["queries"] == large[name]["queries"]
    if not steady:
        print("the count of queries grew with the data", file=sys.stderr)
    return 0 if steady else 1


if __name__ == "__main__":
    sys.exit(main())
