"""Tables for spreadsheets: CSV as Polish Excel opens it (UTF-8 with a byte-order
mark, semicolons) and XLSX (openpyxl, written row by row)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

CSV_DELIMITER = ";"  # the list separator of Excel in Polish


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[Iterable], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_safe(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Control characters other than tab and line breaks: no XLSX cell may hold them (openpyxl
# refuses the whole file), and no spreadsheet shows them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _safe(value):
    """A text cell never starts a formula when the file is opened (CSV injection), and
    holds no control character."""
    if isinstance(value, str):
        value = CONTROL.sub("", value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(rows: Iterable[Iterable], title: str, filename: str):
    """A spreadsheet as a download."""
    from flask import Response

    return Response(xlsx_bytes(rows, title), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
