"""What the projects' pages share: who manages and who reads, the labels of every
choice, and a project (or one of its records) as the signed-in user may see it."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from cal.core.access import Role
from cal.core.http import found
from cal.extensions import db
from cal.projects import services
from cal.projects.models import (
    DEADLINE_KIND_LABELS,
    DELIVERABLE_STATUS_LABELS,
    FUNDER_LABELS,
    PROJECT_STATUS_LABELS,
    SETTLEMENT_LABELS,
    SOURCE_LABELS,
    Project,
)
from cal.projects.participant_models import (
    ANSWER_LABELS,
    CITIZENSHIP_LABELS,
    DEGURBA_LABELS,
    EDUCATION_LABELS,
    EXIT_LABELS,
    LABOUR_DETAIL_LABELS,
    LABOUR_STATUS_LABELS,
    SEX_LABELS,
)
from volunteers.models import HELP_KIND_LABELS

MANAGERS = services.MANAGERS
CONFIRMERS = services.CONFIRMERS
READERS = (Role.ADMIN, Role.PROJECT_MANAGER, Role.COORDINATOR, Role.LEADER)
LABELS = {"funders": FUNDER_LABELS, "statuses": PROJECT_STATUS_LABELS,
          "settlements": SETTLEMENT_LABELS, "sources": SOURCE_LABELS,
          "deadline_kinds": DEADLINE_KIND_LABELS, "deliverable_statuses": DELIVERABLE_STATUS_LABELS,
          "sex": SEX_LABELS, "education": EDUCATION_LABELS, "labour": LABOUR_STATUS_LABELS,
          "answer": ANSWER_LABELS, "degurba": DEGURBA_LABELS, "exit": EXIT_LABELS,
          "labour_detail": LABOUR_DETAIL_LABELS, "citizenship": CITIZENSHIP_LABELS,
          "help_kinds": HELP_KIND_LABELS}


def project_or_404(project_id: int) -> Project:
    return found(services.get_visible(current_user, project_id))


def record_of(model, record_id: int, project: Project):
    """A record of this project (a deliverable, an indicator, ...), or 404."""
    record = found(db.session.get(model, record_id))
    if record.project_id != project.id:
        abort(404)
    return record


def with_participants(project_id: int) -> Project:
    project = project_or_404(project_id)
    if not project.monitors_participants or not services.can_see_participants(
            current_user, project):
        abort(403 if project.monitors_participants else 404)
    return project
