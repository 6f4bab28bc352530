"""What the year's report pages share: the months' names, the charts of a report in the
language in force, and the page's figures drawn once for the same numbers."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from babel.dates import get_month_names
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from cal.core.templating import number
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
                table, columns, names, lambda x: number(x, 1),
                _("The figures of this chart are in the table beside it."))
    return drawn


_DRAWN: OrderedDict[tuple, Markup] = OrderedDict()  # the figures drawn, latest last
_DRAWN_KEPT = 16  # reports kept drawn, in each process
_DRAWING = Lock()


def _frozen(report: YearReport) -> tuple:
    """What the report's sections show, as a key: every table's fields, rows and numbers,
    texts in the language in force."""
    return tuple(
        (section.key, str(section.title), tuple(
            (table.key, str(table.title), table.per, table.unit, table.decimals, table.chart,
             str(table.note), tuple((str(row.label), row.unit, tuple(row.values.items()))
                                    for row in table.rows))
            for table in section.tables))
        for section in report.sections)


def sections(report: YearReport) -> Markup:
    """The report's sections as the page shows them: its tables and charts, drawn once
    for the same numbers in the same language (a moving year's counts are kept for some
    minutes, and a thousand numbers and some fifteen charts take longer to write than to
    count)."""
    key = (str(get_locale()), report.year, tuple(report.years), _frozen(report))
    with _DRAWING:
        drawn = _DRAWN.get(key)
        if drawn is not None:
            _DRAWN.move_to_end(key)
            return drawn
    rendered = render_template("reports/_sections.html", report=report,
                               charts=charts(report), months=month_names())
    # A template's own output, every value in it escaped by Jinja as it was rendered.
    drawn = Markup(rendered)  # nosec B704
    with _DRAWING:
        _DRAWN[key] = drawn
        while len(_DRAWN) > _DRAWN_KEPT:
            _DRAWN.popitem(last=False)
    return drawn
