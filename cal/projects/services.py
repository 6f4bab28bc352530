"""The rules of projects: who sees what, the project and what it covers, and its
deadlines. The budget, the indicators and the EU participants have modules of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, inspect, literal, or_, select, update
from sqlalchemy.orm import joinedload

from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.rooms import Together
from cal.extensions import db
from cal.projects.models import (
    Deadline,
    Project,
    ProjectStatus,
    project_courses,
    project_events,
    project_groups,
    project_partners,
)
from clubs.models import GroupLeader

MANAGERS = (Role.ADMIN, Role.PROJECT_MANAGER)
# Roles that see people by name (the others see counted records without names).
SEE_PEOPLE = (Role.ADMIN, Role.COORDINATOR)
# Roles whose links to groups and kinds of help hold at once, and who confirm those a
# project manager proposes (a link widens whose people the project reaches).
CONFIRMERS = (Role.ADMIN, Role.COORDINATOR)
DEADLINE_DAYS = (14, 7, 1)


# --- access -------------------------------------------------------------------------

def can_manage(user) -> bool:
    return user.role in MANAGERS


def may_change_manager(user, project: Project) -> bool:
    """Who may hand a project to another manager: an administrator, or its manager
    (anyone who manages projects, while it has none)."""
    return user.role == Role.ADMIN or project.manager_id in (None, user.id)


def can_see_participants(user, project: Project) -> bool:
    """The EU participant records: administrators and the project's own manager."""
    return user.role == Role.ADMIN or (project.manager_id is not None
                                       and project.manager_id == user.id)


def can_confirm_links(user) -> bool:
    return user.role in CONFIRMERS


def visible_projects(user):
    """A select of the projects the user may open: all for those who manage projects;
    for coordinators those linked to any activity (or proposed for one, to confirm);
    for leaders those confirmed for a group they lead; none for others."""
    query = select(Project)
    if can_manage(user):
        return query
    linked_group = select(project_groups.c.project_id)
    if user.role == Role.COORDINATOR:
        return query.where(or_(Project.id.in_(linked_group),
                               Project.id.in_(select(project_courses.c.project_id)),
                               Project.help_kinds != "", Project.proposed_help_kinds != ""))
    if user.role == Role.LEADER:
        return query.where(Project.id.in_(linked_group.where(
            project_groups.c.confirmed.is_(True),
            project_groups.c.group_id.in_(select(GroupLeader.group_id).where(
                GroupLeader.user_id == user.id)))))
    return query.where(literal(False))


def get_visible(user, project_id: int) -> Project | None:
    return db.session.execute(visible_projects(user).where(Project.id == project_id)
                              .options(joinedload(Project.manager),
                                       joinedload(Project.partners),
                                       joinedload(Project.proposed_groups))).unique().scalar()


# --- the project and its links --------------------------------------------------------

def save_project(project: Project | None, data: dict, group_ids: list[int],
                 course_ids: list[int], actor, event_ids: list[int] | None = None,
                 partner_ids: list[int] | None = None) -> Project:
    """A new project or the changes to one, with its linked groups, trainings and (when
    given) events and partner institutions. Groups and kinds of help a project manager
    adds are proposed, not linked, until a coordinator or an administrator confirms them
    (confirm_links): a link would widen whose people the project reaches."""
    shares = data["share_eu"] + data["share_national"] + data["share_own"]
    if shares and shares != 10000:
        raise DomainError(_("The shares of funding must add up to 100%."), field="share_own")
    if data["ends_on"] < data["starts_on"]:
        raise DomainError(_("The project cannot end before it starts."), field="ends_on")
    new = project is None
    handed = project is not None and project.manager_id != data.get("manager_id",
                                                                    project.manager_id)
    project = project or Project()
    held_kinds, held_groups = _confirmed_links(project)
    confirms = can_confirm_links(actor)
    data = {**data, **_kinds_after(data.get("help_kinds"), held_kinds, confirms)}
    for name, value in data.items():
        setattr(project, name, value)
    db.session.add(project)
    db.session.flush()
    db.session.execute(delete(project_groups).where(project_groups.c.project_id == project.id))
    if group_ids:
        db.session.execute(insert(project_groups), [
            {"project_id": project.id, "group_id": i, "confirmed": confirms or i in held_groups}
            for i in sorted(set(group_ids))])
    links = [(project_courses, "course_id", course_ids)]
    if event_ids is not None:
        links.append((project_events, "event_id", event_ids))
    if partner_ids is not None:
        links.append((project_partners, "partner_id", partner_ids))
    for table, column, ids in links:
        db.session.execute(delete(table).where(table.c.project_id == project.id))
        if ids:
            db.session.execute(insert(table), [{"project_id": project.id, column: i}
                                               for i in sorted(set(ids))])
    proposed = sorted(set(group_ids) - held_groups) if not confirms else []
    detail = "; ".join(filter(None, [
        f"manager: {project.manager_id}" if handed else "",
        f"proposed groups: {' '.join(map(str, proposed))}" if proposed else "",
        f"proposed kinds: {project.proposed_help_kinds}" if project.proposed_help_kinds
        else ""]))
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "project", project.id,
          fields=["manager_id"] if handed else [], detail=detail)
    return project


