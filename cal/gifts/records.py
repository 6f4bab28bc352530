"""How the audit log names a gift (cal.core.rooms.RecordKind): its donor, what and
when, linked to its form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.rooms import RecordKind, describer
from cal.gifts.models import Gift

RECORDS = [
    RecordKind("gift", _l("In-kind gift"), describer(
        Gift, lambda g: f"{g.donor}: {g.what}, {g.received_on:%d.%m.%Y}", "gifts.edit",
        "gift_id")),
]
