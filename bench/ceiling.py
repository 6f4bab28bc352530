"""The ceiling of our stack: a bare Flask endpoint doing one primary-key query on the
same database, served by the same gunicorn as the application (bench/load.py)."""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

from cal.config import normalise_database_url

app = Flask(__name__)
engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]),
                       pool_pre_ping=True)


@app.get("/ceiling")
def ceiling():
    with engine.connect() as connection:
        email = connection.execute(text("SELECT email FROM users WHERE id = :id"),
                                   {"id": 1}).scalar_one()
    return email
