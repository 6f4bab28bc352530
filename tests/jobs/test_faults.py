"""Faults with real processes: an `rq worker` killed while it sends a mail, and a Redis
server stopped while pages are used. Each reminder still arrives exactly once."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from cal.config import normalise_database_url
from cal.core.access import Role
from cal.core.timeutil import LOCAL_ZONE, local_today, utcnow
from cal.extensions import db
from cal.jobs import delivery, reminders
from cal.jobs.models import Channel, Notification
from cal.jobs.outbox import tell
from clubs import services as clubs
from clubs.models import Attendance, AttendanceChange, Mark
from tests.conftest import PASSWORD, service_missing
from tests.jobs.test_reminders import _mails_to, _make_users
from tests.test_redis import redis_url  # noqa: F401  (the fixture)
from tests.volunteers.test_apply import application

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HoldingSink:
    """An SMTP server that holds the first message's DATA until told to go on, then
    refuses it (the sender is gone by then); later messages are accepted."""

    def __init__(self):
        self.messages = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.held = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if not self.held:
            self.held = True
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        self.messages.append(envelope)
        return "250 OK"


def _rq(command: list[str], redis: str, database: str, mail_port: int,
        **settings: str) -> subprocess.Popen:
    """An `rq` process as in production (a worker forks a work horse for each job) on
    the test's database, Redis and mail server, in a process group of its own so that
    the whole of it can be killed."""
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": redis,
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port), "MAIL_USE_TLS": "false",
           "SECRET_KEY": "test-worker-secret-key-long-enough", "BASE_URL": "http://cal.test",
           **settings}
    rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or "rq"
    return subprocess.Popen([rq, *command, "--url", redis], cwd=ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _worker(redis: str, database: str, mail_port: int, **settings: str) -> subprocess.Popen:
    return _rq(["worker", "--burst", "default"], redis, database, mail_port, **settings)


def test_a_worker_killed_while_sending_is_retried_once_and_one_mail_arrives(
        make_app, redis_url):  # noqa: F811
    sink, port = HoldingSink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                       REDIS_URL=redis_url)
        with app.app_context():
            database = db.engine.url.render_as_string(hide_password=False)
            users = _make_users(app)
            volunteer = users[Role.VOLUNTEER]
            tell(volunteer.id, "match_proposed", "match:1", "Nowa propozycja",
                 channels=(Channel.EMAIL,))
            db.session.commit()
            row_id = db.session.scalar(select(Notification.id))
            assert delivery.dispatch(utcnow()) == 1  # enqueued on the real Redis

            first = _worker(redis_url, database, port)
            assert sink.holding.wait(60), "the worker never reached the mail server"
            os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle
            first.wait(10)
            sink.release.set()
            db.session.expire_all()
            row = db.session.get(Notification, row_id)
            assert row.sent_at is None and row.claimed_at is not None and row.attempts == 1
            assert delivery.dispatch(utcnow()) == 0  # its claim still holds

            # Ten minutes later the claim has timed out, and the next scan hands it on.
            db.session.execute(update(Notification).values(
                claimed_at=Notification.claimed_at - delivery.CLAIM_TIMEOUT))
            db.session.commit()
            assert delivery.dispatch(utcnow()) == 1
            for _ in range(2):  # and a second worker finds nothing more to do
                second = _worker(redis_url, database, port)
                assert second.wait(60) == 0
            db.session.expire_all()
            row = db.session.get(Notification, row_id)
            assert row.sent_at is not None and row.attempts == 2
            assert _mails_to(sink, volunteer.email) == 1
    finally:
        sink.release.set()
        controller.stop()


class RedisServer:
    """A Redis server of the test's own, which the test stops and starts again."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        connection = Redis.from_url(self.url)
        for _ in range(100):
            try:
                connection.ping()
                return
            except (RedisError, OSError):
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed: cannot stop and start a Redis")
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def smtp_sink():
    from tests.jobs.test_reminders import Sink

    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def test_redis_stopped_breaks_no_page_and_the_mail_goes_once_it_is_back(
        make_app, own_redis, smtp_sink):
    sink, port = smtp_sink
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                   REDIS_URL=own_redis.url, RATELIMIT_ENABLED=True,
                   RATELIMIT_STORAGE_URI=own_redis.url)
    with app.app_context():
        users = _make_users(app)
        coordinator = users[Role.COORDINATOR]
        client = app.test_client()
        assert client.get("/login").status_code == 200  # the limiter has met Redis
        own_redis.stop()
        # The public form stores the application and tells the coordinators.
        sent = client.post("/volunteers/apply", data=application())
        sent.close()  # as a server does: now the notifications are handed on
        assert sent.status_code == 302
        assert client.post("/login", data={"email": coordinator.email,
                                           "password": "wrong"}).status_code == 422
        assert client.get("/healthz").get_json()["redis"] == "down"
        email = db.session.scalar(select(Notification).where(
            Notification.channel == Channel.EMAIL, Notification.kind == "application_new"))
        assert email is not None and email.sent_at is None  # waits for the next scan
        assert _mails_to(sink, coordinator.email) == 0

        own_redis.start()  # Redis is back; the next scan enqueues, a worker sends
        reminders.run()
        connection = Redis.from_url(own_redis.url)
        SimpleWorker([Queue("default", connection=connection)],
                     connection=connection).work(burst=True)
        reminders.run()
        SimpleWorker([Queue("default", connection=connection)],
                     connection=connection).work(burst=True)
        # exactly one mail of the application (the morning summary may come too)
        key = hashlib.sha256(email.dedup_key.encode()).hexdigest()[:32]
        assert sum(f"<{key}@cal>" in m.content.decode() for m in sink.messages) == 1
        db.session.refresh(email)
        assert email.sent_at is not None


