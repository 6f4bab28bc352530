"""What a participant's record must hold for the monitoring system's file (SM EFS), each
refusal beside its field: a PESEL that is one and agrees with the birth date and the sex
(or, without a PESEL, another identifier), an address down to the gmina for someone
living in Poland, a labour-market detail that belongs to the status, the kinds of
support within the participation, and whether it ended as planned once it has ended."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from cal.core import pesel
from cal.projects.participant_models import DETAILS_OF, Sex

POSTCODE = re.compile(r"\d{2}-\d{3}")
HOME = "polska"
SUPPORT_FIELD = "support_rows-{row}-{name}"  # a row's field in the form (participant_forms)
# A value of the file's support columns may not hold the bar that joins them.
JOINER = "|"


def lives_in_poland(data: dict) -> bool:
    return data["country"].casefold() == HOME


def identity(data: dict, birth: date | None) -> tuple[dict[str, str], date | None]:
    """Refusals of the identifier, and the birth date a valid PESEL gives."""
    code = data["identifier"]
    if data["no_pesel"]:
        if not code:
            return {"identifier": _("Give another identifier, e.g. a passport number.")}, None
        return {}, None
    if not code:
        return {"identifier": _("Give the PESEL, or tick that the person has none.")}, None
    found = pesel.parse(code)
    if found is None:
        return {"identifier": _("This is no valid PESEL: check its eleven digits.")}, None
    if birth is not None and birth != found.birth_date:
        return {"identifier": _("The PESEL gives the birth date %(day)s, the record "
                                "%(record)s.", day=found.birth_date.strftime("%d.%m.%Y"),
                                record=birth.strftime("%d.%m.%Y"))}, None
    if data["sex"] in (Sex.FEMALE, Sex.MALE) and found.female != (data["sex"] == Sex.FEMALE):
        return {"identifier": _("The PESEL is a woman's, and the sex chosen is another.")
                if found.female else
                _("The PESEL is a man's, and the sex chosen is another.")}, None
    return {}, found.birth_date


def address(data: dict) -> dict[str, str]:
    found = {}
    if not data["country"]:
        found["country"] = _("Give the country of residence.")
    if not data["locality"]:
        found["locality"] = _("Give the locality.")
    if not data["country"] or not lives_in_poland(data):
        return found
    for name, message in (("voivodeship", _("Choose the voivodeship.")),
                          ("powiat", _("Give the powiat.")), ("gmina", _("Give the gmina."))):
        if not data[name]:
            found[name] = message
    if not POSTCODE.fullmatch(data["postcode"]):
        found["postcode"] = _("Give the postcode as two digits, a hyphen and three, e.g. "
                              "00-950.")
    return found


def labour(data: dict) -> dict[str, str]:
    allowed = DETAILS_OF[data["labour_status"]]
    detail = data["labour_detail"]
    if allowed and detail is None:
        return {"labour_detail": _("Choose the detail of this status.")}
    if detail is not None and detail not in allowed:
        return {"labour_detail": _("This detail does not go with the status chosen.")
                if allowed else _("The inactive have no detail: leave it empty.")}
    return {}


def ending(data: dict) -> dict[str, str]:
    if data["ended_on"] and data["completed_as_planned"] is None:
        return {"completed_as_planned": _("Say whether the participation ended as "
                                          "planned.")}
    if not data["ended_on"] and data["completed_as_planned"] is not None:
        return {"completed_as_planned": _("Answer this once the participation has "
                                          "ended: give its end.")}
    return {}


def supports(data: dict, last_day: date) -> dict[str, str]:
    """Each row: a kind and a day within the participation, no bar in its words."""
    found = {}
    for row in data["supports"]:
        def field(name, row=row):
            return SUPPORT_FIELD.format(row=row["row"], name=name)
        if not row["kind"]:
            found[field("kind")] = _("Give the kind of support.")
        for name in ("scope", "kind", "kind_detail"):
            if JOINER in row[name]:
                found[field(name)] = _("The sign | cannot be used here.")
        day = row["started_on"]
        if day is None:
            found[field("started_on")] = _("Give the day the support began.")
        elif not data["started_on"] <= day <= last_day:
            found[field("started_on")] = _("The support must begin within the "
                                           "participation (%(first)s–%(last)s).",
                                           first=data["started_on"].strftime("%d.%m.%Y"),
                                           last=last_day.strftime("%d.%m.%Y"))
    return found
