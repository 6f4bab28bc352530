"""Column helpers shared by the models of every package."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_column(enum_cls: type[enum.Enum], length: int = 20) -> Enum:
    """An enum stored as its value in a VARCHAR (portable, easy to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