def test_with_rq_cron_and_a_worker_a_visit_tomorrow_is_one_mail(make_app, redis_url):  # noqa: F811
    """The whole chain as deployed: `rq cron cal.jobs.cron` enqueues the scan, `rq worker`
    runs it and delivers; a second round of both sends nothing more."""
    from tests.jobs.test_reminders import Sink, _visit_tomorrow

    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = make_app(REDIS_URL=redis_url)
    try:
        with app.app_context():
            database = db.engine.url.render_as_string(hide_password=False)
            users = _make_users(app)
            now_here = datetime.now(LOCAL_ZONE).replace(tzinfo=None)
            _visit_tomorrow(users, now_here)
            queue = Queue("default", connection=Redis.from_url(redis_url))
            early = {"REMINDER_TIME": "00:00"}
            for _round in range(2):
                # the day-before reminder is due from midnight, so it goes out at once
                cron = _rq(["cron", "cal.jobs.cron"], redis_url, database, port, **early)
                try:
                    for _ in range(200):  # an interval job is enqueued when cron starts
                        if queue.count:
                            break
                        time.sleep(0.05)
                    assert queue.count >= 1, "rq cron enqueued no scan"
                finally:
                    os.killpg(cron.pid, signal.SIGTERM)
                    cron.wait(10)
                assert _worker(redis_url, database, port, **early).wait(60) == 0
                failed = FailedJobRegistry(queue=queue)
                assert failed.count == 0, [
                    queue.fetch_job(j).latest_result().exc_string for j in failed.get_job_ids()]
            assert _mails_to(sink, users[Role.VOLUNTEER].email) == 1
            mail = next(m for m in sink.messages if users[Role.VOLUNTEER].email in m.rcpt_tos)
            assert "Zosia" in mail.content.decode()
    finally:
        controller.stop()


# PostgreSQL restarted during a burst of attendance taps --------------------------------------

class LocalCluster:
    """The machine's PostgreSQL cluster that TEST_DATABASE_URL names (Debian's
    pg_ctlcluster), which the test restarts; service_missing when it cannot."""

    def __init__(self, url: str):
        self.url = make_url(normalise_database_url(url))
        self.host, self.port = self.url.host or "127.0.0.1", self.url.port or 5432
        self.cluster = self._find()

    def _find(self) -> list[str]:
        if self.host not in {"127.0.0.1", "localhost", "::1"}:
            service_missing(f"PostgreSQL at {self.host} is not this machine's: cannot restart it")
        if shutil.which("pg_ctlcluster") is None or shutil.which("pg_lsclusters") is None:
            service_missing("pg_ctlcluster is not installed: cannot restart PostgreSQL")
        if os.geteuid() != 0:
            service_missing("restarting PostgreSQL needs root (pg_ctlcluster)")
        listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True,
                                text=True, check=False).stdout.split("\n")
        for line in listed:
            version, name, port, *_rest = line.split() + ["", "", ""]
            if port == str(self.port):
                return [version, name]
        service_missing(f"no PostgreSQL cluster of this machine listens on port {self.port}")

    def _control(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "--mode", "fast",
                        *self.cluster, action], check=True, capture_output=True, timeout=60)

    def ready(self) -> bool:
        return subprocess.run(["pg_isready", "-q", "-h", self.host, "-p", str(self.port)],
                              check=False).returncode == 0

    def restart(self) -> None:
        self._control("restart")  # fast: open transactions are rolled back, clients cut off

    def wait_until_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not self.ready():
            assert time.monotonic() < deadline, "PostgreSQL did not come back"
            time.sleep(0.1)

    def ensure_running(self) -> None:
        if not self.ready():
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *self.cluster,
                            "start"], check=False, capture_output=True, timeout=60)
        self.wait_until_ready()


