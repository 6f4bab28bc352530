"""Joining two records of one person (cal/people/merge.py): the likely pairs, choosing
the other record, and comparing both before joining them."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import found
from cal.core.once import earlier, submit_once
from cal.core.render import go, render_form, render_page
from cal.core.rooms import declare
from cal.extensions import db
from cal.people import merge, services
from cal.people.forms import MergeForm

bp = Blueprint("merge", __name__)
declare(bp)
STAFF = (Role.ADMIN, Role.COORDINATOR)


@bp.get("/people/duplicates")
@roles_required(*STAFF)
def pairs():
    return render_page("people/merge_pairs.html", pairs=merge.likely_pairs())


@bp.get("/people/<int:person_id>/merge")
@roles_required(*STAFF)
def choose(person_id: int):
    person = found(services.get_person(person_id))
    query = request.args.get("q", "")[:100]
    likely = merge.likely_for(person)
    found_people = [p for p in services.search_people(query, limit=21)[0]
                    if p.id != person.id][:20] if query.strip() else []
    return render_page("people/merge_choose.html", person=person, likely=likely,
                       people=found_people, q=query)


@bp.route("/people/<int:person_id>/merge/<int:other_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def compare(person_id: int, other_id: int):
    if request.method == "POST" and (done := earlier(request.form.get("once_key", ""))):
        return go(done)  # joined already: the other record is gone, the kept one is there
    keep = found(services.get_person(person_id))
    other = found(services.get_person(other_id))
    form = MergeForm()
    try:
        preview = merge.preview_merge(keep, other)
    except DomainError as error:
        show_refusal(form, error)
        return render_form("people/merge.html", form, preview=None, keep=keep, other=other)
    if not preview.clashes and form.validate_on_submit():
        def join() -> tuple[str, str]:
            merge.merge_persons(keep, other, current_user)
            return (url_for("people.person_detail", person_id=person_id),
                    _("The records are joined: everything is in this one now."))
        try:
            return submit_once(form.once_key.data, join)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("people/merge.html", form, preview=preview, keep=keep, other=other)
