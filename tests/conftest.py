"""Fixtures: the app, a fresh database per run, clients per role, query counting.

The database is SQLite (a temporary file) unless TEST_DATABASE_URL names a
PostgreSQL server; then a fresh database is created for the run and dropped after.
The schema is built by the migrations, as in production.
"""

from __future__ import annotations

import contextvars
import os
import threading
import uuid
from contextlib import contextmanager
from datetime import date, datetime, time

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from cal import create_app
from cal.auth import lifetime
from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.config import normalise_database_url
from cal.core.access import Role
from cal.extensions import db

IN_CI = os.environ.get("CI") == "true"
PASSWORD = "correct horse battery"
_HASH = {}


def service_missing(message: str):
    """Outside CI a missing service skips (and says so); in CI it fails the run."""
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing service is a failure)")
    pytest.skip(message)  # only outside CI (IN_CI fails above): the service is absent


@contextmanager
def _postgres_database(base_url: str):
    url = make_url(normalise_database_url(base_url))
    # A connection of its own each time (no pool): a test may restart the server
    # (tests/notifications/test_faults.py), and the database must still be dropped after it.
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    try:
        conn = admin.connect()
    except OperationalError as error:
        service_missing(f"PostgreSQL is unreachable at {url.host}:{url.port}: {error}")
    name = f"cal_test_{uuid.uuid4().hex[:12]}"
    with conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def make_database(tmp_path_factory, label: str):
    """A context manager giving the URL of a new, empty database for this run."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        return _postgres_database(base)

    @contextmanager
    def sqlite():
        yield f"sqlite:///{tmp_path_factory.mktemp(label) / 'cal.db'}"

    return sqlite()


def config_for_tests(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": False,
        "REDIS_URL": None,
        "MAIL_SERVER": None,
        "SERVER_NAME": "localhost",
        **extra,
    }


def migrate_to_head(database_url: str) -> None:
    app = create_app(config_for_tests(database_url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with make_database(tmp_path_factory, "db") as url:
        migrate_to_head(url)
        yield url


def empty_all_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a server would: the test's own app
    context (its ``g`` and its database session) never leaks into the request."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def make_app(database_url):
    """Build an app on the test database with extra settings; the tables start empty."""
    built = []

    def build(**extra):
        app = create_app(config_for_tests(database_url, **extra))
        app.test_client_class = IsolatedClient
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_settings() -> dict:
    """Extra settings of the ``app`` fixture; a test module may override this."""
    return {}


@pytest.fixture
def app(make_app, app_settings):
    app = make_app(**app_settings)
    with app.app_context():
        empty_all_tables()
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def password_hash() -> str:
    if "hash" not in _HASH:
        _HASH["hash"] = hash_password(PASSWORD)
    return _HASH["hash"]


def make_users() -> dict[Role, User]:
    """One active user per role, all with the password ``PASSWORD``."""
    created = {
        role: User(email=f"{role.value}@test.local", full_name=f"Test {role.value.title()}",
                   role=role, password_hash=password_hash())
        for role in Role
    }
    db.session.add_all(created.values())
    db.session.commit()
    return created


def user_ids() -> dict[Role, int]:
    """One user per role (make_users), by id: for an app shared by a module."""
    return {role: user.id for role, user in make_users().items()}


@pytest.fixture
def users(app) -> dict[Role, User]:
    """One active user per role, all with the password ``PASSWORD``."""
    return make_users()


@contextmanager
def shared_app(database_url: str, fill=lambda: None, **extra):
    """An app for a whole module's walk, where no test changes what the others read: the
    tables emptied and ``fill()`` run once; yields (app, what fill returned)."""
    app = create_app(config_for_tests(database_url, **extra))
    app.test_client_class = IsolatedClient
    with app.app_context():
        empty_all_tables()
        made = fill()
        db.session.commit()
        db.session.remove()
    try:
        yield app, made
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def row_count() -> int:
    """The number of rows in all tables, in one query (did a request store anything?)."""
    counts = [select(func.count()).select_from(t).scalar_subquery()
              for t in db.metadata.sorted_tables]
    return db.session.scalar(select(sum(counts[1:], counts[0])))


def client_of(app, user_id: int | None = None):
    """A test client of ``app``, signed in as that user (anonymous without one)."""
    client = app.test_client()
    if user_id is not None:
        with app.app_context():  # read afresh: a sign-out elsewhere ends old sessions
            log_in(client, db.session.get(User, user_id))
            db.session.remove()
    return client


def log_in(client, user: User) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_born"] = session["_seen"] = lifetime.now()


@pytest.fixture
def client_as(app, users):
    """``client_as(Role.COORDINATOR)`` is a test client signed in with that role."""

    def make(role: Role):
        client = app.test_client()
        log_in(client, users[Role(role)])
        return client

    return make


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries:`` collects the SQL run inside the block."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    return counter


@pytest.fixture
def empty_database(tmp_path_factory):
    """A database of its own with no table yet, for a test that migrates it step by step
    (PostgreSQL when the run is on it)."""
    with make_database(tmp_path_factory, "migrated") as url:
        yield url


def row_of(table, **values) -> dict:
    """A row of a reflected table with every required column filled (what the migration
    reads is given)."""
    filler = {sa.String: "x", sa.Integer: 1, sa.Boolean: False, sa.Date: date(2026, 1, 1),
              sa.DateTime: datetime(2026, 1, 1), sa.Float: 0.0, sa.Numeric: 0,
              sa.Time: time(10), sa.LargeBinary: b"", sa.JSON: {}}
    row = {}
    for column in table.columns:
        if column.primary_key or column.nullable or column.server_default is not None:
            continue
        row[column.name] = next(v for t, v in filler.items() if isinstance(column.type, t))
    return row | values


def waited_beside(app, second) -> bool:
    """Run ``second()`` in a request of its own (a thread with its own session) while the
    test's transaction holds what it needs; once it waits on a lock (or after 60 s) the
    test's transaction is committed and ``second`` finishes. Returns whether it was seen
    waiting: PostgreSQL only, where two requests really run side by side."""
    def run():
        with app.app_context():
            try:
                second()
            finally:
                db.session.remove()

    side = threading.Thread(target=run)
    side.start()
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                   " AND wait_event_type = 'Lock'")
    # Each look in a transaction of its own: within one, PostgreSQL answers the same
    # snapshot of pg_stat_activity, taken at the first look.
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
            for _ in range(600):
                if watcher.execute(waiting).scalar():
                    break
                side.join(0.1)
            waited = watcher.execute(waiting).scalar() == 1
    finally:
        db.session.commit()  # the first stored: the second goes on
        side.join(60)
    return waited and not side.is_alive()
