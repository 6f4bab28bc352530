"""Regressions for defects found in review: header poisoning, proxies, mail failures,
lock-out, and inputs that used to answer 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cal import create_app
from cal.auth import services as auth_services
from cal.auth.models import TokenPurpose, User
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.extensions import db
from cal.people.models import Household, Person
from tests.conftest import PASSWORD, log_in


def test_reset_link_uses_base_url_not_the_host_header(make_app, users, monkeypatch):
    sent = []
    monkeypatch.setattr("cal.auth.jobs.try_send_mail",
                        lambda to, subject, body: sent.append(body) or True)
    app = make_app(SERVER_NAME=None, BASE_URL="https://cal.example.org")
    response = app.test_client().post("/password/forgot", data={"email": "admin@test.local"},
                                      headers={"Host": "evil.example"})
    response.close()  # the mail is written once the answer has gone out
    assert response.status_code == 302
    assert "https://cal.example.org/password/reset/" in sent[0] and "evil" not in sent[0]


def test_base_url_is_required_outside_debug_and_tests(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(make_app, users):
    app = make_app(PROXY_COUNT=1)
    client = app.test_client()
    log_in(client, users[Role.VOLUNTEER])
    client.get("/people", headers={"X-Forwarded-For": "203.0.113.9"})
    assert db.session.scalar(select(AuditLog.ip).where(AuditLog.action == "denied")) == (
        "203.0.113.9")


def test_without_proxy_setting_x_forwarded_for_is_ignored(client_as):
    client_as(Role.VOLUNTEER).get("/people", headers={"X-Forwarded-For": "203.0.113.9"})
    assert db.session.scalar(select(AuditLog.ip).where(AuditLog.action == "denied")) != (
        "203.0.113.9")


def test_link_of_a_deactivated_account_is_refused_not_crashing(client, users):
    user = users[Role.LEADER]
    raw = auth_services.issue_token(user, TokenPurpose.RESET, timedelta(hours=1))
    user.active = False
    db.session.commit()
    assert client.get(f"/password/reset/{raw}").status_code == 410
    response = client.post(f"/password/reset/{raw}", data={
        "password": "zupełnie nowe hasło", "confirm": "zupełnie nowe hasło"})
    assert response.status_code == 410


def test_invitation_survives_a_mail_server_that_is_down(make_app, users):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    client = app.test_client()
    log_in(client, users[Role.ADMIN])
    response = client.post("/admin/users", data={"full_name": "Ola Nowak",
                                                 "email": "ola@example.org", "role": "leader"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "ola@example.org"))


def test_password_reset_request_survives_a_mail_server_that_is_down(make_app, users):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    response = app.test_client().post("/password/forgot", data={"email": "admin@test.local"})
    response.close()  # the mail is tried once the answer has gone out, and fails quietly
    assert response.status_code == 302


def test_successful_sign_ins_do_not_use_up_the_limit(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    codes = [app.test_client().post("/login", data={"email": "admin@test.local",
                                                    "password": PASSWORD}).status_code
             for _ in range(4)]
    assert codes == [302, 302, 302, 302]


def test_audit_log_pages_beyond_the_first_and_ignores_foreign_arguments(client_as, users):
    db.session.add_all(AuditLog(user_id=users[Role.ADMIN].id, action="read", entity="person",
                                entity_id=i) for i in range(60))
    db.session.commit()
    client = client_as(Role.ADMIN)
    first = client.get("/admin/audit?action=read&endpoint=x&_external=1")
    assert first.status_code == 200 and "page=2" in first.get_data(as_text=True)
    assert client.get("/admin/audit?action=read&page=2").status_code == 200
    assert client.get("/admin/audit?page=1000000000000").status_code == 200


@pytest.mark.parametrize("query", ["date_from=0001-01-01", "date_to=9999-12-31",
                                   "date_from=yesterday", "user_id=abc"])
def test_audit_log_answers_odd_filters_without_error(client_as, query):
    assert client_as(Role.ADMIN).get(f"/admin/audit?{query}").status_code == 200


@pytest.mark.parametrize("path", ["/people/99999999999999999999", "/households/2147483648",
                                  "/admin/users/99999999999999/reinvite"])
def test_huge_ids_are_not_found(client_as, path):
    method = "post" if path.endswith("reinvite") else "get"
    response = getattr(client_as(Role.ADMIN), method)(path)
    assert response.status_code == 404


@pytest.mark.parametrize("household", ["²", "99999999999", "-1", "abc"])
def test_tampered_household_field_is_refused_without_error(client_as, household):
    response = client_as(Role.COORDINATOR).post("/people/new", data={
        "first_name": "Ala", "last_name": "Kot", "household_id": household})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Person.id))) == 0


@pytest.mark.parametrize(("method", "path", "data"), [
    ("get", "/people?q=a%00b", None),
    ("post", "/login", {"email": "a\x00@x.pl", "password": "x"}),
    ("post", "/password/forgot", {"email": "a\x00@x.pl"}),
    ("post", "/people/new", {"first_name": "A\x00", "last_name": "B"}),
])
def test_nul_bytes_are_refused_with_400(client_as, method, path, data):
    client = client_as(Role.COORDINATOR)
    response = client.get(path) if method == "get" else client.post(path, data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_names_that_fold_longer_still_fit_the_search_column(client_as):
    client = client_as(Role.COORDINATOR)
    response = client.post("/people/new", data={"first_name": "ß" * 80, "last_name": "ß" * 80})
    assert response.status_code == 302
    response = client.post("/households/new", data={"name": "Rodzina Großmann" + "ß" * 100})
    assert response.status_code == 302
    assert len(db.session.scalar(select(Household.search_name))) <= 120
