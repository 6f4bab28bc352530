"""Help requests, proposals and matches (coordinators), and a volunteer's answers (phone)."""

from __future__ import annotations

import re
from functools import partial

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, show_refusal
from cal.core.http import enum_or_404, found
from cal.core.offline import kept_offline
from cal.core.once import KEY_PATTERN, new_key, submit_once
from cal.core.render import refused_in_place, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.core.urls import arg_id
from cal.extensions import db
from cal.people import services as people
from volunteers import availability
from volunteers.forms import SUBJECTS, TASKS, ReasonForm
from volunteers.models import HELP_KIND_LABELS, STATUS_LABELS, HelpKind
from volunteers.needs import (
    calendar,
    candidates,
    figures,
    jobs,
    matching,
    personal_data,
    plan,
    records,
    services,
    tables,
    visits,
)
from volunteers.needs.forms import REQUEST_KIND_CHOICES, RequestFilterForm, RequestForm
from volunteers.needs.models import (
    MATCH_STATUS_LABELS,
    PRIORITY_LABELS,
    REQUEST_STATUS_LABELS,
    Match,
    MatchStatus,
    RequestStatus,
)
from volunteers.pages import STAFF, my_volunteer, with_districts

bp = Blueprint("needs", __name__, url_prefix="/volunteers")
declare(bp, scans=jobs.SCANS, calendar=[calendar.events], personal_data=[personal_data.PART],
        records=records.RECORDS, year_figures=[figures.SECTION],
        menu=[MenuEntry("needs.requests", _l("Help requests"), 20),
              MenuEntry("needs.my_matches", _l("Whom I help"), 60)])

LABELS = {"kinds": HELP_KIND_LABELS, "statuses": REQUEST_STATUS_LABELS,
          "priorities": PRIORITY_LABELS, "match_statuses": MATCH_STATUS_LABELS,
          "tasks": dict(TASKS), "subjects": dict(SUBJECTS), "volunteer_statuses": STATUS_LABELS}
SHOWN = 30  # suggestions and blocked volunteers shown at first


def _filters(form: RequestFilterForm) -> services.RequestFilter:
    if not form.validate():
        return services.RequestFilter()
    return services.RequestFilter(
        kind=HelpKind(form.kind.data) if form.kind.data else None,
        status=RequestStatus(form.status.data) if form.status.data else None,
        district_id=form.district_id.data or None, child_age_from=form.child_age_from.data,
        child_age_to=form.child_age_to.data, waited_days=form.waited_days.data)


@bp.get("/requests")
@roles_required(*STAFF)
def requests():
    form = with_districts(RequestFilterForm(request.args))
    if exports.asked_format():
        return exports.send_list(tables.REQUESTS, services.list_requests(
            _filters(form), local_today(), limit=None))
    rows = services.list_requests(_filters(form), local_today())
    return render_page("volunteers/needs/requests.html", form=form, rows=rows, today=local_today(),
                       **LABELS)


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def request_new():
    person_id = arg_id(request.args.get("person"))
    household_id = arg_id(request.args.get("household"))
    person = found(people.get_person(person_id)) if person_id else None
    household = found(people.get_household(household_id)) if household_id and not person else None
    if person is None and household is None:
        flash(_("Open the person or household in need and record the request there."), "info")
        return redirect(url_for("people.person_list"))
    form = with_districts(RequestForm())
    if request.method == "GET":
        today = local_today()
        form.starts_on.data = today
        home = person.household if person is not None else None
        district = (person or household).district_id or (home.district_id if home else None)
        form.district_id.data = district or 0
        grade = services.school_grade(person.birth_date, today) if person else None
        if grade is not None:  # a child at primary school: tutoring in their grade
            form.kind.data, form.grade.data = HelpKind.TUTORING.value, str(grade)
    return _save_request(form, None, person=person, household=household)


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def request_edit(request_id: int):
    help_request = found(services.get_request(request_id))
    form = with_districts(RequestForm(obj=help_request if request.method == "GET" else None))
    if request.method == "GET":
        form.tasks.data = sorted(help_request.task_set())
        form.grade.data = str(help_request.grade or "")
        form.district_id.data = help_request.district_id or 0
    return _save_request(form, help_request)


def _save_request(form, help_request, person=None, household=None):
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            if help_request is not None:
                changed_meanwhile(form, help_request)
            saved = services.save_request(help_request, form.request_data(), current_user,
                                       person=person, household=household)
            return (url_for("needs.request_detail", request_id=saved.id),
                    _("Changes saved."))
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    who = services.beneficiary(help_request) if help_request else (person or household)
    return render_form("volunteers/needs/request_form.html", form, help_request=help_request,
                       who=who, grid=availability)


@bp.get("/requests/<int:request_id>")
@roles_required(*STAFF)
def request_detail(request_id: int):
    return _render_detail(request_id)


def _render_detail(request_id: int, error: str = "", code: int = 200):
    help_request = found(services.get_request(request_id))
    today = local_today()
    matches = services.matches_of(help_request)
    everyone = request.args.get("all") == "1"
    suggested = candidates.suggestions(help_request, today, None if everyone else SHOWN) if (
        help_request.status == RequestStatus.OPEN) else None
    return render_page(
        "volunteers/needs/request.html", status=code, help_request=help_request,
        who=services.beneficiary(help_request), matches=matches,
        events=services.history_of(matches), suggested=suggested, everyone=everyone,
        rule_labels=matching.RULE_LABELS, error=error,
        slots=availability.describe(help_request.slots), reason_form=ReasonForm(),
        when=visits.when, **LABELS)


