"""What every room of the volunteers reads of a volunteer: who they are, from an id or a
sign-in, their legal records, and the coordinators to tell of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cal.auth.models import User
from cal.core.access import Role
from cal.core.reach import Recipient
from cal.extensions import db
from volunteers.models import ComplianceRecord, Volunteer


def get_volunteer(volunteer_id: int) -> Volunteer | None:
    return db.session.scalar(
        select(Volunteer).where(Volunteer.id == volunteer_id)
        .options(selectinload(Volunteer.district), selectinload(Volunteer.user))
    )


def volunteer_of_user(user) -> Volunteer | None:
    return db.session.scalar(
        select(Volunteer).where(Volunteer.user_id == user.id)
        .options(joinedload(Volunteer.district))
    )


def coordinators_to_notify() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.COORDINATOR, User.active.is_(True))))


def records_of(volunteer: Volunteer) -> list[ComplianceRecord]:
    return list(db.session.scalars(
        select(ComplianceRecord).where(ComplianceRecord.volunteer_id == volunteer.id)
        .order_by(ComplianceRecord.done_on.desc(), ComplianceRecord.id.desc())))


def recipients(*conditions) -> list[Recipient]:
    """The volunteers meeting ``conditions`` as recipients of a message, by name (one
    query): told in the app and by e-mail; one without an active account of the platform
    is listed as not reached."""
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.first_name, Volunteer.last_name, User.id)
        .outerjoin(User, (User.id == Volunteer.user_id) & User.active.is_(True))
        .where(*conditions).order_by(Volunteer.last_name, Volunteer.first_name))
    return [Recipient(f"{first} {last}", user_id=user_id) if user_id is not None
            else Recipient(f"{first} {last}", book="volunteer", ref=volunteer_id)
            for volunteer_id, first, last, user_id in rows]
