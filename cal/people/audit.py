"""The one audit call: who did what to which record, and when.

The row is added to the current session and committed with the request's own
change; a denial or a read is committed by ``record_*`` itself, because a refused
or read-only request has nothing else to commit.
"""

from __future__ import annotations

import enum

from flask import has_request_context, request

from cal.extensions import db
from cal.people.models import AuditLog


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
