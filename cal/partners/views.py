"""The register of partner institutions: the list with its filters and files, a
partner's page (contacts, agreement, everything done together, the cooperation log),
and the coordinators' forms that keep it."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import go, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.partners import demo, personal_data, records, services, tables
from cal.partners.forms import ContactForm, FilterForm, LogForm, PartnerForm
from cal.partners.services import KEEPERS, LABELS, READERS

bp = Blueprint("partners", __name__, url_prefix="/partners")
declare(bp, personal_data=[personal_data.PART], demo=[demo.SEED], records=records.RECORDS,
        menu=[
    MenuEntry("partners.index", _l("Partners"), 132)])


@bp.get("/")
@roles_required(*READERS)
def index():
    form = FilterForm(request.args)
    if exports.asked_format():
        return exports.send_list(tables.PARTNERS, tables.listed(
            services.find(**form.filters(), limit=None)))
    partners = services.find(**form.filters())
    return render_page("partners/index.html", form=form, partners=partners,
                       keeper=services.keeps(current_user),
                       exports=tables.PARTNERS.may_take(current_user), **LABELS)


def _partner_form(partner=None) -> PartnerForm:
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    if partner is not None and request.method == "GET":
        form.kind.data = partner.kind.value
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def new():
    form = _partner_form()
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            saved = services.save_partner(None, form.partner_data(), current_user)
            return url_for("partners.partner", partner_id=saved.id), _("Partner saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("partners/form.html", form, partner=None)


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def edit(partner_id: int):
    partner = found(services.get(partner_id))
    form = _partner_form(partner)
    if form.validate_on_submit():
        try:
            changed_meanwhile(form, partner)
            services.save_partner(partner, form.partner_data(), current_user)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Partner saved."), "success")
            return go(url_for("partners.partner", partner_id=partner.id))
    return render_form("partners/form.html", form, partner=partner)


@bp.get("/<int:partner_id>")
@roles_required(*READERS)
def partner(partner_id: int):
    return _render_partner(found(services.get(partner_id)))


def _render_partner(partner, log_form=None, status: int = 200):
    keeper, reads_log = services.keeps(current_user), services.reads_log(current_user)
    if keeper and log_form is None:
        log_form = LogForm(formdata=None)
        log_form.held_on.data = local_today()
    return render_page(
        "partners/partner.html", status=status, partner=partner, keeper=keeper,
        contacts=services.contacts_of([partner.id])[partner.id],
        together=services.together(partner, current_user), log_form=log_form,
        log=services.log_of(partner) if reads_log else None,
        admin=current_user.role == Role.ADMIN, **LABELS)


@bp.post("/<int:partner_id>/log")
@roles_required(*KEEPERS)
def log_add(partner_id: int):
    partner = found(services.get(partner_id))
    form = LogForm()
    if form.validate_on_submit():
        def add() -> tuple[str, str]:
            services.add_log_entry(partner, form.data, current_user, local_today())
            return (url_for("partners.partner", partner_id=partner.id) + "#log",
                    _("Entry added to the log."))
        try:
            return submit_once(form.once_key.data, add)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _render_partner(partner, log_form=form, status=422)


@bp.route("/<int:partner_id>/contacts/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def contact_new(partner_id: int):
    return _contact(found(services.get(partner_id)), None)


@bp.route("/<int:partner_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def contact_edit(partner_id: int, contact_id: int):
    partner = found(services.get(partner_id))
    return _contact(partner, found(services.get_contact(partner, contact_id)))


def _contact(partner, contact):
    form = ContactForm(obj=contact if request.method == "GET" else None)
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            services.save_contact(partner, contact, form.contact_data(), current_user)
            return (url_for("partners.partner", partner_id=partner.id) + "#contacts",
                    _("Contact person saved."))
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("partners/contact_form.html", form, partner=partner, contact=contact)


@bp.post("/<int:partner_id>/contacts/<int:contact_id>/remove")
@roles_required(*KEEPERS)
def contact_remove(partner_id: int, contact_id: int):
    partner = found(services.get(partner_id))
    contact = found(services.get_contact(partner, contact_id))
    name = contact.full_name
    services.remove_contact(contact, current_user)
    db.session.commit()
    flash(_("%(name)s is no longer a contact; their data are removed.", name=name), "success")
    return go(url_for("partners.partner", partner_id=partner.id) + "#contacts")
