"""`rq worker` exits when it should: a burst worker once its queue is empty, a running
worker within seconds of SIGTERM (as a deploy or the system stops it).

With redis-py 8.2 a worker waited up to a minute for its pub/sub thread at every exit
(rq stops the thread while it may sit in a 60-second wait, and redis-py 8.2's stop()
began to wait for it), but only when the thread lost a race, so mostly on a busy
machine. These tests start several workers at once, round after round, to give the race
its chances: an upgrade that brings such a hang back fails here, in seconds, instead of
hanging the suite or every restart in production."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from redis import Redis
from rq import Queue, Worker
from rq.job import JobStatus
from rq.worker import WorkerStatus

from tests.processes import exit_status, started, wait_until
from tests.test_redis import redis_url  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
# Seconds a worker may take to exit once it has nothing left to do. It takes well under
# two on a busy machine; the hang it guards against lasts up to 60.
EXIT = 30
ROUNDS, WORKERS, JOBS = 3, 4, 12


def _worker(redis: str, *options: str):
    rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or "rq"
    return started([rq, "worker", *options, "--url", redis, "default"], cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_burst_workers_exit_once_the_queue_is_empty(redis_url):  # noqa: F811
    connection = Redis.from_url(redis_url)
    queue = Queue("default", connection=connection)
    for _round in range(ROUNDS):
        jobs = [queue.enqueue("os.getpid") for _ in range(JOBS)]
        with ExitStack() as running:
            workers = [running.enter_context(_worker(redis_url, "--burst"))
                       for _ in range(WORKERS)]
            wait_until(lambda jobs=jobs: all(job.get_status() == JobStatus.FINISHED
                                             for job in jobs), "the workers finished the jobs")
            for worker in workers:
                assert exit_status(worker, "a burst worker with an empty queue", EXIT) == 0
        assert queue.count == 0
    assert Worker.all(connection=connection) == []  # each said goodbye to Redis


def _idle(worker: Worker) -> bool:
    worker.refresh()
    return worker.get_state() == WorkerStatus.IDLE


def test_a_running_worker_stops_within_seconds_of_sigterm(redis_url):  # noqa: F811
    connection = Redis.from_url(redis_url)
    for _round in range(ROUNDS):
        with _worker(redis_url, "--with-scheduler") as process:
            # Waiting for work: its pub/sub thread subscribed, its signal handlers set
            # (rq sets them after it has registered and subscribed; a SIGTERM before
            # that kills it outright), its scheduler running.
            worker = wait_until(lambda: next(iter(Worker.all(connection=connection)), None),
                                "the worker started")
            wait_until(lambda worker=worker: _idle(worker), "the worker waited for work")
            assert connection.pubsub_numsub(worker.pubsub_channel_name)[0][1] == 1
            process.send_signal(signal.SIGTERM)
            assert exit_status(process, "a worker after SIGTERM", EXIT) == 0
        assert Worker.all(connection=connection) == []
