"""The pages each role uses most, under load, on the large data set (issue: the
performance bench), against the ceilings of our own stack.

    .venv/bin/python -m bench.load                          # SQLite (a temporary file)
    .venv/bin/python -m bench.load --database postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.load --filled sqlite:////tmp/big.db --only hours

Fills a new database with `seed-large` (scale 1.0 unless --scale), serves the app with
gunicorn as in production (2 workers), and drives each page for SECONDS with wrk
(a C client, so the driver takes little of the CPU the server needs), one connection
per worker: no request waits in a queue, so the latency is the server's.
The same server then serves bench/ceiling.py on the same database, and its two
endpoints are driven the same way:

- the bare ceiling: one primary-key query and a string (the issue's ceiling;
  `ratio_to_ceiling`);
- the page ceiling: the least a signed-in page of ours does, as DESIGN.md measures
  it (the user loaded from the session by Flask-Login, a Jinja template with a CSRF
  token, four queries; `ratio_to_page_ceiling`);
- the list ceiling: the least a signed-in list of 50 rows does (the page ceiling's user
  and token, one query of 50 volunteers, a table of them with a link each;
  `ratio_to_list_ceiling`). What it reaches of the page ceiling is the most any page
  showing 50 rows can reach, whatever it does.

SQL queries per request and the gzip size of each page are measured in process on the
same data. Writes bench/out/report.json and bench/out/report.md (and a copy per
database).

Budgets (DESIGN.md): p95 under 50 ms on PostgreSQL; throughput at least half of the
ceiling of a signed-in page, as DESIGN.md defines it; at most 10 queries a page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import flask_migrate
import httpx
from flask import before_render_template, template_rendered
from sqlalchemy import event, select

from bench.matching import database
from cal import create_app
from cal.commands.demo import DEMO_PASSWORD
from cal.commands.large import seed_large
from cal.community.models import Event
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.projects.models import Project
from clubs.models import Group, GroupSession
from volunteers.needs.models import HelpRequest, RequestStatus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
WORKERS = 2  # gunicorn workers, as in production
BUDGET_P95_MS = 50
BUDGET_RATIO = 0.5
BUDGET_QUERIES = 10
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


# The yardstick of each page (issue 26): a page that shows a list is held to the least
# signed-in list of 50 rows, any other to the least signed-in page; each must reach
# half of its yardstick's throughput in the same run.
LISTS = {"volunteer list", "volunteer search", "suggestions for a request",
         "hours approval queue", "volunteer hours log", "project page", "public calendar",
         "public help directory"}

# What keeps a page under its target when it stays there, beside what the run shows.
KNOWN = {
    "suggestions for a request": "reads every active volunteer who offers the kind of "
                                 "help as a row, for the rules and the bounds of their "
                                 "scores, and scores in Python those who can reach the "
                                 "first 30",
    "hours approval queue": "each of its 50 rows has a checkbox, its volunteer, what it "
                            "was for and the day, beside the filters and the totals",
    "project page": "a list with its indicators, partners and groups beside it",
}


def yardstick(name: str) -> str:
    return "list" if name in LISTS else "page"


def pages() -> dict[str, tuple[str | None, str]]:
    """name: (account, path) of the pages each role uses most (None: a visitor)."""
    request_id = db.session.scalar(select(HelpRequest.id).where(
        HelpRequest.status == RequestStatus.OPEN).order_by(HelpRequest.created_at))
    gymnastics = db.session.scalar(select(Group.id).where(Group.name.like("Gimnastyka%")))
    session_id = db.session.scalar(select(GroupSession.id).where(
        GroupSession.group_id == gymnastics).order_by(GroupSession.starts_at.desc()))
    project_id = db.session.scalar(select(Project.id).order_by(Project.id.desc()))
    mikolajki = db.session.scalar(select(Event).where(Event.title == "Mikołajki dla dzieci"))
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
        # The past years kept, this year's counts kept for some minutes and drawn once
        # (the first view's cost and its growth: bench/report.py); driven alone, not in
        # the soak of many users.
        "year's report": (coordinator, f"/reports/year?year={local_today().year}"),
        # Read by anyone, signed in or not (DESIGN: the public pages' budget).
        "public calendar": (None, f"/events/?month={mikolajki.starts_at:%Y-%m}"),
        "public event page": (None, f"/events/{mikolajki.id}"),
        "public help directory": (None, "/directory/?q=wozek&category=transport"),
    }


# Pages opened a few times a year, which many users at once do not ask for.
NOT_IN_SOAK = {"year's report"}


# Not a main page: the emptiest signed-in page of ours (the calendar address: a heading,
# a button, one query of its own), measured the same way. What it costs above the page
# ceiling is what every page of ours pays before showing anything: the session checks of
# issue 10 (its version, idle and absolute times), the security headers, the layout with
# its menu, translations and the header's unread count.
REFERENCE = ("least page of ours", "koordynator@cal.local", "/calendar")


def measure_in_process(app, listed, repeats: int = 30) -> dict[str, dict]:
    """Queries per request and compressed bytes, on a warm client of each account; and
    where a request's time goes, over `repeats` requests in this process:

    - sql: the cursors' execute: on PostgreSQL the whole result is back when it
      returns; SQLite steps through the rows as they are fetched, which counts as rest;
    - template: rendering the page's template, outer template only (the context
      processors, such as the menu, run before it and count as rest; an htmx fragment
      rendered with render_block is not signalled and counts as rest too);
    - rest: everything else: the test client, Flask, the session checks, the ORM
      turning rows into objects, and the views' own Python.
    """
    statements: list[str] = []
    spent = {"sql": 0.0, "template": 0.0}
    sql_began: list[float] = []
    template_began: list[tuple[float, float]] = []

    def before_sql(*_args):
        statements.append("q")
        sql_began.append(time.perf_counter())

    def after_sql(*_args):
        spent["sql"] += time.perf_counter() - sql_began.pop()

    def sql_failed(_context):  # no after_cursor_execute then
        if sql_began:
            spent["sql"] += time.perf_counter() - sql_began.pop()

    def before_template(*_args, **_kwargs):
        template_began.append((time.perf_counter(), spent["sql"]))

    def after_template(*_args, **_kwargs):  # a query made while rendering is the database's
        began, sql_before = template_began.pop()
        if not template_began:  # an inner template's time is in its outer one's
            spent["template"] += time.perf_counter() - began - (spent["sql"] - sql_before)

    result = {}
    with app.app_context():
        engine = db.engine
    # Requests outside any app context, as in a server: each has its own (and its user).
    event.listen(engine, "before_cursor_execute", before_sql)
    event.listen(engine, "after_cursor_execute", after_sql)
    event.listen(engine, "handle_error", sql_failed)
    before_render_template.connect(before_template, app)
    template_rendered.connect(after_template, app)
    try:
        for name, (email, path) in listed.items():
            client = app.test_client()
            if email:
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
            spent.update(sql=0.0, template=0.0)
            began = time.perf_counter()
            for _ in range(repeats):
                if client.get(path).status_code != 200:
                    raise RuntimeError(f"{name}: {path} stopped answering 200")
            total = (time.perf_counter() - began) / repeats * 1000
            sql, template = (spent[k] / repeats * 1000 for k in ("sql", "template"))
            result[name]["in_process_ms"] = {
                "total": round(total, 2), "sql": round(sql, 2),
                "template": round(template, 2), "rest": round(total - sql - template, 2)}
    finally:
        event.remove(engine, "before_cursor_execute", before_sql)
        event.remove(engine, "after_cursor_execute", after_sql)
        event.remove(engine, "handle_error", sql_failed)
        before_render_template.disconnect(before_template, app)
        template_rendered.disconnect(after_template, app)
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
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", target], cwd=ROOT, env=env)
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


def signed_in(base: str, email: str | None) -> str:
    """The Cookie header of a fresh session of `email` (none for the ceiling)."""
    if not email:
        return ""
    with httpx.Client(base_url=base, timeout=30) as client:
        token = CSRF.search(client.get("/login").text).group(1)
        answer = client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                             "csrf_token": token})
        if answer.status_code != 302:
            raise RuntimeError(f"{email} could not sign in ({answer.status_code})")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def drive(base: str, email: str | None, path: str, seconds: float,
          connections: int) -> dict:
    """wrk (C, so the driver takes little of the CPU the server needs) keeps
    `connections` requests for the page in flight for `seconds`. With as many
    connections as workers, no request waits in a queue: the latency is the server's."""
    cookie = signed_in(base, email)
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    warm = httpx.get(base + path, headers={"Cookie": cookie} if cookie else None, timeout=30)
    if warm.status_code != 200:
        raise RuntimeError(f"{path} answered {warm.status_code}")
    ran = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "30s", "-s", str(ROOT / "bench" / "wrk.lua"), *headers, base + path],
        capture_output=True, text=True, check=True)
    figures = json.loads(ran.stdout.strip().splitlines()[-1])
    return {"rps": round(figures["requests"] / figures["duration_us"] * 1e6, 1),
            "p50_ms": round(figures["p50_us"] / 1000, 1),
            "p95_ms": round(figures["p95_us"] / 1000, 1),
            "requests": figures["requests"],
            "errors": figures["not_ok"] + figures["socket_errors"]}


