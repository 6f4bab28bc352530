"""The accounts' background work: the password-reset mail. The page asking for it hands
the address typed to this job and answers at once, the same for any address; the lookup,
the link and the mail happen here, where their time tells nobody anything."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from cal.auth import services
from cal.core.mail import try_send_mail
from cal.core.urls import external_url
from cal.extensions import db


def mail_password_reset(email: str) -> bool:
    """Mail a link to set a new password to the active account with this e-mail, in its
    language; nothing for an unknown address or an account sent enough links this hour.
    Returns whether a mail went out."""
    minutes = current_app.config["RESET_TTL_MINUTES"]
    found = services.request_password_reset(email, timedelta(minutes=minutes))
    db.session.commit()
    if found is None:
        return False
    user, raw = found
    url = external_url("auth.reset_password", token=raw)
    with force_locale(user.locale or "pl"):
        subject = _("Password reset")
        body = "\n\n".join((
            _("Set a new password here:"), url,
            _("The link works once, for %(minutes)d minutes.", minutes=minutes),
            _("If you did not ask for it, ignore this message: your password stays as it is."),
        )) + "\n"
    return try_send_mail(user.email, subject, body)
