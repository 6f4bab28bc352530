"""Column helpers shared by the models of every package."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

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


class Versioned:
    """A record more than one person edits (a person, an event, a partner…): every save
    counts its ``version``. A form opened on an older version is told so before it
    overwrites what was saved meanwhile (cal.core.forms.changed_meanwhile), and a save
    racing another between that check and its write fails at the write (SQLAlchemy's
    version counter: the UPDATE names the version it read)."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
