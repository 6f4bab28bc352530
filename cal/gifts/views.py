"""The register of in-kind gifts: the gifts of a year with their total and files, and
the coordinators' form that records or corrects a gift."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core import exports
from cal.core.access import roles_required
from cal.core.errors import DomainError
from cal.core.forms import YearForm, changed_meanwhile, options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.core.urls import arg_id
from cal.extensions import db
from cal.gifts import demo, personal_data, records, services, tables
from cal.gifts.forms import GiftForm
from cal.gifts.models import USED_FOR_LABELS, Gift
from cal.gifts.services import KEEPERS

bp = Blueprint("gifts", __name__, url_prefix="/gifts")
declare(bp, personal_data=[personal_data.PART], demo=[demo.SEED], records=records.RECORDS,
        menu=[MenuEntry("gifts.index", _l("In-kind gifts"), 134)])


@bp.get("/")
@roles_required(*KEEPERS)
def index():
    form = YearForm(request.args)
    if not form.validate():
        return render_page("gifts/index.html", status=422, form=form, year=None, gifts=[],
                           total=(0, 0))
    year = form.year.data = form.chosen()
    gifts = services.gifts_of_year(year)
    if exports.asked_format():
        return exports.send_list(tables.GIFTS, gifts)
    return render_page("gifts/index.html", form=form, year=year, gifts=gifts,
                       total=services.totals_by_year([year]).get(year, (0, 0)))


def _gift_form(gift: Gift | None) -> GiftForm:
    form = GiftForm(obj=gift if request.method == "GET" else None)
    today = local_today()
    form.event_id.choices = options([(0, "—"), *services.event_choices(today)])
    form.group_id.choices = options([(0, "—"), *services.group_choices()])
    if request.method == "GET" and gift is None:
        form.received_on.data = today
        household_id = arg_id(request.args.get("household"))
        if services.household(household_id) is not None:
            form.household_id.data, form.used_for.data = household_id, "household"
    elif request.method == "GET":
        form.used_for.data = gift.used_for.value
        form.event_id.data, form.group_id.data = gift.event_id or 0, gift.group_id or 0
    return form


def _save(gift: Gift | None):
    form = _gift_form(gift)
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            if gift is not None:
                changed_meanwhile(form, gift)
            services.save_gift(gift, form.gift_data(), current_user, local_today())
            year = form.received_on.data.year
            return url_for("gifts.index", year=year), _("Gift recorded.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("gifts/form.html", form, gift=gift, labels=USED_FOR_LABELS,
                       household=services.household(arg_id(form.household_id.data)))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def new():
    return _save(None)


@bp.route("/<int:gift_id>/edit", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def edit(gift_id: int):
    return _save(found(services.get(gift_id)))


@bp.post("/<int:gift_id>/delete")
@roles_required(*KEEPERS)
def delete(gift_id: int):
    gift = found(services.get(gift_id))
    year = gift.received_on.year
    services.remove_gift(gift, current_user)
    db.session.commit()
    flash(_("Gift removed from the register."), "success")
    return go(url_for("gifts.index", year=year))
