"""How long a message to 1,000 people takes: from the coordinator's "Send" to the last
text message handed to the gateway (the stand-in of SMSAPI on loopback, over HTTP), with
real `rq` workers on Redis, as in production.

    .venv/bin/python -m bench.messages                      # SQLite (a temporary file)
    .venv/bin/python -m bench.messages --database postgresql://postgres@127.0.0.1/postgres

A group of 1,000 members, each with a mobile number and a consent to text messages, is
made on a new database; the coordinator sends one message to the group through the
page (the plan, then the send); WORKERS `rq worker`s deliver it. Reported: the send
page's answer, the time to the last message at the gateway, and messages a second.
Writes bench/out/messages-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import flask_migrate
from redis import Redis
from sqlalchemy import text

from cal import create_app
from cal.core.access import Role
from cal.extensions import db
from clubs.models import GroupKind
from tests.clubs.test_groups import make_group
from tests.conftest import empty_all_tables, log_in
from tests.notifications.test_reminders import _make_users
from tests.notifications.test_sms_faults import PEOPLE, _a_thousand_members
from tests.sms_gateway import StandInGateway

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
WORKERS = 2


def _settings(gateway: StandInGateway, url: str, redis: str) -> dict[str, str]:
    return {**gateway.settings(), "DATABASE_URL": url, "REDIS_URL": redis,
            "SECRET_KEY": "bench-secret-key-long-enough-1", "BASE_URL": "http://cal.bench",
            "SMS_QUIET_FROM": "00:00", "SMS_QUIET_UNTIL": "00:00",
            "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0"}


def run(url: str, redis: str) -> dict:
    Redis.from_url(redis).flushdb()
    with StandInGateway() as gateway:
        settings = _settings(gateway, url, redis)
        os.environ.update(settings)
        app = create_app({"WTF_CSRF_ENABLED": False, "SERVER_NAME": "cal.bench"})
        with app.app_context():
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            empty_all_tables()
            users = _make_users(app)
            group = make_group(users, kind=GroupKind.SENIOR_CLASS)
            _a_thousand_members(group)
            coordinator = users[Role.COORDINATOR]
            db.session.commit()
            client = app.test_client()
            log_in(client, coordinator)
            form = {"once_key": "bench-message-" + "x" * 20, "audience": f"group:{group.id}",
                    "body": "Jutro zajęcia w sali 2 o 10:00. Zapraszamy!"}
            rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or "rq"
            workers = [subprocess.Popen([rq, "worker", "default", "--url", redis],
                                        cwd=ROOT, env={**os.environ, **settings},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True) for _ in range(WORKERS)]
            try:
                time.sleep(3)  # the workers start (not measured)
                started = time.perf_counter()
                preview = client.post("/messages/new", data=form)
                planned = time.perf_counter()
                answer = client.post("/messages/new", data={**form, "confirm": "send"})
                answer.close()  # as a server does: the rows are handed to the workers
                answered = time.perf_counter()
                if preview.status_code != 200 or answer.status_code != 302:
                    raise RuntimeError(f"the send answered {preview.status_code}, "
                                       f"{answer.status_code}")
                deadline = time.monotonic() + 600
                while len(gateway.sent) < PEOPLE and time.monotonic() < deadline:
                    time.sleep(0.01)
                done = time.perf_counter()
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(30)
            count = len(gateway.sent)
            distinct = len({sent.to for sent in gateway.sent})
            db.session.execute(text("SELECT 1"))
            db.engine.dispose()
    return {"database": url.split(":")[0], "people": PEOPLE, "workers": WORKERS,
            "plan_page_s": round(planned - started, 2),
            "send_page_s": round(answered - planned, 2),
            "send_to_last_at_gateway_s": round(done - planned, 2),
            "messages_per_s": round(count / max(done - planned, 1e-9), 1),
            "at_gateway": count, "distinct_numbers": distinct}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL",
                                                          "redis://127.0.0.1:6379/9"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/messages.db"
        report = run(url, args.redis)
    OUT.mkdir(exist_ok=True)
    (OUT / f"messages-{report['database']}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    ok = report["at_gateway"] == PEOPLE == report["distinct_numbers"]
    if not ok:
        print("NOT every message arrived exactly once", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
