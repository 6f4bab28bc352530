"""A duty's rule in words ("every Thursday", "the first Tuesday of the month"). Polish
weekdays have a gender the ordinal agrees with, so each weekday has its own sentence,
and the ordinals come in both genders."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from cal.duties.models import LAST_WEEK, Frequency


def _every(weekday: int) -> str:
    return [_("every Monday"), _("every Tuesday"), _("every Wednesday"), _("every Thursday"),
            _("every Friday"), _("every Saturday"), _("every Sunday")][weekday]


def _ordinal(week: int, feminine: bool) -> str:
    if feminine:
        return {1: pgettext("feminine", "first"), 2: pgettext("feminine", "second"),
                3: pgettext("feminine", "third"), 4: pgettext("feminine", "fourth"),
                LAST_WEEK: pgettext("feminine", "last")}[week]
    return {1: pgettext("masculine", "first"), 2: pgettext("masculine", "second"),
            3: pgettext("masculine", "third"), 4: pgettext("masculine", "fourth"),
            LAST_WEEK: pgettext("masculine", "last")}[week]


FEMININE = {2, 5, 6}  # środa, sobota, niedziela


def _monthly(weekday: int, week: int) -> str:
    nth = _ordinal(week, weekday in FEMININE)
    return [_("the %(nth)s Monday of the month", nth=nth),
            _("the %(nth)s Tuesday of the month", nth=nth),
            _("the %(nth)s Wednesday of the month", nth=nth),
            _("the %(nth)s Thursday of the month", nth=nth),
            _("the %(nth)s Friday of the month", nth=nth),
            _("the %(nth)s Saturday of the month", nth=nth),
            _("the %(nth)s Sunday of the month", nth=nth)][weekday]


def rule_text(duty) -> str:
    """When the duty repeats and its hours: "every Thursday, 14:00–15:30"."""
    when = (_monthly(duty.weekday, duty.week_of_month or 1)
            if duty.frequency == Frequency.MONTHLY else _every(duty.weekday))
    return f"{when}, {duty.starts:%H:%M}–{duty.ends:%H:%M}"
