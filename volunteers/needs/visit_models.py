"""The weekly visit times a volunteer and a family agreed for a match (visits.py).

A match's visits follow these times when it has any; without them they follow the
overlap of the family's and the volunteer's free times computed when it was accepted
(Match.schedule)."""

from __future__ import annotations

from datetime import time

from sqlalchemy import ForeignKey, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from cal.extensions import db


class VisitTime(db.Model):
    """One agreed weekly visit: a weekday (0 Monday … 6 Sunday) from ``starts`` to ``ends``."""

    __tablename__ = "match_visit_times"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"),
                                          index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[time]
    ends: Mapped[time]
