"""The register of partners as a file: the list as it is filtered, with the contact
people's work data (their notes stay in the register)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.partners import services
from cal.partners.models import PARTNER_KIND_LABELS, Partner, PartnerContact


@dataclass(frozen=True)
class Listed:
    partner: Partner
    contacts: list[PartnerContact]


def listed(partners: list[Partner]) -> list[Listed]:
    """The partners with their contact people (one query for all)."""
    contacts = services.contacts_of([p.id for p in partners])
    return [Listed(p, contacts[p.id]) for p in partners]


def _contacts(row: Listed) -> str:
    return "; ".join(", ".join(text for text in (c.full_name, c.position, c.phone, c.email)
                               if text) for c in row.contacts)


PARTNERS = Table("partner", _l("Partners"), "partnerzy", taken_by=services.reads_log, columns=(
    Column(_l("Name of the institution"), lambda r: r.partner.name),
    Column(_l("Kind"), lambda r: PARTNER_KIND_LABELS[r.partner.kind]),
    Column(_l("Address"), lambda r: r.partner.address),
    Column(_l("Phone"), lambda r: r.partner.phone),
    Column(_l("E-mail"), lambda r: r.partner.email),
    Column(_l("Website"), lambda r: r.partner.website),
    Column(_l("Agreement from"), lambda r: r.partner.agreement_from),
    Column(_l("Agreement until"), lambda r: r.partner.agreement_until),
    Column(_l("Agreement"), lambda r: r.partner.agreement_note),
    Column(_l("Active"), lambda r: _l("yes") if r.partner.active else _l("no")),
    Column(_l("Contact people"), _contacts),
))
