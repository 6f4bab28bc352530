"""The one audit call: who did what to which record, and when, in the audit log.

The row is added to the current session and committed with the request's own
change; a denial or a read is committed by ``record_*`` itself, because a refused
or read-only request has nothing else to commit.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.timeutil import utcnow
from cal.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(20), index=True)
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int | None]
    fields: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")

    user = relationship("User", lazy="raise_on_sql")


class AuditAction(enum.StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    DENIED = "denied"


def audit(user, action: AuditAction, entity: str, entity_id: int | None = None,
          fields: list[str] | tuple[str, ...] = (), detail: str = "") -> AuditLog:
    row = AuditLog(
        user_id=getattr(user, "id", None),
        action=AuditAction(action).value,
        entity=entity,
        entity_id=entity_id,
        fields=",".join(fields)[:200],
        detail=detail[:500],
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(row)
    return row


def record_denial(user, endpoint: str | None) -> None:
    audit(user, AuditAction.DENIED, "endpoint", detail=endpoint or "")
    db.session.commit()
