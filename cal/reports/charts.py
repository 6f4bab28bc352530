"""Charts of the year's report, drawn on the server as SVG (no script): a table by year
as horizontal bars (a group per row, a bar per year), a table by month as columns (a
group per month, a column per row). Each chart is an image with its title and a
description (role="img", <title>, <desc>), each bar carries its figure in a <title>,
and the page shows the table of the same numbers beside it, so nothing is only in the
picture. The series differ by colour and by a pattern of stripes, never by colour alone."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from markupsafe import Markup, escape

from cal.core.figures import Table

WIDTH = 640
# Series: a fill, and a pattern over it for the second and third, for readers who do
# not tell the colours apart (and for the printed page in black and white).
FILLS = ("#1f5f8b", "#c25e00", "#3c7a3c", "#6b4c9a")
PATTERNS = (None, "stripes", "dots", "cross")
MAX_SERIES = 4  # the last years a chart by year shows (the table shows them all)
_ids = count(1)


def _pattern_defs(prefix: str) -> str:
    return (
        f'<defs><pattern id="{prefix}-stripes" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{FILLS[1]}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{prefix}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{FILLS[2]}"/>'
        f'<circle cx="3" cy="3" r="1.4" fill="#fff"/></pattern>'
        f'<pattern id="{prefix}-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{FILLS[3]}"/>'
        f'<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/></pattern></defs>')


def _fill(prefix: str, index: int, count: int) -> str:
    """The fill of series ``index`` of ``count``: the last (the report's year) solid."""
    pattern = PATTERNS[(count - 1 - index) % len(PATTERNS)]
    return f"url(#{prefix}-{pattern})" if pattern else FILLS[0]


def _legend(prefix: str, names: list[str], y: float) -> str:
    parts, x = [], 0.0
    for i, name in enumerate(names):
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" '
                     f'fill="{_fill(prefix, i, len(names))}"/>'
                     f'<text x="{x + 19}" y="{y + 12}">{escape(name)}</text>')
        x += 28 + 8 * len(name)
    return "".join(parts)


def _frame(prefix: str, title: str, desc: str, height: float, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-size="12" '
        f'font-family="DejaVu Sans, sans-serif">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>{_pattern_defs(prefix)}{body}</svg>')


def chart(table: Table, columns: list[int], column_names: list[str],
          number: Callable[[float], str], description: str) -> Markup:
    """The chart of ``table``: by year, bars of the last years of ``columns``; by month,
    a column per row in each month (``column_names`` name the months)."""
    prefix = f"chart-{table.key}-{next(_ids)}"
    if table.per == "year":
        return _bars(prefix, table, columns[-MAX_SERIES:], number, description)
    return _columns(prefix, table, columns, column_names, number, description)


def _bars(prefix, table: Table, years: list[int], number, description) -> Markup:
    top = max([row[y] or 0 for row in table.rows for y in years] + [0]) or 1
    unit = f" {table.unit}" if table.unit else ""
    label_w, bar_h, gap = 210, 14, 10
    scale = (WIDTH - label_w - 70) / top
    body, y = [], 24.0
    body.append(_legend(prefix, [str(y_) for y_ in years], 0))
    for row in table.rows:
        body.append(f'<text x="0" y="{y + 11}">{escape(_short(str(row.label), 32))}</text>')
        for i, year in enumerate(years):
            value = row[year] or 0
            width = max(value * scale, 0)
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}" '
                f'fill="{_fill(prefix, i, len(years))}"><title>{escape(str(row.label))}, {year}: '
                f'{escape(number(value))}{escape(unit)}</title></rect>'
                f'<text x="{label_w + width + 4:.1f}" y="{y + 11}">'
                f'{escape(number(value))}</text>')
            y += bar_h + 2
        y += gap
    return _frame(prefix, str(table.title), description, y, "".join(body))


def _columns(prefix, table: Table, months: list[int], names: list[str], number,
             description) -> Markup:
    top = max([row[m] or 0 for row in table.rows for m in months] + [0]) or 1
    unit = f" {table.unit}" if table.unit else ""
    left, plot_h, base = 50, 180, 210
    group_w = (WIDTH - left) / len(months)
    col_w = max((group_w - 8) / max(len(table.rows), 1), 2)
    body = [_legend(prefix, [str(row.label) for row in table.rows], 0),
            f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#333"/>',
            f'<text x="0" y="{base - plot_h + 4}">{escape(number(top))}</text>',
            f'<text x="0" y="{base}">0</text>']
    for g, month in enumerate(months):
        x0 = left + g * group_w + 4
        for i, row in enumerate(table.rows):
            value = row[month] or 0
            height = value / top * plot_h
            body.append(
                f'<rect x="{x0 + i * col_w:.1f}" y="{base - height:.1f}" width="{col_w:.1f}" '
                f'height="{height:.1f}" fill="{_fill(prefix, i, len(table.rows))}"><title>'
                f'{escape(str(row.label))}, {escape(names[g])}: {escape(number(value))}'
                f'{escape(unit)}</title></rect>')
        body.append(f'<text x="{x0 + group_w / 2 - 4:.1f}" y="{base + 16}" '
                    f'text-anchor="middle">{escape(names[g])}</text>')
    return _frame(prefix, str(table.title), description, base + 24, "".join(body))


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
