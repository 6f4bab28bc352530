"""Forms stored once. Each form that creates something carries a key made when the
page was given; the first submission stores its work with the key and where it led.
The same form again (a double tap, a retry on a bad network, the back button) leads
there again instead of storing twice; two at the same moment meet the unique key.

A view uses it as:

    def save():
        thing = service.create(...)
        return url_for(..., id=thing.id), _("Saved.")
    try:
        return submit_once(form.once_key.data, save)
    except DomainError as error:
        db.session.rollback()
        ...  # the form's errors, as everywhere
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from flask import abort, flash
from flask_login import current_user
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

from cal.core.render import go
from cal.core.timeutil import utcnow
from cal.extensions import db

KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    result_url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def once_key_field() -> HiddenField:
    """The hidden field of the key: a new one on every page, the same on a re-post."""
    return HiddenField(default=new_key, validators=[DataRequired(), Regexp(KEY_PATTERN)])


def earlier(key: str) -> str | None:
    """Where the first submission with this key (by this user) led, if there was one."""
    return db.session.scalar(select(FormSubmission.result_url).where(
        FormSubmission.key == key, FormSubmission.user_id == _user_id()))


def submit_once(key: str, work: Callable[[], tuple[str, str]]):
    """Run work once per key, commit, and go where it leads (render.go), saying its
    message. work stores and returns (the URL to show next, a message or "").

    The key is claimed before the work: a second copy of the form arriving at the same
    moment waits on the first (PostgreSQL) or on the database lock (SQLite), then finds
    the key taken and goes where the first went, without running the work again.
    """
    done = earlier(key)
    if done is not None:
        db.session.rollback()
        return go(done)
    # The claim is the transaction's first write, so a clash rolls back nothing else
    # (and needs no savepoint, which pysqlite would commit on release).
    claim = FormSubmission(key=key, user_id=_user_id(), result_url="")
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:
        return _taken(key)
    url, message = work()
    claim.result_url = url[:300]
    try:
        db.session.commit()
    except IntegrityError:  # the same form arrived twice at the same moment
        return _taken(key)
    if message:
        flash(message, "success")
    return go(url)


def _taken(key: str):
    db.session.rollback()
    done = earlier(key)
    if done is None:  # another user's key, or a copy still at work: never run twice
        abort(409)
    return go(done)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None
