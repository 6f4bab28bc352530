"""The audit log in words: what was done (read, recorded, changed, approved...), by whom
and to which record, named as the room that keeps it names it ("Volunteer hours: Anna
Nowak, 12.11.2026"), each with a link to its page. The rooms name their records through
the registry (cal.core.rooms.RecordKind); the core's own are named here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l

from cal.auth.models import User
from cal.core.rooms import RecordKind, describer, registry
from cal.notifications.models import Message
from cal.people.models import DataRequest, District, Household, Person
from cal.people.rodo_labels import ACTIONS, FIELDS

# What a change was, where its detail says more than "changed".
DETAILS = {
    "approved": _l("approved"), "rejected": _l("rejected"), "published": _l("published"),
    "cancelled": _l("cancelled"), "held": _l("marked as held"),
    "activated": _l("activated"), "checked": _l("marked as checked"),
}

CORE = [
    RecordKind("person", _l("Person"), describer(Person, lambda p: p.full_name,
                                                 "people.person_detail", "person_id")),
    RecordKind("contact_consent", _l("Consents to messages"), describer(
        Person, lambda p: p.full_name, "people.person_detail", "person_id")),
    RecordKind("household", _l("Household"), describer(
        Household, lambda h: h.name, "people.household_detail", "household_id")),
    RecordKind("user", _l("User account"), describer(
        User, lambda u: f"{u.full_name} ({u.email})", "auth.user_edit", "user_id")),
    RecordKind("district", _l("District"), describer(District, lambda d: d.name)),
    RecordKind("data_request", _l("RODO request"), describer(
        DataRequest, lambda r: str(_l("request no. %(num)d", num=r.id)), "rodo.data_request",
        "request_id")),
    RecordKind("message", _l("Message"), describer(
        Message, lambda m: m.audience_label, "messages.detail", "message_id")),
    RecordKind("retention_rule", _l("Retention periods")),
    RecordKind("endpoint", _l("Page")),
]


@dataclass(frozen=True)
class Line:
    """One row of the log as the administrator reads it."""

    at: datetime
    who: str
    who_url: str | None
    what: str
    kind: str
    record: str
    record_url: str | None
    fields: str
    detail: str
    ip: str


def kinds() -> dict[str, RecordKind]:
    return {**{kind.entity: kind for kind in CORE}, **registry().records}


def _what(row) -> str:
    detail = DETAILS.get(row.detail)
    return str(detail if detail is not None else ACTIONS.get(row.action, row.action))


def lines(rows) -> list[Line]:
    """The rows in words, each record kind's records read at once (a query per kind)."""
    known = kinds()
    ids: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.entity_id is not None:
            ids[row.entity].add(row.entity_id)
    found: dict[str, dict[int, tuple[str, str | None]]] = {}
    for entity, wanted in ids.items():
        kind = known.get(entity)
        found[entity] = kind.describe(sorted(wanted)) if kind and kind.describe else {}
    made = []
    for row in rows:
        kind = known.get(row.entity)
        words, url = found.get(row.entity, {}).get(row.entity_id, ("", None))
        if not words and row.entity_id is not None:
            words = str(_l("no. %(num)d (no longer kept)", num=row.entity_id)
                        if kind and kind.describe else _l("no. %(num)d", num=row.entity_id))
        fields = ", ".join(str(FIELDS.get(name, name)) for name in row.fields.split(",") if name)
        made.append(Line(
            at=row.at, who=row.user.full_name if row.user else str(_l("the system")),
            who_url=url_for("people.audit_log", user_id=row.user_id) if row.user else None,
            what=_what(row), kind=str(kind.label) if kind else row.entity, record=words,
            record_url=url, fields=fields,
            detail="" if row.detail in DETAILS else row.detail, ip=row.ip))
    return made
