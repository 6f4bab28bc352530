"""What the groups' pages share: who runs groups and who manages them, the labels of
every choice, a group or a session as the signed-in user may open it, and the group's
and the session's page, which the room's two blueprints both answer with."""

from __future__ import annotations

from flask_login import current_user

from cal.core.access import Role
from cal.core.http import found
from cal.core.render import render_page
from cal.core.timeutil import local_day_start_utc, local_today, to_local
from cal.extensions import db
from cal.people import services as people
from clubs import attendance, services, tables
from clubs.forms import EnrolForm, LogForm, MoveForm, NewcomerForm
from clubs.models import (
    ASKED_EFFECTS,
    END_EFFECT_LABELS,
    GROUP_KIND_LABELS,
    MARK_LABELS,
    MEMBER_STATUS_LABELS,
    NEXT_MARK,
    TARGET_GROUP_LABELS,
    Membership,
    MemberStatus,
    Programme,
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


def membership_or_404(membership_id: int):
    """A membership and its group, when the signed-in user may run the group."""
    membership = found(db.session.get(Membership, membership_id))
    return membership, group_or_404(membership.group_id)


def render_group(group, error: str = "", code: int = 200, enrol_form=None):
    """The group's page: its members, those waiting, its coming sessions."""
    members = services.members_of(group)
    today = local_today()
    return render_page(
        "clubs/group.html", status=code, group=group, slots=services.slots_of(group),
        leaders=services.leaders_of(group),
        active=[m for m in members if m.status == MemberStatus.ACTIVE],
        waiting=[m for m in members if m.status == MemberStatus.WAITING],
        sessions=services.sessions_of(group, local_day_start_utc(today)),
        ended=[m for m in services.members_of(group, (MemberStatus.ENDED,))
               if m.joined_on][-20:],
        see_special=people.can_see_special(current_user),
        exports=tables.takes_files(current_user),
        can_manage=services.sees_all(current_user), kis=group.programme == Programme.KIS,
        enrol_form=enrol_form or EnrolForm(), error=error, to_local=to_local, today=today,
        **LABELS)


def render_session(session, error: str = "", code: int = 200, newcomer=None,
                   candidates=()):
    """The session's page: the attendance list, the door, the log."""
    today = local_today()
    rows = attendance.rows_of(session)
    return render_page(
        "clubs/session.html", status=code, session=session, group=session.group, rows=rows,
        unmarked=sum(1 for r in rows if r.mark is None),
        can_mark=services.may_mark(current_user, session, today),
        log_form=LogForm(obj=session), newcomer=newcomer or NewcomerForm(formdata=None),
        move_form=MoveForm(formdata=None, data={
            "day": to_local(session.starts_at).date(),
            "starts": to_local(session.starts_at).time().replace(tzinfo=None),
            "ends": to_local(session.ends_at).time().replace(tzinfo=None)}),
        can_change=services.may_change(current_user, session, today),
        history=attendance.history_of(session) if services.sees_all(current_user) else [],
        names=attendance.names_of(rows),
        candidates=candidates, error=error, starts=to_local(session.starts_at),
        ends=to_local(session.ends_at), can_manage=services.sees_all(current_user), **LABELS)
