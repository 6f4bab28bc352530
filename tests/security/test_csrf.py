"""Every state-changing request without a CSRF token is refused, whoever sends it, and
nothing is stored. Walks the URL map, so new routes are covered without a list."""

from __future__ import annotations

import pytest

from cal.core.access import GATEWAY, KIOSK, PUBLIC, Role
from tests.conftest import client_of, row_count, shared_app, user_ids
from tests.security.test_access_matrix import POLICIES, _rules, _url

CHANGING = [(rule, method) for rule in _rules() for method in sorted(rule.methods)
            if method in {"POST", "PUT", "PATCH", "DELETE"}]


def _allowed_role(policy) -> Role | None:
    """A role the endpoint admits (None: anonymous is enough, or a kiosk device)."""
    if policy in (PUBLIC, KIOSK, GATEWAY):
        return None
    return sorted(policy, key=lambda r: r.value)[0]


@pytest.fixture(scope="module")
def csrf_app(database_url):
    """One app with CSRF protection on (the tests' default is off) and one user per role,
    for the whole walk: a refused request stores nothing, which each test checks."""
    with shared_app(database_url, user_ids, WTF_CSRF_ENABLED=True) as made:
        yield made


def test_the_walk_sees_the_forms():
    assert len(CHANGING) > 60


@pytest.mark.parametrize(("rule", "method"), CHANGING,
                         ids=[f"{m} {r.rule}" for r, m in CHANGING])
def test_a_change_without_a_csrf_token_is_refused(csrf_app, rule, method):
    app, users = csrf_app
    role = _allowed_role(POLICIES[rule.endpoint])
    sender = client_of(app, users[role] if role else None)
    with app.app_context():
        before = row_count()
    answer = sender.open(_url(rule), method=method, data={"name": "x", "email": "a@b.pl"})
    if POLICIES[rule.endpoint] == GATEWAY:
        # The gateway posts without a session: its secret address is the proof, and a
        # wrong one is no page at all.
        assert answer.status_code == 404, answer.status_code
    else:
        assert answer.status_code == 400, answer.status_code
        assert "Formularz wygasł" in answer.text  # the CSRF refusal, not a form error
    with app.app_context():
        assert row_count() == before
