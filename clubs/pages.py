"""What the groups' pages share: who runs groups and who manages them, the labels of
every choice, and a group or a session as the signed-in user may open it."""

from __future__ import annotations

from flask_login import current_user

from cal.core.access import Role
from cal.core.http import found
from clubs import services
from clubs.models import (
    ASKED_EFFECTS,
    END_EFFECT_LABELS,
    GROUP_KIND_LABELS,
    MARK_LABELS,
    MEMBER_STATUS_LABELS,
    NEXT_MARK,
    TARGET_GROUP_LABELS,
)
from volunteers.availability import DAY_NAMES

STAFF = (Role.ADMIN, Role.COORDINATOR)
# Who may open the groups they run: leaders, and volunteers who co-lead a group.
RUNNERS = (Role.ADMIN, Role.COORDINATOR, Role.LEADER, Role.VOLUNTEER)
LABELS = {"group_kinds": GROUP_KIND_LABELS, "marks": MARK_LABELS, "next_mark": NEXT_MARK,
          "member_statuses": MEMBER_STATUS_LABELS, "target_groups": TARGET_GROUP_LABELS,
          "day_names": DAY_NAMES, "end_effects": END_EFFECT_LABELS,
          "asked_effects": ASKED_EFFECTS}


def group_or_404(group_id: int):
    return found(services.group_for(current_user, group_id))


def session_or_404(session_id: int):
    return found(services.session_for(current_user, session_id))
