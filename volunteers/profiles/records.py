"""How the audit log names the volunteers' records (cal.core.rooms.RecordKind): the
volunteer, their legal records, the documents issued and the scans of signed papers,
each linked to the volunteer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from volunteers.models import ComplianceRecord, Volunteer, VolunteerDocument, VolunteerScan


def _of_volunteer(model):
    """Rows of a table with a volunteer_id, with the volunteer's name."""
    def rows(ids):
        return db.session.execute(select(
            model.id, Volunteer.id.label("volunteer_id"), Volunteer.first_name,
            Volunteer.last_name).join(Volunteer, Volunteer.id == model.volunteer_id)
            .where(model.id.in_(ids)))
    return rows


def _name(row) -> str:
    return f"{row.first_name} {row.last_name}"


def _link(row) -> int:
    return row.volunteer_id


RECORDS = [
    RecordKind("volunteer", _l("Volunteer"), describer(
        Volunteer, _name, "volunteers.detail", "volunteer_id")),
    RecordKind("volunteer_compliance", _l("Volunteer's legal records"), describer(
        Volunteer, _name, "volunteers.detail", "volunteer_id")),
    RecordKind("compliance_record", _l("Agreement, check or consent"), describer(
        _of_volunteer(ComplianceRecord), _name, "volunteers.detail", "volunteer_id", _link)),
    RecordKind("volunteer_document", _l("Document issued"), describer(
        _of_volunteer(VolunteerDocument), _name, "volunteers.detail", "volunteer_id", _link)),
    RecordKind("volunteer_scan", _l("Scan of a signed paper"), describer(
        _of_volunteer(VolunteerScan), _name, "volunteers.detail", "volunteer_id", _link)),
]
