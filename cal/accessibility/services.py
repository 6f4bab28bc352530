"""The statement's rules: its dates in order and never ahead of today, a review every
year by 31 March (art. 10 ust. 4 of the act), and who is told when it is due."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from cal.accessibility.models import AccessibilityStatement, Assessment
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.extensions import db

FIELDS = ("published_on", "updated_on", "prepared_on", "reviewed_on", "compliance",
          "barriers", "exclusions", "alternative", "assessment", "auditor", "contact",
          "email", "phone", "complaints_to", "building")
REVIEW_BY = (3, 31)  # month, day: the yearly review


def statement() -> AccessibilityStatement | None:
    return db.session.scalar(select(AccessibilityStatement).order_by(
        AccessibilityStatement.id).limit(1))


def save(data: dict, actor, today: date) -> AccessibilityStatement:
    """Keep the statement (there is one); refused beside the field when a date is ahead
    of today or out of order, or an outside audit has no auditor."""
    order = [("published_on", "updated_on", _("The last update cannot come before the "
                                              "website was published.")),
             ("prepared_on", "reviewed_on", _("The review cannot come before the "
                                              "statement was prepared."))]
    for name in ("published_on", "updated_on", "prepared_on", "reviewed_on"):
        if data[name] > today:
            raise DomainError(_("The date cannot be in the future."), field=name)
    for earlier, later, message in order:
        if data[later] < data[earlier]:
            raise DomainError(message, field=later)
    if data["assessment"] == Assessment.EXTERNAL and not data.get("auditor"):
        raise DomainError(_("Name the body that made the audit."), field="auditor")
    if data["assessment"] == Assessment.SELF:
        data = {**data, "auditor": ""}
    record = statement()
    new = record is None
    record = record or AccessibilityStatement()
    changed = [name for name in FIELDS if getattr(record, name, None) != data.get(name)]
    for name in changed:
        setattr(record, name, data.get(name))
    record.updated_by_id = getattr(actor, "id", None)
    db.session.add(record)
    db.session.flush()
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "accessibility_statement",
          record.id, fields=changed)
    return record


def review_due(record: AccessibilityStatement | None, today: date) -> date | None:
    """The day by which the statement must be reviewed when this year's review is still
    to do (from February; after 31 March it is overdue), else None; None too when there
    is no statement yet (it is due at once: see the scan)."""
    if record is None or record.reviewed_on.year >= today.year or today.month < 2:
        return None
    return date(today.year, *REVIEW_BY)
