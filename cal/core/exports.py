"""Tables for spreadsheets: CSV as Polish Excel opens it (UTF-8 with a byte-order
mark, semicolons) and XLSX (openpyxl, written row by row)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

from flask import Response
from flask_login import current_user

from cal.core.audit import AuditAction, audit
from cal.core.text import fold
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
             "json": "application/json"}


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
