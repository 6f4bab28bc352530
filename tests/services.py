"""Is a service reachable? ``python -m tests.services postgres URL`` exits 0 if so."""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from cal.config import normalise_database_url


def postgres_reachable(url: str) -> bool:
    engine = create_engine(normalise_database_url(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    sys.exit(0 if kind == "postgres" and postgres_reachable(url) else 1)
