"""Security headers and error pages for every response."""

from __future__ import annotations

from flask import Flask, abort, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from cal.core.audit import record_denial
from cal.extensions import db, login_manager


def found(thing):
    """``thing``, or a 404 answer when there is none: ``found(get_person(person_id))``."""
    if thing is None:
        abort(404)
    return thing


def enum_or_404(enum_type, value: str, allowed=None):
    """The member of ``enum_type`` named by a URL's ``value``, or a 404 answer when there is
    none, or when it is not among ``allowed``."""
    try:
        member = enum_type(value)
    except ValueError:
        abort(404)
    if allowed is not None and member not in allowed:
        abort(404)
    return member


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def refuse_nul_bytes():
    """No field of ours may hold a NUL character (PostgreSQL cannot store it): refuse
    such a request whole instead of failing deep inside a query."""
    for values in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


# Answers that hold nobody's data, which the browser asks for by itself (the service
# worker checks for a new version at each page, and keeps the shell in the background):
# they say themselves how they are kept, and neither extend a session nor write its
# cookie, which would otherwise put back, after a form's answer, the session as it was
# before (its message, a sign-out). See cal.auth.lifetime.
BACKGROUND_ENDPOINTS = frozenset({"static", "core.service_worker", "core.offline_page"})


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.add_header("Vary", "HX-Request")
    if not current_app.debug:  # browsers then refuse plain HTTP to us for two years
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    # A signed-in session's pages hold personal data: never stored by a browser or proxy.
    # (Read from the session, not the user row, which a commit may have expired.)
    if request.endpoint not in BACKGROUND_ENDPOINTS and "_user_id" in session:
        headers["Cache-Control"] = "no-store"
    return response


def _error_page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(_error):
        return _error_page(403, _("Access denied"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(_error):
        return _error_page(404, _("Page not found"), _("This page does not exist or was moved."))

    @app.errorhandler(400)
    def bad_request(_error):
        return _error_page(
            400, _("The request was not understood"), _("Check what you typed and try again.")
        )

    @app.errorhandler(413)
    def too_large(_error):
        # The request is larger than MAX_CONTENT_LENGTH (a file too large): said in
        # words, with the way back to the form (its page is the same address).
        mb = current_app.config["SCAN_MAX_BYTES"] // (1024 * 1024)
        form = request.path if request.url_rule and "GET" in request.url_rule.methods else None
        return render_template(
            "errors/error.html", status=413, title=_("The file is too large"), back=form,
            message=_("What you sent was not saved: a file may have at most %(mb)d MB. Go "
                      "back and choose a smaller file (scan in black and white, or at a "
                      "lower resolution).", mb=mb)), 413

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _error_page(
            400,
            _("The form has expired"),
            _("Go back, reload the page and send the form again."),
        )

    @app.errorhandler(StaleDataError)
    def saved_meanwhile(_error):
        # Two saves of one record at the same moment (cal.core.models.Versioned): the
        # one that wrote second stored nothing.
        db.session.rollback()
        return _error_page(
            409, _("Saved by someone else at the same moment"),
            _("Nothing was saved: the record was saved by someone else just then. Go "
              "back, open it again and make the change once more."))

    @app.errorhandler(429)
    def too_many(error):
        # Logged and kept in the audit log beside the other denials (who, from where).
        current_app.logger.warning("limit reached: %s from %s (%s)", request.endpoint,
                                   request.remote_addr, error.description)
        db.session.rollback()
        record_denial(current_user if current_user.is_authenticated else None,
                      f"{request.endpoint}: limit {error.description}")
        return _error_page(
            429,
            _("Too many attempts"),
            _("Too many attempts in a short time. Wait a minute and try again."),
        )

    @app.errorhandler(500)
    def server_error(_error):
        def page():
            return _error_page(
                500,
                _("Something went wrong"),
                _("The error has been recorded. Try again in a moment."),
            )

        try:
            db.session.rollback()
            return page()
        except SQLAlchemyError:
            # The database is what failed (say, restarted): the page must not need it
            # for the signed-in user or their language, or the server's bare English
            # page would be all the tablet gets. Shown as to a visitor, for this answer
            # only (the session cookie stays as it is).
            login_manager._update_request_context_with_user()
            return page()
