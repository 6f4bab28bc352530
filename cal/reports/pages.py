"""What the year's report pages share: the months' names, and the charts of a report
in the language in force."""

from __future__ import annotations

from babel.dates import get_month_names
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from cal.reports.charts import chart
from cal.reports.services import YearReport


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
