"""RODO for one data subject (a Person or a Volunteer): everything stored about them, as
an export, and the erasure that anonymises it where the records themselves must stay
(hours, attendance and project counts).

What belongs to a subject is found from the schema, not listed by hand: every table with
a foreign key to the subject's table (and, for a volunteer, every table owned by their
account through ``user_id``), and the matches of a person's help requests. A table added
later is exported and scrubbed without a change here; tests/people/test_rodo.py checks
that each has its labels."""

from __future__ import annotations

import enum
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from secrets import token_hex

from flask_babel import gettext as _
from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import selectinload

from cal.auth.models import User, UserToken
from cal.auth.passwords import hash_password
from cal.core.audit import AuditAction, AuditLog, audit
from cal.core.errors import DomainError
from cal.core.labels import value_label
from cal.core.rooms import PersonalData, registry
from cal.core.text import fold
from cal.core.timeutil import add_months, local_today, to_local, utcnow
from cal.extensions import db
from cal.notifications.models import CalendarFeed, Notification, NotificationSettings
from cal.people.merge import merged_ids
from cal.people.models import (
    DataRequest,
    DataRequestStatus,
    Household,
    Person,
    RequestKind,
    SubjectKind,
)

# Never shown, even to the subject: secrets and what only the software reads.
HIDDEN = {"password_hash", "token_hash", "application_key", "key", "dedup_key", "pdf", "content",
          "search_name", "session_version", "attempts", "claimed_at", "last_error",
          "availability", "slots", "may_double", "version"}
# Free text that may name or describe the subject: emptied by the erasure everywhere.
FREE_TEXT = {"notes", "note", "goal", "scope", "place", "terms", "checked_by", "body",
             "close_reason", "end_reason", "reject_reason", "answer_note", "reason",
             "referred_by", "contract_ref", "emergency_name", "emergency_phone",
             "health_notes", "disability_notes", "phone", "email", "address", "detail",
             "title", "url", "heard_from", "cancel_reason"}
# Tables an account owns through user_id, left out: stored form keys say nothing.
NOT_OWNED = {"form_submissions", "volunteers"}
# Handled one by one below: a household may have other members, an account's e-mail is
# unique, and the audit log is the centre's own record of what was done.
NOT_SCRUBBED = {"households", "users", "audit_log"}
ANONYMOUS_FIRST_NAME = "Osoba"


