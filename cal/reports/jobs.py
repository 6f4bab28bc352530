"""The report's periodic scan (cal/core/rooms.py): this year's figures counted once a
day before anyone asks, so that the day's first view of the year's report answers from
them as every later one does (cal.reports.cache), at the time it says."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cal.core.timeutil import to_local
from cal.extensions import db
from cal.reports import services
from cal.reports.cache import KeptFigures


def year_figures(now: datetime) -> int:
    """This year's figures counted, if they were not yet that day: 1 if counted."""
    today = to_local(now).date()
    made = db.session.scalar(select(KeptFigures.made_at).where(KeptFigures.year == today.year))
    if made is not None and to_local(made).date() == today:
        return 0
    services.recount(today.year, now, again=True)
    return 1
