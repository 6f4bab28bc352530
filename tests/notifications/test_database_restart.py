"""A fault with a real server: PostgreSQL restarted during a burst of attendance taps
from a gunicorn server. Each tap is either stored once or answered with the error page
the tablet shows; none is lost, and the pool recovers by itself."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
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

from cal import create_app
from cal.core.access import Role
from cal.core.timeutil import local_today
from cal.extensions import db
from clubs import services as clubs
from clubs.models import Attendance, AttendanceChange, Mark
from tests.conftest import PASSWORD, config_for_tests, migrate_to_head, service_missing
from tests.notifications.test_faults import ROOT, _free_port
from tests.notifications.test_reminders import _make_users
from tests.processes import CEILING, started, wait_until


class OwnPostgres:
    """A PostgreSQL server of the test's own (initdb into a new folder, a free port) that
    the test restarts: the machine's server is never touched, so a suite running beside
    this one loses no connection. service_missing when the server's programs are absent."""

    def __init__(self, folder: Path):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [
            shutil.which("initdb") or ""]
        self.bin = Path(found[-1]).parent
        if not (self.bin / "initdb").exists():
            service_missing("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.folder, self.data, self.port = folder, folder / "data", _free_port()
        # initdb refuses root: as root, the server is run as the postgres account.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(folder, "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg(self, program: str, *arguments: str) -> None:
        subprocess.run([*self.as_owner, str(self.bin / program), *arguments], check=True,
                       capture_output=True, timeout=CEILING)

    def start(self) -> None:
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "--no-sync", "--no-instructions")
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                 "-w", "-t", str(int(CEILING)), "-o",
                 f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                 "-c fsync=off -c max_connections=50", "start")

    def restart(self) -> None:  # fast: open transactions are rolled back, clients cut off
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                 "-m", "fast", "-w", "-t", str(int(CEILING)), "restart")

    def ready(self) -> bool:
        return subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p",
                               str(self.port)], check=False).returncode == 0

    def wait_until_ready(self) -> None:
        wait_until(self.ready, "PostgreSQL came back", every=0.1)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


@pytest.fixture
def own_postgres():
    folder = Path(tempfile.mkdtemp(prefix="cal-postgres-"))
    server = OwnPostgres(folder)
    try:
        server.start()
        yield server
    finally:  # whatever happened here, nothing of it is left running or on disk
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


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


@pytest.fixture
def app_on_own_postgres(own_postgres):
    """The app on a database of that server, built by the migrations."""
    migrate_to_head(own_postgres.url)
    app = create_app(config_for_tests(own_postgres.url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="restarts a PostgreSQL server of its own: runs in the PostgreSQL run")
def test_postgres_restarted_during_taps_loses_no_tap_and_the_pool_recovers(
        app_on_own_postgres, own_postgres, tmp_path):
    app = app_on_own_postgres
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
            sent, took = _burst_with_a_restart(base, cookies, token, pairs, own_postgres)
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
