from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cal.auth.models import User
from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.audit import AuditAction, AuditLog
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.render import page_number, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.urls import arg_id
from cal.extensions import db
from cal.notifications.messages import CHANNEL_LABELS
from cal.people import audit_words, contacts, jobs, services, tables
from cal.people.forms import (
    CONSENT_WAYS,
    AuditFilterForm,
    DistrictForm,
    HouseholdForm,
    PersonForm,
)
from cal.people.models import District, Household
from cal.people.rodo_labels import ACTIONS

bp = Blueprint("people", __name__)
declare(bp, scans=[jobs.rodo_deadlines], late_scans=[jobs.retention_sweep, jobs.possible_doubles],
        contact_books=[contacts.BOOK], audiences=[contacts.CHOSEN], menu=[
    MenuEntry("people.person_list", _l("People"), 90),
    MenuEntry("people.household_list", _l("Households"), 100),
    MenuEntry("people.districts", _l("Districts"), 150),
    MenuEntry("people.audit_log", _l("Audit log"), 160),
])
STAFF = (Role.ADMIN, Role.COORDINATOR)


def _form_with_districts(form_class, record=None):
    """The form, filled from ``record`` when first shown, with the district choices."""
    form = form_class(obj=record if request.method == "GET" else None)
    form.district_id.choices = options([(0, "—")] + [(d.id, d.name)
                                                     for d in services.list_districts()])
    return form


def _person_form(person=None) -> PersonForm:
    form = _form_with_districts(PersonForm, person)
    if person is not None and request.method == "GET":
        given = contacts.standing(person, contacts.consents_of(person.id))
        form.sms_consent.data, form.email_consent.data = given["sms"], given["email"]
        form.preferred_channel.data = person.preferred_channel or ""
    if not services.can_see_special(current_user):
        del form.health_notes
        del form.disability_notes
    return form


def _person_data(form: PersonForm) -> dict:
    data = {k: v for k, v in form.data.items() if k in services.PERSON_FIELDS}
    data["district_id"] = data.get("district_id") or None
    data["household_id"] = data.get("household_id") or None
    data["preferred_channel"] = data.get("preferred_channel") or None
    return data


@bp.get("/people")
@roles_required(*STAFF)
def person_list():
    query = request.args.get("q", "")[:100]
    if exports.asked_format():
        return exports.send_list(tables.PEOPLE, services.search_people(query, limit=None)[0])
    people, total = services.search_people(query)
    return render_page("people/list.html", people=people, total=total, q=query)


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def person_new():
    form = _person_form()
    if request.method == "GET":
        form.household_id.data = arg_id(request.args.get("household"))
    household = services.get_household(form.household_id.data or 0)
    if request.method == "GET" and household is not None:
        defaults = services.with_household_defaults({"household_id": household.id})
        form.address.data, form.phone.data = defaults.get("address"), defaults.get("phone")
        form.district_id.data = defaults.get("district_id") or 0
    duplicates = []
    if form.validate_on_submit():
        def register() -> tuple[str, str]:
            person = services.create_person(
                _person_data(form), current_user, confirm_duplicate=form.confirm_duplicate.data,
                consents=form.consent_data())
            return url_for("people.person_detail", person_id=person.id), _("Person registered.")
        try:
            return submit_once(form.once_key.data, register)
        except services.DuplicateWarning as warning:
            db.session.rollback()
            duplicates = warning.duplicates
            form.confirm_duplicate.errors.append(warning.message)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("people/form.html", form, person=None, duplicates=duplicates,
                       household=household)


def _load_person(person_id: int):
    return found(services.get_person(person_id))


@bp.get("/people/<int:person_id>")
@roles_required(*STAFF)
def person_detail(person_id: int):
    person = _load_person(person_id)
    special = services.read_special_notes(person, current_user)
    db.session.commit()
    consents = contacts.consents_of(person.id)
    return render_page("people/detail.html", person=person, special=special,
                       consents=consents, standing=contacts.standing(person, consents),
                       messages=contacts.messages_to(person.id), consent_ways=CONSENT_WAYS,
                       channel_labels=CHANNEL_LABELS)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def person_edit(person_id: int):
    person = _load_person(person_id)
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            changed_meanwhile(form, person)
            services.update_person(person, _person_data(form), current_user,
                                   consents=form.consent_data())
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("people.person_detail", person_id=person.id))
    if request.method == "GET" and services.read_special_notes(person, current_user):
        db.session.commit()
    return render_form("people/form.html", form, person=person, duplicates=[],
                       household=person.household)


