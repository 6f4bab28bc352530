"""What the register holds about people (cal/core/rooms.py, RODO): the contact people of
partner institutions, with their work phone and e-mail. They are data subjects of their
own (``partner_contact``): an administrator logs their request, exports what is kept
(their row and what the staff did with it) and erases it, as for anyone else.

Retention needs no period: a person is kept while they are the partner's contact, and
removing them from the partner's page deletes their row at once (services.remove_contact);
a partner the centre stopped working with keeps its contacts only as long as the
register keeps the partner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from cal.core.rooms import PersonalData
from cal.extensions import db
from cal.partners.models import PartnerContact
from cal.people.models import SubjectKind


def anonymise(subject, _now: datetime) -> None:
    """Beyond the name and contact data the erasure blanks: the position, which with the
    partner's name would still point at the person."""
    if subject.kind == SubjectKind.PARTNER_CONTACT:
        db.session.execute(update(PartnerContact).where(
            PartnerContact.id == subject.record.id).values(position=""))


PART = PersonalData("partners", subjects={SubjectKind.PARTNER_CONTACT.value: PartnerContact},
                    anonymise=anonymise)
