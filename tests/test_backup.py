"""Backups: `flask backup` and `flask restore` give back every row, on SQLite (online
backup API) and PostgreSQL (pg_dump and pg_restore)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from cal.commands.demo import seed_demo
from cal.extensions import db
from clubs.models import Attendance
from tests.factories import PersonFactory


def counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_a_backup_restored_gives_back_every_row(app, tmp_path):
    seed_demo()
    db.session.commit()
    before = counts()
    assert before["persons"] and before["attendance"] and before["hour_entries"]
    runner = app.test_cli_runner()
    target = tmp_path / "kopia.bin"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 10_000
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code == 1 and "exists" in again.output  # never overwritten
    # Work goes on after the backup: people added, attendance removed.
    for _ in range(3):
        PersonFactory()
    db.session.execute(delete(Attendance).where(Attendance.id.in_(
        select(Attendance.id).limit(10))))
    db.session.commit()
    assert counts() != before
    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code == 1 and counts() != before  # asked first
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert counts() == before
    # The restored database works: it takes new rows again.
    PersonFactory()
    db.session.commit()
    assert counts()["persons"] == before["persons"] + 1
