"""The whole suite on SQLite and on PostgreSQL, side by side on the machine's cores.

``python -m tests.suites PG_URL [pytest arguments]`` (what ``make test`` runs). Each run
has a Redis database of its own (TEST_REDIS_URL), so that one run's RQ worker never takes
the other's jobs and one run's clean-up never empties the other's queues; each run's
PostgreSQL databases and SQLite files are its own already (tests/conftest.py). Every line
a run prints comes out as it is printed, led by the run's name; the exit status is 0 only
when both passed. Outside CI, an unreachable PostgreSQL skips its run and says so; in CI
(CI=true) the run goes ahead and fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.services import postgres_reachable

REDIS = "redis://127.0.0.1:6379/{}"


def start(name: str, arguments: list[str], **env: str) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "pytest"), *arguments]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, bufsize=1)
    process.name = name
    return process


def relay(process: subprocess.Popen, lock: threading.Lock) -> None:
    for line in process.stdout:
        with lock:
            sys.stdout.write(f"{process.name:>10} | {line}")
            sys.stdout.flush()


def main(pg_url: str, arguments: list[str]) -> int:
    runs = [start("sqlite", arguments, TEST_REDIS_URL=REDIS.format(14))]
    if os.environ.get("CI") == "true" or postgres_reachable(pg_url):
        # The second run keeps no pytest cache, so the two never write it at once.
        runs.append(start("postgresql", ["-p", "no:cacheprovider", *arguments],
                          TEST_DATABASE_URL=pg_url, TEST_REDIS_URL=REDIS.format(15)))
    else:
        print(f"PostgreSQL is not reachable at {pg_url}: the PostgreSQL run is skipped "
              "(never in CI).", flush=True)
    began, lock = time.monotonic(), threading.Lock()
    relays = [threading.Thread(target=relay, args=(run, lock)) for run in runs]
    for thread in relays:
        thread.start()
    codes = {}
    for run, thread in zip(runs, relays, strict=True):
        codes[run.name] = run.wait()
        thread.join()
    minutes, seconds = divmod(round(time.monotonic() - began), 60)
    print(f"== {', '.join(f'{name}: exit {code}' for name, code in codes.items())}; "
          f"{minutes}:{seconds:02d} side by side ==", flush=True)
    return 0 if all(code == 0 for code in codes.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
