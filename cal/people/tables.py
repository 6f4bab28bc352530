"""The registers of people and households as files. The special-category notes are
columns only for the roles that may read them, and their export names them in the
audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.people.services import can_see_special


def _district(record) -> str:
    return record.district.name if record.district else ""


PEOPLE = Table("person", _l("People"), "osoby", columns=(
    Column(_l("Last name"), lambda p: p.last_name),
    Column(_l("First name"), lambda p: p.first_name),
    Column(_l("Date of birth"), lambda p: p.birth_date),
    Column(_l("District"), _district),
    Column(_l("Household"), lambda p: p.household.name if p.household else ""),
    Column(_l("Address"), lambda p: p.address),
    Column(_l("Phone"), lambda p: p.phone),
    Column(_l("E-mail"), lambda p: p.email),
    Column(_l("Health notes"), lambda p: p.health_notes, shown_to=can_see_special,
           fields=("health_notes",)),
    Column(_l("Disability notes"), lambda p: p.disability_notes, shown_to=can_see_special,
           fields=("disability_notes",)),
))

HOUSEHOLDS = Table("household", _l("Households"), "gospodarstwa", columns=(
    Column(_l("Household"), lambda h: h.name),
    Column(_l("District"), _district),
    Column(_l("Address"), lambda h: h.address),
    Column(_l("Phone"), lambda h: h.phone),
    Column(_l("Members"), lambda h: len(h.members)),
    Column(_l("Who"), lambda h: ", ".join(f"{m.last_name} {m.first_name}" for m in h.members)),
))
