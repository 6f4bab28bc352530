"""What a group's members are told when a session is cancelled or moved: through the
outbox, on the channel each can be reached on (cal.core.reach), in Polish. The text
names no group (a support group's name can say more than a member wants told): the day,
the hour, and the reason the leader gave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from cal.core.reach import Recipient
from cal.core.timeutil import to_local
from cal.notifications.delivery import contacts_of
from cal.notifications.outbox import channel_for, tell_contact
from cal.people.contacts import recipients
from cal.people.models import Person
from clubs.models import GroupSession, Membership, MemberStatus


@dataclass
class Told:
    reached: int = 0
    not_reached: list[str] = field(default_factory=list)


def members(group_id: int | None) -> list[Recipient]:
    return recipients(Person.id.in_(select(Membership.person_id).where(
        Membership.group_id == group_id, Membership.status == MemberStatus.ACTIVE)))


def tell_moved_up(membership: Membership) -> bool:
    """Tell a person their place came free from the waiting list (whether they could be)."""
    contact = contacts_of("person", [membership.person_id]).get(membership.person_id)
    name = contact.first_name if contact else ""
    day = membership.joined_on.strftime("%d.%m") if membership.joined_on else ""
    return tell_contact(
        "person", membership.person_id, "place_freed", f"membership:{membership.id}",
        _("A place for you in the classes"),
        _("%(name)s, a place has come free in the classes you waited for: you are welcome "
          "from %(day)s.", name=name, day=day), contact=contact) is not None


def _when(moment: datetime) -> str:
    return to_local(moment).strftime("%d.%m o %H:%M")


def tell_members(session: GroupSession, kind: str, was: datetime | None = None) -> Told:
    """Tell every active member that ``session`` is cancelled (kind "session_cancelled")
    or moved from ``was`` ("session_moved"); returns who was reached and who not."""
    told = Told()
    recipients = members(session.group_id)
    contacts = contacts_of("person", [r.ref for r in recipients])
    for recipient in recipients:
        contact = contacts.get(recipient.ref)
        name = contact.first_name if contact else ""
        if kind == "session_cancelled":
            title = _("Cancelled: the class of %(when)s", when=_when(session.starts_at))
            body = _("%(name)s, the class of %(when)s is cancelled. Reason: %(reason)s",
                     name=name, when=_when(session.starts_at), reason=session.cancel_reason)
        else:
            title = _("Moved: the class of %(when)s", when=_when(was or session.planned_at))
            body = _("%(name)s, the class of %(was)s is moved to %(when)s.", name=name,
                     was=_when(was or session.planned_at), when=_when(session.starts_at))
        moved_from = f"{was:%Y%m%d%H%M}-" if was is not None else ""
        reachable, why = channel_for(contact)
        if reachable is None:
            told.not_reached.append(f"{recipient.name} ({'; '.join(why)})")
            continue
        channel = tell_contact("person", recipient.ref, kind,
                               f"session:{session.id}:{moved_from}{session.starts_at:%Y%m%d%H%M}",
                               title, body, contact=contact)
        if channel is None:
            told.not_reached.append(recipient.name)
        else:
            told.reached += 1
    return told
