"""`make serve`, the production set in one command (README, Production): on a fresh
PostgreSQL database it runs the migrations, then honcho starts the Procfile's gunicorn,
RQ worker and rq cron on the suite's Redis. A volunteer signs in and logs hours over
HTTP, a coordinator approves them, a visit reminder goes out through the worker to a
real SMTP server on loopback, and Ctrl-C (SIGINT to make's process group, as a terminal
sends it) stops everything: no process of the set is left and the port is free."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from rq import Queue
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
from sqlalchemy import select

from cal import create_app
from cal.core.access import Role
from cal.core.timeutil import local_today, utcnow
from cal.extensions import db
from tests.conftest import PASSWORD, _postgres_database, config_for_tests, make_users
from tests.notifications.test_faults import ROOT, _free_port
from tests.notifications.test_reminders import Sink, _visit_tomorrow
from tests.processes import exit_status, started, wait_until
from tests.test_redis import redis_url  # noqa: F401  (the fixture)
from volunteers.hours.models import EntryStatus, HourEntry

SCAN = "cal.worker.scheduled_run"  # what rq cron enqueues (cal/cron.py)
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
# Settings of the machine or of a make above this one (make test) that are not the test's.
FOREIGN = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "FLASK_DEBUG", "PROXY_COUNT", "REMINDER_TIME")


@pytest.fixture
def fresh_postgres():
    """A new, empty database on the suite's PostgreSQL server: make serve migrates it."""
    with _postgres_database(os.environ["TEST_DATABASE_URL"]) as url:
        yield url


@pytest.fixture
def smtp_server():
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def _processes_of(run: str) -> dict[int, str]:
    """Every live process (not a zombie) whose environment carries this run's mark,
    wherever it was re-parented: pid and command line."""
    mark = f"CAL_SERVE_RUN={run}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):  # gone meanwhile, or not ours to read
            if mark not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] in {"Z", "X"}:
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                b"\0", b" ").decode(errors="replace").strip()
    return found


def _kill_what_is_left(run: str) -> None:
    """After a failure: whatever of the set outlived make's process group (honcho starts
    each Procfile process in a session of its own)."""
    for pid in _processes_of(run):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
        return True


def _healthy(base: str, make: subprocess.Popen, log: Path) -> bool:
    assert make.poll() is None, f"make serve exited:\n{log.read_text(errors='replace')}"
    try:
        answer = httpx.get(f"{base}/healthz", timeout=5)
    except httpx.TransportError:
        return False
    return answer.status_code == 200 and answer.json() == {"db": "ok", "redis": "ok"}


def _scans_done(queue: Queue) -> int:
    """How many scans the worker has finished; a failed job fails the test at once."""
    failed = FailedJobRegistry(queue=queue)
    assert failed.count == 0, [queue.fetch_job(j).latest_result().exc_string
                               for j in failed.get_job_ids()]
    registry = FinishedJobRegistry(queue=queue)
    return sum(1 for job in queue.job_class.fetch_many(registry.get_job_ids(),
                                                        connection=queue.connection)
               if job is not None and job.func_name == SCAN)


@contextmanager
def _signed_in(base: str, email: str) -> Iterator[httpx.Client]:
    """A browser's session: the sign-in form sent with its CSRF token."""
    with httpx.Client(base_url=base, timeout=30) as client:
        token = TOKEN.search(client.get("/login").text).group(1)
        answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token})
        assert answer.status_code == 302, answer.text
        yield client


def _log_hours(client: httpx.Client, match_id: int) -> None:
    """An hour of the match today, through the form (its key and token as served)."""
    page = client.get("/volunteers/me/hours/new")
    assert page.status_code == 200, page.text
    key = re.search(r'name="key"[^>]*value="([^"]+)"', page.text).group(1)
    answer = client.post("/volunteers/me/hours/new", data={
        "csrf_token": TOKEN.search(page.text).group(1), "key": key,
        "activity": f"match:{match_id}", "minutes": "60",
        "worked_on": local_today().isoformat(), "note": "", "label": ""})
    assert answer.status_code in (302, 303), answer.text
    assert answer.headers["location"].endswith("/volunteers/me/hours")


def _approve(client: httpx.Client, entry_id: int) -> None:
    page = client.get("/volunteers/hours")
    assert page.status_code == 200 and f'name="entry" value="{entry_id}"' in page.text
    answer = client.post("/volunteers/hours/review", data={
        "csrf_token": TOKEN.search(page.text).group(1), "decision": "approve",
        "entry": str(entry_id)})
    assert answer.status_code == 200, answer.text


