"""The factory, configuration, health check, headers, error pages, language."""

from __future__ import annotations

import pytest

from cal import create_app
from cal.config import Config, normalise_database_url
from cal.core.access import Role
from cal.extensions import db


def test_config_reads_database_url_and_defaults_to_sqlite_in_instance():
    assert Config({}).SQLALCHEMY_DATABASE_URI.endswith("instance/cal.db")
    config = Config({"DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://h:6379/0"})
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"
    assert config.REDIS_URL == "redis://h:6379/0"
    assert config.RATELIMIT_STORAGE_URI == "redis://h:6379/0"


def test_normalise_database_url_keeps_other_urls():
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"


def test_secret_key_is_required_outside_debug_and_tests(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_session_cookie_is_secure_httponly_and_lax_outside_debug():
    config = Config({})
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"


def test_healthz_reports_database_and_absent_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "redis": "absent"}


def test_healthz_reports_redis_down_when_unreachable(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "redis": "down"}


def test_every_response_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp


def test_no_hsts_in_debug(make_app):
    app = make_app(DEBUG=True)
    app.debug = True
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


PRODUCTION = {"DEBUG": False, "SECRET_KEY": "k3v9Q2xw7LmZr1Tb8Yc4Nd6Pf0Hs5Ju2", "BASE_URL":
              "https://cal.ops.example.pl", "SESSION_COOKIE_SECURE": True,
              "REMEMBER_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
              "SESSION_COOKIE_NAME": "__Host-session", "RATELIMIT_ENABLED": True,
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
              "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://cal@db/cal"}


@pytest.mark.parametrize(("change", "word"), [
    ({"DEBUG": True}, "FLASK_DEBUG"), ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"SECRET_KEY": "bench-secret-key-long-enough-1"}, "SECRET_KEY"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ({"SESSION_COOKIE_NAME": "session"}, "__Host-"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "memory"),
    ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED"),
    ({"BASE_URL": "http://cal.example.pl"}, "BASE_URL"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:///cal.db"}, "SQLite"),
    ({"SECRET_KEY": "x" * 40}, "SECRET_KEY"),
    ({"SECRET_KEY": "changeme" * 4}, "SECRET_KEY"),
    ({"SECRET_KEY": "0123456789abcdef0123456789abcdef"}, "SECRET_KEY"),
    ({"SECRET_KEY": "my-super-secret-key-for-production"}, "SECRET_KEY"),
    ({"MAIL_SERVER": "smtp.example.pl", "MAIL_USE_TLS": False}, "MAIL_USE_TLS"),
    ({"LOGIN_RATE_LIMIT": "100 per minute"}, "LOGIN_RATE_LIMIT"),
    ({"LOGIN_RATE_LIMIT": "20 per second; 1000 per day"}, "LOGIN_RATE_LIMIT"),
    ({"LOGIN_RATE_LIMIT": "plenty"}, "LOGIN_RATE_LIMIT"),
    ({"LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute"}, "LOGIN_ACCOUNT_RATE_LIMIT")])
def test_the_deploy_check_names_each_insecure_setting(change, word):
    from cal.config import insecure_settings

    assert insecure_settings(PRODUCTION) == []
    problems = insecure_settings({**PRODUCTION, **change})
    assert len(problems) == 1 and word in problems[0]


