"""CAL: the application factory. It only assembles; every piece lives elsewhere."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from cal.config import Config, cookie_name
from cal.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


# The web app manifest, so a volunteer can add CAL to the phone's home screen.
mimetypes.add_type("application/manifest+json", ".webmanifest")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance")
    )
    app.config.from_object(Config())
    if config:
        app.config.update(config)
        if "SESSION_COOKIE_NAME" not in config:  # follows Secure, however it was set
            app.config["SESSION_COOKIE_NAME"] = cookie_name(app.config["SESSION_COOKIE_SECURE"])
    _check_secret_key(app)
    _check_base_url(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    os.makedirs(app.instance_path, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app


def _check_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = "dev-only-" + os.urandom(8).hex()
        return
    raise RuntimeError("SECRET_KEY must be set (see README, Settings).")


def _check_base_url(app: Flask) -> None:
    if not app.config.get("BASE_URL") and not (app.debug or app.testing):
        raise RuntimeError("BASE_URL must be set, e.g. https://cal.example.org (see README).")


def register_extensions(app: Flask) -> None:
    import cal.core.figure_versions  # noqa: F401  (the versions of the figures, counted at each write)
    import cal.core.once  # noqa: F401  (forms stored once, used by every package)
    import cal.notifications.models  # noqa: F401  (the outbox table, used by every package)
    from cal.auth.lifetime import SessionInterface
    from cal.core.i18n import Request, RequestDomain, select_locale

    app.session_interface = SessionInterface()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain()
    limiter.init_app(app)
    htmx.init_app(app)
    app.request_class = Request  # htmx_flask's, reading WTForms' messages once
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    """The core's pages and every room's; a room fills the core's registries with its
    scans, personal data, demo seeds and menu as its blueprint is registered."""
    from cal.core import rooms
    from cal.core.urls import IdConverter

    app.url_map.converters["int"] = IdConverter
    rooms.init_app(app)
    from cal.accessibility.views import bp as accessibility_bp
    from cal.auth.views import bp as auth_bp
    from cal.community.day_views import bp as event_day_bp
    from cal.community.shift_views import bp as shifts_bp
    from cal.community.views import bp as community_bp
    from cal.core.views import bp as core_bp
    from cal.dashboard.views import bp as dashboard_bp
    from cal.directory.views import bp as directory_bp
    from cal.duties.views import bp as duties_bp
    from cal.gifts.views import bp as gifts_bp
    from cal.notifications.gateway_views import bp as sms_gateway_bp
    from cal.notifications.message_views import bp as messages_bp
    from cal.notifications.views import bp as notifications_bp
    from cal.partners.views import bp as partners_bp
    from cal.people.merge_views import bp as merge_bp
    from cal.people.rodo_views import bp as rodo_bp
    from cal.people.views import bp as people_bp
    from cal.projects.budget_views import bp as project_budget_bp
    from cal.projects.funds_views import bp as funds_bp
    from cal.projects.kis_report.views import bp as kis_report_bp
    from cal.projects.participant_views import bp as project_participants_bp
    from cal.projects.views import bp as projects_bp
    from cal.reports.views import bp as reports_bp
    from cal.settings.views import bp as settings_bp
    from clubs.member_views import bp as club_members_bp
    from clubs.report_views import bp as club_reports_bp
    from clubs.views import bp as clubs_bp
    from seniors.views import bp as seniors_bp
    from seniors.views import kiosk_bp
    from volunteers.documents.views import bp as documents_bp
    from volunteers.followup.views import bp as followup_bp
    from volunteers.hours.views import bp as hours_bp
    from volunteers.needs.views import bp as needs_bp
    from volunteers.needs.visit_views import bp as visit_times_bp
    from volunteers.profiles.views import bp as volunteers_bp
    from volunteers.training.views import bp as training_bp

    for blueprint in (core_bp, auth_bp, settings_bp, dashboard_bp, people_bp, merge_bp,
                      rodo_bp, training_bp, needs_bp, hours_bp, followup_bp, documents_bp,
                      volunteers_bp, clubs_bp, club_members_bp, club_reports_bp, seniors_bp,
                      kiosk_bp, community_bp, shifts_bp, event_day_bp, directory_bp, duties_bp,
                      notifications_bp, messages_bp, sms_gateway_bp, partners_bp, projects_bp,
                      project_budget_bp, project_participants_bp, funds_bp, gifts_bp,
                      kis_report_bp, accessibility_bp, visit_times_bp, reports_bp):
        app.register_blueprint(blueprint)


def register_hooks(app: Flask) -> None:
    from cal.auth import lifetime
    from cal.core.access import enforce_declared_policy
    from cal.core.http import refuse_nul_bytes, register_error_handlers, set_security_headers
    from cal.core.offline import mark_response
    from cal.core.templating import register_template_helpers

    app.before_request(refuse_nul_bytes)
    app.before_request(lifetime.check)
    app.before_request(enforce_declared_policy)
    app.after_request(set_security_headers)
    app.after_request(mark_response)
    register_error_handlers(app)
    register_template_helpers(app)


def register_cli(app: Flask) -> None:
    from cal.commands import register_commands

    register_commands(app)