@pytest.fixture
def postgres_cluster():
    cluster = LocalCluster(os.environ["TEST_DATABASE_URL"])
    try:
        yield cluster
    finally:  # the rest of the suite runs on it, whatever happened here
        cluster.ensure_running()


@contextmanager
def _gunicorn(database: str, log: Path):
    """The app as deployed (several gunicorn processes, each with its own pool of
    connections) on a free port; yields its address."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database,
           "SECRET_KEY": "test-fault-secret-key-long-enough",
           "BASE_URL": f"http://127.0.0.1:{port}", "SESSION_COOKIE_SECURE": "false",
           "FLASK_DEBUG": "0", "REDIS_URL": "", "MAIL_SERVER": ""}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [gunicorn, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
             "--graceful-timeout", "3", "wsgi:app"], cwd=ROOT, env=env,
            start_new_session=True, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            time.sleep(0.05)
        else:
            raise AssertionError(f"gunicorn did not answer\n{log.read_text()}")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)


def _signed_in(base: str, email: str, session_id: int) -> tuple[httpx.Cookies, str]:
    """Sign in through the form, as the tablet does; the cookies and the CSRF token."""
    token = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
    with httpx.Client(base_url=base, timeout=10) as client:
        first = token.search(client.get("/login").text).group(1)
        signed = client.post("/login", data={"email": email, "password": PASSWORD,
                                              "csrf_token": first})
        assert signed.status_code == 302, signed.text
        page = client.get(f"/clubs/sessions/{session_id}")
        assert page.status_code == 200
        return client.cookies, token.search(page.text).group(1)


@dataclass
class Tap:
    session_id: int
    person_id: int
    mark: Mark
    status: int | None = None  # None: no answer at all
    body: str = ""


def _send(client: httpx.Client, tap: Tap) -> Tap:
    """One tap of a person's button, as htmx sends it (the button is the target)."""
    try:
        answer = client.post(f"/clubs/sessions/{tap.session_id}/mark",
                             data={"person": tap.person_id, "mark": tap.mark.value},
                             headers={"HX-Request": "true",
                                      "HX-Target": f"mark-{tap.person_id}"})
        tap.status, tap.body = answer.status_code, answer.text
    except httpx.TransportError as error:
        tap.body = repr(error)
    return tap


def _tablets(base: str, cookies, token: str, lines: list[list[Tap]], pace: float,
             sent: list[Tap]) -> list[threading.Thread]:
    """One thread per tablet, each tapping its own people in order, ``pace`` apart."""

    def tablet(line: list[Tap]):
        with httpx.Client(base_url=base, cookies=cookies, timeout=15,
                          headers={"X-CSRFToken": token}) as client:
            for tap in line:
                sent.append(_send(client, tap))
                time.sleep(pace)

    threads = [threading.Thread(target=tablet, args=(line,)) for line in lines]
    for thread in threads:
        thread.start()
    return threads


def _club(users, sessions: int, people: int) -> tuple[list[int], list[int]]:
    """A group the leader runs, its members, and sessions today and the days before."""
    from tests.clubs.test_groups import make_group, members

    today = local_today()
    group = make_group(users, capacity=people)
    persons = members(group, users, people, joined=today - timedelta(days=30))
    meetings = [clubs.add_session(group, today - timedelta(days=k), dtime(10), dtime(12), "")
                for k in range(sessions)]
    db.session.commit()
    return [m.id for m in meetings], [p.id for p in persons]


def _four_tablets(base: str, cookies, token: str, taps: list[Tap], pace: float) -> list[Tap]:
    """``taps`` sent from four tablets (each person's taps from one of them, in order);
    returned in the order they were answered."""
    answered: list[Tap] = []
    for tablet in _tablets(base, cookies, token, [taps[i::4] for i in range(4)], pace,
                           answered):
        tablet.join(120)
    return answered