@pytest.mark.parametrize("change", [
    {"SECRET_KEY": "q8T2vL9xR4mK7pW3nZ6yB1cF5hJ0sD8g"},  # random, 32 characters
    {"SECRET_KEY": "1643e1527d78966981ef171b5f6e1a6b8e7cb8c8a590727e87d4debbe20e1654"},
    {"MAIL_SERVER": "smtp.example.pl", "MAIL_USE_TLS": True},
    {"MAIL_SERVER": "127.0.0.1", "MAIL_USE_TLS": False},  # a relay on this machine
    {"LOGIN_RATE_LIMIT": "10 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "20 per hour"},
    {"LOGIN_RATE_LIMIT": "5 per minute; 50 per hour"}])
def test_the_deploy_check_takes_sound_settings(change):
    from cal.config import insecure_settings

    assert insecure_settings({**PRODUCTION, **change}) == []


def test_check_deploy_fails_on_the_test_settings(app):
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "SESSION_COOKIE_SECURE" in result.output and "RATELIMIT_ENABLED" in result.output


def test_pages_have_no_inline_script(client_as):
    html = client_as(Role.ADMIN).get("/").get_data(as_text=True)
    assert "<script>" not in html and "<script " in html
    assert "onclick" not in html and "javascript:" not in html


def test_pages_of_signed_in_users_are_not_cached(client_as):
    assert client_as(Role.COORDINATOR).get("/").headers["Cache-Control"] == "no-store"


def test_unknown_page_answers_404_in_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<main" in response.get_data(as_text=True)


def test_forbidden_page_is_rendered_in_the_layout(client_as):
    response = client_as(Role.VOLUNTEER).get("/admin/users")
    assert response.status_code == 403
    assert "<main" in response.get_data(as_text=True)


def test_server_error_page_hides_the_trace(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise ValueError("secret internal detail")

    boom.access_policy = "public"
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "<main" in body


def test_endpoint_without_declared_policy_is_refused(make_app):
    app = make_app()

    @app.get("/undeclared")
    def undeclared():
        return "should never be served"

    response = app.test_client().get("/undeclared")
    assert response.status_code == 403


def test_interface_is_polish_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert "Zaloguj się" in html


def test_language_switch_for_anonymous_visitor_uses_the_session(client):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 302 and response.location.endswith("/login")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html


def test_language_switch_is_remembered_on_the_user(client_as, users):
    client = client_as(Role.COORDINATOR)
    client.post("/language", data={"locale": "en"})
    db.session.refresh(users[Role.COORDINATOR])
    assert users[Role.COORDINATOR].locale == "en"


def test_language_switch_ignores_unknown_locale_and_foreign_next(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response.location
    assert '<html lang="pl">' in client.get("/login").get_data(as_text=True)


def test_the_web_app_manifest_lets_a_phone_add_cal_to_its_home_screen(client):
    page = client.get("/login").text
    assert 'rel="manifest" href="/static/manifest.webmanifest"' in page
    manifest = client.get("/static/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    data = manifest.get_json(force=True)
    assert data["display"] == "standalone" and data["start_url"] == "/"
    for icon in data["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"


def test_no_page_repeats_the_csrf_tokens_id(client_as):
    """A page with several forms (a session's attendance, a project's budget) once
    repeated id="csrf_token", which the Nu Html Checker refuses."""
    from cal.core.access import Role

    page = client_as(Role.COORDINATOR).get("/people/new").text
    assert 'name="csrf_token"' in page and 'id="csrf_token"' not in page


def _articles_without_heading(page: str) -> int:
    """How many <article> elements have no heading of their own (one inside a nested
    article does not count for the outer one)."""
    from html.parser import HTMLParser

    class Articles(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[bool] = []
            self.bare = 0

        def handle_starttag(self, tag, attrs):
            if tag == "article":
                self.open.append(False)
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.open:
                self.open[-1] = True

        def handle_endtag(self, tag):
            if tag == "article" and self.open:
                self.bare += not self.open.pop()

    parser = Articles()
    parser.feed(page)
    return parser.bare


def test_every_article_on_the_notices_and_hours_pages_has_a_heading(client_as, users):
    """The Nu Html Checker flags an article without a heading: the notices and the
    volunteer's entries are plain cards now, inside the page's own article."""
    from cal.core.access import Role
    from cal.core.timeutil import local_today
    from cal.extensions import db
    from cal.notifications.outbox import tell
    from tests.factories import VolunteerFactory
    from volunteers.hours.models import HourEntry

    volunteer = VolunteerFactory(user_id=users[Role.VOLUNTEER].id)
    db.session.add(HourEntry(volunteer_id=volunteer.id, key="article-" + "x" * 20,
                             activity="event", label="Piknik", worked_on=local_today(),
                             minutes=60))
    tell(users[Role.VOLUNTEER].id, "match_proposed", "match:1", "Nowa propozycja")
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    for path in ("/notifications", "/volunteers/me/hours"):
        page = client.get(path).text
        assert 'class="card' in page, path
        assert _articles_without_heading(page) == 0, path


def test_dates_are_written_one_way_in_polish(app):
    """"5 maja 2027", never Babel's medium "5 maj 2027"; one short form for lists."""
    from datetime import date, datetime

    from flask_babel import force_locale

    with app.test_request_context(), force_locale("pl"):
        assert app.jinja_env.filters["date"](date(2027, 5, 5)) == "5 maja 2027"
        assert app.jinja_env.filters["date"](date(2027, 5, 5), "dd.MM.yyyy") == "05.05.2027"
        # a moment is stored in UTC and shown in Warsaw's time (summer: two hours on)
        assert app.jinja_env.filters["datetime"](datetime(2027, 5, 5, 8, 0)) == "05.05.2027, 10:00"
