"""Messages to a group of people: write, see the plan, send once, follow the delivery."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import options, show_refusal
from cal.core.http import found
from cal.core.once import new_key, submit_once
from cal.core.render import render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.text import plain
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications import messages, sms
from cal.notifications.forms import MessageForm
from cal.notifications.models import Message

bp = Blueprint("messages", __name__, url_prefix="/messages")
declare(bp, menu=[MenuEntry("messages.index", _l("Messages"), 140)])
WRITERS = (Role.ADMIN, Role.COORDINATOR, Role.LEADER)


@bp.get("/")
@roles_required(*WRITERS)
def index():
    gateway = None
    if current_user.role == Role.ADMIN:  # what to set in the gateway's panel
        gateway = {"ready": sms.available(), "replies": sms.replies_arrive(),
                   "inbound": external_url("sms_gateway.inbound",
                                           key=sms.callback_key("inbound"))}
    return render_page("notifications/messages.html",
                       rows=messages.history(current_user), may_write=bool(
                           messages.audiences_for(current_user)), gateway=gateway)


def _choices(user, form: MessageForm) -> list[tuple[str, str]]:
    found_choices = [("", "—")]
    name = (form.audience.data or "").partition(":")[0]
    chosen = messages.audience_of(name)
    if chosen is not None and chosen.chosen and form.chosen.data and chosen.may(user, None):
        found_choices.append((chosen.name, chosen.label(form.chosen_ids())))
    for audience, records in messages.audiences_for(user):
        if records is None:
            found_choices.append((audience.name, str(audience.title)))
        else:
            found_choices += [(f"{audience.name}:{ref}", f"{audience.title}: {label}")
                              for ref, label in records]
    return found_choices


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    form = MessageForm()
    if request.method == "GET":
        form.audience.data = request.args.get("to", "")[:60]
        form.chosen.data = ",".join(i for i in request.args.getlist("ids")[:500]
                                    if i.isascii() and i.isdigit() and len(i) < 10)
    form.audience.choices = options(_choices(current_user, form))
    planned = None
    if form.validate_on_submit():
        name, ref = form.target()
        text = plain(form.body.data) if form.plain.data else form.body.data
        form.body.data = text
        try:
            planned = messages.plan(name, ref, text, current_user)
            if planned.reached == 0:  # the plan is shown: who, and why not
                show_refusal(form, messages.nobody_reached())
                return render_form("notifications/message_new.html", form, plan=planned,
                                   sms_ready=sms.available())
            if form.confirm.data == "send":
                def send() -> tuple[str, str]:
                    message = messages.send(planned, current_user)
                    return (url_for("messages.detail", message_id=message.id),
                            ngettext("The message is on its way to %(num)d person.",
                                     "The message is on its way to %(num)d people.",
                                     planned.reached))
                return submit_once(form.once_key.data, send)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            planned = None
        else:
            # The send carries a key of its own, made with this plan: confirmed twice it
            # is one send, and a plan looked at again (another group) is another.
            return render_page("notifications/message_new.html", form=form, plan=planned,
                               sms_ready=sms.available(), send_key=new_key())
    return render_form("notifications/message_new.html", form, plan=planned,
                       sms_ready=sms.available())


@bp.get("/<int:message_id>")
@roles_required(*WRITERS)
def detail(message_id: int):
    message = found(db.session.get(Message, message_id))
    if not messages.may_read(message, current_user):
        return found(None)
    return render_page("notifications/message.html", message=message,
                       rows=messages.deliveries(message),
                       channel_labels=messages.CHANNEL_LABELS)
