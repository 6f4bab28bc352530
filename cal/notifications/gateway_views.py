"""What the SMS gateway calls back: delivery reports, and replies (STOP).

SMSAPI calls the address given with each message (``notify_url``) with the report of its
delivery (``MsgId`` and ``status``, several comma-separated in one call), and the address
set in its panel for replies with ``sms_from`` and ``sms_text``. Both answer "OK", as the
gateway expects; both addresses carry a secret key (cal.notifications.sms.callback_key).
"""

from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import update

from cal.core.access import gateway_callback
from cal.core.phones import e164
from cal.core.rooms import registry
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import sms
from cal.notifications.models import Channel, Notification

bp = Blueprint("sms_gateway", __name__, url_prefix="/sms")
# SMSAPI's delivery statuses (its "Lista statusów doręczenia").
REPORTS = {"401": "not_found", "402": "expired", "403": "sent", "404": "delivered",
           "405": "undelivered", "406": "failed", "407": "rejected", "408": "unknown",
           "409": "queue", "410": "accepted", "411": "renewal", "412": "stop"}


def _values(name: str) -> list[str]:
    return [v.strip() for v in (request.values.get(name) or "").split(",")]


@bp.route("/<key>/report", methods=["GET", "POST"])
@gateway_callback(lambda key: sms.is_callback_key("report", key))
def report(key: str):
    now = utcnow()
    for ref, status in zip(_values("MsgId"), _values("status"), strict=False):
        if ref and status in REPORTS:
            db.session.execute(
                update(Notification).where(Notification.provider_ref == ref[:64],
                                           Notification.channel == Channel.SMS)
                .values(report=REPORTS[status], report_at=now))
    db.session.commit()
    return "OK", 200, {"Content-Type": "text/plain"}


@bp.post("/<key>/inbound")
@gateway_callback(lambda key: sms.is_callback_key("inbound", key))
def inbound(key: str):
    """A reply: STOP (or an answer beginning with it) withdraws the number's consent to
    text messages at once, in every contact book; anything else is ignored."""
    words = (request.values.get("sms_text") or "").strip().upper().split()
    phone = e164(request.values.get("sms_from") or "")
    if phone and words and words[0].strip(".!") in {"STOP", "NIE"}:
        now = utcnow()
        for book in registry().contact_books.values():
            if book.stop is not None:
                book.stop(phone, now, "STOP SMS")
        db.session.commit()
    return "OK", 200, {"Content-Type": "text/plain"}
