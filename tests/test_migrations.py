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
