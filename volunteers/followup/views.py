"""Following matches (coordinators): a match's page with its log, next check-in and
end; the list of check-ins due and of matches gone quiet; the check-in intervals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core.access import roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, render_page
from cal.core.rooms import DemoSeed, MenuEntry, declare
from cal.core.timeutil import local_today
from cal.extensions import db
from volunteers.followup import demo, personal_data, records, services
from volunteers.followup.forms import (
    NEXT_STEP_LABELS,
    CheckInForm,
    ContactForm,
    EndForm,
    intervals_form,
)
from volunteers.followup.models import CONTACT_KIND_LABELS, VOICE_LABELS
from volunteers.followup.services import FOLLOWED, NextStep
from volunteers.models import HELP_KIND_LABELS, HelpKind
from volunteers.needs.models import END_CAUSE_LABELS, MATCH_STATUS_LABELS, EndCause
from volunteers.pages import STAFF

bp = Blueprint("followup", __name__, url_prefix="/volunteers")
declare(bp, personal_data=[personal_data.PART], records=records.RECORDS,
        demo=[DemoSeed("followup", demo.seed, 46)],
        menu=[MenuEntry("followup.index", _l("Following matches"), 21)])

LABELS = {"kinds": HELP_KIND_LABELS, "match_statuses": MATCH_STATUS_LABELS,
          "contact_kinds": CONTACT_KIND_LABELS, "voices": VOICE_LABELS,
          "causes": END_CAUSE_LABELS, "steps": NEXT_STEP_LABELS}


@bp.get("/follow-up")
@roles_required(*STAFF)
def index():
    today = local_today()
    return render_page("volunteers/followup/index.html", today=today,
                       due=services.due_check_ins(today), quiet=services.quiet_matches(today),
                       quiet_days=services.QUIET.days, **LABELS)


@bp.get("/matches/<int:match_id>")
@roles_required(*STAFF)
def match(match_id: int):
    return _render_match(match_id)


def _render_match(match_id: int, code: int = 200, **forms):
    found_match = found(services.get_match(match_id))
    if found_match.status not in FOLLOWED:
        abort(404)  # a proposal has nothing to follow yet
    return render_page(
        "volunteers/followup/match.html", status=code, match=found_match,
        who=found_match.request.person or found_match.request.household,
        log=services.log_of(found_match), next_check_in=services.next_check_in(found_match),
        contact_form=forms.get("contact") or ContactForm(prefix="contact",
                                                         happened_on=local_today()),
        check_in_form=forms.get("check_in") or CheckInForm(prefix="check",
                                                           held_on=local_today()),
        end_form=forms.get("end") or EndForm(prefix="end"), today=local_today(), **LABELS)


def _match_or_404(match_id: int):
    return found(services.get_match(match_id))


def _submit(form, name: str, match_id: int, work):
    """Store a form of the match's page once, or show the page again with its errors.
    After storing, the page is opened again without a #fragment: a redirect to the same
    page with only a fragment changed would not load it again."""
    if form.validate_on_submit():
        try:
            return submit_once(form.once_key.data, work)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_match(match_id, code=422, **{name: form})


def _log_on_match(match_id: int, form, name: str, store, message: str):
    """A contact or a check-in of the match's page (``name``, as _render_match calls its
    form): stored once by ``store(match, **form.entry_data(), actor=, today=)``, then the
    match's page opens again with ``message``."""
    match_ = _match_or_404(match_id)

    def save() -> tuple[str, str]:
        store(match_, **form.entry_data(), actor=current_user, today=local_today())
        return url_for("followup.match", match_id=match_id), message
    return _submit(form, name, match_id, save)


@bp.post("/matches/<int:match_id>/contacts")
@roles_required(*STAFF)
def contact_add(match_id: int):
    return _log_on_match(match_id, ContactForm(prefix="contact"), "contact",
                         services.add_contact, _("The contact is logged."))


@bp.post("/matches/<int:match_id>/check-ins")
@roles_required(*STAFF)
def check_in_add(match_id: int):
    return _log_on_match(match_id, CheckInForm(prefix="check"), "check_in",
                         services.record_check_in,
                         _("The check-in is recorded. The next one is planned."))


@bp.post("/matches/<int:match_id>/end")
@roles_required(*STAFF)
def match_end(match_id: int):
    match_ = _match_or_404(match_id)
    form = EndForm(prefix="end")

    def save() -> tuple[str, str]:
        opened = services.end_match(match_, EndCause(form.cause.data), form.note.data,
                                    NextStep(form.step.data or NextStep.REOPEN),
                                    current_user, local_today())
        if opened is not None:
            return (url_for("needs.request_detail", request_id=opened.id),
                    _("The match has ended. A new request is open for the family: "
                      "check its details."))
        return (url_for("needs.request_detail", request_id=match_.request_id),
                _("The match has ended."))
    return _submit(form, "end", match_id, save)


@bp.route("/follow-up/intervals", methods=["GET", "POST"])
@roles_required(*STAFF)
def intervals():
    form = intervals_form(services.intervals())
    if form.validate_on_submit():
        try:
            services.set_intervals({kind: form[kind.value].data for kind in services.intervals()},
                                   current_user)
            db.session.commit()
            flash(_("Changes saved."), "success")
            return go(url_for("followup.intervals"))
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_page("volunteers/followup/intervals.html",
                       status=422 if form.is_submitted() else 200, form=form,
                       kinds=[HelpKind(k) for k in services.intervals()],
                       first_days=services.FIRST_CHECK_IN.days)
