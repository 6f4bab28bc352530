from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter


def safe_next(target: str | None) -> str | None:
    """Return ``target`` only when it is a path on this site, else None.

    Refuses absolute and scheme-relative URLs and the usual bypasses
    (``//evil``, ``/\\evil``, encoded slashes or backslashes, control characters).
    """
    if not target:
        return None
    decoded = target
    for _ in range(3):  # undo double encoding
        decoded = unquote(decoded)
    if any(ord(c) < 32 for c in decoded) or "\\" in decoded:
        return None
    if not decoded.startswith("/") or decoded.startswith("//"):
        return None
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc:
        return None
    return target


def local_path(url: str | None) -> str | None:
    """A link of ours (as external_url makes them for e-mails and notifications: BASE_URL,
    or this host without it, and a path) as a path on this site; None for anything
    else."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        base = current_app.config.get("BASE_URL")
        ours = urlsplit(base).netloc if base else (request.host if has_request_context()
                                                   else None)
        if parts.scheme not in ("http", "https") or parts.netloc != ours:
            return None
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(url)


MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in our routes: a record id, so at most a 32-bit signed integer;
    anything larger is simply not found (instead of overflowing the database)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails: BASE_URL plus the path, never the Host header."""
    base = current_app.config.get("BASE_URL")
    if not has_request_context():  # a worker or a command: no request to bind to
        host = current_app.config.get("SERVER_NAME") or "localhost"
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        path = current_app.url_map.bind(host).build(endpoint, values)
        return (base or f"{scheme}://{host}") + path
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def arg_id(value) -> int | None:
    """A record id from a query or form value: a whole number from 1 to MAX_ID, or None
    (so a huge or odd value is simply not found, never a database overflow)."""
    text = str(value or "")
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