def test_make_serve_refuses_at_once_naming_each_missing_setting():
    env = {k: v for k, v in os.environ.items() if k not in (*FOREIGN, "DATABASE_URL",
                                                               "REDIS_URL", "BASE_URL")}
    refused = subprocess.run(["make", "--no-print-directory", "serve"], cwd=ROOT,
                             env={**env, "SECRET_KEY": "set"}, capture_output=True,
                             text=True, check=False)
    assert refused.returncode == 2
    assert ("make serve needs DATABASE_URL REDIS_URL BASE_URL in the environment"
            in refused.stderr)
    assert refused.stdout == ""  # nothing installed, migrated or started


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="production runs on PostgreSQL: make serve is tried in the "
                           "PostgreSQL run")
def test_make_serve_runs_the_production_set_and_ctrl_c_stops_all_of_it(
        fresh_postgres, redis_url, smtp_server, tmp_path):  # noqa: F811
    sink, mail_port = smtp_server
    port, run = _free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}"
    env = {**{k: v for k, v in os.environ.items() if k not in FOREIGN},
           "CAL_SERVE_RUN": run, "PORT": str(port), "WEB_CONCURRENCY": "2",
           "DATABASE_URL": fresh_postgres, "REDIS_URL": redis_url,
           "SECRET_KEY": "serve-test-" + uuid.uuid4().hex, "BASE_URL": base,
           "SESSION_COOKIE_SECURE": "0",  # plain http on loopback, as `make run`
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port), "MAIL_USE_TLS": "0",
           # the day-before reminder is due from midnight: the next scan sends it
           "REMINDER_TIME": "00:00"}
    queue = Queue("default", connection=Redis.from_url(redis_url))
    log = tmp_path / "serve.log"
    try:
        with log.open("wb") as output, started(
                ["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, stdout=output,
                stderr=subprocess.STDOUT) as make:
            wait_until(lambda: _healthy(base, make, log), "make serve answered /healthz")
            # rq cron enqueues a scan as it starts; the worker runs it on the migrated
            # database.
            wait_until(lambda: _scans_done(queue), "the worker ran rq cron's first scan")
            commands = " | ".join(_processes_of(run).values())
            for program in ("gunicorn wsgi:app", "rq worker --with-scheduler", "rq cron"):
                assert program in commands, commands

            app = create_app(config_for_tests(fresh_postgres))
            with app.app_context():
                users = make_users()  # the database is new: nothing to empty first
                match = _visit_tomorrow(users, utcnow())
                volunteer = users[Role.VOLUNTEER].email
                coordinator = users[Role.COORDINATOR].email
                match_id = match.id
                db.session.remove()

                with _signed_in(base, volunteer) as phone:
                    _log_hours(phone, match_id)
                entry = db.session.scalars(select(HourEntry)).one()
                assert (entry.minutes, entry.status) == (60, EntryStatus.PENDING)
                with _signed_in(base, coordinator) as desk:
                    _approve(desk, entry.id)
                db.session.expire_all()
                assert db.session.get(HourEntry, entry.id).status == EntryStatus.APPROVED
                db.session.remove()
                db.engine.dispose()

            # rq cron's next scan, brought forward: the same job on the same queue.
            scan = queue.enqueue(SCAN)

            def reminders():  # of the visit to Zosia tomorrow
                return [m for m in list(sink.messages)
                        if volunteer in m.rcpt_tos and "Zosia" in m.content.decode()]

            wait_until(reminders, "the reminder reached the SMTP server")
            # nothing is left in hand when Ctrl-C comes
            wait_until(lambda: _scans_done(queue) == 2 and queue.count == 0
                       and StartedJobRegistry(queue=queue).count == 0,
                       "the worker finished its jobs")
            assert scan.get_status() == JobStatus.FINISHED
            assert len(reminders()) == 1, [m.content[:300] for m in sink.messages]

            os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in make's terminal
            exit_status(make, "make serve after Ctrl-C")
            # (checked before the block ends: its clean-up kills what is left of the group)
            wait_until(lambda: not _processes_of(run), "every process of the set ended",
                       ceiling=30)
            assert _port_free(port)
        output = log.read_text(errors="replace")
        # the migrations ran before honcho started anything
        assert output.index("Running upgrade") < output.index("honcho start")
        assert "SIGINT received" in output
    finally:
        _kill_what_is_left(run)
        queue.connection.close()