@bp.route("/requests/assign", methods=["GET", "POST"])
@roles_required(*STAFF)
def requests_assign():
    """Whole-list assignment: the best plan for every open request, to review and
    change; nothing is sent until the coordinator confirms it."""
    kind = enum_or_404(HelpKind, request.values["kind"]) if request.values.get("kind") else None
    district_id = arg_id(request.values.get("district"))
    if request.method == "GET":
        return _render_plan(plan.plan_open(local_today(), kind, district_id), kind,
                            district_id)
    choices = _posted_choices()
    key = request.form.get("once_key", "")
    if not re.fullmatch(KEY_PATTERN, key):
        abort(400)

    def send() -> tuple[str, str]:
        made = plan.propose_plan({r: v for r, v in choices.items() if v}, current_user,
                                  local_today())
        return (url_for("needs.requests", status=RequestStatus.PROPOSED.value),
                ngettext("%(num)d proposal sent. Volunteers answer on the phone.",
                         "%(num)d proposals sent. Volunteers answer on the phone.", len(made)))
    try:
        return submit_once(key, send)
    except DomainError as refused:
        db.session.rollback()
        rows = plan.plan_open(local_today(), kind, district_id, chosen=choices)
        errors = dict(getattr(refused, "errors", {}))
        for row in rows:
            row.error = errors.pop(row.request.id, "")
        gone = [_("Request %(id)d: %(error)s", id=request_id, error=error)
                for request_id, error in errors.items()]  # no longer open: not in the list
        return _render_plan(rows, kind, district_id, error=" ".join([refused.message, *gone]),
                            key=key, code=422)


def _posted_choices() -> dict[int, int | None]:
    """The plan as sent: request -> volunteer (None for nobody) from v-<request> fields."""
    choices = {}
    for name, value in request.form.items():
        if re.fullmatch(r"v-[0-9]{1,9}", name):
            choices[int(name[2:])] = int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None
    return choices


def _render_plan(rows, kind, district_id, error: str = "", key: str = "", code: int = 200):
    chosen = [row for row in rows if row.volunteer_id]
    return render_page(
        "volunteers/needs/assign.html", status=code, rows=rows, kind=kind, district_id=district_id,
        districts=people.list_districts(), request_kinds=REQUEST_KIND_CHOICES,
        chosen=len(chosen), once_key=key or new_key(),
        total=round(sum(row.score or 0 for row in chosen), 1), error=error, today=local_today(),
        **LABELS)


@bp.post("/requests/<int:request_id>/propose")
@roles_required(*STAFF)
def request_propose(request_id: int):
    help_request = found(services.get_request(request_id))
    chosen = [v for v in (arg_id(request.form.get("first")),
                          arg_id(request.form.get("second"))) if v]
    try:
        services.propose(help_request, chosen, current_user, local_today())
    except DomainError as error:
        return refused_in_place(error, partial(_render_detail, request_id))
    db.session.commit()
    flash(_("Proposed. The volunteer answers on the phone."), "success")
    return redirect(url_for("needs.request_detail", request_id=request_id))


@bp.post("/requests/<int:request_id>/close")
@roles_required(*STAFF)
def request_close(request_id: int):
    help_request = found(services.get_request(request_id))
    form = ReasonForm()
    if not form.validate_on_submit() or not form.reason.data:
        return _render_detail(request_id, error=_("Give the reason."), code=422)
    services.close_request(help_request, form.reason.data, current_user)
    db.session.commit()
    flash(_("The request is closed."), "success")
    return redirect(url_for("needs.request_detail", request_id=request_id))


@bp.post("/matches/<int:match_id>/status")
@roles_required(*STAFF)
def match_status(match_id: int):
    match = found(db.session.get(Match, match_id))
    to = enum_or_404(MatchStatus, request.form.get("to", ""))
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("The form is out of date: reload the page and send it again."))
        services.change_match(match, to, form.reason.data, current_user, local_today())
    except DomainError as error:
        return refused_in_place(error, partial(_render_detail, match.request_id))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("needs.request_detail", request_id=match.request_id))


@bp.get("/me/matches")
@kept_offline
@roles_required(Role.VOLUNTEER)
def my_matches():
    return _render_mine()


def _render_mine(error: str = "", code: int = 200):
    volunteer = my_volunteer()
    return render_page("volunteers/needs/my_matches.html", status=code, volunteer=volunteer,
                       matches=services.matches_of_volunteer(volunteer),
                       waiting=services.waiting_for(volunteer), error=error,
                       describe=availability.describe, when=visits.when, **LABELS)


@bp.post("/me/matches/<int:match_id>/answer")
@roles_required(Role.VOLUNTEER)
def my_answer(match_id: int):
    volunteer = my_volunteer()
    match = db.session.get(Match, match_id)
    if match is None or match.volunteer_id != volunteer.id:
        abort(404)
    accept = request.form.get("accept")
    if accept not in ("0", "1"):
        abort(400)
    try:
        services.answer(match, volunteer, current_user, accept == "1",
                     (request.form.get("note") or "").strip(), local_today())
    except DomainError as error:
        return refused_in_place(error, _render_mine)
    db.session.commit()
    flash(_("Thank you. The coordinator has been told.") if accept == "1" else
          _("Declined. The coordinator has been told."), "success")
    return redirect(url_for("needs.my_matches"))
