"""Processes a test starts (an rq worker, a Redis or gunicorn server) and waits on them.

Each process runs in a process group of its own and is ended with everything it started
(a worker's work horse, a server's workers) and reaped, whatever happens in the test:
a process left running breaks a later, unrelated test (a Popen collected while its
process runs warns, and warnings are errors here). A wait polls for what it waits for
under a generous ceiling, so that a machine busy with both suites at once is slow, not
failing; only a wait that means "this must be quick" is given a short one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

# Seconds: how long a wait may take before it is a failure on a busy two-core machine.
CEILING = float(os.environ.get("TEST_WAIT_CEILING", "180"))
GRACE = 10.0  # seconds a process is given to end on SIGTERM before it is killed

T = TypeVar("T")


def wait_until(condition: Callable[[], T], what: str, ceiling: float = CEILING,
               every: float = 0.05) -> T:
    """The first true value of `condition`, asked every `every` seconds; fails naming
    `what` when none came within `ceiling` seconds."""
    deadline = time.monotonic() + ceiling
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not within {ceiling:g} s")
        time.sleep(every)


def exit_status(process: subprocess.Popen, what: str, ceiling: float = CEILING) -> int:
    """The process's exit status once it has exited; fails naming `what` when it is
    still running after `ceiling` seconds (`started` ends it then)."""
    try:
        return process.wait(ceiling)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{what} did not exit within {ceiling:g} s") from None


def end(process: subprocess.Popen, grace: float = GRACE) -> None:
    """SIGTERM to the process's group, SIGKILL to what is left of it after `grace`
    seconds, and the process reaped."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    # Whatever of the group outlived its leader (a work horse, a forked worker). The
    # group's number stays reserved while any member lives, so no one else is hit.
    _signal_group(process, signal.SIGKILL)
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def _signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


@contextmanager
def started(command: list[str], **options) -> Iterator[subprocess.Popen]:
    """`command` running in a process group of its own until the block is left, then
    ended and reaped (`end`), whether the block passed or failed."""
    process = subprocess.Popen(command, start_new_session=True, **options)
    try:
        yield process
    finally:
        end(process)
