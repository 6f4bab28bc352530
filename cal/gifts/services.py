"""The rules of the in-kind gifts register: who keeps it, a gift recorded or corrected
(never dated ahead, never of a negative value, linked to what it was used for), the
gifts of a year and their totals by year (one aggregate query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from cal.community.models import Event
from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.figures import within, year_of
from cal.core.timeutil import local_day_start_utc
from cal.extensions import db
from cal.gifts.models import USED_FOR_LABELS, Gift, UsedFor
from cal.people.models import Household
from clubs.models import Group

# The register names the families gifts went to: those who work with families keep it.
KEEPERS = (Role.ADMIN, Role.COORDINATOR)
FIELDS = ("received_on", "donor", "what", "quantity", "unit", "value_gr", "used_for",
          "event_id", "group_id", "household_id", "note")
LINKS = {UsedFor.EVENT: ("event_id", Event), UsedFor.GROUP: ("group_id", Group),
         UsedFor.HOUSEHOLD: ("household_id", Household)}


def _checked(data: dict, today: date) -> dict:
    errors = {}
    if data["received_on"] > today:
        errors["received_on"] = _("A gift cannot be recorded before it is received.")
    if data["value_gr"] is None or data["value_gr"] < 0:
        errors["value_gr"] = _("The estimated value cannot be negative.")
    if data["quantity"] is None or data["quantity"] < 1:
        errors["quantity"] = _("Enter a quantity of at least 1.")
    used_for = UsedFor(data["used_for"])
    linked = {name: None for name, _model in LINKS.values()}
    if used_for in LINKS:
        name, model = LINKS[used_for]
        record_id = data.get(name)
        if not record_id or db.session.get(model, record_id) is None:
            errors[name] = _("Choose what the gift was used for.")
        linked[name] = record_id
    if errors:
        raise DomainError.of(errors)
    return {**data, **linked, "used_for": used_for}


def save_gift(gift: Gift | None, data: dict, actor, today: date) -> Gift:
    """A gift recorded (``gift`` None) or corrected, and written to the audit log."""
    values = _checked({name: data.get(name) for name in FIELDS}, today)
    created = gift is None
    if created:
        gift = Gift(created_by_id=actor.id)
        db.session.add(gift)
    changed = [name for name in FIELDS if getattr(gift, name) != values[name]]
    for name in FIELDS:
        setattr(gift, name, values[name])
    db.session.flush()
    audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, "gift", gift.id,
          fields=[] if created else changed)
    return gift


def remove_gift(gift: Gift, actor) -> None:
    audit(actor, AuditAction.DELETE, "gift", gift.id,
          detail=f"{gift.received_on.isoformat()} {gift.donor}: {gift.what}, "
                 f"{gift.value_gr} gr"[:500])
    db.session.delete(gift)


def get(gift_id: int) -> Gift | None:
    return db.session.get(Gift, gift_id)


@dataclass(frozen=True)
class Listed:
    """A gift as lists show it, with the name of what it was used for."""

    gift: Gift
    event: str | None
    group: str | None
    household: str | None

    def used_for(self, named: bool = True) -> str:
        """What the gift went to in words; a family by its name only when ``named``
        (the funds page and the year's report say "a family")."""
        kind = self.gift.used_for
        name = {UsedFor.EVENT: self.event, UsedFor.GROUP: self.group,
                UsedFor.HOUSEHOLD: self.household if named else None}.get(kind)
        label = str(USED_FOR_LABELS[kind])
        return f"{label}: {name}" if name else label


def gifts_of_year(year: int) -> list[Listed]:
    """The gifts received in ``year``, newest first, with what they went to (one query)."""
    rows = db.session.execute(
        select(Gift, Event.title, Group.name, Household.name)
        .outerjoin(Event, Event.id == Gift.event_id)
        .outerjoin(Group, Group.id == Gift.group_id)
        .outerjoin(Household, Household.id == Gift.household_id)
        .where(Gift.received_on >= date(year, 1, 1), Gift.received_on <= date(year, 12, 31))
        .order_by(Gift.received_on.desc(), Gift.id.desc()))
    return [Listed(*row) for row in rows]


def totals_of_years(years: list[int]):
    """The statement of the gifts' totals by ``year``: how many, and their estimated
    value in grosze (the funds by source and the year's report share it)."""
    year = year_of(Gift.received_on)
    return (select(year.label("year"), func.count(Gift.id),
                   func.coalesce(func.sum(Gift.value_gr), 0))
            .where(*within(Gift.received_on, sorted(years))).group_by(year))


def totals_by_year(years: list[int]) -> dict[int, tuple[int, int]]:
    """For each of ``years`` that has gifts: (how many, their estimated value in
    grosze), counted by the database."""
    return {int(y): (int(count), int(value))
            for y, count, value in db.session.execute(totals_of_years(years))}


def event_choices(today: date) -> list[tuple[int, str]]:
    """Events of the last year and a half and those to come (a gift is recorded soon
    after the event it was for, or before it)."""
    since = local_day_start_utc(today - timedelta(days=548))
    return [(event_id, f"{title} ({starts:%d.%m.%Y})") for event_id, title, starts in
            db.session.execute(select(Event.id, Event.title, Event.starts_at)
                               .where(Event.starts_at >= since)
                               .order_by(Event.starts_at.desc()).limit(300))]


def group_choices() -> list[tuple[int, str]]:
    return [(group_id, name) for group_id, name in
            db.session.execute(select(Group.id, Group.name).order_by(Group.name))]


def household(household_id: int | None) -> Household | None:
    return db.session.get(Household, household_id) if household_id else None
