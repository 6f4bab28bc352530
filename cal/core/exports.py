"""Tables for spreadsheets: CSV as Polish Excel opens it (UTF-8 with a byte-order
mark, semicolons) and XLSX (openpyxl, written row by row); and the one way a list
leaves the platform as a file.

A list that exports declares its ``Table`` (the columns, each with who may see it) and
its view answers ``?format=csv`` or ``?format=xlsx`` on the list's own URL with
``send_list``: the same filters, every row they match (no page of 50), the columns the
reader's role may see, one entry in the audit log. ``_exports.html``'s ``export_links``
shows the two links with the filters in force.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, request
from flask_login import current_user

from cal.core.audit import AuditAction, audit, record_denial
from cal.core.text import fold
from cal.core.timeutil import local_today
from cal.extensions import db

CSV_DELIMITER = ";"  # the list separator of Excel in Polish


def ascii_name(text: str, fallback: str) -> str:
    """A name as it may stand in a file name header: ASCII letters, digits, hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or fallback


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
MIMETYPES = {"pdf": "application/pdf", "csv": "text/csv", "xlsx": XLSX_MIMETYPE,
             "json": "application/json", "zip": "application/zip", "png": "image/png",
             "jpg": "image/jpeg"}


def attachment(body: bytes | str, filename: str, entity: str | None = None,
               entity_id: int | None = None, detail: str = "") -> Response:
    """The one way a file leaves the platform (a PDF, a spreadsheet, a RODO export): its
    export written to the audit log as ``entity`` (unless its service wrote it), the
    request committed with it, and the file as an attachment named ``filename``, its
    type from the name's ending."""
    if entity is not None:
        audit(current_user, AuditAction.EXPORT, entity, entity_id, detail=detail)
    db.session.commit()
    return Response(body, mimetype=MIMETYPES[filename.rsplit(".", 1)[-1]],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- lists as files ---------------------------------------------------------------------

FORMATS = ("csv", "xlsx")
FORMAT_ARG = "format"
# What is no filter: the file asked for, and the page of the list (a file holds them all).
NOT_FILTERS = (FORMAT_ARG, "page")


@dataclass(frozen=True)
class Column:
    """A column of a list's file: its header, the cell a record gives, and who may see
    it (``shown_to(user)``; None: every reader of the list). ``fields``: the
    special-category fields it reads, named in the export's audit entry."""

    label: Any
    value: Callable[[Any], Any]
    shown_to: Callable[[Any], bool] | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A list as a file: its name in the audit log (``entity``), the sheet's title, the
    file name's start, its columns, and who may take it (``taken_by(user)``; None:
    every reader of the list)."""

    entity: str
    title: Any
    file: str
    columns: tuple[Column, ...]
    taken_by: Callable[[Any], bool] | None = None

    def columns_for(self, user) -> list[Column]:
        return [c for c in self.columns if c.shown_to is None or c.shown_to(user)]

    def may_take(self, user) -> bool:
        return self.taken_by is None or self.taken_by(user)

    def rows(self, records: Iterable, user) -> list[list]:
        """The header in words, then a row of each record."""
        columns = self.columns_for(user)
        return [[str(c.label) for c in columns],
                *([_cell(c.value(record)) for c in columns] for record in records)]


def _cell(value):
    return "" if value is None else str(value) if hasattr(value, "__html__") else value


def asked_format() -> str | None:
    """The file the list's URL asks for (``?format=csv`` or ``xlsx``); None for the
    page. Any other format answers 404."""
    fmt = request.args.get(FORMAT_ARG)
    if fmt is not None and fmt not in FORMATS:
        abort(404)
    return fmt


def filters_in_force() -> str:
    """The list's filters as its URL has them (without the format and the page)."""
    return urlencode([(k, v) for k, v in request.args.items(multi=True)
                      if k not in NOT_FILTERS and v])


def export_url(fmt: str, url: str | None = None) -> str:
    """The list being shown, as a file: its URL with the filters in force; or ``url``
    with the filters it carries (a list shown again after a form was sent elsewhere)."""
    if url is None:
        query = [(k, v) for k, v in request.args.items(multi=True) if k not in NOT_FILTERS]
        return f"{request.path}?{urlencode([*query, (FORMAT_ARG, fmt)])}"
    return f"{url}{'&' if '?' in url else '?'}{urlencode([(FORMAT_ARG, fmt)])}"


def send_list(table: Table, records: Iterable, entity_id: int | None = None) -> Response:
    """The list's records (all that its filters match) as the file asked for, in the
    columns the user may see; refused (403, written down) to a user who may read the
    list but not take it; the export audited once with the filters and the row count
    (and ``entity_id``, the record the list belongs to, when it belongs to one)."""
    if not table.may_take(current_user):
        record_denial(current_user, request.endpoint)
        abort(403)
    fmt = asked_format() or FORMATS[0]
    rows = table.rows(records, current_user)
    body = xlsx_bytes(rows, str(table.title)) if fmt == "xlsx" else csv_bytes(rows)
    special = [f for column in table.columns_for(current_user) for f in column.fields]
    audit(current_user, AuditAction.EXPORT, table.entity, entity_id, fields=special,
          detail=f"{table.file}.{fmt}: {len(rows) - 1} rows; {filters_in_force() or '-'}")
    return attachment(body, f"{table.file}-{local_today().isoformat()}.{fmt}")