@dataclass
class Subject:
    kind: SubjectKind
    record: object  # Person, Volunteer or another room's subject (PersonalData.subjects)
    sections: dict[str, list[dict]] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)  # table -> ids of rows found
    # table -> ids of the rows shared with others (PersonalData.shared): shown, not blanked
    shared: dict[str, list[int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.record.full_name


def _parts() -> list[PersonalData]:
    """Every room's part of the personal data (cal/core/rooms.py)."""
    return registry().personal_data


def subject_record(kind: SubjectKind, subject_id: int):
    """A person, or the record of another kind of subject, from the room that keeps it."""
    kind = SubjectKind(kind)
    models = {name: model for part in _parts() for name, model in part.subjects.items()}
    model = Person if kind == SubjectKind.PERSON else models[kind.value]
    return db.session.get(model, subject_id)


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _referring(table_name: str, column: str | None = None) -> list[tuple[Table, object]]:
    """(table, its column) of every foreign key pointing at ``table_name`` (by ``column``)."""
    found = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == table_name and (column is None
                                                       or key.parent.name == column):
                found.append((table, key.parent))
    return found


def rows(table: Table, column, ids: list[int]) -> list[dict]:
    """The rows of ``table`` whose ``column`` is one of ``ids``, as dicts, by id."""
    if not ids:
        return []
    result = db.session.execute(select(table).where(column.in_(ids)).order_by(table.c[
        next(iter(table.primary_key.columns)).name]))
    return [dict(row._mapping) for row in result]


def gather(kind: SubjectKind, subject_id: int) -> Subject | None:
    """The subject's own row and every row that refers to it (see the module's note)."""
    record = subject_record(kind, subject_id)
    if record is None:
        return None
    subject = Subject(SubjectKind(kind), record)
    own = record.__table__
    _add(subject, own.name, rows(own, own.c.id, [record.id]))
    for table, column in _referring(own.name):
        _add(subject, table.name, rows(table, column, [record.id]))
    for part in _parts():
        for name, found in part.related(subject) if part.related else ():
            _add(subject, name, found)
    for part in _parts():
        for name, found in part.shared(subject) if part.shared else ():
            _add(subject, name, found, shared=True)
    if subject.kind == SubjectKind.PERSON:
        if record.household_id:
            households = _table("households")
            _add(subject, "households", rows(households, households.c.id,
                                              [record.household_id]))
    elif getattr(record, "user_id", None):
        users = _table("users")
        _add(subject, "users", rows(users, users.c.id, [record.user_id]))
        for table, column in _referring("users", "user_id"):
            if table.name not in NOT_OWNED:
                _add(subject, table.name, rows(table, column, [record.user_id]))
    return subject


def _add(subject: Subject, name: str, rows: list[dict], shared: bool = False) -> None:
    if rows:
        subject.sections.setdefault(name, []).extend(rows)
        ids = subject.shared if shared else subject.ids
        ids.setdefault(name, []).extend(row["id"] for row in rows if "id" in row)


def last_of_household(subject: Subject) -> bool:
    """Whether no one of the person's household is left unerased beside them (then what
    the household shares is theirs alone)."""
    household_id = getattr(subject.record, "household_id", None)
    if household_id is None:
        household_id = (subject.sections.get("persons") or [{}])[0].get("household_id")
    if subject.kind != SubjectKind.PERSON or household_id is None:
        return False
    return db.session.scalar(select(Person.id).where(
        Person.household_id == household_id, Person.id != subject.record.id,
        Person.anonymised_at.is_(None)).limit(1)) is None


def _shown(value):
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def _printed(value):
    """A value as the printed answer writes it: Polish dates, an enum's words."""
    if isinstance(value, datetime):
        return to_local(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, enum.Enum):
        return value_label(value) or value.value
    return value


def export_data(subject: Subject, centre: str, printed: bool = False) -> dict:
    """What the subject receives (art. 15): their rows, without secrets, and the log of
    what the centre's staff did with their record. ``printed``: the values as the PDF
    writes them (the JSON keeps the codes and ISO dates, for a machine to read)."""
    show = _printed if printed else _shown
    sections = {name: [{column: show(value) for column, value in row.items()
                        if column not in HIDDEN} for row in rows]
                for name, rows in subject.sections.items()}
    ids = [subject.record.id]
    if subject.kind == SubjectKind.PERSON:  # and the records joined into the person's
        ids += merged_ids(subject.record.id)
    log = db.session.scalars(select(AuditLog).where(
        AuditLog.entity == subject.kind.value, AuditLog.entity_id.in_(ids))
        .order_by(AuditLog.at))
    sections["audit_log"] = [{"at": _shown(e.at), "action": e.action, "fields": e.fields}
                             for e in log]
    return {"controller": centre, "subject": subject.kind.value, "id": subject.record.id,
            "exported_at": show(utcnow()), "sections": sections}


def export_files(subject: Subject) -> list[tuple[str, bytes]]:
    """The subject's files (the scans of the papers they signed), as each room keeps
    them: (name, content), for the export's archive beside the JSON."""
    return [(f"{part.name}/{name}", content) for part in _parts() if part.files
            for name, content in part.files(subject)]


def export_archive(data: dict, files: list[tuple[str, bytes]]) -> bytes:
    """The export as a ZIP: the data as JSON, and the subject's files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dane.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, content in files:
            archive.writestr(f"pliki/{name}", content)
    return out.getvalue()


def log_by_month(entries: list[dict], actions: dict, fields: dict) -> list[dict]:
    """The log of what the staff did, for the PDF: a row per month and action (in the
    order of ``actions``), with how many times and which fields (by their names in
    ``fields``), newest month first. The JSON keeps every entry; a record read daily for
    years would otherwise make a PDF of hundreds of pages."""
    order = {action: n for n, action in enumerate(actions)}
    months: dict[tuple[str, str], dict] = {}
    for entry in entries:
        key = (entry["at"][:7], entry["action"])
        row = months.setdefault(key, {"month": key[0], "action": actions.get(key[1], key[1]),
                                      "times": 0, "fields": set()})
        row["times"] += 1
        row["fields"].update(f for f in (entry["fields"] or "").split(",") if f)
    ordered = sorted(months, key=lambda key: (key[0], -order.get(key[1], len(order))),
                     reverse=True)
    return [{**months[key], "fields": ", ".join(sorted(
                str(fields.get(f, f)) for f in months[key]["fields"]))} for key in ordered]


def record_export(subject: Subject, actor, request_id: int, file_format: str) -> None:
    audit(actor, AuditAction.EXPORT, subject.kind.value, subject.record.id,
          detail=f"RODO request {request_id}: {file_format}")


# Erasure ---------------------------------------------------------------------------------

def erasure_blockers(subject: Subject, held_projects: dict[int, date | None]) -> list[str]:
    """What must end before the subject can be anonymised, as each room sees it;
    ``held_projects`` maps the projects whose records are still kept to the day they may
    go (None: no period set)."""
    return [text for part in _parts() if part.blockers
            for text in part.blockers(subject, held_projects)]


def anonymise(subject: Subject, actor, why: str, held_projects: dict[int, date | None]):
    """Erase the subject's personal data and keep the rows the counts are made of.
    Refused with the blockers when something must end first."""
    blockers = erasure_blockers(subject, held_projects)
    if blockers:
        raise DomainError(" ".join(blockers))
    record, now = subject.record, utcnow()
    for name, ids in subject.ids.items():
        if name not in NOT_SCRUBBED:
            blank_free_text(name, ids)
    _anonymise_record(record, now)
    if subject.kind == SubjectKind.PERSON:
        _anonymise_household(record)
    if getattr(record, "user_id", None):
        _close_account(record)
    for part in _parts():
        if part.anonymise:
            part.anonymise(subject, now)
    db.session.flush()
    audit(actor, AuditAction.UPDATE, subject.kind.value, record.id, fields=["anonymised_at"],
          detail=f"anonymised: {why}"[:500])


def blank_free_text(name: str, ids: list[int]) -> None:
    """Empty the free text (FREE_TEXT) of these rows of the table ``name``."""
    table = _table(name)
    blank: dict = dict.fromkeys(FREE_TEXT & set(table.c.keys()), "")
    if blank and ids:
        if "version" in table.c:  # a form opened before must not write the text back
            blank["version"] = table.c.version + 1
        db.session.execute(update(table).where(table.c.id.in_(ids)).values(**blank))


def _anonymise_record(record, now: datetime) -> None:
    db.session.refresh(record)  # the bulk updates above changed its row
    record.first_name, record.last_name = ANONYMOUS_FIRST_NAME, f"#{record.id}"
    if hasattr(record, "search_name"):
        record.search_name = fold(record.full_name)
    if getattr(record, "birth_date", None):  # the year stays for the age groups of reports
        record.birth_date = date(record.birth_date.year, 7, 1)
    record.anonymised_at = now


def _anonymise_household(person: Person) -> None:
    """The person leaves their household; a household left with no one is blanked."""
    household_id, person.household_id = person.household_id, None
    if household_id:
        others = db.session.scalar(select(Person.id).where(
            Person.household_id == household_id, Person.id != person.id,
            Person.anonymised_at.is_(None)).limit(1))
        if others is None:
            household = db.session.get(Household, household_id)
            household.name = household.search_name = f"#{household.id}"
            household.address = household.phone = household.notes = ""


def _close_account(record) -> None:
    """The subject's account, if they have one: closed for good, named as the record
    now is, and what it owns of the notifications and calendar deleted."""
    user = db.session.get(User, record.user_id)
    user.full_name, user.email = record.full_name, f"anonymised-{user.id}@invalid"
    user.active, user.password_hash = False, hash_password(token_hex(16))
    user.session_version += 1
    for model in (UserToken, CalendarFeed, Notification, NotificationSettings):
        for row in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(row)


# Requests --------------------------------------------------------------------------------

ANSWER_MONTHS = 1  # art. 12(3): within a month of receipt...
EXTENDED_MONTHS = 3  # ...extendable by two more months, with the reason told


def open_request(subject: Subject, data: dict, actor) -> DataRequest:
    """Log a request as received (on paper or in person, identity checked)."""
    if data["received_on"] > local_today():
        raise DomainError(_("The request cannot be received in the future."),
                          field="received_on")
    request = DataRequest(
        subject_kind=subject.kind, subject_id=subject.record.id, subject_name=subject.name,
        kind=RequestKind(data["kind"]), received_on=data["received_on"],
        due_on=add_months(data["received_on"], ANSWER_MONTHS),
        identity_check=data["identity_check"], details=data.get("details") or "",
        created_by_id=getattr(actor, "id", None))
    db.session.add(request)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "data_request", request.id,
          detail=f"{request.kind.value} {subject.kind.value} {subject.record.id}")
    return request


def extend_request(request: DataRequest, reason: str, actor) -> None:
    if request.status != DataRequestStatus.OPEN:
        raise DomainError(_("The RODO request is closed."), field="reason")
    if request.extension_reason:
        raise DomainError(_("The deadline was extended already: three months from receipt "
                            "is the longest the law allows."), field="reason")
    request.extension_reason = reason
    request.due_on = add_months(request.received_on, EXTENDED_MONTHS)
    audit(actor, AuditAction.UPDATE, "data_request", request.id, fields=["due_on"])


def close_request(request: DataRequest, status: DataRequestStatus, outcome: str, actor) -> None:
    if request.status != DataRequestStatus.OPEN:
        raise DomainError(_("The RODO request is closed."), field="outcome")
    request.status, request.outcome = DataRequestStatus(status), outcome
    request.handled_at, request.handled_by_id = utcnow(), getattr(actor, "id", None)
    audit(actor, AuditAction.UPDATE, "data_request", request.id, fields=["status"],
          detail=request.status.value)


def list_data_requests(limit: int = 200) -> list[DataRequest]:
    """Open requests by deadline, then the handled ones, the latest first."""
    return list(db.session.scalars(
        select(DataRequest).options(selectinload(DataRequest.handled_by)).order_by(
            (DataRequest.status != DataRequestStatus.OPEN), DataRequest.due_on,
            DataRequest.handled_at.desc(), DataRequest.id.desc()).limit(limit)))


def requests_due(today: date, within_days: int = 7) -> tuple[int, int]:
    """(open requests overdue, open requests due within ``within_days``), in one query."""
    overdue, soon = db.session.execute(
        select(func.count().filter(DataRequest.due_on < today),
               func.count().filter(DataRequest.due_on >= today))
        .where(DataRequest.status == DataRequestStatus.OPEN,
               DataRequest.due_on <= today + timedelta(days=within_days))).one()
    return overdue, soon
