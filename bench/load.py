"""The pages each role uses most, under load, on the large data set (issue: the
performance bench), against the ceiling of our own stack.

    .venv/bin/python -m bench.load                          # SQLite (a temporary file)
    .venv/bin/python -m bench.load --database postgresql://postgres@127.0.0.1/postgres

Fills a new database with `seed-large` (scale 1.0 unless --scale), serves the app with
gunicorn as in production (2 workers), and drives it from this process with CONCURRENCY
signed-in clients (httpx, asyncio) for SECONDS per page. The same server then serves a
bare Flask endpoint doing one primary-key query on the same database (bench/ceiling.py):
its requests per second are the ceiling, and each page's throughput is reported as a
share of it. SQL queries per request and the gzip size of each page are measured in
process on the same data. Writes bench/out/report.json and bench/out/report.md.

Budgets (DESIGN.md): p95 under 50 ms on PostgreSQL, at least half the ceiling's
throughput, at most 10 queries a page.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import flask_migrate
import httpx
from sqlalchemy import event, select

from bench.matching import database
from cal import create_app
from cal.core.demo import DEMO_PASSWORD
from cal.core.large import seed_large
from cal.extensions import db
from cal.projects.models import Project
from clubs.models import Group, GroupSession
from volunteers.models import HelpRequest, RequestStatus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BUDGET_P95_MS = 50
BUDGET_RATIO = 0.5
BUDGET_QUERIES = 10
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def pages() -> dict[str, tuple[str, str]]:
    """name: (account, path) of the pages each role uses most."""
    request_id = db.session.scalar(select(HelpRequest.id).where(
        HelpRequest.status == RequestStatus.OPEN).order_by(HelpRequest.created_at))
    gymnastics = db.session.scalar(select(Group.id).where(Group.name.like("Gimnastyka%")))
    session_id = db.session.scalar(select(GroupSession.id).where(
        GroupSession.group_id == gymnastics).order_by(GroupSession.starts_at.desc()))
    project_id = db.session.scalar(select(Project.id).order_by(Project.id.desc()))
    coordinator, leader = "koordynator@cal.local", "lider@cal.local"
    volunteer, manager = "wolontariusz@cal.local", "projekty@cal.local"
    return {
        "coordinator dashboard": (coordinator, "/"),
        "volunteer list": (coordinator, "/volunteers/"),
        "volunteer search": (coordinator, "/volunteers/?q=Nowak"),
        "suggestions for a request": (coordinator, f"/volunteers/requests/{request_id}"),
        "hours approval queue": (coordinator, "/volunteers/hours"),
        "session with attendance": (leader, f"/clubs/sessions/{session_id}"),
        "volunteer start page": (volunteer, "/"),
        "volunteer hours log": (volunteer, "/volunteers/me/hours"),
        "project page": (manager, f"/projects/{project_id}"),
    }


def measure_in_process(app, listed) -> dict[str, dict]:
    """Queries per request and compressed bytes, on a warm client of each account."""
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    result = {}
    with app.app_context():
        engine = db.engine
    # Requests outside any app context, as in a server: each has its own (and its user).
    event.listen(engine, "before_cursor_execute", count)
    try:
        for name, (email, path) in listed.items():
            client = app.test_client()
            login = client.get("/login").text
            token = CSRF.search(login).group(1)
            client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                        "csrf_token": token})
            client.get(path)
            statements.clear()
            answer = client.get(path)
            if answer.status_code != 200:
                raise RuntimeError(f"{name}: {path} answered {answer.status_code}")
            result[name] = {"queries": len(statements),
                            "bytes_gz": len(gzip.compress(answer.data, compresslevel=6))}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(target: str, url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-long-enough-1",
           "BASE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_ENABLED": "0",
           "SESSION_COOKIE_SECURE": "0", "REDIS_URL": ""}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", target], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/login" if target == "wsgi:app" else base + "/ceiling",
                      timeout=1)
            return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"gunicorn did not start {target}")


async def signed_in(base: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    login = (await client.get("/login")).text
    token = CSRF.search(login).group(1)
    answer = await client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                               "csrf_token": token})
    if answer.status_code != 302:
        raise RuntimeError(f"{email} could not sign in ({answer.status_code})")
    return client


async def drive(base: str, email: str | None, path: str, seconds: float,
                concurrency: int) -> dict:
    """`concurrency` clients asking for the page one after another for `seconds`."""
    clients = [await signed_in(base, email) if email else httpx.AsyncClient(
        base_url=base, timeout=30) for _ in range(concurrency)]
    for client in clients:  # warm: each worker's first request loads what all need
        await client.get(path)
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def one(client: httpx.AsyncClient):
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            answer = await client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += answer.status_code != 200

    began = time.perf_counter()
    await asyncio.gather(*(one(c) for c in clients))
    elapsed = time.perf_counter() - began
    for client in clients:
        await client.aclose()
    latencies.sort()
    return {"rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            "requests": len(latencies), "errors": errors}


def run(url: str, label: str, scale: float, seconds: float, concurrency: int) -> dict:
    os.environ.update(DATABASE_URL=url, RATELIMIT_ENABLED="0", SESSION_COOKIE_SECURE="0")
    app = create_app()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        made = seed_large(scale, say=lambda text: print(f"  … {text}", flush=True))
        print(f"  generated in {time.perf_counter() - started:.0f} s: {made}", flush=True)
        listed = pages()
    measured = measure_in_process(app, listed)
    with app.app_context():
        db.engine.dispose()
    server, base = serve("wsgi:app", url)
    try:
        for name, (email, path) in listed.items():
            measured[name].update(asyncio.run(drive(base, email, path, seconds, concurrency)))
            print(f"  {name}: {measured[name]}", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    server, base = serve("bench.ceiling:app", url)
    try:
        ceiling = asyncio.run(drive(base, None, "/ceiling", seconds, concurrency))
    finally:
        server.terminate()
        server.wait(10)
    for values in measured.values():
        values["ratio_to_ceiling"] = round(values["rps"] / ceiling["rps"], 2)
    return {"database": label, "scale": scale, "made": made, "ceiling_rps": ceiling["rps"],
            "ceiling": ceiling, "concurrency": concurrency, "seconds_per_page": seconds,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}",
            "pages": measured}


def failures(report: dict) -> list[str]:
    bad = []
    for name, page in report["pages"].items():
        if page["queries"] > BUDGET_QUERIES:
            bad.append(f"{name}: {page['queries']} queries")
        if page["errors"]:
            bad.append(f"{name}: {page['errors']} errors")
        if report["database"] == "postgresql" and page["p95_ms"] > BUDGET_P95_MS:
            bad.append(f"{name}: p95 {page['p95_ms']} ms")
        if page["ratio_to_ceiling"] < BUDGET_RATIO:
            bad.append(f"{name}: {page['ratio_to_ceiling']} of the ceiling")
    return bad


def markdown(report: dict) -> str:
    lines = [f"Database: {report['database']}, scale {report['scale']}, "
             f"{report['concurrency']} clients, {report['seconds_per_page']} s a page; "
             f"{report['machine']}. Ceiling: {report['ceiling_rps']} requests/s.", "",
             "| page | req/s | p50 ms | p95 ms | queries | KB gz | of ceiling |",
             "|---|---|---|---|---|---|---|"]
    for name, p in report["pages"].items():
        lines.append(f"| {name} | {p['rps']} | {p['p50_ms']} | {p['p95_ms']} | "
                     f"{p['queries']} | {p['bytes_gz'] / 1024:.1f} | {p['ratio_to_ceiling']} |")
    bad = failures(report)
    lines += ["", "Over the budgets: " + "; ".join(bad) if bad else "All within the budgets."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (a new database is made)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-1")
    os.environ.setdefault("BASE_URL", "http://127.0.0.1")
    label = "postgresql" if args.database else "sqlite"
    print(f"== {label}", flush=True)
    with database(args.database) as url:
        report = run(url, label, args.scale, args.seconds, args.concurrency)
    OUT.mkdir(exist_ok=True)
    (OUT / f"report-{label}.json").write_text(json.dumps(report, indent=1))
    (OUT / "report.json").write_text(json.dumps(report, indent=1))
    summary = markdown(report)
    (OUT / f"report-{label}.md").write_text(summary)
    (OUT / "report.md").write_text(summary)
    print(summary)
    return 1 if failures(report) else 0


if __name__ == "__main__":
    sys.exit(main())
