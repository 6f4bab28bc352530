from __future__ import annotations

from urllib.parse import unquote, urlsplit


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
