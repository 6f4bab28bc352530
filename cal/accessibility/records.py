"""How the audit log names the accessibility statement (cal.core.rooms.RecordKind)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.accessibility.models import AccessibilityStatement
from cal.core.rooms import RecordKind, describer

RECORDS = [
    RecordKind("accessibility_statement", _l("Accessibility statement"), describer(
        AccessibilityStatement, lambda s: s.contact and f"{s.reviewed_on:%d.%m.%Y}",
        "accessibility.statement")),
]
