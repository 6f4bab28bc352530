"""Whom a group's leaders can write to: the group's members (cal.core.reach)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.reach import Audience
from cal.extensions import db
from clubs import notices
from clubs.models import Group
from clubs.services import groups_for, led_group_ids, sees_all


def _groups(user) -> list[tuple[int, str]]:
    return [(group.id, group.name) for group in groups_for(user)]


def _may(user, ref: int | None) -> bool:
    if ref is None or db.session.get(Group, ref) is None:
        return False
    return sees_all(user) or ref in led_group_ids(user)


def _label(ref: int | None) -> str:
    group = db.session.get(Group, ref) if ref else None
    return group.name if group is not None else ""


AUDIENCES = [Audience("group", _l("A group's members"), _groups, _may, notices.members, _label,
                      position=10)]
