"""The access matrix: every endpoint declares who may use it, and every role is
refused (403) wherever it is not allowed; anonymous users go to the login page.

It walks ``app.url_map``, so endpoints added later are covered without anyone
remembering to add them here. The policy answers before any record is looked up, so
one app and one set of users serve the whole walk (a test of its own would spend its
time building them, not asking).
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from cal import create_app
from cal.core.access import GATEWAY, KIOSK, PUBLIC, Role, policy_of
from tests.conftest import client_of, config_for_tests, shared_app, user_ids

_MAP_APP = create_app(config_for_tests("sqlite://"))


def _rules():
    for rule in sorted(_MAP_APP.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        yield rule


def _url(rule) -> str:
    """The rule's URL with every argument filled: ids that do not exist, since the
    policy must answer before any record is looked up."""
    values = {
        arg: 999999 if isinstance(conv, IntegerConverter) else "placeholder"
        for arg, conv in rule._converters.items()
    }
    adapter = _MAP_APP.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method=_methods(rule)[0])


def _methods(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in {"GET", "POST", "PUT", "PATCH", "DELETE"})


def _policies() -> dict[str, object]:
    with _MAP_APP.app_context():
        return {rule.endpoint: policy_of(rule.endpoint) for rule in _rules()}


POLICIES = _policies()
CASES = [(rule, method) for rule in _rules() for method in _methods(rule)]
IDS = [f"{method} {rule.rule}" for rule, method in CASES]


def test_every_endpoint_declares_an_access_policy():
    undeclared = [endpoint for endpoint, policy in POLICIES.items() if policy is None]
    assert undeclared == [], f"endpoints without roles_required/any_role/public: {undeclared}"


def test_matrix_covers_the_known_endpoints():
    # A guard that the walk itself works: it sees the endpoints of every blueprint.
    for endpoint in ("auth.login", "auth.users", "people.person_list", "people.audit_log",
                     "volunteers.index", "clubs.index", "seniors.index", "dashboard.index"):
        assert endpoint in POLICIES


@pytest.fixture(scope="module")
def walk(database_url):
    """The app and one user per role, for the whole walk."""
    with shared_app(database_url, user_ids) as made:
        yield made


@pytest.fixture
def client(walk):
    return client_of(walk[0])


@pytest.fixture
def client_as(walk):
    app, users = walk
    return lambda role: client_of(app, users[role])


@pytest.mark.parametrize(("rule", "method"), CASES, ids=IDS)
def test_anonymous_is_sent_to_login_unless_public(client, rule, method):
    response = client.open(_url(rule), method=method)
    if POLICIES[rule.endpoint] == PUBLIC:
        assert response.status_code < 500
    elif POLICIES[rule.endpoint] == KIOSK:
        assert response.status_code == 401  # no registered device
    elif POLICIES[rule.endpoint] == GATEWAY:
        assert response.status_code == 404  # not the gateway's secret address
    else:
        assert response.status_code == 302
        assert "/login" in response.location


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize(("rule", "method"), CASES, ids=IDS)
def test_each_role_is_refused_where_not_allowed(client_as, rule, method, role):
    policy = POLICIES[rule.endpoint]
    response = client_as(role).open(_url(rule), method=method)
    if policy == KIOSK:
        assert response.status_code == 401  # a role is no kiosk device
    elif policy == GATEWAY:
        assert response.status_code == 404  # a role is no gateway
    elif policy != PUBLIC and role not in policy:
        assert response.status_code == 403
    else:
        assert response.status_code != 403
        assert response.status_code < 500
