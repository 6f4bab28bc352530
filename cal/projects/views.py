"""Projects: the list and each project's page for those who manage them (indicators and
deadlines; the budget is in budget_views.py, the EU participants in
participant_views.py); the indicators of the projects their activities belong to for
coordinators and leaders."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cal.auth.models import User
from cal.community.models import Event, EventStatus
from cal.core.access import Role, roles_required
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, options, show_refusal
from cal.core.once import submit_once
from cal.core.render import go, refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today, to_local, utcnow
from cal.extensions import db
from cal.partners import services as partners
from cal.projects import (
    budgets,
    demo,
    figures,
    indicators,
    jobs,
    personal_data,
    records,
    services,
)
from cal.projects.forms import (
    DeadlineForm,
    IndicatorForm,
    ProjectForm,
    ValueForm,
)
from cal.projects.models import PEOPLE_SOURCES, Deadline, Indicator, Project
from cal.projects.pages import (
    CONFIRMERS,
    LABELS,
    MANAGERS,
    READERS,
    project_or_404,
    record_of,
)
from clubs.models import Group
from volunteers.training.models import TrainingCourse

bp = Blueprint("projects", __name__, url_prefix="/projects")
declare(bp, scans=[jobs.project_deadlines], late_scans=[jobs.refresh_indicators],
        personal_data=[personal_data.PART], demo=[demo.SEED], records=records.RECORDS,
        partner_work=[services.partner_work],
        year_figures=[figures.SECTION, figures.FUNDS],
        menu=[MenuEntry("projects.index", _l("Projects"), 130)])
@bp.get("/")
@roles_required(*READERS)
def index():
    projects = list(db.session.scalars(services.visible_projects(current_user)
                                       .order_by(Project.ends_on.desc(), Project.id.desc())))
    return render_page("projects/index.html", projects=projects,
                       overview=indicators.overview(projects), labels=LABELS,
                       awaiting=services.awaiting_confirmation(projects),
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
    form.partners.choices = options(partners.choices(
        services.linked_partners(project) if project is not None else ()))
    form.groups.choices = options(db.session.execute(
        select(Group.id, Group.name).order_by(Group.name)).all())
    form.courses.choices = options(db.session.execute(
        select(TrainingCourse.id, TrainingCourse.name).order_by(TrainingCourse.name)).all())
    form.events.choices = options(
        (event_id, f"{title} ({to_local(starts).date():%d.%m.%Y})")
        for event_id, title, starts in db.session.execute(
            select(Event.id, Event.title, Event.starts_at).where(
                Event.status != EventStatus.CANCELLED).order_by(Event.starts_at.desc())
            .limit(200)))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    return _edit(None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(project_id: int):
    return _edit(project_or_404(project_id))


def _edit(project: Project | None):
    form = ProjectForm(obj=project)
    _managers_and_links(form, project)
    if request.method == "GET":
        if project is not None:
            form.groups.data, form.courses.data = services.linked_ids(project)
            form.events.data = services.linked_events(project)
            form.partners.data = services.linked_partners(project)
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
            if project is not None:
                changed_meanwhile(form, project)
            saved = services.save_project(project, data, form.groups.data or [],
                                          form.courses.data or [], current_user,
                                          event_ids=form.events.data or [],
                                          partner_ids=form.partners.data or [])
            indicators.refresh_last_values([saved], local_today(), utcnow())
            return url_for("projects.detail", project_id=saved.id), _("Project saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("projects/project_form.html", form, project=project,
                       confirms=services.can_confirm_links(current_user),
                       may_change_manager=project is None or services.may_change_manager(
                           current_user, project))


@bp.get("/<int:project_id>")
@roles_required(*READERS)
def detail(project_id: int):
    return _render_detail(project_or_404(project_id))


def _render_detail(project: Project, indicator_form=None, deadline_form=None, status=200):
    today = local_today()
    manages = services.can_manage(current_user)
    context = {"project": project, "labels": LABELS, "manages": manages, "today": today,
               "indicators": indicators.stored_indicators(project, today),
               "proposed": services.proposed_links(project),
               "confirms": services.can_confirm_links(current_user)}
    if manages:
        deliverables = budgets.deliverables_of(project)
        context.update(
            budget=budgets.budget_of(project), deliverables=deliverables,
            lump=budgets.lump_sums(deliverables),
            deadlines=services.deadlines_of(project),
            indicator_form=indicator_form or IndicatorForm(formdata=None, prefix="indicator"),
            deadline_form=deadline_form or _deadline_form(formdata=None),
            sees_participants=services.can_see_participants(current_user, project))
    return render_page("projects/project.html", status=status, **context)


@bp.post("/<int:project_id>/links/confirm")
@roles_required(*CONFIRMERS)
def confirm_links(project_id: int):
    """A coordinator or an administrator confirms what a project manager linked."""
    project = project_or_404(project_id)
    try:
        services.confirm_links(project, current_user)
    except DomainError as error:
        return refused(error, url_for("projects.detail", project_id=project.id))
    indicators.refresh_last_values([project], local_today(), utcnow())
    db.session.commit()
    flash(_("The links are confirmed: the project counts their people from now on."),
          "success")
    return go(url_for("projects.detail", project_id=project.id))


# --- indicators --------------------------------------------------------------------------

@bp.post("/<int:project_id>/indicators")
@roles_required(*MANAGERS)
def add_indicator(project_id: int):
    project = project_or_404(project_id)
    form = IndicatorForm(prefix="indicator")
    if not form.validate_on_submit():
        return _render_detail(project, indicator_form=form, status=422)

    def add() -> tuple[str, str]:
        indicator = Indicator(project_id=project.id, name=form.name.data, unit=form.unit.data,
                              target=form.target.data, source=form.source.data)
        db.session.add(indicator)
        db.session.flush()
        indicators.refresh_last_values([project], local_today(), utcnow())
        return url_for("projects.detail", project_id=project.id), _("Indicator added.")
    return submit_once(form.once_key.data, add)


@bp.post("/<int:project_id>/indicators/count")
@roles_required(*MANAGERS)
def count_indicators(project_id: int):
    """Count the computed indicators anew now (the scans do it every quarter of an hour)."""
    project = project_or_404(project_id)
    indicators.refresh_last_values([project], local_today(), utcnow())
    db.session.commit()
    flash(_("Indicators counted anew."), "success")
    return go(url_for("projects.detail", project_id=project.id))


@bp.route("/<int:project_id>/indicators/<int:indicator_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def indicator(project_id: int, indicator_id: int):
    """An indicator: the records it counts (names for those who may see people), and
    for one entered by hand its values and a form for the next."""
    project = project_or_404(project_id)
    item = record_of(Indicator, indicator_id, project)
    form = ValueForm(formdata=None if request.method == "GET" else request.form)
    if request.method == "GET":
        form.as_of.data = local_today()
    elif not services.can_manage(current_user):
        abort(403)
    elif form.validate_on_submit():
        def add() -> tuple[str, str]:
            indicators.add_value(item, form.value.data, form.as_of.data, form.note.data,
                               current_user)
            db.session.flush()
            indicators.refresh_last_values([project], local_today(), utcnow())
            return (url_for("projects.indicator", project_id=project.id,
                            indicator_id=item.id), _("Value recorded."))
        try:
            return submit_once(form.once_key.data, add)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    today = local_today()
    state = indicators.indicators_of(project, today, only=item)[0]
    records = indicators.counted_records(project, item, today)
    names = current_user.role in services.SEE_PEOPLE
    page = render_form("projects/indicator.html", form, project=project, state=state,
                       records=records, names=names, labels=LABELS,
                       manages=services.can_manage(current_user))
    if names and item.source in PEOPLE_SOURCES and records:
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
    project = project_or_404(project_id)
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
    project = project_or_404(project_id)
    deadline = record_of(Deadline, deadline_id, project)
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
