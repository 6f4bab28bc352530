"""Configuration read from the environment.

``Config(env)`` reads every setting from a mapping (``os.environ`` by default), so
tests and scripts can build one without touching the process environment.
"""

from __future__ import annotations

import math
import os
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from limits import parse_many
from zxcvbn import zxcvbn

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _clock(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"a time must be written like 17:00, not {value!r}") from error


def _price(value: str, name: str = "SMS_PART_PRICE") -> str:
    """A price in PLN, written with a point or a comma ("0,16")."""
    written = value.strip().replace(",", ".")
    try:
        if Decimal(written) < 0:
            raise InvalidOperation
    except InvalidOperation as error:
        raise ValueError(f"{name} must be an amount like 0.16, not {value!r}") from error
    return written


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def cookie_name(secure: bool) -> str:
    """__Host- only on a Secure cookie: a browser drops a __Host- cookie without it."""
    return "__Host-session" if secure else "session"


LOGIN_RATE_LIMIT = "5 per minute"
LOGIN_ACCOUNT_RATE_LIMIT = "10 per hour"


class Config:
    """All settings of the application; the README lists each with its meaning."""

    def __init__(self, env: os._Environ | dict | None = None):
        env = os.environ if env is None else env
        self.DEBUG = _bool(env.get("FLASK_DEBUG"))
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'cal.db'}"
        )
        self.REDIS_URL = env.get("REDIS_URL") or None
        # Links in e-mails are built from this, never from the request's Host header.
        self.BASE_URL = (env.get("BASE_URL") or "").rstrip("/") or None
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto.
        self.PROXY_COUNT = int(env.get("PROXY_COUNT") or 0)
        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(env.get("MAIL_PORT") or 587)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"), default=True)
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER") or "cal@localhost"
        self.CENTRE_NAME = env.get("CENTRE_NAME") or "Ośrodek Pomocy Społecznej"
        self.CENTRE_ADDRESS = env.get("CENTRE_ADDRESS") or ""
        # The place written on documents ("Miasto, dnia ...") and who signs them.
        self.CENTRE_CITY = env.get("CENTRE_CITY") or ""
        self.CENTRE_SIGNATORY = env.get("CENTRE_SIGNATORY") or "Dyrektor Ośrodka"
        # The defaults of the centre's settings (cal.core.centre), until an administrator
        # saves them at /admin/settings: the name as after "na rzecz" (empty: the name's
        # usual words declined), who signs as after "reprezentowanym przez" (likewise),
        # and the value of an hour of volunteer work in PLN (by default the minimum hourly
        # rate of 2026: the year's report values the hours by it).
        self.CENTRE_NAME_GENITIVE = env.get("CENTRE_NAME_GENITIVE") or ""
        self.CENTRE_REPRESENTED_BY = env.get("CENTRE_REPRESENTED_BY") or ""
        self.VOLUNTEER_HOUR_VALUE = _price(env.get("VOLUNTEER_HOUR_VALUE") or "31.40",
                                           "VOLUNTEER_HOUR_VALUE")
        # Text messages through SMSAPI: no token means no SMS (shown as unavailable).
        self.SMS_API_TOKEN = env.get("SMS_API_TOKEN") or None
        self.SMS_API_URL = env.get("SMS_API_URL") or "https://api.smsapi.pl/"
        # The sender name registered at the gateway (at most 11 letters); none: its default.
        self.SMS_SENDER = env.get("SMS_SENDER") or ""
        # The price of one part (PLN, net), for the estimate shown before a send.
        self.SMS_PART_PRICE = _price(env.get("SMS_PART_PRICE") or "0.16")
        # How a text message says it can be stopped: by a STOP reply when replies reach
        # the gateway (a two-way sender: "2way" or a number), else by a short link.
        self.SMS_FOOTER = env.get("SMS_FOOTER") or ""
        # No text message goes to a resident between these local times; it waits.
        self.SMS_QUIET_FROM = _clock(env.get("SMS_QUIET_FROM") or "20:00")
        self.SMS_QUIET_UNTIL = _clock(env.get("SMS_QUIET_UNTIL") or "08:00")
        self.BABEL_DEFAULT_LOCALE = "pl"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Warsaw"
        # The local time at which reminders of the next day's visits and sessions go out.
        self.REMINDER_TIME = _clock(env.get("REMINDER_TIME") or "17:00")
        self.INVITE_TTL_HOURS = int(env.get("INVITE_TTL_HOURS") or 72)
        self.RESET_TTL_MINUTES = int(env.get("RESET_TTL_MINUTES") or 60)
        # Failed sign-ins from one address, on any accounts; and from one address on one
        # account (cal.auth.throttle: an account tried from many is slowed down besides).
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT") or LOGIN_RATE_LIMIT
        self.LOGIN_ACCOUNT_RATE_LIMIT = (env.get("LOGIN_ACCOUNT_RATE_LIMIT")
                                         or LOGIN_ACCOUNT_RATE_LIMIT)
        self.RATELIMIT_ENABLED = _bool(env.get("RATELIMIT_ENABLED"), default=True)
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # A moving window: a fixed one lets twice the limit through across a minute's
        # boundary (and made the limit depend on when in the minute the tries came).
        self.RATELIMIT_STRATEGY = "moving-window"
        # Redis down must not break a page: the limits are kept in this process's memory
        # until it answers again, and a slow Redis is given up on after a second.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
        # A session ends after 30 minutes without a request and after 12 hours in all.
        self.SESSION_IDLE_MINUTES = int(env.get("SESSION_IDLE_MINUTES") or 30)
        self.SESSION_MAX_HOURS = int(env.get("SESSION_MAX_HOURS") or 12)
        self.PERMANENT_SESSION_LIFETIME = self.SESSION_MAX_HOURS * 3600
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"), default=not self.DEBUG)
        # __Host-: the browser sends it only over HTTPS, for this host and every path,
        # and no subdomain can set it (only with Secure, which it requires).
        self.SESSION_COOKIE_NAME = cookie_name(self.SESSION_COOKIE_SECURE)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        # The largest scan of a signed paper (volunteers/documents/scans.py); a request
        # may be a megabyte more, for the form around the file. A larger one is answered
        # with a page that says so (cal.core.http), never a bare 413.
        self.SCAN_MAX_BYTES = int(env.get("SCAN_MAX_MB") or 10) * 1024 * 1024
        self.MAX_CONTENT_LENGTH = self.SCAN_MAX_BYTES + 1024 * 1024
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            # Dates as ISO text whatever the server's default (indicators read them so).
            self.SQLALCHEMY_ENGINE_OPTIONS["connect_args"] = {"options": "-c DateStyle=ISO,YMD"}