def soak(base: str, listed: dict[str, tuple[str, str]], seconds: float,
         connections: int) -> dict:
    """Many users at once over all the pages (DESIGN: 50 for 60 s): each of the
    `connections` asks for the pages in turn, as the account each page belongs to.
    Requests wait in gunicorn's queue here, so the latency includes the wait."""
    cookies = {email: signed_in(base, email) for email in {e for e, _p in listed.values()}}
    OUT.mkdir(exist_ok=True)
    plan = OUT / "soak-plan.txt"
    plan.write_text("".join(f"{path}\t{cookies[email]}\n" for email, path in listed.values()))
    ran = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "30s", "-s", str(ROOT / "bench" / "wrk.lua"), base + "/"],
        capture_output=True, text=True, check=True, env={**os.environ, "WRK_PLAN": str(plan)})
    plan.unlink()
    figures = json.loads(ran.stdout.strip().splitlines()[-1])
    return {"users": connections, "seconds": seconds,
            "rps": round(figures["requests"] / figures["duration_us"] * 1e6, 1),
            "p50_ms": round(figures["p50_us"] / 1000, 1),
            "p95_ms": round(figures["p95_us"] / 1000, 1),
            "requests": figures["requests"],
            "errors": figures["not_ok"] + figures["socket_errors"]}


