"""The Senior Activity Centre: the member registry and cards, the week's programme,
kiosk devices; and the kiosk itself, which a registered tablet opens without a login."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, kiosk_device, public, roles_required
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.http import found
from cal.core.once import submit_once
from cal.core.pdf import render_pdf
from cal.core.render import refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today, to_local, utcnow
from cal.core.urls import arg_id, external_url
from cal.extensions import db, limiter
from cal.people import contacts
from cal.people import services as people
from seniors import audiences, demo, figures, personal_data, records, services
from seniors.forms import CardForm, DeviceForm, MemberForm

bp = Blueprint("seniors", __name__, url_prefix="/seniors")
kiosk_bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
declare(bp, personal_data=[personal_data.PART], demo=[demo.SEED], audiences=audiences.AUDIENCES,
        records=records.RECORDS, year_figures=[figures.SECTION],
        menu=[MenuEntry("seniors.index", _l("Senior centre"), 120)])
STAFF = (Role.ADMIN, Role.COORDINATOR)
CENTRE = (Role.ADMIN, Role.COORDINATOR, Role.LEADER)
KIOSK_COOKIE = "cal_kiosk"


@bp.get("/")
@roles_required(*CENTRE)
def index():
    query = request.args.get("q", "")[:100]
    members = services.search_members(current_user, query)
    return render_page("seniors/index.html", members=members, q=query,
                       can_manage=current_user.role in STAFF,
                       card=partial(services.card_for, user=current_user),
                       leads=current_user.role in STAFF or services.leads_a_senior_class(
                           current_user))


@bp.route("/members/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def member_new():
    person = found(people.get_person(arg_id(request.args.get("person")) or 0))
    existing = services.member_of(person)
    if existing is not None:
        return redirect(url_for("seniors.member_detail", member_id=existing.id))
    form = _member_form(person=person)
    if request.method == "GET":
        form.joined_on.data = local_today()
    elif form.validate_on_submit():
        def register() -> tuple[str, str]:
            member = services.register(person, form.member_data(), current_user)
            return (url_for("seniors.member_detail", member_id=member.id),
                    _("Registered with card number %(number)s.", number=member.card_number))
        try:
            return submit_once(form.once_key.data, register)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_form("seniors/member_form.html", form, person=person, member=None)


def _member_form(member=None, person=None) -> MemberForm:
    form = MemberForm(obj=member if request.method == "GET" else None)
    if person is not None and request.method == "GET":
        form.sms_consent.data = contacts.standing(
            person, contacts.consents_of(person.id))["sms"]
    if not people.can_see_special(current_user):
        del form.health_notes
    return form


@bp.get("/members/<int:member_id>")
@roles_required(*CENTRE)
def member_detail(member_id: int):
    member = found(services.get_member(member_id, current_user))
    health = services.read_health_notes(member, current_user)
    db.session.commit()  # the audited read
    return render_page("seniors/member.html", member=member, health=health,
                       card=services.card_for(member, current_user),
                       can_manage=current_user.role in STAFF)


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def member_edit(member_id: int):
    member = found(services.get_member(member_id, current_user))
    form = _member_form(member, member.person)
    if form.validate_on_submit():
        try:
            services.update(member, form.member_data(), current_user)
        except DomainError as error:  # nothing is committed: the request's end rolls back
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("seniors.member_detail", member_id=member.id))
    if request.method == "GET" and services.read_health_notes(member, current_user):
        db.session.commit()  # the form shows the notes: an audited read
    return render_form("seniors/member_form.html", form, person=member.person, member=member)


@bp.get("/members/<int:member_id>/card.pdf")
@roles_required(*STAFF)
def member_card(member_id: int):
    member = found(services.get_member(member_id, current_user))
    import segno

    qr = segno.make(member.card_number, error="m").svg_data_uri(scale=4, border=2)
    try:
        pdf = render_pdf("senior_card", issued_on=local_today(), member=member,
                         person=member.person, qr=qr)
    except DomainError as error:
        return refused(error, url_for("seniors.member_detail", member_id=member.id))
    return exports.attachment(pdf, f"karta-{member.card_number}.pdf", "senior_member",
                              member.id, "card")


@bp.get("/programme")
@roles_required(*CENTRE)
def programme():
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    weeks = request.args.get("week", 0, type=int)
    monday += timedelta(weeks=max(-52, min(52, weeks)))
    sessions = services.week_programme(monday)
    days = [(monday + timedelta(days=i), [s for s in sessions
                                          if to_local(s.starts_at).date() == monday +
                                          timedelta(days=i)]) for i in range(7)]
    return render_page("seniors/programme.html", days=days, monday=monday, week=weeks,
                       to_local=to_local)


@bp.route("/kiosks", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def kiosks():
    form = DeviceForm()
    link = None
    if form.validate_on_submit():
        made = {}

        def add() -> tuple[str, str]:
            _device, token = services.create_device(form.name.data, current_user)
            made["link"] = external_url("kiosk.activate", token=token)
            return url_for("seniors.kiosks"), ""
        answer = submit_once(form.once_key.data, add)
        if "link" not in made:  # the same form again (the page refreshed): added before
            flash(_("This kiosk was added already, and its link shown once. If the link "
                    "is lost, switch the kiosk off and add it again."), "error")
            return answer
        link = made["link"]  # shown only now, never in an address
        form = DeviceForm(formdata=None)
    return render_page("seniors/kiosks.html", form=form, devices=services.devices(),
                       link=link)


@bp.post("/kiosks/<int:device_id>/off")
@roles_required(Role.ADMIN)
def kiosk_off(device_id: int):
    device = found(next((d for d in services.devices() if d.id == device_id), None))
    services.switch_off_device(device, current_user)
    db.session.commit()
    flash(_("The kiosk is switched off."), "success")
    return redirect(url_for("seniors.kiosks"))


# The kiosk: a registered tablet, no login ------------------------------------------------

def _device():
    if "kiosk_device" not in g:
        g.kiosk_device = services.device_for(request.cookies.get(KIOSK_COOKIE))
    return g.kiosk_device


@kiosk_bp.get("/activate/<token>")
@public
@limiter.limit("10 per hour")
def activate(token: str):
    """Opened once on the tablet from the link an administrator made: the device keeps
    its token in a cookie and is a kiosk from then on."""
    device = services.device_for(token)
    if device is None:
        abort(404)
    fresh = services.activate_device(device)
    db.session.commit()
    response = redirect(url_for("kiosk.keypad"))
    response.set_cookie(KIOSK_COOKIE, fresh, max_age=3600 * 24 * 400, httponly=True,
                        samesite="Strict", path="/kiosk",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", True))
    return response


@kiosk_bp.get("/")
@kiosk_device(_device)
def keypad():
    return render_page("seniors/kiosk.html", form=CardForm(formdata=None), result=None)


@kiosk_bp.post("/")
@kiosk_device(_device)
@limiter.limit("20 per minute")
def check_in():
    form = CardForm()
    if not form.validate_on_submit():
        return render_page("seniors/kiosk.html", status=422, form=form, result=None)
    result = services.check_in(form.card.data, _device(), local_today(), utcnow())
    db.session.commit()
    return render_page("seniors/kiosk.html", form=CardForm(formdata=None), result=result,
                       to_local=to_local)
