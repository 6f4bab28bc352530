"""Projects: the list and each project's page for those who manage them (budget,
expenses, deliverables, indicators, deadlines, EU participants and exports); the
indicators of the projects their activities belong to for coordinators and leaders."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cal.auth.models import User
from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.forms import options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today, utcnow
from cal.extensions import db
from cal.people.models import Person
from cal.projects import demo, jobs, personal_data, services
from cal.projects.forms import (
    DeadlineForm,
    DeliverableForm,
    DeliverableStatusForm,
    ExpenseForm,
    IndicatorForm,
    LineForm,
    ParticipantForm,
    ProjectForm,
    ValueForm,
)
from cal.projects.models import (
    ANSWER_LABELS,
    AREA_LABELS,
    DEADLINE_KIND_LABELS,
    DELIVERABLE_STATUS_LABELS,
    EDUCATION_LABELS,
    EXIT_LABELS,
    FUNDER_LABELS,
    LABOUR_STATUS_LABELS,
    PROJECT_STATUS_LABELS,
    SETTLEMENT_LABELS,
    SEX_LABELS,
    SOURCE_LABELS,
    BudgetLine,
    Deadline,
    Deliverable,
    Indicator,
    Participant,
    Project,
    Source,
)
from clubs.models import Group
from volunteers.models import TrainingCourse

bp = Blueprint("projects", __name__, url_prefix="/projects")
declare(bp, scans=[jobs.project_deadlines], late_scans=[jobs.refresh_indicators],
        personal_data=[personal_data.PART], demo=[demo.SEED],
        menu=[MenuEntry("projects.index", _l("Projects"), 130)])
MANAGERS = services.MANAGERS
READERS = (Role.ADMIN, Role.PROJECT_MANAGER, Role.COORDINATOR, Role.LEADER)
LABELS = {"funders": FUNDER_LABELS, "statuses": PROJECT_STATUS_LABELS,
          "settlements": SETTLEMENT_LABELS, "sources": SOURCE_LABELS,
          "deadline_kinds": DEADLINE_KIND_LABELS, "deliverable_statuses": DELIVERABLE_STATUS_LABELS,
          "sex": SEX_LABELS, "education": EDUCATION_LABELS, "labour": LABOUR_STATUS_LABELS,
          "answer": ANSWER_LABELS, "area": AREA_LABELS, "exit": EXIT_LABELS}


def _project(project_id: int) -> Project:
    return found(services.get_visible(current_user, project_id))


def _of_project(model, record_id: int, project: Project):
    """A record of this project (a deliverable, an indicator, ...), or 404."""
    record = found(db.session.get(model, record_id))
    if record.project_id != project.id:
        abort(404)
    return record


def _with_participants(project_id: int) -> Project:
    project = _project(project_id)
    if not project.monitors_participants or not services.can_see_participants(
            current_user, project):
        abort(403 if project.monitors_participants else 404)
    return project


@bp.get("/")
@roles_required(*READERS)
def index():
    projects = list(db.session.scalars(services.visible_projects(current_user)
                                       .order_by(Project.ends_on.desc(), Project.id.desc())))
    return render_page("projects/index.html", projects=projects,
                       overview=services.overview(projects), labels=LABELS,
                       manages=services.can_manage(current_user))


def _managers(keep: int | None = None) -> list:
    """Choices of those who manage projects (active ones, and `keep` whatever it is)."""
    return [*options([(0, "—")]), *options(
        (u.id, u.full_name) for u in db.session.scalars(
            select(User).where(User.role.in_(MANAGERS),
                               User.active.is_(True) | (User.id == keep))
            .order_by(User.full_name)))]


def _managers_and_links(form: ProjectForm, project: Project | None) -> None:
    form.manager_id.choices = _managers(project.manager_id if project is not None else None)
    form.groups.choices = options(db.session.execute(
        select(Group.id, Group.name).order_by(Group.name)).all())
    form.courses.choices = options(db.session.execute(
        select(TrainingCourse.id, TrainingCourse.name).order_by(TrainingCourse.name)).all())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    return _edit(None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(project_id: int):
    return _edit(_project(project_id))


def _edit(project: Project | None):
    form = ProjectForm(obj=project)
    _managers_and_links(form, project)
    if request.method == "GET":
        if project is not None:
            form.groups.data, form.courses.data = services.linked_ids(project)
            form.help_kinds.data = project.help_kinds.split()
            form.manager_id.data = project.manager_id or 0
        else:
            form.manager_id.data = current_user.id if current_user.role == (
                Role.PROJECT_MANAGER) else 0
    elif form.validate_on_submit():
        data = form.project_data()
        if project is not None and not services.may_change_manager(current_user, project):
            data["manager_id"] = project.manager_id  # only the manager or an admin hands on

        def save() -> tuple[str, str]:
            saved = services.save_project(project, data, form.groups.data or [],
                                          form.courses.data or [], current_user)
            services.refresh_last_values([saved], local_today(), utcnow())
            return url_for("projects.detail", project_id=saved.id), _("Project saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("projects/project_form.html", form, project=project,
                       may_change_manager=project is None or services.may_change_manager(
                           current_user, project))


@bp.get("/<int:project_id>")
@roles_required(*READERS)
def detail(project_id: int):
    return _render_detail(_project(project_id))


def _render_detail(project: Project, indicator_form=None, deadline_form=None, status=200):
    today = local_today()
    manages = services.can_manage(current_user)
    context = {"project": project, "labels": LABELS, "manages": manages, "today": today,
               "indicators": services.stored_indicators(project, today)}
    if manages:
        deliverables = services.deliverables_of(project)
        context.update(
            budget=services.budget_of(project), deliverables=deliverables,
            lump=services.lump_sums(deliverables),
            deadlines=services.deadlines_of(project),
            indicator_form=indicator_form or IndicatorForm(formdata=None, prefix="indicator"),
            deadline_form=deadline_form or _deadline_form(formdata=None),
            sees_participants=services.can_see_participants(current_user, project))
    return render_page("projects/project.html", status=status, **context)


# --- budget ------------------------------------------------------------------------------

@bp.get("/<int:project_id>/budget")
@roles_required(*MANAGERS)
def budget(project_id: int):
    return _render_budget(_project(project_id))


def _line_choices(project: Project, form: ExpenseForm) -> None:
    form.line_id.choices = [*options([(0, "—")]), *options(
        (line.id, f"{line.task} · {line.name}") for line in db.session.scalars(
            select(BudgetLine).where(BudgetLine.project_id == project.id)
            .order_by(BudgetLine.task, BudgetLine.id)))]


def _render_budget(project: Project, line_form=None, expense_form=None, deliverable_form=None):
    if expense_form is None:
        expense_form = ExpenseForm(formdata=None, prefix="expense")
        expense_form.spent_on.data = local_today()
    _line_choices(project, expense_form)
    deliverables = services.deliverables_of(project)
    refused = any(f is not None and f.errors for f in (line_form, expense_form,
                                                        deliverable_form))
    return render_page(
        "projects/budget.html", status=422 if refused else 200, project=project,
        labels=LABELS, budget=services.budget_of(project),
        expenses=services.expenses_of(project), deliverables=deliverables,
        lump=services.lump_sums(deliverables),
        line_form=line_form or LineForm(formdata=None, prefix="line"), expense_form=expense_form,
        deliverable_form=deliverable_form or DeliverableForm(formdata=None, prefix="deliverable"),
        status_form=DeliverableStatusForm)


@bp.post("/<int:project_id>/lines")
@roles_required(*MANAGERS)
def add_line(project_id: int):
    project = _project(project_id)
    form = LineForm(prefix="line")
    if not form.validate_on_submit():
        return _render_budget(project, line_form=form)

    def add() -> tuple[str, str]:
        services.add_line(project, form.task.data, form.category.data, form.name.data,
                          form.planned.data, current_user)
        return url_for("projects.budget", project_id=project.id), _("Budget line added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/expenses")
@roles_required(*MANAGERS)
def add_expense(project_id: int):
    project = _project(project_id)
    form = ExpenseForm(prefix="expense")
    _line_choices(project, form)
    if form.validate_on_submit():
        def add() -> tuple[str, str]:
            services.add_expense(project, form.line_id.data, form.spent_on.data,
                                 form.amount.data, form.document_number.data,
                                 form.description.data, current_user)
            return url_for("projects.budget", project_id=project.id), _("Expense recorded.")
        try:
            return submit_once(form.once_key.data, add)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_budget(project, expense_form=form)


@bp.post("/<int:project_id>/expenses/<int:expense_id>/delete")
@roles_required(*MANAGERS)
def remove_expense(project_id: int, expense_id: int):
    project = _project(project_id)
    try:
        expense = services.remove_expense(project, expense_id, current_user)
    except DomainError:
        abort(404)
    db.session.commit()
    flash(_("Expense %(number)s removed.", number=expense.document_number), "success")
    return go(url_for("projects.budget", project_id=project.id))


@bp.post("/<int:project_id>/deliverables")
@roles_required(*MANAGERS)
def add_deliverable(project_id: int):
    project = _project(project_id)
    form = DeliverableForm(prefix="deliverable")
    if not form.validate_on_submit():
        return _render_budget(project, deliverable_form=form)

    def add() -> tuple[str, str]:
        db.session.add(Deliverable(project_id=project.id, name=form.name.data,
                                   amount_gr=form.amount.data, due_on=form.due_on.data))
        return url_for("projects.budget", project_id=project.id), _("Deliverable added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/deliverables/<int:deliverable_id>")
@roles_required(*MANAGERS)
def update_deliverable(project_id: int, deliverable_id: int):
    project = _project(project_id)
    deliverable = _of_project(Deliverable, deliverable_id, project)
    form = DeliverableStatusForm(prefix=f"d{deliverable.id}")
    if form.validate_on_submit():
        services.update_deliverable(deliverable, form.status.data, form.evidence.data,
                                    current_user)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(_("Not saved: %(errors)s", errors=" ".join(
            str(e) for errors in form.errors.values() for e in errors)), "error")
    return go(url_for("projects.budget", project_id=project.id))


@bp.get("/<int:project_id>/budget.xlsx")
@roles_required(*MANAGERS)
def budget_export(project_id: int):
    project = _project(project_id)
    rows = services.budget_rows(project, services.budget_of(project))
    return exports.attachment(exports.xlsx_bytes(rows, _("Budget")),
                              f"budzet-{project.id}-{local_today()}.xlsx",
                              "project_budget", project.id)


# --- indicators --------------------------------------------------------------------------

@bp.post("/<int:project_id>/indicators")
@roles_required(*MANAGERS)
def add_indicator(project_id: int):
    project = _project(project_id)
    form = IndicatorForm(prefix="indicator")
    if not form.validate_on_submit():
        return _render_detail(project, indicator_form=form, status=422)

    def add() -> tuple[str, str]:
        indicator = Indicator(project_id=project.id, name=form.name.data, unit=form.unit.data,
                              target=form.target.data, source=form.source.data)
        db.session.add(indicator)
        db.session.flush()
        services.refresh_last_values([project], local_today(), utcnow())
        return url_for("projects.detail", project_id=project.id), _("Indicator added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/indicators/count")
@roles_required(*MANAGERS)
def count_indicators(project_id: int):
    """Count the computed indicators anew now (the scans do it every quarter of an hour)."""
    project = _project(project_id)
    services.refresh_last_values([project], local_today(), utcnow())
    db.session.commit()
    flash(_("Indicators counted anew."), "success")
    return go(url_for("projects.detail", project_id=project.id))


@bp.route("/<int:project_id>/indicators/<int:indicator_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def indicator(project_id: int, indicator_id: int):
    """An indicator: the records it counts (names for those who may see people), and
    for one entered by hand its values and a form for the next."""
    project = _project(project_id)
    item = _of_project(Indicator, indicator_id, project)
    form = ValueForm(formdata=None if request.method == "GET" else request.form)
    if request.method == "GET":
        form.as_of.data = local_today()
    elif not services.can_manage(current_user):
        abort(403)
    elif form.validate_on_submit():
        def add() -> tuple[str, str]:
            services.add_value(item, form.value.data, form.as_of.data, form.note.data,
                               current_user)
            db.session.flush()
            services.refresh_last_values([project], local_today(), utcnow())
            return (url_for("projects.indicator", project_id=project.id,
                            indicator_id=item.id), _("Value recorded."))
        try:
            return submit_once(form.once_key.data, add)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    today = local_today()
    state = services.indicators_of(project, today, only=item)[0]
    records = services.counted_records(project, item, today)
    names = current_user.role in services.SEE_PEOPLE
    page = render_form("projects/indicator.html", form, project=project, state=state,
                       records=records, names=names, labels=LABELS,
                       manages=services.can_manage(current_user))
    if names and item.source in (Source.PARTICIPANTS, Source.PEOPLE_HELPED) and records:
        audit(current_user, AuditAction.READ, "indicator_records", item.id,
              detail=f"{len(records)} persons")
        db.session.commit()
    return page


# --- deadlines ---------------------------------------------------------------------------

def _deadline_form(**kwargs) -> DeadlineForm:
    form = DeadlineForm(prefix="deadline", **kwargs)
    form.owner_id.choices = _managers()
    return form


@bp.post("/<int:project_id>/deadlines")
@roles_required(*MANAGERS)
def add_deadline(project_id: int):
    project = _project(project_id)
    form = _deadline_form()
    if not form.validate_on_submit():
        return _render_detail(project, deadline_form=form, status=422)

    def add() -> tuple[str, str]:
        db.session.add(Deadline(project_id=project.id, kind=form.kind.data,
                                title=form.title.data, due_on=form.due_on.data,
                                owner_id=form.owner_id.data or None))
        return url_for("projects.detail", project_id=project.id), _("Deadline added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/deadlines/<int:deadline_id>/done")
@roles_required(*MANAGERS)
def deadline_done(project_id: int, deadline_id: int):
    project = _project(project_id)
    deadline = _of_project(Deadline, deadline_id, project)
    # The form says what it wants (done or not), so a form sent twice changes nothing
    # more; a missing or odd value is refused.
    wanted = request.form.get("done")
    if wanted not in ("1", "0"):
        abort(400)
    if wanted == "0":
        deadline.done_on = None
    elif deadline.done_on is None:
        deadline.done_on = local_today()
    db.session.commit()
    return go(url_for("projects.detail", project_id=project.id))


# --- EU participants ---------------------------------------------------------------------

@bp.get("/<int:project_id>/participants")
@roles_required(*MANAGERS)
def participants(project_id: int):
    project = _with_participants(project_id)
    rows = services.participants_of(project)
    page = render_page("projects/participants.html", project=project, rows=rows,
                       table=services.common_indicators(rows), labels=LABELS,
                       age_at_entry=services.age_at_entry)
    # after rendering: a commit expires what the page reads
    audit(current_user, AuditAction.READ, "participants", project.id,
          detail=f"{len(rows)} participants")
    db.session.commit()
    return page


@bp.get("/<int:project_id>/participants.xlsx")
@roles_required(*MANAGERS)
def participants_export(project_id: int):
    project = _with_participants(project_id)
    rows = services.participants_of(project)
    table = [[_("Indicator"), _("Women"), _("Men"), _("Total")]] + [
        [line.label, line.women, line.men, line.total]
        for line in services.common_indicators(rows)]
    body = exports.xlsx_bytes(services.participant_rows(rows, LABELS) + [[]] + table,
                              _("Participants"))
    return exports.attachment(body, f"uczestnicy-{project.id}-{local_today()}.xlsx",
                              "participants", project.id, f"{len(rows)} participants")


def _candidates(project: Project, form: ParticipantForm, current: Person | None) -> None:
    today = local_today()
    start, end = project.starts_on, min(project.ends_on, today)
    keys = services.candidate_person_ids(project, start, end)
    people = list(db.session.scalars(select(Person).where(Person.id.in_(
        keys | ({current.id} if current else set()))).order_by(
        Person.last_name, Person.first_name).limit(1000)))
    form.person_id.choices = [*options([(0, "—")]), *options(
        (p.id, f"{p.last_name} {p.first_name}"
               + (f" ({p.birth_date:%d.%m.%Y})" if p.birth_date else "")) for p in people)]


@bp.route("/<int:project_id>/participants/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def participant_new(project_id: int):
    return _participant(_with_participants(project_id), None)


@bp.route("/<int:project_id>/participants/<int:participant_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def participant_edit(project_id: int, participant_id: int):
    project = _with_participants(project_id)
    participant = _of_project(Participant, participant_id, project)
    return _participant(project, participant)


def _participant(project: Project, participant: Participant | None):
    person = db.session.get(Person, participant.person_id) if participant else None
    form = ParticipantForm(obj=participant)
    _candidates(project, form, person)
    if request.method == "GET":
        if participant is not None:
            form.birth_date.data = person.birth_date
            form.exit_situation.data = (participant.exit_situation.value
                                        if participant.exit_situation else "")
        else:
            form.started_on.data = max(project.starts_on, min(local_today(), project.ends_on))
    elif form.validate_on_submit():
        chosen = person if participant else db.session.get(Person, form.person_id.data)
        if chosen is None:
            form.person_id.errors.append(_("Choose the person."))
        else:
            def save() -> tuple[str, str]:
                services.save_participant(project, participant, chosen,
                                          form.participant_data(), form.birth_date.data,
                                          current_user)
                return (url_for("projects.participants", project_id=project.id),
                        _("Participant saved."))
            try:
                return submit_once(form.once_key.data, save)
            except DomainError as error:
                db.session.rollback()
                show_refusal(form, error)
    return render_form("projects/participant_form.html", form, project=project,
                       participant=participant, person=person)
