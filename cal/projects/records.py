"""How the audit log names the projects' records (cal.core.rooms.RecordKind): budget
lines, expenses and deliverables on the project's budget, indicators' records and the EU
participants on the project's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from cal.people.models import Person
from cal.projects.models import (
    FUND_SOURCE_LABELS,
    BudgetLine,
    Deliverable,
    Expense,
    Funding,
    Indicator,
    Project,
)
from cal.projects.participant_models import Participant


def _in_project(model, *columns):
    def rows(ids):
        return db.session.execute(select(model.id, model.project_id,
                                         Project.name.label("project"), *columns)
                                  .join(Project, Project.id == model.project_id)
                                  .where(model.id.in_(ids)))
    return rows


def _participants(ids):
    return db.session.execute(select(Participant.id, Participant.project_id,
                                     Project.name.label("project"), Person.first_name,
                                     Person.last_name)
                              .join(Project, Project.id == Participant.project_id)
                              .join(Person, Person.id == Participant.person_id)
                              .where(Participant.id.in_(ids)))


def _project(row) -> int:
    return row.project_id


RECORDS = [
    RecordKind("project", _l("Project"), describer(
        Project, lambda p: p.name, "projects.detail", "project_id")),
    RecordKind("budget_line", _l("Budget line"), describer(
        _in_project(BudgetLine, BudgetLine.name), lambda r: f"{r.name} ({r.project})",
        "project_budget.budget", "project_id", _project)),
    RecordKind("expense", _l("Expense"), describer(
        _in_project(Expense, Expense.spent_on, Expense.document_number),
        lambda r: f"{r.document_number or '—'}, {r.spent_on:%d.%m.%Y} ({r.project})",
        "project_budget.budget", "project_id", _project)),
    RecordKind("project_funding", _l("Funding of a project by source and year"), describer(
        _in_project(Funding, Funding.year, Funding.source),
        lambda r: f"{r.year}, {FUND_SOURCE_LABELS[r.source]} ({r.project})",
        "project_budget.budget", "project_id", _project)),
    RecordKind("funds_by_source", _l("Funds by source")),
    RecordKind("deliverable", _l("Deliverable"), describer(
        _in_project(Deliverable, Deliverable.name), lambda r: f"{r.name} ({r.project})",
        "project_budget.budget", "project_id", _project)),
    RecordKind("indicator_records", _l("Records an indicator counts"), describer(
        _in_project(Indicator, Indicator.name), lambda r: f"{r.name} ({r.project})",
        "projects.detail", "project_id", _project)),
    RecordKind("participants", _l("EU participants of a project"), describer(
        Project, lambda p: p.name, "project_participants.participants", "project_id")),
    RecordKind("participant_candidates", _l("Candidate participants of a project"),
               describer(Project, lambda p: p.name, "project_participants.participant_new",
                         "project_id")),
    RecordKind("participant", _l("EU participant"), describer(
        _participants, lambda r: f"{r.first_name} {r.last_name} ({r.project})",
        "project_participants.participants", "project_id", _project)),
]