def run(url: str, label: str, scale: float, seconds: float, connections: int,
        filled: bool = False, only: str = "", soak_seconds: float = 60,
        soak_users: int = 50) -> dict:
    os.environ.update(DATABASE_URL=url, RATELIMIT_ENABLED="0", SESSION_COOKIE_SECURE="0")
    app = create_app()
    with app.app_context():
        made = None
        if not filled:
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            started = time.perf_counter()
            made = seed_large(scale, say=lambda text: print(f"  … {text}", flush=True))
            print(f"  generated in {time.perf_counter() - started:.0f} s: {made}", flush=True)
        listed = {name: page for name, page in pages().items() if only in name}
    measured = measure_in_process(app, listed)
    ref_name, ref_email, ref_path = REFERENCE
    reference = {"path": ref_path,
                 **measure_in_process(app, {ref_name: (ref_email, ref_path)})[ref_name]}
    with app.app_context():
        db.engine.dispose()
    server, base = serve("wsgi:app", url)
    try:
        for name, (email, path) in listed.items():
            measured[name].update(drive(base, email, path, seconds, connections))
            print(f"  {name}: {measured[name]}", flush=True)
        reference.update(drive(base, ref_email, ref_path, seconds, connections))
        print(f"  {ref_name} (reference): {reference}", flush=True)
        everyday = {name: page for name, page in listed.items() if name not in NOT_IN_SOAK}
        mixed = soak(base, everyday, soak_seconds, soak_users) if soak_seconds else None
        print(f"  {soak_users} users at once: {mixed}", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    server, base = serve("bench.ceiling:app", url)
    try:
        ceiling = drive(base, None, "/ceiling", seconds, connections)
        page_ceiling = drive(base, "admin@cal.local", "/ceiling/page", seconds, connections)
        list_ceiling = drive(base, "admin@cal.local", "/ceiling/list", seconds, connections)
    finally:
        server.terminate()
        server.wait(10)
    list_ceiling["ratio_to_page_ceiling"] = round(list_ceiling["rps"] / page_ceiling["rps"], 2)
    print(f"  ceiling: {ceiling}\n  signed-in page ceiling: {page_ceiling}\n"
          f"  list ceiling: {list_ceiling}", flush=True)
    for values in measured.values():
        values["ratio_to_ceiling"] = round(values["rps"] / ceiling["rps"], 2)
        values["ratio_to_page_ceiling"] = round(values["rps"] / page_ceiling["rps"], 2)
        values["ratio_to_list_ceiling"] = round(values["rps"] / list_ceiling["rps"], 2)
    for name, values in measured.items():
        values["yardstick"] = yardstick(name)
        values["ratio_to_yardstick"] = values[f"ratio_to_{values['yardstick']}_ceiling"]
    reference["ratio_to_page_ceiling"] = round(reference["rps"] / page_ceiling["rps"], 2)
    return {"database": label, "scale": scale, "made": made, "ceiling_rps": ceiling["rps"],
            "ceiling": ceiling, "page_ceiling_rps": page_ceiling["rps"],
            "page_ceiling": page_ceiling, "list_ceiling_rps": list_ceiling["rps"],
            "list_ceiling": list_ceiling, "connections": connections, "soak": mixed,
            "seconds_per_page": seconds,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}",
            "pages": measured, "reference": {ref_name: reference}}


