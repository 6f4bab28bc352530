"""Text messages through SMSAPI (smsapi.pl), with the gateway's own client.

A message goes out once: each carries an ``idx`` made from its outbox row's unique key,
sent with ``check_idx=1``, so the gateway refuses a second message with the same idx
(error 53). A worker that died after the gateway took a message but before the row was
marked sent finds, on the retry, that it was sent already, and marks it so.

The gateway reports delivery to ``report_url`` and hands on replies (STOP) to
``inbound_url``; both are secret addresses made from the application's secret key.
Without ``SMS_API_TOKEN`` no text message can be sent: SMS is shown as unavailable and
no row is ever written for it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal

import requests
from flask import current_app
from smsapi.client import Client
from smsapi.exception import SmsApiException

from cal.core.text import fold
from cal.core.urls import external_url

# GSM 03.38: the letters a part of 160 can carry; the extension's cost two each.
GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMN"
          "OPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("^{}\\[~]|€\f")
# The gateway's errors that no retry mends: the message or the number is wrong.
REFUSALS = {11: "message too long or empty", 12: "more parts than allowed",
            13: "no valid mobile number", 14: "sender name not allowed",
            32: "foreign numbers not allowed", 33: "no valid mobile number",
            57: "number on the gateway's black list"}
ALREADY_SENT = 53  # an idx the gateway has taken already (check_idx=1)
MAX_PARTS = 10  # the gateway's own limit of one message


class Refused(Exception):
    """The gateway refused the message for good (a wrong number, too long)."""


class AlreadySent(Exception):
    """The gateway has this message already: an earlier try sent it."""


@dataclass(frozen=True)
class Length:
    characters: int
    parts: int
    unicode: bool  # a Polish letter makes the whole message 70 a part, not 160


def length(text: str) -> Length:
    """How the gateway counts the text: its characters, and the parts it is sent in."""
    unicode = any(c not in GSM and c not in GSM_EXTENSION for c in text)
    if unicode:
        count = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    else:
        count = sum(2 if c in GSM_EXTENSION else 1 for c in text)
        single, multi = 160, 153
    parts = 0 if count == 0 else 1 if count <= single else -(-count // multi)
    return Length(count, parts, unicode)


def available() -> bool:
    return bool(current_app.config.get("SMS_API_TOKEN"))


def cost(parts: int) -> Decimal:
    return Decimal(current_app.config["SMS_PART_PRICE"]) * parts


def _signed(text: str) -> str:
    """A signature of ``text`` made with the application's secret key (no setting of its
    own, so it changes with the key)."""
    secret = current_app.secret_key.encode() if current_app.secret_key else b""
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def callback_key(purpose: str) -> str:
    """The secret part of a callback address."""
    return _signed(f"sms-{purpose}")[:40]


def is_callback_key(purpose: str, key: str) -> bool:
    return hmac.compare_digest(callback_key(purpose), key or "")


def idx_of(dedup_key: str) -> str:
    return hashlib.sha256(dedup_key.encode()).hexdigest()[:32]


STOP_WORDS = {"stop", "stopsms", "rezygnacja", "rezygnuje", "wypisz", "wypiszmnie"}


def is_stop(text: str) -> bool:
    """Whether a reply asks to stop: the whole of it is a stop word ("STOP", "Stop.",
    "stop sms", "Rezygnuję"), not a sentence that starts with "nie"."""
    return fold("".join(c for c in text if c.isalpha() or c.isspace())).replace(
        " ", "") in STOP_WORDS


def replies_arrive() -> bool:
    """Whether a reply to our text messages reaches the gateway: only from a two-way
    sender (SMSAPI's "2way", or a number); a reply to a sender name goes nowhere."""
    sender = (current_app.config.get("SMS_SENDER") or "").strip()
    return sender.lower() == "2way" or sender.lstrip("+").isdigit()


def stop_code(phone: str) -> str:
    """The code of a number's link to stop text messages: the digits and a signature."""
    digits = phone.lstrip("+")
    return f"{digits}-{_signed(f'sms-stop-{digits}')[:10]}"


def phone_of_code(code: str) -> str | None:
    digits, _, _signature = (code or "").partition("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 15:
        return None
    return "+" + digits if hmac.compare_digest(stop_code("+" + digits), code) else None


def footer(phone: str = "+48600000000") -> str:
    """What every text message to a resident ends with: how to stop them (a STOP reply
    when replies arrive, else the number's own link)."""
    if current_app.config.get("SMS_FOOTER"):
        return current_app.config["SMS_FOOTER"]
    if replies_arrive():
        return "Rezygnacja: odpisz STOP"
    return "Rezygnacja: " + external_url("sms_gateway.stop", code=stop_code(phone))


def send(phone: str, text: str, dedup_key: str) -> str:
    """Hand one message to the gateway; returns the gateway's id of it. Raises Refused
    (for good), AlreadySent, or another error (the retry may mend it)."""
    cfg = current_app.config
    client = Client(cfg["SMS_API_URL"].rstrip("/") + "/", access_token=cfg["SMS_API_TOKEN"])
    try:
        results = client.sms.send(
            to=phone.lstrip("+"), message=text, from_=cfg.get("SMS_SENDER") or None,
            encoding="utf-8", idx=idx_of(dedup_key), check_idx=1, max_parts=MAX_PARTS,
            notify_url=external_url("sms_gateway.report", key=callback_key("report")),
            timeout=15)
    except SmsApiException as error:
        code = _code(error.code)
        if code == ALREADY_SENT:
            raise AlreadySent(str(error.message)) from error
        if code in REFUSALS:
            raise Refused(f"{code}: {REFUSALS[code]}") from error
        raise RuntimeError(f"SMS gateway error {error.code}: {error.message}") from error
    except requests.RequestException as error:
        raise RuntimeError(f"SMS gateway unreachable: {error}") from error
    sent = next(iter(results), None)
    if sent is None or not sent.id:
        raise RuntimeError("the SMS gateway answered without the message's id")
    return str(sent.id)


def _code(code) -> int | None:
    try:
        return int(code)
    except (TypeError, ValueError):
        return None
