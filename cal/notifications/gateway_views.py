"""What the SMS gateway calls back (delivery reports, replies), and the link a text
message ends with when replies cannot reach the gateway.

SMSAPI calls the address given with each message (``notify_url``) with the report of its
delivery (``MsgId`` and ``status``, several comma-separated in one call), and the address
set in its panel for replies with ``sms_from`` and ``sms_text``. Both answer "OK", as the
gateway expects; both addresses carry a secret key (cal.notifications.sms.callback_key).
A reply reaches the gateway only from a two-way sender ("2way" or a number); with a
sender name, each text ends with its number's own signed link to stop them instead.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from sqlalchemy import update

from cal.core.access import Role, gateway_callback, public
from cal.core.phones import e164, masked
from cal.core.render import render_page
from cal.core.rooms import registry
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import outbox, sms
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


@bp.route("/stop/<code>", methods=["GET", "POST"])
@public
def stop(code: str):
    """The link at the end of a text message (when replies cannot reach the gateway):
    the number's consent to text messages is withdrawn with one button, at once."""
    phone = sms.phone_of_code(code)
    if phone is None:
        abort(404)
    done = False
    if request.method == "POST":
        withdraw(phone, "STOP link")
        db.session.commit()
        done = True
    return render_page("notifications/sms_stop.html", number=masked(phone), done=done)


def withdraw(phone: str, how: str) -> int:
    """Withdraw the number's consent to text messages in every contact book."""
    now, withdrawn = utcnow(), 0
    for book in registry().contact_books.values():
        if book.stop is not None:
            withdrawn += book.stop(phone, now, how)
    return withdrawn


def sender_number(raw: str) -> str:
    """The sender in E.164: SMSAPI writes it with its country code and no plus
    (48600100200, 380671234567)."""
    digits = "".join(c for c in raw if c.isascii() and c.isdigit())
    return e164("+" + digits) if digits else ""


@bp.post("/<key>/inbound")
@gateway_callback(lambda key: sms.is_callback_key("inbound", key))
def inbound(key: str):
    """A reply. One that says only STOP (any case, any punctuation) withdraws the
    number's consent to text messages at once, in every contact book. Any other reply is
    passed to the coordinators in the application, so that nobody's answer is lost."""
    phone = sender_number(request.values.get("sms_from") or "")
    said = (request.values.get("sms_text") or "").strip()[:480]
    if not phone:
        return "OK", 200, {"Content-Type": "text/plain"}
    if sms.is_stop(said):
        withdraw(phone, "STOP SMS")
    elif said:
        outbox.tell_role(Role.COORDINATOR, "sms_reply", f"sms-reply:{phone}:{utcnow():%H%M%S}",
                         lambda: _("A reply to a text message from %(number)s",
                                   number=masked(phone)), said)
    db.session.commit()
    return "OK", 200, {"Content-Type": "text/plain"}
