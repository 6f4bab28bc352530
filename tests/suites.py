"""The whole suite on SQLite and on PostgreSQL, side by side on the machine's cores.

``python -m tests.suites PG_URL [pytest arguments]`` (what ``make test`` runs). Each run
has a Redis database of its own on TEST_REDIS_URL's server, claimed for as long as the
run lasts (a key in database 0), so that no run's RQ worker takes another's jobs and no
run's clean-up empties another's queues, even with another ``make test`` beside this
one; each run's PostgreSQL databases and SQLite files are its own already
(tests/conftest.py), and so are its pytest cache and screenshots. Every line a run
prints comes out as it is printed, led by the run's name; the exit status is 0 only
when both passed. Outside CI, an unreachable PostgreSQL skips its run and says so; in
CI (CI=true) the run goes ahead and fails. Stopped (Ctrl-C, SIGTERM), it stops both
runs and waits for them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from tests.services import postgres_reachable

CLAIM = "cal:test-suite:redis-db:{}"
CLAIM_SECONDS = 4 * 3600  # longer than any run; a run killed outright frees its claim then


def redis_database(number: int) -> str:
    """Database `number` of the Redis server TEST_REDIS_URL names (this machine's by
    default)."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    return f"{base.split('://', 1)[0]}://{base.split('://', 1)[1].split('/', 1)[0]}/{number}"


@contextmanager
def claimed_redis_databases(count: int) -> Iterator[list[int]]:
    """`count` databases of the test Redis server (13 downwards; 15, a single pytest's,
    is left out) that no other run on the machine uses meanwhile, each claimed by a key
    in database 0 and freed at the end. Without Redis, 13 and 12: the tests that need it
    skip, or fail in CI."""
    connection = Redis.from_url(redis_database(0), socket_connect_timeout=2)
    try:
        connection.ping()
    except (RedisError, OSError):
        connection.close()
        yield [13, 12][:count]
        return
    owner, claimed = f"{socket.gethostname()}:{os.getpid()}", []
    try:
        for number in range(13, 0, -1):
            if len(claimed) < count and connection.set(CLAIM.format(number), owner, nx=True,
                                                       ex=CLAIM_SECONDS):
                claimed.append(number)
        if len(claimed) < count:
            raise RuntimeError("every Redis database 1-13 is claimed by other test runs")
        yield claimed
    finally:
        for number in claimed:
            if connection.get(CLAIM.format(number)) == owner.encode():
                connection.delete(CLAIM.format(number))
        connection.close()


def start(name: str, arguments: list[str], env: dict[str, str]) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "pytest"), *arguments]
    if sys.stdout.isatty():
        command.append("--color=yes")
    process = subprocess.Popen(command, env={**env, "PYTHONUNBUFFERED": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               encoding="utf-8", errors="replace", bufsize=1)
    process.name = name
    return process


def relay(process: subprocess.Popen, lock: threading.Lock) -> None:
    """Every line of the run, led by its name; the pipe is read to its end even when
    our own output is gone (a closed terminal), so the run never blocks writing."""
    try:
        for line in process.stdout:
            try:
                with lock:
                    sys.stdout.write(f"{process.name:>10} | {line}")
                    sys.stdout.flush()
            except OSError:
                pass
    except ValueError:  # the pipe closed under us: the runs were stopped
        pass


def stop(runs: list[subprocess.Popen]) -> None:
    for run in runs:
        if run.poll() is None:
            run.terminate()
    for run in runs:
        try:
            run.wait(60)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait()
        run.stdout.close()


def main(pg_url: str, arguments: list[str]) -> int:
    with_postgres = os.environ.get("CI") == "true" or postgres_reachable(pg_url)
    if not with_postgres:
        print(f"PostgreSQL is not reachable at {pg_url}: the PostgreSQL run is skipped "
              "(never in CI).", flush=True)
    with claimed_redis_databases(2 if with_postgres else 1) as databases:
        return _run_side_by_side(pg_url, arguments, with_postgres, databases)


def _run_side_by_side(pg_url: str, arguments: list[str], with_postgres: bool,
                      databases: list[int]) -> int:
    sqlite = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    plans = [("sqlite", arguments,
              {**sqlite, "TEST_REDIS_URL": redis_database(databases[0])})]
    if with_postgres:
        plans.append(("postgresql", ["-o", "cache_dir=.pytest_cache/postgresql", *arguments],
                      {**os.environ, "TEST_DATABASE_URL": pg_url,
                       "TEST_REDIS_URL": redis_database(databases[1])}))
    runs: list[subprocess.Popen] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began, lock = time.monotonic(), threading.Lock()
    try:
        for name, run_arguments, env in plans:
            runs.append(start(name, run_arguments, env))
        relays = [threading.Thread(target=relay, args=(run, lock), daemon=True)
                  for run in runs]
        for thread in relays:
            thread.start()
        codes = {run.name: run.wait() for run in runs}
        for thread in relays:
            thread.join()
    finally:
        stop(runs)
        signal.signal(signal.SIGTERM, previous)
    minutes, seconds = divmod(round(time.monotonic() - began), 60)
    print(f"== {', '.join(f'{name}: exit {code}' for name, code in codes.items())}; "
          f"{minutes}:{seconds:02d} side by side ==", flush=True)
    return 0 if all(code == 0 for code in codes.values()) else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2:]))
    except KeyboardInterrupt:
        print("\nStopped: both runs were stopped.", flush=True)
        sys.exit(130)
