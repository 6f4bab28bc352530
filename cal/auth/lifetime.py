"""How long a signed-in session lasts: 30 minutes without a request, 12 hours in all
(OWASP ASVS 3.3). The session carries when it began and when it was last used; a
request past either limit finds the session emptied and is treated as anonymous."""

from __future__ import annotations

import time

from flask import current_app, flash, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from cal.core.http import BACKGROUND_ENDPOINTS

# Written at most once a minute, so not every request rewrites the cookie.
SEEN_RESOLUTION = 60


def now() -> int:
    return int(time.time())


def begin() -> None:
    """Mark a new signed-in session (called at sign-in)."""
    session.permanent = True
    session["_born"] = session["_seen"] = now()


def expired() -> bool:
    born, seen = session.get("_born"), session.get("_seen")
    if not isinstance(born, int) or not isinstance(seen, int):
        return True
    config = current_app.config
    moment = now()
    return (moment - born > config["SESSION_MAX_HOURS"] * 3600
            or moment - seen > config["SESSION_IDLE_MINUTES"] * 60)


def check() -> None:
    """Before each request: end a session past its limits, else note it was used."""
    if request.endpoint in BACKGROUND_ENDPOINTS or "_user_id" not in session:
        return
    if expired():
        session.clear()
        flash(_("Your session has ended; sign in again."), "info")  # on the sign-in page
        return
    if now() - session["_seen"] >= SEEN_RESOLUTION:
        session["_seen"] = now()


class SessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, not written by the answers the browser asks for by
    itself (static files, the service worker): one of them arriving after a form's
    answer would put back the session as it was before the form."""

    def should_set_cookie(self, app, session) -> bool:
        if request.endpoint in BACKGROUND_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)