def _confirmed_links(project: Project) -> tuple[set[str], set[int]]:
    """The kinds of help and the groups a project is linked to for good (none for a new
    one)."""
    if project.id is None:
        return set(), set()
    return set(project.help_kinds.split()), set(db.session.scalars(
        select(project_groups.c.group_id).where(project_groups.c.project_id == project.id,
                                                project_groups.c.confirmed.is_(True))))


def _kinds_after(chosen: str | None, held: set[str], confirms: bool) -> dict:
    """The kinds of help linked and proposed once the form's choice is saved: those
    already linked stay linked, new ones are proposed unless the user confirms them."""
    if chosen is None:
        return {}
    wanted = set(chosen.split())
    linked = wanted if confirms else wanted & held
    return {"help_kinds": " ".join(sorted(linked)),
            "proposed_help_kinds": " ".join(sorted(wanted - linked))}


@dataclass
class ProposedLinks:
    """What a project manager linked and nobody has confirmed yet."""

    groups: list[str]
    kinds: list[str]

    def __bool__(self) -> bool:
        return bool(self.groups or self.kinds)


def proposed_links(project: Project) -> ProposedLinks:
    """The project's proposals (get_visible loads its proposed groups with it)."""
    if "proposed_groups" in inspect(project).unloaded:
        db.session.refresh(project, ["proposed_groups"])
    return ProposedLinks([g.name for g in project.proposed_groups],
                         project.proposed_help_kinds.split())


def awaiting_confirmation(projects: list[Project]) -> set[int]:
    """Which of these projects have links a project manager proposed (one query)."""
    ids = [p.id for p in projects]
    proposed = {p.id for p in projects if p.proposed_help_kinds}
    if not ids:
        return proposed
    return proposed | set(db.session.scalars(select(project_groups.c.project_id).where(
        project_groups.c.project_id.in_(ids), project_groups.c.confirmed.is_(False))))


def confirm_links(project: Project, actor) -> None:
    """A coordinator or an administrator confirms the groups and kinds of help a project
    manager linked: from now on the project counts and reaches their people."""
    if not can_confirm_links(actor):
        raise DomainError(_("Only a coordinator or an administrator confirms links."))
    links = proposed_links(project)
    if not links:
        raise DomainError(_("There is nothing to confirm."))
    db.session.execute(update(project_groups).where(project_groups.c.project_id == project.id)
                       .values(confirmed=True))
    project.help_kinds = " ".join(sorted({*project.help_kinds.split(), *links.kinds}))
    project.proposed_help_kinds = ""
    audit(actor, AuditAction.UPDATE, "project", project.id,
          fields=["groups", "help_kinds"],
          detail=f"confirmed: {', '.join([*links.groups, *links.kinds])}")


def linked_events(project: Project) -> list[int]:
    return list(db.session.scalars(select(project_events.c.event_id).where(
        project_events.c.project_id == project.id)))


def linked_partners(project: Project) -> list[int]:
    return list(db.session.scalars(select(project_partners.c.partner_id).where(
        project_partners.c.project_id == project.id)))


def partner_work(partner_id: int, user) -> list[Together]:
    """The projects made with a partner institution that ``user`` may open (its page lists
    them), by start."""
    return [Together(project.starts_on, _l("Project"), project.name,
                     url_for("projects.detail", project_id=project.id))
            for project in db.session.scalars(select(Project).join(
                project_partners, project_partners.c.project_id == Project.id).where(
                project_partners.c.partner_id == partner_id,
                Project.id.in_(visible_projects(user).with_only_columns(Project.id))))]


def linked_ids(project: Project) -> tuple[list[int], list[int]]:
    groups = list(db.session.scalars(select(project_groups.c.group_id).where(
        project_groups.c.project_id == project.id)))
    courses = list(db.session.scalars(select(project_courses.c.course_id).where(
        project_courses.c.project_id == project.id)))
    return groups, courses


# --- deadlines ---------------------------------------------------------------------------

def deadlines_of(project: Project) -> list[Deadline]:
    return list(db.session.scalars(select(Deadline).where(
        Deadline.project_id == project.id).order_by(Deadline.done_on.is_not(None),
                                                    Deadline.due_on)))


LATE_SHOWN = timedelta(days=60)


def open_deadlines(until: date, today: date, limit: int = 200) -> list[tuple[Deadline, Project]]:
    """Deadlines not yet met, due by `until` (and late by at most 60 days), of projects
    not closed, with their projects (one query)."""
    return [(deadline, project) for deadline, project in db.session.execute(
        select(Deadline, Project).join(Project, Project.id == Deadline.project_id)
        .where(Deadline.done_on.is_(None), Deadline.due_on <= until,
               Deadline.due_on >= today - LATE_SHOWN,
               Project.status != ProjectStatus.CLOSED)
        .order_by(Deadline.due_on, Deadline.id).limit(limit))]
