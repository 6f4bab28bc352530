"""Funds by source as a file: a row for each source, each project's line beneath it,
the total, then the gifts in kind (cal/core/exports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table


@dataclass(frozen=True)
class Row:
    year: int
    source: str
    name: str
    planned_gr: int | None
    spent_gr: int | None
    previous_spent_gr: int | None = None
    received_on: date | None = None
    used_for: str = ""


def _pln(gr: int | None) -> float | None:
    return None if gr is None else gr / 100


def rows(summary: dict) -> list[Row]:
    year, found = summary["year"], []
    for source in summary["sources"]:
        found.append(Row(year, source["label"], _("All projects"), source["planned_gr"],
                         source["spent_gr"], source["previous_spent_gr"]))
        found.extend(Row(year, source["label"], line["name"], line["planned_gr"],
                         line["spent_gr"]) for line in source["projects"])
    total = summary["total"]
    found.append(Row(year, _("Total"), _("All sources"), total["planned_gr"],
                     total["spent_gr"], total["previous_spent_gr"]))
    gifts = summary["gifts"]
    label = _("Sponsors (in kind)")
    if gifts["count"] or gifts["previous_count"]:
        found.append(Row(year, label, _("All gifts (estimated value)"), None,
                         gifts["value_gr"], gifts["previous_value_gr"]))
    found.extend(Row(year, label, f'{item["donor"]}: {item["what"]} ({item["quantity"]} '
                                  f'{item["unit"]})'.replace(" )", ")"), None,
                     item["value_gr"], None, item["received_on"], item["used_for"])
                 for item in gifts["items"])
    return found


FUNDS = Table("funds_by_source", _l("Funds by source"), "fundusze-wg-zrodel", columns=(
    Column(_l("Year"), lambda r: r.year),
    Column(_l("Source"), lambda r: r.source),
    Column(_l("Project or gift"), lambda r: r.name),
    Column(_l("Planned (PLN)"), lambda r: _pln(r.planned_gr)),
    Column(_l("Spent or value (PLN)"), lambda r: _pln(r.spent_gr)),
    Column(_l("Spent the year before (PLN)"), lambda r: _pln(r.previous_spent_gr)),
    Column(_l("Received on"), lambda r: r.received_on),
    Column(_l("Used for"), lambda r: r.used_for),
))
