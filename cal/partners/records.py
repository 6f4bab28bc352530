"""How the audit log names the partners' records (cal.core.rooms.RecordKind): the
institution, a contact person and an entry of the cooperation log, each linked to the
partner's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from cal.partners.models import LogEntry, Partner, PartnerContact


def _of_partner(model, *columns):
    def rows(ids):
        return db.session.execute(select(model.id, model.partner_id,
                                         Partner.name.label("partner"), *columns)
                                  .join(Partner, Partner.id == model.partner_id)
                                  .where(model.id.in_(ids)))
    return rows


def _partner(row) -> int:
    return row.partner_id


RECORDS = [
    RecordKind("partner", _l("Partner institution"), describer(
        Partner, lambda p: p.name, "partners.partner", "partner_id")),
    RecordKind("partner_contact", _l("Contact person of a partner institution"), describer(
        _of_partner(PartnerContact, PartnerContact.first_name, PartnerContact.last_name),
        lambda r: f"{r.first_name} {r.last_name} ({r.partner})",
        "partners.partner", "partner_id", _partner)),
    RecordKind("partner_log", _l("Cooperation log"), describer(
        _of_partner(LogEntry, LogEntry.held_on), lambda r: f"{r.partner}, {r.held_on:%d.%m.%Y}",
        "partners.partner", "partner_id", _partner)),
]
