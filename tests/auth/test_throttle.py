"""Failed sign-ins held back per address, per address and account, and slowed down on an
account tried from many addresses, without anyone locking the owner out (cal.auth.throttle)."""

from __future__ import annotations

import re

from sqlalchemy import select

from cal.auth import throttle
from cal.core.audit import AuditLog
from cal.extensions import db
from tests.conftest import PASSWORD

WAIT = "Odczekaj chwilę"
OWNER = "10.0.0.1"


def _try(app, email: str, password: str, address: str):
    return app.test_client().post("/login", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def _without_tokens(page: str) -> str:
    """The page without its session's CSRF tokens (each client has its own)."""
    return re.sub(r'(content|value)="[\w.-]{40,}"|"X-CSRFToken": "[\w.-]+"', "", page)


def _attack(app, email: str, addresses: int, each: int = 1) -> list[int]:
    return [_try(app, email, f"guess {n}", f"203.0.113.{a}").status_code
            for a in range(1, addresses + 1) for n in range(each)]


def test_attackers_elsewhere_cannot_lock_the_owner_out_of_their_own_address(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)  # the production limits
    codes = _attack(app, "admin@test.local", addresses=30, each=3)
    assert 429 in codes  # the account is being slowed down for them
    assert _try(app, "admin@test.local", PASSWORD, OWNER).status_code == 302


def test_a_wrong_password_at_home_does_not_lock_the_owner_out_during_an_attack(make_app,
                                                                              users):
    app = make_app(RATELIMIT_ENABLED=True)
    _attack(app, "admin@test.local", addresses=20)
    assert _try(app, "admin@test.local", "a typo", OWNER).status_code == 422
    assert _try(app, "admin@test.local", PASSWORD, "10.0.0.2").status_code == 302


def test_attempts_on_one_account_are_limited_per_address_and_account(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute",
                   LOGIN_ACCOUNT_RATE_LIMIT="3 per hour")
    codes = [_try(app, "admin@test.local", "bad", "10.0.0.9").status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    held = _try(app, "admin@test.local", PASSWORD, "10.0.0.9")  # the right one waits too
    assert held.status_code == 429 and WAIT in held.text and 'id="password-error"' in held.text
    # Another account from that address, and that account from another, are not held.
    assert _try(app, "leader@test.local", "bad", "10.0.0.9").status_code == 422
    assert _try(app, "admin@test.local", PASSWORD, OWNER).status_code == 302
    with app.app_context():  # the refusal is in the audit log, from its address
        denial = db.session.scalar(select(AuditLog).where(AuditLog.action == "denied"))
        assert denial.detail == "auth.login: limit 3 per 1 hour" and denial.ip == "10.0.0.9"


def test_an_account_tried_from_many_addresses_makes_each_wait_between_attempts(make_app,
                                                                              users):
    app = make_app(RATELIMIT_ENABLED=True)
    assert _attack(app, "admin@test.local", addresses=throttle.SLOWED_AFTER.amount) == [
        422] * throttle.SLOWED_AFTER.amount
    again = _try(app, "admin@test.local", "guess", "203.0.113.1")  # within its 30 seconds
    assert again.status_code == 429 and WAIT in again.text
    # Before the attack an address had its five attempts a minute on the account.
    calm = [_try(app, "leader@test.local", "bad", "10.0.0.7").status_code for _ in range(2)]
    assert calm == [422, 422]


def test_the_slowdown_tells_nothing_of_whether_the_account_exists(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)
    answers = {}
    for email in ("admin@test.local", "nobody@test.local"):
        _attack(app, email, addresses=throttle.SLOWED_AFTER.amount)
        answers[email] = _try(app, email, "guess", "203.0.113.1")
    known, unknown = (_without_tokens(answer.text.replace("admin@", "nobody@"))
                      for answer in answers.values())
    assert [a.status_code for a in answers.values()] == [429, 429] and known == unknown


def test_without_the_limiter_nothing_is_held_back(make_app, users):
    app = make_app(RATELIMIT_ENABLED=False, LOGIN_ACCOUNT_RATE_LIMIT="1 per hour")
    assert [_try(app, "admin@test.local", "bad", OWNER).status_code
            for _ in range(3)] == [422, 422, 422]
