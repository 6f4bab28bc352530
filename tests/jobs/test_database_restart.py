"""A fault with a real server: PostgreSQL restarted during a burst of attendance taps
from a gunicorn server. Each tap is either stored once or answered with the error page
the tablet shows; none is lost, and the pool recovers by itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time as dtime
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from cal.config import normalise_database_url
from cal.core.access import Role
from cal.core.timeutil import local_today
from cal.extensions import db
from clubs import services as clubs
from clubs.models import Attendance, AttendanceChange, Mark
from tests.conftest import PASSWORD, service_missing
from tests.jobs.test_faults import ROOT, _free_port
from tests.jobs.test_reminders import _make_users
from tests.processes import CEILING, started, wait_until


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
                        *self.cluster, action], check=True, capture_output=True, timeout=CEILING)

    def ready(self) -> bool:
        return subprocess.run(["pg_isready", "-q", "-h", self.host, "-p", str(self.port)],
                              check=False).returncode == 0

    def restart(self) -> None:
        self._control("restart")  # fast: open transactions are rolled back, clients cut off

    def wait_until_ready(self) -> None:
        wait_until(self.ready, "PostgreSQL came back", every=0.1)

    def ensure_running(self) -> None:
        if not self.ready():
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *self.cluster,
                            "start"], check=False, capture_output=True, timeout=CEILING)
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
    base = f"http://127.0.0.1:{port}"

    def answers(server) -> bool:
        assert server.poll() is None, log.read_text()
        try:
            return httpx.get(f"{base}/login", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    with log.open("wb") as output, started(
            [gunicorn, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
             "--graceful-timeout", "3", "wsgi:app"], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT) as server:
        wait_until(lambda: answers(server), "gunicorn answered")
        yield base


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
        tablet.join(CEILING)
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
            tablet.join(CEILING)
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
