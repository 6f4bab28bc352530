"""Faults with real processes: an `rq worker` killed while it sends a mail, and a Redis
server stopped while pages are used. Each reminder still arrives exactly once."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry
from sqlalchemy import select, update

from cal.core.access import Role
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import delivery, reminders
from cal.notifications.models import Channel, Notification
from cal.notifications.outbox import tell
from tests.conftest import service_missing
from tests.notifications.test_reminders import _mails_to, _make_users
from tests.processes import CEILING, end, exit_status, started, wait_until
from tests.test_redis import redis_url  # noqa: F401  (the fixture)
from tests.volunteers.profiles.test_apply import application

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


def _rq(command: list[str], redis: str, database: str, mail_port: int, **settings: str):
    """An `rq` process as in production (a worker forks a work horse for each job) on
    the test's database, Redis and mail server, running until the block is left (in a
    process group of its own, so that the whole of it can be killed)."""
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": redis,
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port), "MAIL_USE_TLS": "false",
           "SECRET_KEY": "test-worker-secret-key-long-enough", "BASE_URL": "http://cal.test",
           **settings}
    rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or "rq"
    return started([rq, *command, "--url", redis], cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _burst(redis: str, database: str, mail_port: int, **settings: str) -> int:
    """A burst worker's exit status, once it has done what the queue holds."""
    with _rq(["worker", "--burst", "default"], redis, database, mail_port,
             **settings) as worker:
        return exit_status(worker, "a burst worker")


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

            with _rq(["worker", "--burst", "default"], redis_url, database, port) as first:
                assert sink.holding.wait(CEILING), "the worker never reached the mail server"
                os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle
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
                assert _burst(redis_url, database, port) == 0
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
             "--appendonly", "no"], start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        with Redis.from_url(self.url) as connection:
            wait_until(lambda: self._answers(connection), "redis-server started")

    def _answers(self, connection: Redis) -> bool:
        assert self.process.poll() is None, "redis-server exited"
        try:
            return connection.ping()
        except (RedisError, OSError):
            return False

    def stop(self):
        if self.process is not None:
            end(self.process)


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed: cannot stop and start a Redis")
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink():
    from tests.notifications.test_reminders import Sink

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
    """The whole chain as deployed: `rq cron cal.cron` enqueues the scan, `rq worker`
    runs it and delivers; a second round of both sends nothing more."""
    from tests.notifications.test_reminders import Sink, _visit_tomorrow

    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = make_app(REDIS_URL=redis_url)
    try:
        with app.app_context():
            database = db.engine.url.render_as_string(hide_password=False)
            users = _make_users(app)
            # tomorrow as the worker will see it: from the instant, in UTC (a local time read
            # as UTC gave the day after tomorrow from 23:00 to midnight in winter)
            _visit_tomorrow(users, utcnow())
            queue = Queue("default", connection=Redis.from_url(redis_url))
            early = {"REMINDER_TIME": "00:00"}
            for _round in range(2):
                # the day-before reminder is due from midnight, so it goes out at once
                with _rq(["cron", "cal.cron"], redis_url, database, port, **early):
                    # an interval job is enqueued when cron starts
                    wait_until(lambda: queue.count >= 1, "rq cron enqueued a scan")
                assert _burst(redis_url, database, port, **early) == 0
                failed = FailedJobRegistry(queue=queue)
                assert failed.count == 0, [
                    queue.fetch_job(j).latest_result().exc_string for j in failed.get_job_ids()]
            assert _mails_to(sink, users[Role.VOLUNTEER].email) == 1
            mail = next(m for m in sink.messages if users[Role.VOLUNTEER].email in m.rcpt_tos)
            assert "Zosia" in mail.content.decode()
    finally:
        controller.stop()
