"""The senior centre's demo data (cal/core/rooms.py): a card for every member of its
groups, with an emergency contact."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cal.commands.demo import FEMALE, Demo, phone
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.extensions import db
from clubs import services as clubs
from clubs.models import Group, GroupKind
from seniors import services as centre


def seed(demo: Demo) -> None:
    rng, coordinator = demo.rng, demo.users[Role.COORDINATOR]
    joined = demo.today - timedelta(days=28)  # when the groups' members joined
    for group in db.session.scalars(select(Group).where(
            Group.kind == GroupKind.SENIOR_CLASS).order_by(Group.id)):
        for membership in clubs.members_of(group):
            if centre.member_of(membership.person) is None:
                contact = f"{rng.choice(FEMALE)} {membership.person.last_name}"
                centre.register(membership.person, {
                    "joined_on": joined,
                    "emergency_name": contact, "emergency_phone": phone(rng)}, coordinator)


SEED = DemoSeed("seniors", seed, 25)
