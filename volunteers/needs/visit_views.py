"""The agreed weekly visit times of a match (visits.py): set and changed by the match's
own volunteer on the phone, after talking with the family, or by a coordinator."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import render_form
from cal.core.rooms import declare
from cal.extensions import db
from volunteers import availability
from volunteers.needs import visit_personal_data, visits
from volunteers.needs.models import LIVE_MATCH
from volunteers.needs.visit_forms import VisitTimesForm
from volunteers.pages import STAFF, my_volunteer

bp = Blueprint("visit_times", __name__, url_prefix="/volunteers")
declare(bp, personal_data=[visit_personal_data.PART])


@bp.route("/me/matches/<int:match_id>/times", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def mine(match_id: int):
    """The volunteer's own accepted match only (another's is not found)."""
    volunteer = my_volunteer()
    match = _live(match_id)
    if match.volunteer_id != volunteer.id:
        abort(404)
    return _times(match, url_for("needs.my_matches"), mine=True)


@bp.route("/matches/<int:match_id>/times", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(match_id: int):
    match = _live(match_id)
    return _times(match, url_for("needs.request_detail", request_id=match.request_id))


def _live(match_id: int):
    match = found(visits.match_for_times(match_id))
    if match.status not in LIVE_MATCH:
        abort(404)
    return match


def _times(match, back: str, mine: bool = False):
    form = VisitTimesForm()
    if request.method == "GET":
        form.show(visits.agreed(match))
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            visits.set_times(match, form.rows(), current_user)
            return back, _("The visit times are saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            match = visits.match_for_times(match.id)  # read again after the rollback
    return render_form("volunteers/needs/visit_times.html", form, match=match, back=back,
                       who=visits.helped(match), family=availability.describe(
                           match.request.slots), shared=visits.when_computed(match),
                       others=visits.other_visits(match), helped=visits.helped, mine=mine)
