"""The schema comes only from migrations, and they agree with the models."""

from __future__ import annotations

import subprocess
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cal.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"run 'flask --app wsgi db migrate': the models changed: {diff}"


def test_application_code_never_creates_tables_itself():
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    offenders = [path for path in tracked if not path.startswith("tests/")
                 and "create_all(" in (ROOT / path).read_text(encoding="utf-8")]
    assert offenders == []


def test_the_volunteers_search_name_is_filled_in_for_those_already_stored(tmp_path):
    """The migration that adds the folded name fills it in for the rows already there."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from cal import create_app
    from tests.conftest import config_for_tests

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(config_for_tests(url))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "6085384e640f")  # the schema before it
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO volunteers (first_name, last_name, email, phone, status, "
                "help_kinds, subjects, tasks, languages, availability, capacity, "
                "works_with_children, sees_personal_data, lived_abroad, heard_from, notes, "
                "created_at, status_changed_at) VALUES ('Łucja', 'Dąbrowska', '', '', "
                "'active', '', '', '', 'pl', 0, 2, 0, 1, 0, '', '', '2026-01-01', "
                "'2026-01-01')"))
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT search_name FROM volunteers")).scalar() \
                == "dabrowska lucja"
        engine.dispose()
