"""A participant's record as the form gives it to the service, valid unless changed:
a PESEL agreeing with the birth date and the sex, an address in a Polish town."""

from __future__ import annotations

from datetime import date
from itertools import count

from cal.core import pesel
from cal.projects.participant_models import (
    Answer,
    Citizenship,
    Degurba,
    Education,
    LabourStatus,
    Sex,
)

SERIALS = count(1)  # a PESEL of its own for each record


def participant_data(birth: date | None, sex: Sex = Sex.FEMALE,
                     start: date = date(2026, 3, 15), **changes) -> dict:
    code = pesel.compose(birth, sex != Sex.MALE, next(SERIALS)) if birth else ""
    return {"sex": sex, "identifier": code, "no_pesel": not code,
            "citizenship": Citizenship.POLISH, "country": "Polska",
            "voivodeship": "mazowieckie", "powiat": "Siedlce", "gmina": "Siedlce",
            "locality": "Siedlce", "postcode": "08-110", "degurba": Degurba.TOWN,
            "started_on": start, "ended_on": None, "completed_as_planned": None,
            "education": Education.ISCED_3, "labour_status": LabourStatus.INACTIVE,
            "labour_detail": None, "disability": Answer.NO, "foreign_background": Answer.NO,
            "minority": Answer.NO, "homeless": Answer.NO, "exit_situation": None,
            "supports": [], **changes}
