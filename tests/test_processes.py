"""The helper every test that starts a process goes through (tests/processes.py): what it
starts is ended with everything it started, and reaped, even when the test fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.processes import end, exit_status, started, wait_until


def _gone(pid: int) -> bool:
    """No such process, or only its zombie waiting for whoever adopted it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


def test_a_failing_block_still_ends_the_process_and_what_it_started():
    with pytest.raises(RuntimeError), started(
            ["sh", "-c", "sleep 300 & echo $!; wait"], stdout=subprocess.PIPE,
            text=True) as shell:
        child = int(shell.stdout.readline())
        raise RuntimeError("the test failed here")
    assert shell.returncode is not None  # reaped
    assert wait_until(lambda: _gone(child), "the shell's child ended")


def test_a_process_deaf_to_sigterm_is_killed_after_the_grace():
    shell = subprocess.Popen(["sh", "-c", "trap '' TERM; echo ready; sleep 300"],
                             start_new_session=True, stdout=subprocess.PIPE, text=True)
    assert shell.stdout.readline() == "ready\n"
    end(shell, grace=0.2)
    assert shell.returncode == -9


def test_a_wait_past_its_ceiling_names_what_it_waited_for():
    with started(["sleep", "300"]) as sleeper:
        with pytest.raises(AssertionError, match="the sleeper did not exit within 0.1 s"):
            exit_status(sleeper, "the sleeper", ceiling=0.1)
    with pytest.raises(AssertionError, match="never: not within 0.1 s"):
        wait_until(lambda: False, "never", ceiling=0.1)
