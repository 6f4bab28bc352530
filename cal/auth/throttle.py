"""Failed sign-ins held back, so that passwords cannot be guessed and nobody can lock
another person out (OWASP ASVS 5.0 V6.1.1, V6.3.1). Only failed attempts count:

- from one address, LOGIN_RATE_LIMIT on any accounts (the sign-in page's own limit);
- from one address on one account, LOGIN_ACCOUNT_RATE_LIMIT;
- an account tried from many addresses (SLOWED_AFTER failed attempts on it from anywhere)
  is slowed down: each address then waits SLOWED_PACE after its failed attempt on it.

No rule is held against an account as a whole: its owner, from an address that has not
failed on it, always has a try, whatever is tried from elsewhere. The e-mail is counted as
typed, so an unknown one is held back the same way (the answer tells nothing of who has an
account). The counts live in the limiter's storage (Redis, shared by the workers); when it
fails, the attempt is let through, as the limiter's own limits are.
"""

from __future__ import annotations

from flask import current_app
from limits import parse, parse_many
from limits.errors import StorageError
from redis.exceptions import RedisError

from cal.extensions import limiter

SLOWED_AFTER = parse("10 per 15 minutes")
SLOWED_PACE = parse("1 per 30 seconds")


def _pair_limits():
    return parse_many(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def must_wait(address: str, email: str) -> str | None:
    """The limit this address has reached on this account, or None when it may try."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    counts = limiter.limiter
    try:
        for limit in _pair_limits():
            if not counts.test(limit, "login-pair", address, email):
                return str(limit)
        if (not counts.test(SLOWED_AFTER, "login-account", email)
                and not counts.test(SLOWED_PACE, "login-pace", address, email)):
            return str(SLOWED_PACE)
    except (StorageError, RedisError, OSError):
        current_app.logger.warning("the sign-in counts are unreachable; attempt let through")
    return None


def note_failure(address: str, email: str) -> None:
    """Count a failed attempt of this address on this account."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    counts = limiter.limiter
    try:
        for limit in _pair_limits():
            counts.hit(limit, "login-pair", address, email)
        counts.hit(SLOWED_AFTER, "login-account", email)
        counts.hit(SLOWED_PACE, "login-pace", address, email)
    except (StorageError, RedisError, OSError):
        current_app.logger.warning("the sign-in counts are unreachable; failure not counted")
