"""A project's budget, for those who manage it: lines by task, expenses, deliverables of
lump sums, execution, and the budget as a spreadsheet."""

from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cal.core import exports
from cal.core.access import roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal, with_placeholder
from cal.core.once import submit_once
from cal.core.render import go, render_page
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.projects import budgets, funds
from cal.projects.forms import (
    DeliverableForm,
    DeliverableStatusForm,
    ExpenseForm,
    FundingForm,
    LineForm,
)
from cal.projects.models import FUND_SOURCE_LABELS, BudgetLine, Deliverable, FundSource, Project
from cal.projects.pages import LABELS, MANAGERS, project_or_404, record_of

bp = Blueprint("project_budget", __name__, url_prefix="/projects")


@bp.get("/<int:project_id>/budget")
@roles_required(*MANAGERS)
def budget(project_id: int):
    return _render_budget(project_or_404(project_id))


def _line_choices(project: Project, form: ExpenseForm) -> None:
    form.line_id.choices = with_placeholder(
        (line.id, f"{line.task} · {line.name}") for line in db.session.scalars(
            select(BudgetLine).where(BudgetLine.project_id == project.id)
            .order_by(BudgetLine.task, BudgetLine.id)))


def _render_budget(project: Project, line_form=None, expense_form=None, deliverable_form=None,
                   funding_form=None, status_refused=None):
    """The budget page; a form refused is shown with what was typed and why (a
    deliverable's status form: ``status_refused``, keyed by the deliverable's id)."""
    status_refused = status_refused or {}
    if expense_form is None:
        expense_form = ExpenseForm(formdata=None, prefix="expense")
        expense_form.spent_on.data = local_today()
    _line_choices(project, expense_form)
    deliverables = budgets.deliverables_of(project)
    if funding_form is None:
        funding_form = FundingForm(formdata=None, prefix="funding")
        funding_form.year.data = min(max(local_today().year, project.starts_on.year),
                                     project.ends_on.year)
    refused = any(f is not None and (f.errors or f.form_errors) for f in (
        line_form, expense_form, deliverable_form, funding_form, *status_refused.values()))
    return render_page(
        "projects/budget.html", status=422 if refused else 200, project=project,
        labels=LABELS, budget=budgets.budget_of(project),
        expenses=budgets.expenses_of(project), deliverables=deliverables,
        lump=budgets.lump_sums(deliverables),
        line_form=line_form or LineForm(formdata=None, prefix="line"), expense_form=expense_form,
        deliverable_form=deliverable_form or DeliverableForm(formdata=None, prefix="deliverable"),
        status_form=DeliverableStatusForm, status_refused=status_refused,
        funding=funds.funding_of(project),
        funding_form=funding_form, fund_sources=FUND_SOURCE_LABELS)


@bp.post("/<int:project_id>/lines")
@roles_required(*MANAGERS)
def add_line(project_id: int):
    project = project_or_404(project_id)
    form = LineForm(prefix="line")
    if not form.validate_on_submit():
        return _render_budget(project, line_form=form)

    def add() -> tuple[str, str]:
        budgets.add_line(project, form.task.data, form.category.data, form.name.data,
                          form.planned.data, current_user)
        return url_for("project_budget.budget", project_id=project.id), _("Budget line added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/expenses")
@roles_required(*MANAGERS)
def add_expense(project_id: int):
    project = project_or_404(project_id)
    form = ExpenseForm(prefix="expense")
    _line_choices(project, form)
    if form.validate_on_submit():
        def add() -> tuple[str, str]:
            budgets.add_expense(project, form.line_id.data, form.spent_on.data,
                                 form.amount.data, form.document_number.data,
                                 form.description.data, current_user)
            return url_for("project_budget.budget", project_id=project.id), _("Expense recorded.")
        try:
            return submit_once(form.once_key.data, add)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_budget(project, expense_form=form)


@bp.post("/<int:project_id>/expenses/<int:expense_id>/delete")
@roles_required(*MANAGERS)
def remove_expense(project_id: int, expense_id: int):
    project = project_or_404(project_id)
    try:
        expense = budgets.remove_expense(project, expense_id, current_user)
    except DomainError:
        abort(404)
    db.session.commit()
    flash(_("Expense %(number)s removed.", number=expense.document_number), "success")
    return go(url_for("project_budget.budget", project_id=project.id))


@bp.post("/<int:project_id>/funding")
@roles_required(*MANAGERS)
def set_funding(project_id: int):
    project = project_or_404(project_id)
    form = FundingForm(prefix="funding")
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            funds.set_funding(project, form.year.data, FundSource(form.source.data),
                              form.planned.data, form.spent.data or 0, current_user,
                              local_today())
            return (url_for("project_budget.budget", project_id=project.id) + "#funding",
                    _("Funding saved."))
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_budget(project, funding_form=form)


@bp.post("/<int:project_id>/deliverables")
@roles_required(*MANAGERS)
def add_deliverable(project_id: int):
    project = project_or_404(project_id)
    form = DeliverableForm(prefix="deliverable")
    if not form.validate_on_submit():
        return _render_budget(project, deliverable_form=form)

    def add() -> tuple[str, str]:
        db.session.add(Deliverable(project_id=project.id, name=form.name.data,
                                   amount_gr=form.amount.data, due_on=form.due_on.data))
        return url_for("project_budget.budget", project_id=project.id), _("Deliverable added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/deliverables/<int:deliverable_id>")
@roles_required(*MANAGERS)
def update_deliverable(project_id: int, deliverable_id: int):
    project = project_or_404(project_id)
    deliverable = record_of(Deliverable, deliverable_id, project)
    form = DeliverableStatusForm(prefix=f"d{deliverable.id}")
    if not form.validate_on_submit():  # said beside the field, with what was typed kept
        return _render_budget(project, status_refused={deliverable.id: form})
    budgets.update_deliverable(deliverable, form.status.data, form.evidence.data, current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return go(url_for("project_budget.budget", project_id=project.id))


@bp.get("/<int:project_id>/budget.xlsx")
@roles_required(*MANAGERS)
def budget_export(project_id: int):
    project = project_or_404(project_id)
    rows = budgets.budget_rows(project, budgets.budget_of(project))
    return exports.attachment(exports.xlsx_bytes(rows, _("Budget")),
                              f"budzet-{project.id}-{local_today()}.xlsx",
                              "project_budget", project.id)