def grow(url: str, label: str, small_scale: float, report: dict, only: str = "") -> dict:
    """Each page measured in one process on a smaller town (issue 26: a city-sized
    centre must not pay linearly for one page), beside its time on the large one."""
    os.environ.update(DATABASE_URL=url)
    app = create_app()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        seed_large(small_scale, say=lambda text: print(f"  … {text}", flush=True))
        listed = {name: page for name, page in pages().items() if only in name}
    small = measure_in_process(app, listed)
    with app.app_context():
        db.engine.dispose()
    grown = {}
    for name, values in small.items():
        large = report["pages"][name]["in_process_ms"]
        grown[name] = {"small": values["in_process_ms"], "large": large,
                       "factor": round(large["total"] / values["in_process_ms"]["total"], 1)}
        print(f"  {name}: {grown[name]}", flush=True)
    return {"database": label, "small_scale": small_scale,
            "data_factor": round(report["scale"] / small_scale, 1), "pages": grown}


def failures(report: dict) -> list[str]:
    bad = []
    for name, page in report["pages"].items():
        if page["queries"] > BUDGET_QUERIES:
            bad.append(f"{name}: {page['queries']} queries")
        if page["errors"]:
            bad.append(f"{name}: {page['errors']} errors")
        if report["database"] == "postgresql" and page["p95_ms"] > BUDGET_P95_MS:
            bad.append(f"{name}: p95 {page['p95_ms']} ms")
        if page["ratio_to_yardstick"] < BUDGET_RATIO:
            bad.append(f"{name}: {page['ratio_to_yardstick']} of the "
                       f"{page['yardstick']} ceiling")
    for name, page in report.get("reference", {}).items():
        if page["errors"]:
            bad.append(f"{name}: {page['errors']} errors")
    if report.get("soak") and report["soak"]["errors"]:
        bad.append(f"{report['soak']['users']} users at once: {report['soak']['errors']} errors")
    return bad


def misses(report: dict, page: dict) -> list[str]:
    """What of the target (issue 26) a page misses: half of its yardstick, and on
    PostgreSQL a p95 under 50 ms."""
    missed = []
    if page["ratio_to_yardstick"] < BUDGET_RATIO:
        missed.append(f"{page['ratio_to_yardstick']} of the {page['yardstick']} ceiling")
    if report["database"] == "postgresql" and page["p95_ms"] > BUDGET_P95_MS:
        missed.append(f"p95 {page['p95_ms']} ms")
    return missed


def why(report: dict, name: str, page: dict) -> str:
    """Where the page's time goes, measured: the largest part of it in one process,
    how it grows with the town, and what is known to cost."""
    split = page.get("in_process_ms") or {}
    parts = {"the database": split.get("sql", 0), "the template": split.get("template", 0),
             "Python (the view, Flask, the ORM)": split.get("rest", 0)}
    largest = max(parts, key=parts.get)
    said = [f"{split.get('total', 0)} ms in one process, most in {largest} "
            f"({parts[largest]} ms)"]
    grown = (report.get("growth") or {}).get("pages", {}).get(name)
    if grown:
        said.append(f"{grown['factor']}x the time for {report['growth']['data_factor']}x "
                    f"the data")
    if name in KNOWN:
        said.append(KNOWN[name])
    return "; ".join(said) + "."


