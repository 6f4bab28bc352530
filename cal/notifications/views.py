"""Notifications in the application: each user's own list, and for administrators the
deliveries that failed, with "send again"."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select, update

from cal.core.access import Role, any_role, public, roles_required
from cal.core.http import found
from cal.core.render import go, render_form, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today, utcnow
from cal.core.urls import external_url, local_path
from cal.extensions import db, limiter
from cal.notifications import calendar, delivery, outbox, preferences
from cal.notifications.forms import SettingsForm
from cal.notifications.models import Channel, Notification

bp = Blueprint("notifications", __name__)
# Everyone may open the calendar page; only volunteers and leaders have events in it.
declare(bp, user_columns={"unread_notifications": outbox.unread_count}, menu=[
    MenuEntry("notifications.failures", _l("Failed deliveries"), 190),
    MenuEntry("notifications.index", _l("Notifications"), 200),
    MenuEntry("notifications.calendar_page", _l("Calendar"), 210,
              only=frozenset({Role.VOLUNTEER, Role.LEADER}))])
SHOWN = 50


@bp.get("/notifications")
@any_role
def index():
    rows = list(db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id,
                                   Notification.channel == Channel.INAPP,
                                   Notification.due_at <= utcnow())
        .order_by(Notification.due_at.desc(), Notification.id.desc()).limit(SHOWN)))
    return render_page("notifications/index.html", rows=rows,
                       unread=current_user.unread_notifications)


@bp.post("/notifications/read")
@any_role
def mark_read():
    db.session.execute(update(Notification).where(
        Notification.user_id == current_user.id, Notification.channel == Channel.INAPP,
        Notification.read_at.is_(None), Notification.due_at <= utcnow())
        .values(read_at=utcnow()))
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/<int:notification_id>/open")
@any_role
def open_notification(notification_id: int):
    """Open a notification's link, counting it as read (one's own only)."""
    row = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == current_user.id,
        Notification.channel == Channel.INAPP))
    if row is None:
        abort(404)
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.commit()
    return go(local_path(row.url) or url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@any_role
def settings():
    """What the user wants to be told, how, and when not."""
    form = SettingsForm()
    choices = preferences.topics_for(current_user.role)
    form.topics.choices = choices
    if request.method == "GET":
        saved = preferences.settings_of(current_user.id)
        muted = saved.muted.split() if saved else []
        form.inapp.data = saved.inapp if saved else True
        form.email.data = saved.email if saved else True
        form.topics.data = [topic for topic, _label in choices if topic not in muted]
        form.quiet_from.data = saved.quiet_from if saved else None
        form.quiet_until.data = saved.quiet_until if saved else None
    if not form.validate_on_submit():
        return render_form("notifications/settings.html", form)
    preferences.save(current_user.id, form.email.data, form.inapp.data,
                     [topic for topic, _label in choices if topic not in (form.topics.data or ())],
                     form.quiet_from.data, form.quiet_until.data)
    db.session.commit()
    flash(_("Saved."), "success")
    return go(url_for("notifications.settings"))


@bp.get("/admin/outbox")
@roles_required(Role.ADMIN)
def failures():
    """Deliveries that failed, or that were claimed and never finished."""
    stuck = utcnow() - delivery.CLAIM_TIMEOUT
    rows = list(db.session.scalars(
        select(Notification).where(Notification.sent_at.is_(None), or_(
            Notification.last_error != "", Notification.claimed_at < stuck))
        .order_by(Notification.due_at).limit(200)))
    return render_page("notifications/failures.html", rows=rows)


@bp.post("/admin/outbox/<int:notification_id>/retry")
@roles_required(Role.ADMIN)
def retry(notification_id: int):
    notification = found(db.session.get(Notification, notification_id))
    if notification.sent_at is None:
        notification.claimed_at = None
        db.session.commit()
        try:
            delivery.deliver(notification.id)
        except Exception as error:  # recorded on the row by deliver
            flash(_("Not sent: %(error)s", error=str(error)[:200]), "error")
            return redirect(url_for("notifications.failures"))
    flash(_("Sent."), "success")
    return redirect(url_for("notifications.failures"))


@bp.route("/calendar", methods=["GET", "POST"])
@any_role
def calendar_page():
    """The user's calendar address: made (or renewed) on request and shown once."""
    link = None
    if request.method == "POST":
        token = calendar.renew(current_user)
        db.session.commit()
        link = external_url("notifications.calendar_feed", token=token)
    return render_page("notifications/calendar.html", link=link,
                       has_feed=calendar.has_feed(current_user))


@bp.get("/calendar/<token>.ics")
@public
@limiter.limit("60 per hour")
def calendar_feed(token: str):
    user = calendar.user_for(token)
    if user is None:
        abort(404)
    return Response(calendar.feed_for(user, local_today()), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=900"})
