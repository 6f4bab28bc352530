"""What every template may use: navigation by role, labels, date formats."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from flask import Flask, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from cal.core.centre import centre
from cal.core.exports import export_url
from cal.core.i18n import LOCALES
from cal.core.labels import ROLE_LABELS
from cal.core.rooms import registry
from cal.core.timeutil import to_local


def navigation_for(user) -> list[tuple[str, str]]:
    """The menu's links this user may follow, in order: each room's entries
    (cal/core/rooms.py), shown to the roles their endpoint allows."""
    if not user.is_authenticated:
        return []
    return [(entry.endpoint, entry.label) for entry in registry().menu
            if user.role in entry.roles()]


def _score(x) -> str:
    """A score with one decimal in the locale's way (4,5 in Polish): a suggestions page
    shows hundreds, and Babel's format_decimal takes 37 µs each."""
    if x is None:
        return ""
    return f"{x:.1f}".replace(".", get_locale().number_symbols["latn"]["decimal"])


def number(x, places: int = 2) -> str:
    """A number with its thousands grouped and at most ``places`` decimals, in the
    locale's way ("1 234,5" in Polish), as Babel's ``#,##0.##`` writes it (halves to
    even, on the number as written; but nought without a sign, where Babel writes "-0"),
    in a tenth of Babel's time: a year's report writes a thousand of them."""
    value = Decimal(str(x or 0)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    text = f"{abs(value) if value == 0 else value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    symbols = get_locale().number_symbols["latn"]
    return text.translate({44: symbols["group"], 46: symbols["decimal"]})


# Dates are written one way: a day in words with the month in the genitive ("5 maja
# 2027", never "5 maj 2027"); lists and tables use one short form ("05.05.2027").
LONG_DATE = "d MMMM y"
SHORT_DATE = "dd.MM.yyyy"


def _date(d, fmt: str = LONG_DATE) -> str:
    """A day in the locale's words. A day (not a moment, which depends on the time zone)
    is formatted once per process and locale: Babel takes 30 µs each, and a list of a
    hundred entries shows the same few days again and again."""
    if not d:
        return ""
    if type(d) is date:
        return _day_in(d, fmt, str(get_locale()))
    return format_date(d, fmt)


@lru_cache(maxsize=4096)
def _day_in(d: date, fmt: str, _locale: str) -> str:  # the locale is the key, in force
    return format_date(d, fmt)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["centre_settings"] = centre  # documents get theirs as ``centre``
    app.jinja_env.filters["date"] = _date
    app.jinja_env.globals["export_url"] = export_url
    app.jinja_env.filters["localtime"] = lambda d: to_local(d).strftime("%H:%M") if d else ""
    app.jinja_env.filters["score"] = _score
    # Money kept in grosze, shown in złoty ("1 234,50 zł"); shares kept in hundredths.
    app.jinja_env.filters["money"] = (
        lambda gr: format_decimal((gr or 0) / 100, "#,##0.00") + "\u00a0zł")
    # An amount in złoty in a table whose heading names the unit ("1 234,50").
    app.jinja_env.filters["amount"] = lambda zl: format_decimal(zl or 0, "#,##0.00")
    app.jinja_env.filters["share"] = lambda h: format_decimal((h or 0) / 100, "0.##") + "%"
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["datetime"] = (
        lambda d, fmt=f"{SHORT_DATE}, HH:mm": format_datetime(d, fmt) if d else ""
    )

    @app.context_processor
    def inject():
        return {
            "navigation": navigation_for(current_user),
            "footer_links": registry().footer,
            "role_labels": ROLE_LABELS,
            "locales": LOCALES,
            "current_locale": str(get_locale() or "pl"),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