# Each login limit: its default, and the most failed attempts in an hour it may let through
# (a looser one does not slow a password guesser down).
LOGIN_LIMITS = {"LOGIN_RATE_LIMIT": (LOGIN_RATE_LIMIT, 600),
                "LOGIN_ACCOUNT_RATE_LIMIT": (LOGIN_ACCOUNT_RATE_LIMIT, 60)}
# About 80 bits: zxcvbn's estimate of the guesses a secret key needs, at the least.
SECRET_GUESSES_LOG10 = 24
# A mail server on this machine is reached without crossing a network.
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

# Secrets that are examples, not secrets (the README's, the tests', the usual ones).
KNOWN_SECRETS = {"change-me", "changeme", "secret", "dev", "development", "x",
                 "test-secret-key-that-is-long-enough", "bench-secret-key-long-enough-1"}


def insecure_settings(config) -> list[str]:
    """What makes these settings unfit for production (`flask check-deploy`)."""
    problems = []
    if config.get("DEBUG"):
        problems.append("FLASK_DEBUG is on: it shows code and lets a visitor run it.")
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < 32 or secret.lower() in KNOWN_SECRETS:
        problems.append("SECRET_KEY is missing, shorter than 32 characters or a known "
                        "example: sessions could be forged.")
    elif _guessable(secret):
        problems.append("SECRET_KEY is long enough but easy to guess (words, repeats, a "
                        "sequence): sessions could be forged. Use a random one, e.g. "
                        "python -c 'import secrets; print(secrets.token_hex(32))'.")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: the session cookie would travel "
                        "without HTTPS.")
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        problems.append("SESSION_COOKIE_HTTPONLY is off: scripts could read the session.")
    if not str(config.get("SESSION_COOKIE_NAME", "")).startswith("__Host-"):
        problems.append("The session cookie is not a __Host- cookie.")
    if not config.get("RATELIMIT_ENABLED", True):
        problems.append("RATELIMIT_ENABLED is off: passwords could be guessed freely.")
    elif str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        problems.append("The login limit is kept in each process's memory (no REDIS_URL): "
                        "with several workers it lets several times the limit through.")
    problems += _loose_login_limits(config)
    if config.get("MAIL_SERVER") and not config.get("MAIL_USE_TLS") and (
            config["MAIL_SERVER"] not in LOOPBACK):
        problems.append("MAIL_USE_TLS is off: invitation and password-reset links would "
                        "travel to the mail server unencrypted.")
    if not str(config.get("BASE_URL") or "").startswith("https://"):
        problems.append("BASE_URL is not an https:// address: links in e-mails would be "
                        "sent without HTTPS.")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("DATABASE_URL is SQLite: production runs on PostgreSQL "
                        "(backups, concurrent workers).")
    return problems


def _guessable(secret: str) -> bool:
    return zxcvbn(secret[:72])["guesses_log10"] < SECRET_GUESSES_LOG10


def most_in_an_hour(limit: str) -> int:
    """The most attempts a limit ("5 per minute; 20 per hour") lets through in an hour."""
    return min(item.amount * math.ceil(3600 / item.get_expiry()) if item.get_expiry() <= 3600
               else item.amount for item in parse_many(limit))


def _loose_login_limits(config) -> list[str]:
    problems = []
    for name, (default, loosest) in LOGIN_LIMITS.items():
        written = config.get(name) or default
        try:
            most = most_in_an_hour(written)
        except ValueError:
            problems.append(f"{name} is not a limit like '5 per minute': {written!r}.")
            continue
        if most > loosest:
            problems.append(f"{name} lets {most} failed sign-ins through in an hour (at most "
                            f"{loosest}): too loose to slow a password guesser down.")
    return problems
