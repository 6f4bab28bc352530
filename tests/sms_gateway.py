"""A stand-in for SMSAPI on loopback: a real HTTP server that speaks the part of its API
the platform uses, so the gateway's own client (smsapi-client) is tested over a real
connection, as the mail tests use a real SMTP server.

- ``POST /sms.do`` with a bearer token: ``to``, ``message``, ``from``, ``idx`` with
  ``check_idx=1``, ``max_parts``, ``notify_url``, ``format=json``. It answers as SMSAPI
  does: ``{"count": 1, "list": [{"id": ..., "points": ..., ...}]}``, or an error
  ``{"error": code, "message": ...}``: 101 a wrong token, 11 an empty message, 12 more
  parts than ``max_parts``, 13 no valid mobile number, 14 a sender name not registered,
  53 an idx taken before (with ``check_idx=1``), or any error a test asks for next.
- ``report(sent, status, call)``: the delivery report SMSAPI sends to ``notify_url``
  (``MsgId``, ``status``, ``idx``, ``donedate``, ``to``), through ``call`` (an HTTP
  client or the application's test client).
- ``reply(phone, text, url, call)``: a reply to the centre's number, as SMSAPI hands it
  on (``sms_from``, ``sms_to``, ``sms_text``, ``sms_date``, ``MsgId``).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from cal.notifications.sms import length

TOKEN = "stand-in-token"
SENDER = "2way"  # SMSAPI's two-way sender: replies reach the gateway


@dataclass
class Sent:
    id: str
    to: str
    text: str
    idx: str
    notify_url: str
    parts: int


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # a thousand lines say nothing
        pass


class StandInGateway:
    def __init__(self, token: str = TOKEN, senders: tuple[str, ...] = (SENDER, "OPS")):
        self.token, self.senders = token, senders
        self.sent: list[Sent] = []
        self.errors_next: list[int] = []  # error codes to answer the next requests with
        self.requests = 0
        self.delay = 0.0  # seconds each accepted message takes (a slow gateway)
        self._idx: set[str] = set()
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True,
                                   request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StandInGateway:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def settings(self) -> dict:
        return {"SMS_API_URL": self.url, "SMS_API_TOKEN": self.token, "SMS_SENDER": SENDER}

    def to(self, number: str) -> list[Sent]:
        return [s for s in self.sent if s.to == number.lstrip("+")]

    # The server side.
    def _app(self, environ, start_response):
        request = Request(environ)
        answer = self._answer(request)
        return Response(json.dumps(answer), content_type="application/json")(
            environ, start_response)

    def _error(self, code: int, message: str) -> dict:
        return {"error": code, "message": message}

    def _answer(self, request: Request) -> dict:
        with self._lock:
            self.requests += 1
            if request.path != "/sms.do" or request.method != "POST":
                return self._error(8, "Bad request")
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return self._error(101, "Authorization failed")
            if self.errors_next:
                return self._error(self.errors_next.pop(0), "Injected error")
            form = request.form
            text, to = form.get("message", ""), form.get("to", "")
            sender, idx = form.get("from"), form.get("idx", "")
            if sender is not None and sender not in self.senders:
                return self._error(14, "Invalid sender field")
            if not text:
                return self._error(11, "Message empty")
            parts = length(text).parts
            if parts > int(form.get("max_parts") or 10):
                return self._error(12, "Too many parts")
            if not (to.isdigit() and len(to) == 11 and to.startswith("48")
                    and to[2] in "5678"):
                return {**self._error(13, "No correct phone numbers"),
                        "invalid_numbers": [{"number": to, "submitted_number": to,
                                             "message": "Invalid phone number"}]}
            if form.get("check_idx") == "1" and idx:
                if idx in self._idx:
                    return self._error(53, "Not unique idx")
                self._idx.add(idx)
            sent = Sent(uuid.uuid4().hex[:24].upper(), to, text, idx,
                        form.get("notify_url", ""), parts)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.sent.append(sent)
        return {"count": 1, "list": [{
            "id": sent.id, "points": round(0.16 * parts, 2), "number": to,
            "date_sent": int(time.time()), "submitted_number": to, "status": "QUEUE",
            "idx": idx or None, "parts": parts}]}

    # What the gateway sends back.
    @staticmethod
    def report(sent: Sent, status: int, call) -> object:
        """The delivery report of ``sent`` (404 delivered, 405 undelivered...), sent to
        its notify_url with ``call(url, params)``."""
        return call(sent.notify_url, {"MsgId": sent.id, "status": str(status),
                                      "idx": sent.idx, "donedate": str(int(time.time())),
                                      "to": sent.to, "username": "centre"})

    @staticmethod
    def reply(phone: str, text: str, url: str, call) -> object:
        return call(url, {"sms_from": phone.lstrip("+"), "sms_to": "48500000000",
                          "sms_text": text, "sms_date": str(int(time.time())),
                          "MsgId": uuid.uuid4().hex[:24].upper(), "username": "centre"})
