"""Language and time zone: Polish by default, English per user."""

from __future__ import annotations

from flask import has_request_context, session
from flask_login import current_user

LOCALES = {"pl": "Polski", "en": "English"}
DEFAULT_LOCALE = "pl"


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE
