"""Polish public holidays (dni ustawowo wolne od pracy), from a maintained calendar (the
`holidays` package) rather than a list of our own: group schedules and duty hours skip
them."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _of_year(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("PL", years=year, language="pl"))


def holiday(day: date) -> str | None:
    """The name of the Polish public holiday on ``day``, in Polish, if it is one."""
    return _of_year(day.year).get(day)
