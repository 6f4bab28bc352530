"""Application-wide routes: health check, language switch, and the phone's service worker
with its offline page (cal/core/offline.py)."""

from __future__ import annotations

from flask import Blueprint, jsonify, make_response, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from cal.core import offline
from cal.core.access import public
from cal.core.i18n import LOCALES
from cal.core.queue import redis_status
from cal.core.urls import safe_next
from cal.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db_state, status = "ok", 200
    except Exception:  # the check must answer whatever the failure is
        db.session.rollback()
        db_state, status = "down", 503
    return jsonify(db=db_state, redis=redis_status()), status


@bp.post("/language")
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("dashboard.index"))


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, for the whole site (so served from its root), asked again
    at each check for a new version (no-cache, answered 304 while it is the same)."""
    response = make_response(offline.worker_script())
    response.mimetype = "application/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/offline")
@public
def offline_page():
    """What the phone shows for a page it has not kept, when there is no network."""
    return offline.offline_page()
