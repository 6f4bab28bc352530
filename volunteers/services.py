from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cal.extensions import db
from volunteers.models import Volunteer, VolunteerStatus


def count_by_status() -> dict[VolunteerStatus, int]:
    rows = db.session.execute(select(Volunteer.status, func.count()).group_by(Volunteer.status))
    counts = dict.fromkeys(VolunteerStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def list_volunteers(status: VolunteerStatus | None = None, limit: int = 100) -> list[Volunteer]:
    stmt = select(Volunteer).options(selectinload(Volunteer.district))
    if status is not None:
        stmt = stmt.where(Volunteer.status == status)
    stmt = stmt.order_by(Volunteer.last_name, Volunteer.first_name).limit(limit)
    return list(db.session.scalars(stmt))


def volunteer_of_user(user) -> Volunteer | None:
    return db.session.scalar(
        select(Volunteer).where(Volunteer.user_id == user.id).options(
            selectinload(Volunteer.district)
        )
    )
