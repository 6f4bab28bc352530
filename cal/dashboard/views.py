"""The start page of each role."""


from datetime import timedelta

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from cal.auth.models import User
from cal.core.access import Role, any_role
from cal.core.audit import AuditLog
from cal.core.offline import kept_offline
from cal.core.render import render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today, utcnow
from cal.dashboard import waiting
from cal.duties.start_page import start_page
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Household, Person
from cal.projects import indicators
from cal.projects import services as projects
from cal.projects.models import DEADLINE_KIND_LABELS, Project, ProjectStatus
from clubs import services as club_services
from volunteers.hours import services as hours
from volunteers.models import STATUS_LABELS
from volunteers.profiles import services as profiles
from volunteers.services import volunteer_of_user
from volunteers.training import services as training

bp = Blueprint("dashboard", __name__)
declare(bp, menu=[MenuEntry("dashboard.index", _l("Start"), 0)])


def _staff_context() -> dict:
    # count(*), which SQLite answers from the table's size (count(id) reads it); both
    # in one statement, one trip to the database.
    persons, households = db.session.execute(select(
        select(func.count()).select_from(Person).scalar_subquery(),
        select(func.count()).select_from(Household).scalar_subquery())).one()
    return {
        "volunteer_counts": profiles.count_by_status(),
        "status_labels": STATUS_LABELS,
        "person_count": persons,
        "household_count": households,
    }


def _admin_context() -> dict:
    return {
        "user_count": db.session.scalar(select(func.count()).select_from(User)),
        "denied_count": db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "denied")
        ),
        "rodo_due": rodo.requests_due(local_today()),
        **_staff_context(),
    }


def _volunteer_context() -> dict:
    volunteer = volunteer_of_user(current_user)
    today, now = local_today(), utcnow()
    trainings = (training.start_page_summary(volunteer, today, now) if volunteer else {})
    visits = hours.next_visits(volunteer, today) if volunteer else []
    return {"volunteer": volunteer, "status_labels": STATUS_LABELS, "trainings": trainings,
            "visits": visits, "today": today,
            "waiting": waiting.for_volunteer(volunteer, current_user, now) if volunteer else {}}


def _leader_context() -> dict:
    return {"today_sessions": club_services.sessions_on(current_user, local_today())}


def _project_manager_context() -> dict:
    mine = list(db.session.scalars(projects.visible_projects(current_user).where(
        Project.status != ProjectStatus.CLOSED).order_by(Project.ends_on)))
    today = local_today()
    return {"projects": mine, "overview": indicators.overview(mine), "today": today,
            "deadlines": projects.open_deadlines(today + timedelta(days=30), today),
            "deadline_kinds": DEADLINE_KIND_LABELS}


def _coordinator_context() -> dict:
    return {**_staff_context(), "work": waiting.for_coordinator(local_today(), utcnow())}


CONTEXT = {
    Role.LEADER: _leader_context,
    Role.ADMIN: _admin_context,
    Role.COORDINATOR: _coordinator_context,
    Role.VOLUNTEER: _volunteer_context,
    Role.PROJECT_MANAGER: _project_manager_context,
}


@bp.get("/")
@kept_offline
@any_role
def index():
    role = current_user.role
    context = CONTEXT.get(role, dict)()
    today = local_today()
    held = start_page(current_user, today, utcnow(), logs_hours=bool(
        context.get("volunteer")))
    if "waiting" in context and context["waiting"]:
        context["waiting"]["duties"] = held.unlogged
    return render_page(f"dashboard/{role.value}.html", my_duties=held.coming, today_date=today,
                       **context)
