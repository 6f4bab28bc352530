"""A project's budget: lines by task, expenses, deliverables of lump sums, execution
and the flat rate of indirect costs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.extensions import db
from cal.projects.models import (
    BudgetLine,
    Deliverable,
    DeliverableStatus,
    Expense,
    Project,
)

# --- budget ------------------------------------------------------------------------------

@dataclass
class LineRow:
    line: BudgetLine
    spent: int

    @property
    def over(self) -> bool:
        return self.spent > self.line.planned_gr

    @property
    def percent(self) -> float:
        return 100 * self.spent / self.line.planned_gr if self.line.planned_gr else 0.0


@dataclass
class TaskRow:
    task: str
    lines: list[LineRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(r.line.planned_gr for r in self.lines)

    @property
    def spent(self) -> int:
        return sum(r.spent for r in self.lines)

    @property
    def percent(self) -> float:
        return 100 * self.spent / self.planned if self.planned else 0.0


@dataclass
class Budget:
    tasks: list[TaskRow]
    rate: int  # hundredths of a per cent

    @property
    def direct_planned(self) -> int:
        return sum(t.planned for t in self.tasks)

    @property
    def direct_spent(self) -> int:
        return sum(t.spent for t in self.tasks)

    @property
    def indirect_planned(self) -> int:
        return flat_rate(self.direct_planned, self.rate)

    @property
    def indirect_spent(self) -> int:
        return flat_rate(self.direct_spent, self.rate)

    @property
    def total_planned(self) -> int:
        return self.direct_planned + self.indirect_planned

    @property
    def total_spent(self) -> int:
        return self.direct_spent + self.indirect_spent

    @property
    def percent(self) -> float:
        return 100 * self.total_spent / self.total_planned if self.total_planned else 0.0

    @property
    def over_lines(self) -> list[LineRow]:
        return [r for t in self.tasks for r in t.lines if r.over]


def flat_rate(direct_gr: int, rate: int) -> int:
    """Indirect costs at a flat rate of direct costs, rounded half up to a grosz."""
    return (direct_gr * rate + 5000) // 10000


def budget_of(project: Project) -> Budget:
    """Execution per line, per task and in total; one query."""
    spent = (select(Expense.line_id, func.sum(Expense.amount_gr).label("spent"))
             .where(Expense.project_id == project.id).group_by(Expense.line_id).subquery())
    rows = db.session.execute(
        select(BudgetLine, func.coalesce(spent.c.spent, 0))
        .outerjoin(spent, spent.c.line_id == BudgetLine.id)
        .where(BudgetLine.project_id == project.id)
        .order_by(BudgetLine.task, BudgetLine.id)).all()
    tasks: dict[str, TaskRow] = {}
    for line, total in rows:
        tasks.setdefault(line.task, TaskRow(line.task)).lines.append(LineRow(line, int(total)))
    return Budget(list(tasks.values()), project.indirect_rate)


def add_line(project: Project, task: str, category: str, name: str, planned_gr: int,
             actor) -> BudgetLine:
    line = BudgetLine(project_id=project.id, task=task, category=category, name=name,
                      planned_gr=planned_gr)
    db.session.add(line)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "budget_line", line.id, detail=f"project {project.id}")
    return line


def add_expense(project: Project, line_id: int, spent_on: date, amount_gr: int,
                document_number: str, description: str, actor) -> Expense:
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.project_id != project.id:
        raise DomainError(_("Choose a line of this project's budget."), field="line_id")
    if not project.starts_on <= spent_on <= project.ends_on:
        raise DomainError(_("The expense must fall within the project's dates."),
                          field="spent_on")
    expense = Expense(project_id=project.id, line_id=line.id, spent_on=spent_on,
                      amount_gr=amount_gr, document_number=document_number,
                      description=description, created_by_id=actor.id)
    db.session.add(expense)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "expense", expense.id, detail=f"project {project.id}")
    return expense


def expenses_of(project: Project, limit: int = 500) -> list[Expense]:
    return list(db.session.scalars(
        select(Expense).where(Expense.project_id == project.id)
        .options(joinedload(Expense.line))
        .order_by(Expense.spent_on.desc(), Expense.id.desc()).limit(limit)))


def update_deliverable(deliverable: Deliverable, status, evidence: str, actor) -> None:
    deliverable.status, deliverable.evidence = status, evidence
    audit(actor, AuditAction.UPDATE, "deliverable", deliverable.id,
          fields=["status", "evidence"])


def deliverables_of(project: Project) -> list[Deliverable]:
    return list(db.session.scalars(select(Deliverable).where(
        Deliverable.project_id == project.id).order_by(Deliverable.due_on, Deliverable.id)))


def lump_sums(deliverables: list[Deliverable]) -> dict[str, int]:
    return {"planned": sum(d.amount_gr for d in deliverables),
            "done": sum(d.amount_gr for d in deliverables
                        if d.status != DeliverableStatus.PLANNED),
            "accepted": sum(d.amount_gr for d in deliverables
                            if d.status == DeliverableStatus.ACCEPTED)}


def budget_rows(project: Project, budget: Budget) -> list[list]:
    """The budget execution as spreadsheet rows (amounts in złoty)."""
    rows = [[_("Task"), _("Category"), _("Budget line"), _("Planned (PLN)"),
             _("Spent (PLN)"), _("Executed (%)")]]
    for task in budget.tasks:
        for r in task.lines:
            rows.append([task.task, r.line.category, r.line.name, r.line.planned_gr / 100,
                         r.spent / 100, round(r.percent, 1)])
        rows.append([task.task, "", _("Task total"), task.planned / 100, task.spent / 100,
                     round(task.percent, 1)])
    rows.append(["", "", _("Direct costs"), budget.direct_planned / 100,
                 budget.direct_spent / 100, ""])
    if project.indirect_rate:
        rows.append(["", "", _("Indirect costs (flat rate %(rate)s%%)",
                               rate=f"{project.indirect_rate / 100:g}"),
                     budget.indirect_planned / 100, budget.indirect_spent / 100, ""])
    rows.append(["", "", _("Total"), budget.total_planned / 100, budget.total_spent / 100,
                 round(budget.percent, 1)])
    return rows



def remove_expense(project: Project, expense_id: int, actor) -> Expense:
    """A mistaken expense is removed (and the removal, with what it was, audited)."""
    expense = db.session.get(Expense, expense_id)
    if expense is None or expense.project_id != project.id:
        raise DomainError(_("There is no such expense in this project."))
    audit(actor, AuditAction.DELETE, "expense", expense.id,
          detail=f"project {project.id}: {expense.document_number} {expense.amount_gr} gr "
                 f"{expense.spent_on.isoformat()}")
    db.session.delete(expense)
    return expense
