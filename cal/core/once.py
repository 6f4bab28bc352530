"""Forms stored once. Each form that creates something carries a key made when the
page was given; the first submission stores its work with the key and where it led.
The same form again (a double tap, a retry on a bad network, the back button) leads
there again instead of storing twice; two at the same moment meet the unique key.

A view uses it as:

    try:
        return submit_once(form.once_key.data, lambda: url_of_what_was_stored)
    except DomainError as error:
        ...  # the form's errors, as everywhere
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from flask import redirect
from flask_login import current_user
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

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


def submit_once(key: str, work: Callable[[], str]):
    """Run work (which stores and returns the URL to show next) once per key, commit,
    and redirect; the same key again redirects to that URL and stores nothing."""
    done = earlier(key)
    if done is not None:
        db.session.rollback()
        return redirect(done)
    try:
        url = work()
        db.session.add(FormSubmission(key=key, user_id=_user_id(), result_url=url[:300]))
        db.session.commit()
    except IntegrityError:  # the same form arrived twice at the same moment
        db.session.rollback()
        done = earlier(key)
        if done is None:
            raise
        return redirect(done)
    return redirect(url)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None