def _burst_with_a_restart(base: str, cookies, token: str, pairs, cluster) -> tuple:
    """Two taps on each button (absent, then excused) from four tablets, PostgreSQL
    restarted once the first 40 are answered: the taps as answered, and how long the
    restart took."""
    lines = [[Tap(s, p, mark) for s, p in pairs[i::4] for mark in (Mark.ABSENT, Mark.EXCUSED)]
             for i in range(4)]
    sent: list[Tap] = []
    tablets = _tablets(base, cookies, token, lines, 0.04, sent)
    try:
        while len(sent) < 40 and any(t.is_alive() for t in tablets):
            time.sleep(0.01)
        began = time.monotonic()
        cluster.restart()
        took = time.monotonic() - began
    finally:
        for tablet in tablets:
            tablet.join(120)
    cluster.wait_until_ready()
    return sent, took


def _history() -> dict[tuple[int, int], list[AttendanceChange]]:
    """Each person's changes of mark at each session, in order."""
    history: dict[tuple[int, int], list] = {}
    for change in db.session.scalars(select(AttendanceChange).order_by(AttendanceChange.id)):
        history.setdefault((change.session_id, change.person_id), []).append(change)
    return history


def _stored(taps: list[Tap], history) -> list[Tap]:
    """The taps whose mark is in the history (each mark is tapped once per button)."""
    return [t for t in taps
            if t.mark in [c.to_mark for c in history.get((t.session_id, t.person_id), [])]]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="restarts PostgreSQL: runs when the suite runs on PostgreSQL")
def test_postgres_restarted_during_taps_loses_no_tap_and_the_pool_recovers(
        make_app, postgres_cluster, tmp_path):
    from tests.jobs.test_reminders import _make_users

    app = make_app()
    with app.app_context():
        users = _make_users(app)
        leader_id, leader_email = users[Role.LEADER].id, users[Role.LEADER].email
        session_ids, person_ids = _club(users, sessions=5, people=20)
        database = db.engine.url.render_as_string(hide_password=False)
        db.session.remove()
        pairs = [(s, p) for s in session_ids for p in person_ids]  # 100 buttons
        log = tmp_path / "gunicorn.log"
        with _gunicorn(database, log) as base:
            cookies, token = _signed_in(base, leader_email, session_ids[0])
            sent, took = _burst_with_a_restart(base, cookies, token, pairs, postgres_cluster)
            # PostgreSQL is back: the next tap on every button is stored (present).
            after = _four_tablets(base, cookies, token,
                                  [Tap(s, p, Mark.PRESENT) for s, p in pairs], 0)
        server_log = log.read_text(errors="replace")[-3000:]

        history = _history()
        ok = [t for t in sent if t.status == 200]
        errors = [t for t in sent if t.status is not None and t.status >= 500]
        stored = _stored(sent, history)
        failed_at = [i for i, t in enumerate(sent) if t in errors]
        print(f"\ntaps sent {len(sent)}, stored {len(stored)}, answered 200 {len(ok)}, "
              f"answered an error {len(errors)} (answers {failed_at[:1]}..{failed_at[-1:]}; "
              f"stored all the same {sum(t in stored for t in errors)}), "
              f"lost {sum(t not in stored for t in ok)}; restart {took:.1f} s; after it "
              f"{sum(t.status == 200 for t in after)} of {len(after)} taps stored")

        assert len(sent) == 200
        odd = [(t.status, t.body[:300]) for t in sent if t not in ok + errors]
        assert not odd, f"taps answered neither 200 nor an error: {odd[:3]}\n{server_log}"
        assert errors, f"no tap met the restart: the test proved nothing\n{server_log}"
        for tap in errors:  # what the tablet shows: the app's error page, never a trace
            assert 'class="error-page"' in tap.body and "Traceback" not in tap.body, (
                tap.status, tap.body[:500], server_log)
        for tap in ok:  # answered with the button showing the mark it asked for
            assert f'id="mark-{tap.person_id}" class="mark mark-{tap.mark.value}"' in tap.body
        assert all(t in stored for t in ok)  # nothing answered as saved is missing
        assert [t.status for t in after] == [200] * len(pairs), (
            [(t.status, t.body[:300]) for t in after if t.status != 200], server_log)
        marks = {(a.session_id, a.person_id): a for a in db.session.scalars(select(Attendance))}
        assert len(marks) == len(pairs)
        for pair in pairs:  # every stored tap once, in the order tapped, each from the last
            changes = history[pair]
            tapped = [t for t in sent if (t.session_id, t.person_id) == pair]
            assert [c.to_mark for c in changes] == [
                t.mark for t in tapped if t in stored] + [Mark.PRESENT], pair
            assert [c.from_mark for c in changes] == [None] + [c.to_mark for c in changes[:-1]]
            assert {c.by_user_id for c in changes} == {leader_id}
            assert (marks[pair].mark, marks[pair].by_user_id) == (Mark.PRESENT, leader_id)
