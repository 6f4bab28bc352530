"""What the year's report pages share: the year asked, the months' names, and the
charts of a report in the language in force."""

from __future__ import annotations

import re

from babel.dates import get_month_names
from flask import request
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from cal.core.errors import DomainError
from cal.reports.charts import chart
from cal.reports.services import YearReport, check_year


def asked_year(today) -> tuple[int | None, str | None]:
    """The year of ``?year=`` (this year when none), or the reason it is refused."""
    value = request.args.get("year", "").strip()
    if not value:
        return today.year, None
    year = int(value) if re.fullmatch(r"[0-9]{1,4}", value) else None
    try:
        return check_year(year, today), None
    except DomainError as error:
        return None, error.message


def month_names() -> list[str]:
    names = get_month_names("abbreviated", "stand-alone", locale=get_locale())
    return [names[m] for m in range(1, 13)]


def charts(report: YearReport) -> dict[str, Markup]:
    """The chart of each table that asks for one, by the table's key."""
    names = month_names()
    drawn = {}
    for section in report.sections:
        for table in section.tables:
            if not table.chart or all(not any(row.values.values()) for row in table.rows):
                continue
            columns = report.years if table.per == "year" else list(range(1, 13))
            drawn[table.key] = chart(
                table, columns, names, lambda x: format_decimal(x or 0, "#,##0.#"),
                _("The figures of this chart are in the table beside it."))
    return drawn
