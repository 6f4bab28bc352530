"""make test's runner (tests/suites.py): each run its own Redis database, and the
command fails when either run fails."""

from __future__ import annotations

import os

import pytest

from tests import suites
from tests.test_redis import redis_url  # noqa: F401  (the fixture)

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.mark.parametrize(("configured", "expected"), [
    (None, "redis://127.0.0.1:6379/14"),
    ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/14"),
    ("redis://:secret@cache.local:6380", "redis://:secret@cache.local:6380/14"),
])
def test_each_run_gets_a_database_of_the_configured_redis(monkeypatch, configured, expected):
    if configured is None:
        monkeypatch.delenv("TEST_REDIS_URL", raising=False)
    else:
        monkeypatch.setenv("TEST_REDIS_URL", configured)
    assert suites.redis_database(14) == expected


def test_runs_side_by_side_claim_redis_databases_no_other_run_holds(redis_url):  # noqa: F811
    with suites.claimed_redis_databases(2) as first, suites.claimed_redis_databases(2) as beside:
        assert len(set(first) | set(beside)) == 4  # another make test beside this one
        assert all(1 <= number <= 13 for number in first + beside)  # not a pytest's 15
    with suites.claimed_redis_databases(2) as again:  # freed at the end
        assert set(again) & (set(first) | set(beside))


def test_both_runs_passing_pass_and_one_failing_fails(capfd):
    # Collecting one small module only: quick, and it starts both runs for real.
    assert suites.main(PG_URL, ["--collect-only", "-q", "tests/test_once.py"]) == 0
    out = capfd.readouterr().out
    assert "    sqlite | " in out and "sqlite: exit 0" in out
    assert suites.main(PG_URL, ["-q", "tests/no_such_module.py"]) == 1
    assert "sqlite: exit 4" in capfd.readouterr().out
