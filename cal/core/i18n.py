"""Language and time zone: Polish by default, English per user."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import has_request_context, session
from flask_babel import Domain, get_locale
from flask_babel import _get_current_context as babel_context
from flask_login import current_user
from htmx_flask.requests import HtmxAwareRequest
from wtforms.i18n import messages_path

LOCALES = {"pl": "Polski", "en": "English"}
DEFAULT_LOCALE = "pl"


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


class RequestDomain(Domain):
    """Flask-Babel's message domain, keeping the current request's translations on the
    request's Babel context. Flask-Babel finds the locale and its catalogue again for
    every string (8 µs; a list page asks for hundreds); this finds them once and again
    only when the locale changes (force_locale, for a recipient's language)."""

    def get_translations(self):
        ctx = babel_context()
        if ctx is None:
            return support.NullTranslations()
        locale = getattr(ctx, "babel_locale", None)
        kept = getattr(ctx, "cal_translations", None)
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        ctx.cal_translations = (ctx.babel_locale, translations)
        return translations


@lru_cache(maxsize=len(LOCALES) + 1)
def _wtforms_messages(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Request(HtmxAwareRequest):
    """The application's request (htmx-aware, as htmx_flask makes it). Flask-WTF reads
    WTForms' own messages ("This field is required.") from their file again on every
    request that makes a form (0.3 ms), keeping them on the request as
    ``wtforms_translations``; here they are read once per process and language."""

    @property
    def wtforms_translations(self) -> support.Translations:
        return _wtforms_messages(str(get_locale()))
