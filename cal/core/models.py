"""Column helpers shared by the models of every package."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, select

from cal.extensions import db


def enum_column(enum_cls: type[enum.Enum], length: int = 20) -> Enum:
    """An enum stored as its value in a VARCHAR (portable, easy to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def hold(row) -> None:
    """Hold ``row`` until the transaction ends, so that two requests counting what is
    left of it (places, a shift's volunteers) cannot both take the last of it: PostgreSQL
    locks the row; SQLite has one writer at a time anyway."""
    model = type(row)
    db.session.execute(select(model.id).where(model.id == row.id).with_for_update())