def markdown(report: dict) -> str:
    lines = [f"Database: {report['database']}, scale {report['scale']}, "
             f"{report['connections']} connections, {report['seconds_per_page']} s a page; "
             f"{report['machine']}. Ceilings: bare {report['ceiling_rps']} requests/s, "
             f"signed-in page {report['page_ceiling_rps']} requests/s, list of 50 rows "
             f"{report['list_ceiling_rps']} requests/s "
             f"({report['list_ceiling']['ratio_to_page_ceiling']} of the page ceiling).", "",
             "The target (issue 26): each page at least half of its yardstick's throughput "
             "(a list of 50 rows for a page that shows a list, the signed-in page for the "
             f"others){', and p95 under 50 ms' if report['database'] == 'postgresql' else ''}.",
             "",
             "| page | req/s | p50 ms | p95 ms | queries | KB gz | of bare ceiling "
             "| of page ceiling | of list ceiling | yardstick | of it | target |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, p in report["pages"].items():
        lines.append(f"| {name} | {p['rps']} | {p['p50_ms']} | {p['p95_ms']} | "
                     f"{p['queries']} | {p['bytes_gz'] / 1024:.1f} | "
                     f"{p['ratio_to_ceiling']} | {p['ratio_to_page_ceiling']} | "
                     f"{p['ratio_to_list_ceiling']} | {p['yardstick']} | "
                     f"{p['ratio_to_yardstick']} | "
                     f"{'missed' if misses(report, p) else 'met'} |")
    lines += ["", "Where a request's time goes, in one process (ms: all, in the database, "
                  "rendering the template, the rest):", "",
              "| page | all | database | template | rest |", "|---|---|---|---|---|"]
    for name, p in [*report["pages"].items(), *report.get("reference", {}).items()]:
        split = p.get("in_process_ms")
        if split:
            lines.append(f"| {name} | {split['total']} | {split['sql']} | "
                         f"{split['template']} | {split['rest']} |")
    for name, p in report.get("reference", {}).items():
        lines += ["", f"Reference, not a main page: {name} ({p['path']}), {p['rps']} "
                      f"requests/s, p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, "
                      f"{p['ratio_to_page_ceiling']} of the page ceiling: what every page "
                      f"of ours costs before it shows anything."]
    growth = report.get("growth")
    if growth:
        lines += ["", f"How each page's cost grows with the town, in one process: at scale "
                      f"{growth['small_scale']} and at scale {report['scale']} "
                      f"({growth['data_factor']}x the data; ms, all / database):", "",
                  "| page | small | large | growth |", "|---|---|---|---|"]
        for name, g in growth["pages"].items():
            lines.append(f"| {name} | {g['small']['total']} / {g['small']['sql']} | "
                         f"{g['large']['total']} / {g['large']['sql']} | {g['factor']}x |")
    missed = [(name, p) for name, p in report["pages"].items() if misses(report, p)]
    if missed:
        lines += ["", "The pages that miss the target, and why:", ""]
        for name, p in missed:
            lines.append(f"- {name}: {'; '.join(misses(report, p))}. {why(report, name, p)}")
    mixed = report.get("soak")
    if mixed:
        lines += ["", f"{mixed['users']} users at once over all the pages for "
                      f"{mixed['seconds']} s: {mixed['requests']} requests, {mixed['rps']} "
                      f"requests/s, p50 {mixed['p50_ms']} ms, p95 {mixed['p95_ms']} ms "
                      f"(with the wait in the queue), {mixed['errors']} errors."]
    bad = failures(report)
    lines += ["", "Over the budgets: " + "; ".join(bad) if bad else "All within the budgets."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (a new database is made)")
    parser.add_argument("--filled", metavar="URL",
                        help="measure a database already filled by seed-large (no report)")
    parser.add_argument("--only", default="", help="only the pages whose name holds this")
    parser.add_argument("--soak-seconds", type=float, default=60,
                        help="the mixed load of many users at once (0: none)")
    parser.add_argument("--soak-users", type=int, default=50)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small-scale", type=float,
                        help="the smaller town each page is also measured on, to show how "
                             "its cost grows (default: a quarter of --scale; 0: none)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=WORKERS,
                        help="requests in flight (default: one per worker, no queue)")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-1")
    os.environ.setdefault("BASE_URL", "http://127.0.0.1")
    label = "postgresql" if (args.filled or args.database or "").startswith("postgres") \
        else "sqlite"
    print(f"== {label}", flush=True)
    if args.filled:
        report = run(args.filled, label, args.scale, args.seconds, args.connections,
                     filled=True, only=args.only, soak_seconds=args.soak_seconds,
                     soak_users=args.soak_users)
        print(markdown(report))
        return 1 if failures(report) else 0
    with database(args.database) as url:
        report = run(url, label, args.scale, args.seconds, args.connections, only=args.only,
                     soak_seconds=args.soak_seconds, soak_users=args.soak_users)
    small = args.scale / 4 if args.small_scale is None else args.small_scale
    if small:
        print(f"== {label}, the smaller town (scale {small})", flush=True)
        with database(args.database) as url:
            report["growth"] = grow(url, label, small, report, args.only)
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
