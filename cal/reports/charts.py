"""Charts of the year's report, drawn on the server as SVG (no script): a table by year
as horizontal bars (a group per row, a bar per year), a table by month as columns (a
group per month, a column per row). Each chart is an image with its title and a
description (role="img", <title>, <desc>), each bar carries its figure in a <title>,
and the page shows the table of the same numbers beside it, so nothing is only in the
picture. The series differ by colour and by a pattern of stripes, never by colour alone."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from markupsafe import Markup

from cal.core.figures import Table

WIDTH = 640
# Series: a fill, and a pattern over it for the second and third, for readers who do
# not tell the colours apart (and for the printed page in black and white).
FILLS = ("#1f5f8b", "#c25e00", "#3c7a3c", "#6b4c9a")
PATTERNS = (None, "stripes", "dots", "cross")
MAX_SERIES = 4  # the last years a chart by year shows (the table shows them all)
_ids = count(1)


def _pattern_defs(prefix: str) -> Markup:
    return Markup(
        '<defs><pattern id="{p}-stripes" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="{f1}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        '<pattern id="{p}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="{f2}"/>'
        '<circle cx="3" cy="3" r="1.4" fill="#fff"/></pattern>'
        '<pattern id="{p}-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="{f3}"/>'
        '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/></pattern></defs>'
    ).format(p=prefix, f1=FILLS[1], f2=FILLS[2], f3=FILLS[3])


def _fill(prefix: str, index: int, count: int) -> str:
    """The fill of series ``index`` of ``count``: the last (the report's year) solid."""
    pattern = PATTERNS[(count - 1 - index) % len(PATTERNS)]
    return f"url(#{prefix}-{pattern})" if pattern else FILLS[0]


def _legend(prefix: str, names: list[str], y: float) -> Markup:
    parts, x = [], 0.0
    for i, name in enumerate(names):
        parts.append(Markup('<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                            '<text x="{}" y="{}">{}</text>').format(
            x, y, _fill(prefix, i, len(names)), x + 19, y + 12, name))
        x += 28 + 8 * len(name)
    return Markup("").join(parts)


def _frame(prefix: str, title: str, desc: str, height: float, body: list[Markup]) -> Markup:
    """The chart: every text in it escaped (Markup.format), the parts built the same way."""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{p}-title {p}-desc" font-size="12" '
        'font-family="DejaVu Sans, sans-serif">'
        '<title id="{p}-title">{title}</title>'
        '<desc id="{p}-desc">{desc}</desc>{defs}{body}</svg>').format(
        w=WIDTH, h=f"{height:.0f}", p=prefix, title=title, desc=desc,
        defs=_pattern_defs(prefix), body=Markup("").join(body))


def chart(table: Table, columns: list[int], column_names: list[str],
          number: Callable[[float], str], description: str) -> Markup:
    """The chart of ``table``: by year, bars of the last years of ``columns`` from the
    first with a figure other than zero (the year before the last at least); by month,
    a column per row in each month (``column_names`` name the months)."""
    prefix = f"chart-{table.key}-{next(_ids)}"
    if table.per == "year":
        years = columns[-MAX_SERIES:]
        first = min([y for y in years if not table.is_empty(y)] + years[-2:])
        return _bars(prefix, table, [y for y in years if y >= first], number, description)
    return _columns(prefix, table, columns, column_names, number, description)


def _bars(prefix, table: Table, years: list[int], number, description) -> Markup:
    top = max([row[y] or 0 for row in table.rows for y in years] + [0]) or 1
    unit = f" {table.unit}" if table.unit else ""
    label_w, bar_h, gap = 240, 14, 10
    scale = (WIDTH - label_w - 70) / top
    body, y = [], 24.0
    body.append(_legend(prefix, [str(y_) for y_ in years], 0))
    for row in table.rows:
        body.append(Markup('<text x="0" y="{}">{}</text>').format(
            y + 11, _short(str(row.label), 30)))
        for i, year in enumerate(years):
            value = row[year] or 0
            width = max(value * scale, 0)
            body.append(Markup(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"><title>'
                '{label}, {year}: {value}{unit}</title></rect>'
                '<text x="{tx}" y="{ty}">{value}</text>').format(
                x=label_w, y=y, w=f"{width:.1f}", h=bar_h, fill=_fill(prefix, i, len(years)),
                label=str(row.label), year=year, value=number(value), unit=unit,
                tx=f"{label_w + width + 4:.1f}", ty=y + 11))
            y += bar_h + 2
        y += gap
    return _frame(prefix, str(table.title), description, y, body)


def _columns(prefix, table: Table, months: list[int], names: list[str], number,
             description) -> Markup:
    top = max([row[m] or 0 for row in table.rows for m in months] + [0]) or 1
    unit = f" {table.unit}" if table.unit else ""
    left, plot_h, base = 50, 180, 210
    group_w = (WIDTH - left) / len(months)
    col_w = max((group_w - 8) / max(len(table.rows), 1), 2)
    body = [_legend(prefix, [str(row.label) for row in table.rows], 0),
            Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>'
                   '<text x="0" y="{}">{}</text><text x="0" y="{}">0</text>').format(
                left, base, WIDTH, base, base - plot_h + 4, number(top), base)]
    for g, month in enumerate(months):
        x0 = left + g * group_w + 4
        for i, row in enumerate(table.rows):
            value = row[month] or 0
            height = value / top * plot_h
            body.append(Markup(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"><title>'
                '{label}, {month}: {value}{unit}</title></rect>').format(
                x=f"{x0 + i * col_w:.1f}", y=f"{base - height:.1f}", w=f"{col_w:.1f}",
                h=f"{height:.1f}", fill=_fill(prefix, i, len(table.rows)),
                label=str(row.label), month=names[g], value=number(value), unit=unit))
        body.append(Markup('<text x="{}" y="{}" text-anchor="middle">{}</text>').format(
            f"{x0 + group_w / 2 - 4:.1f}", base + 16, names[g]))
    return _frame(prefix, str(table.title), description, base + 24, body)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
