"""The help directory: public pages (search, an entry, a PDF of the list) and the
coordinators' pages that keep it."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, public, roles_required
from cal.core.errors import DomainError
from cal.core.forms import changed_meanwhile, options, show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.pdf import render_pdf
from cal.core.render import go, refused, render_form, render_page
from cal.core.rooms import MenuEntry, RecordKind, declare, describer
from cal.core.timeutil import local_today
from cal.directory import demo, jobs, services
from cal.directory.forms import EntryForm, SearchForm
from cal.directory.models import ACCESSIBILITY, CATEGORY_LABELS, Category, DirectoryEntry
from cal.extensions import db, limiter

bp = Blueprint("directory", __name__, url_prefix="/directory")
declare(bp, scans=[jobs.entries_to_check], demo=[demo.SEED], records=[
    RecordKind("directory_entry", _l("Help directory entry"), describer(
        DirectoryEntry, lambda entry: entry.name, "directory.entry", "entry_id"))], menu=[
    MenuEntry("directory.index", _l("Help directory"), 37,
              only=frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER}))])
KEEPERS = (Role.ADMIN, Role.COORDINATOR)
LABELS = {"categories": CATEGORY_LABELS, "accessibility": ACCESSIBILITY}
# A visitor's browser keeps a page a minute (no shared cache: the pages carry no token,
# but a signed-in coordinator's differ).
PUBLIC_CACHE = {"Cache-Control": "private, max-age=60"}


def _search_form() -> SearchForm:
    form = SearchForm(request.args)
    form.district.choices = options([(0, _("All districts"))] + [
        (d.id, d.name) for d in services.districts()])
    return form


def _found(form: SearchForm) -> list[DirectoryEntry]:
    form.validate()
    category = form.category.data if not form.category.errors else ""
    district = form.district.data if not form.district.errors else 0
    query = form.q.data if not form.q.errors else ""
    return services.search(query or "", Category(category) if category else None,
                           district or None)


def _keeper() -> bool:
    return current_user.is_authenticated and current_user.role in KEEPERS


@bp.get("/")
@public
def index():
    form = _search_form()
    entries = _found(form)
    page = render_page("directory/index.html", form=form, entries=entries,
                       keeper=_keeper(), **LABELS)
    body, status = page if isinstance(page, tuple) else (page, 200)
    return body, status, {} if current_user.is_authenticated else PUBLIC_CACHE


@bp.get("/<int:entry_id>")
@public
def entry(entry_id: int):
    record = found(services.get(entry_id))
    if not record.active and not _keeper():
        found(None)
    return render_page("directory/entry.html", entry=record, keeper=_keeper(), **LABELS)


@bp.get("/list.pdf")
@public
# Each is drawn anew (WeasyPrint): a few a visitor, so that no one can keep the server
# drawing; the staff print as many as they need.
@limiter.limit("12 per hour", exempt_when=lambda: current_user.is_authenticated)
def list_pdf():
    form = _search_form()
    entries = _found(form)
    try:
        chosen = [text for text in (
            form.q.data and f"„{form.q.data}”",
            form.category.data and not form.category.errors
            and str(CATEGORY_LABELS[Category(form.category.data)]),
            form.district.data and dict(services.district_names()).get(form.district.data),
        ) if text]
        pdf = render_pdf("directory_list", issued_on=local_today(), entries=entries,
                         chosen=chosen, **LABELS)
    except DomainError as error:
        return refused(error, url_for("directory.index"))
    return exports.attachment(pdf, "informator.pdf")


def _entry_form(record=None) -> EntryForm:
    form = EntryForm(obj=record if request.method == "GET" else None)
    form.district_id.choices = options([(0, "—")] + [(d.id, d.name)
                                                     for d in services.districts()])
    if record is not None and request.method == "GET":
        form.category.data = record.category.value
        form.district_id.data = record.district_id or 0
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def entry_new():
    form = _entry_form()
    if request.method == "GET":
        form.checked_on.data = local_today()
    if form.validate_on_submit():
        def save() -> tuple[str, str]:
            saved = services.save(None, form.entry_data(), current_user, local_today())
            return url_for("directory.entry", entry_id=saved.id), _("Entry saved.")
        try:
            return submit_once(form.once_key.data, save)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("directory/form.html", form, entry=None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def entry_edit(entry_id: int):
    record = found(services.get(entry_id))
    form = _entry_form(record)
    if form.validate_on_submit():
        try:
            changed_meanwhile(form, record)
            services.save(record, form.entry_data(), current_user, local_today())
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            return go(url_for("directory.entry", entry_id=record.id))
    return render_form("directory/form.html", form, entry=record)


@bp.post("/<int:entry_id>/checked")
@roles_required(*KEEPERS)
def entry_checked(entry_id: int):
    record = found(services.get(entry_id))
    services.mark_checked(record, current_user, local_today())
    db.session.commit()
    flash(_("%(name)s: marked as checked today.", name=record.name), "success")
    back = request.form.get("back") == "list"
    return go(url_for("directory.to_check") if back
              else url_for("directory.entry", entry_id=record.id))


@bp.get("/to-check")
@roles_required(*KEEPERS)
def to_check():
    return render_page("directory/to_check.html", entries=services.to_check(local_today()),
                       **LABELS)
