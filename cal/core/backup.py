"""Backups of the whole database and their restore (`flask backup`, `flask restore`).

SQLite: the online backup API, which copies a consistent snapshot while the application
keeps working. PostgreSQL: `pg_dump` in its custom format, restored with `pg_restore
--clean`, both from the PostgreSQL client tools of the server's version.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from cal.extensions import db


class BackupError(Exception):
    pass


def _sqlite_file(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(url.database)


def _libpq(url) -> str:
    """The URL as the PostgreSQL tools take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools).")
    return found


def backup(database_url: str, target: Path) -> Path:
    """Write a backup of the database to `target` (a new file)."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",
                               f"--file={target}", f"--dbname={_libpq(url)}"],
                              capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"No backup for {url.get_backend_name()} databases.")
    return target


def restore(database_url: str, source: Path) -> None:
    """Put the database back as it was in the backup `source` (everything since is lost)."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    url = make_url(database_url)
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the old data open
    if url.get_backend_name() == "sqlite":
        saved = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_file(url))
        try:
            with live:
                saved.backup(live)
        finally:
            live.close()
            saved.close()
    elif url.get_backend_name() == "postgresql":
        done = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                               "--single-transaction", f"--dbname={_libpq(url)}", str(source)],
                              capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"No restore for {url.get_backend_name()} databases.")