@bp.get("/households")
@roles_required(*STAFF)
def household_list():
    query = request.args.get("q", "")[:100]
    if exports.asked_format():
        return exports.send_list(tables.HOUSEHOLDS,
                                 services.search_households(query, limit=None)[0])
    households, total = services.search_households(query)
    return render_page("people/households.html", households=households, total=total, q=query)


def _save_household(household: Household | None):
    form = _form_with_districts(HouseholdForm, household)
    if form.validate_on_submit():
        data = dict(form.data)
        data["district_id"] = data.get("district_id") or None

        def save() -> tuple[str, str]:
            saved = services.save_household(household, data, current_user)
            return (url_for("people.household_detail", household_id=saved.id),
                    _("Household saved."))
        return submit_once(form.once_key.data, save)
    return render_form("people/household_form.html", form, household=household)


@bp.route("/households/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def household_new():
    return _save_household(None)


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def household_edit(household_id: int):
    return _save_household(db.get_or_404(Household, household_id))


@bp.get("/households/<int:household_id>")
@roles_required(*STAFF)
def household_detail(household_id: int):
    return render_page("people/household.html",
                       household=found(services.get_household(household_id)))


@bp.get("/admin/audit")
@roles_required(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    users = db.session.scalars(select(User).order_by(User.full_name))
    form.user_id.choices = options([(0, _("Everyone"))] + [(u.id, u.full_name) for u in users])
    form.action.choices = options([("", _("All"))] + [(a.value, ACTIONS[a.value])
                                                      for a in AuditAction])
    named = audit_words.kinds()
    entities = db.session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity))
    form.entity.choices = options([("", _("All"))] + sorted(
        ((e, str(named[e].label) if e in named else e) for e in entities),
        key=lambda pair: pair[1]))
    filters = {k: v for k, v in form.data.items() if v} if form.validate() else {}
    page = db.paginate(services.filter_audit_log(**filters), page=page_number(), per_page=50,
                       error_out=False)
    filter_args = {k: request.args[k] for k in filters}
    return render_page("people/audit.html", form=form, page=page, filter_args=filter_args,
                       lines=audit_words.lines(page.items))


@bp.route("/admin/districts", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def districts():
    """The town's districts and their centre points: distances for matching."""
    form = DistrictForm(prefix="new")
    if form.validate_on_submit():
        return _save_district(None, form)
    return _render_districts(form, status=422 if form.is_submitted() else 200)


@bp.post("/admin/districts/<int:district_id>")
@roles_required(Role.ADMIN)
def district_edit(district_id: int):
    district = found(db.session.get(District, district_id))
    form = DistrictForm(prefix=f"d{district.id}")
    if form.validate_on_submit():
        return _save_district(district, form)
    return _render_districts(DistrictForm(prefix="new", formdata=None), status=422,
                             failed=(district.id, form))


def _save_district(district, form):
    try:
        services.save_district(district, {k: form[k].data for k in ("name", "x_km", "y_km")},
                               current_user)
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error)
        failed = (district.id, form) if district else None
        new = form if district is None else DistrictForm(prefix="new", formdata=None)
        return _render_districts(new, status=422, failed=failed)
    db.session.commit()
    flash(_("Changes saved."), "success")
    return redirect(url_for("people.districts"))


def _render_districts(new_form, status: int, failed=None):
    rows = []
    for district in services.list_districts():
        if failed and failed[0] == district.id:
            rows.append((district, failed[1]))
        else:
            rows.append((district, DistrictForm(prefix=f"d{district.id}", formdata=None,
                                                obj=district)))
    return render_page("people/districts.html", status=status, rows=rows, new_form=new_form)
