"""Sign-in, sign-out, rate limit, invitations, password reset, user management."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from cal.auth import services
from cal.auth.models import TokenPurpose, User, UserToken
from cal.auth.passwords import HASHER, hash_password, verify_password
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import utcnow
from cal.core.urls import local_path, safe_next
from cal.extensions import db
from tests.conftest import PASSWORD, log_in


def test_passwords_use_argon2id_at_owasp_minimum():
    encoded = hash_password("a long enough password")
    assert encoded.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in encoded
    assert HASHER.memory_cost == 19456 and HASHER.time_cost == 2 and HASHER.parallelism == 1


def test_verify_password_refuses_wrong_password_and_missing_hash():
    encoded = hash_password("a long enough password")
    assert verify_password(encoded, "a long enough password")
    assert not verify_password(encoded, "wrong")
    assert not verify_password(None, "anything")


def test_login_with_right_password_reaches_the_start_page(client, users):
    response = client.post("/login", data={"email": "COORDINATOR@test.local ",
                                           "password": PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith("/")
    assert client.get("/").status_code == 200


def test_login_with_wrong_password_is_refused_with_a_message(client, users):
    response = client.post("/login", data={"email": "admin@test.local", "password": "nope"})
    assert response.status_code == 422
    assert "Nieprawidłowy" in response.get_data(as_text=True) or "Wrong" in response.get_data(
        as_text=True)
    assert client.get("/").status_code == 302


def test_login_with_missing_fields_answers_422_with_errors(client, users):
    response = client.post("/login", data={})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, users):
    users[Role.LEADER].active = False
    db.session.commit()
    response = client.post("/login", data={"email": "leader@test.local", "password": PASSWORD})
    assert response.status_code == 422


def test_login_rehashes_an_outdated_password_hash(client, users):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    users[Role.ADMIN].password_hash = weak
    db.session.commit()
    client.post("/login", data={"email": "admin@test.local", "password": PASSWORD})
    db.session.refresh(users[Role.ADMIN])
    assert "m=19456,t=2,p=1" in users[Role.ADMIN].password_hash


def test_login_rotates_the_session(client, users):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": "admin@test.local", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == users[Role.ADMIN].get_id()


@pytest.mark.parametrize("target", ["/people", "/people?q=ala"])
def test_login_follows_a_local_next(client, users, target):
    response = client.post("/login", data={"email": "admin@test.local", "password": PASSWORD,
                                           "next": target})
    assert response.location.endswith(target)


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example", "/\\evil.example", "%2F%2Fevil.example",
    "/%2F/evil.example", "/%5Cevil.example", "javascript:alert(1)", "\t//evil.example",
    "http:/evil.example",
])
def test_next_refuses_other_sites(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(("link", "path"), [
    ("https://cal.example.pl/volunteers/me/matches", "/volunteers/me/matches"),
    ("https://cal.example.pl/volunteers/hours?month=2026-11", "/volunteers/hours?month=2026-11"),
    ("/notifications", "/notifications"),
    ("https://evil.example/volunteers/me/matches", None),
    ("https://cal.example.pl.evil.example/x", None),
    ("javascript:alert(1)", None),
    ("//evil.example/x", None),
    ("", None),
])
def test_a_stored_link_is_followed_only_to_our_own_pages(make_app, link, path):
    app = make_app(BASE_URL="https://cal.example.pl")
    with app.test_request_context():
        assert local_path(link) == path


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/people?q=x")
    assert response.status_code == 302
    assert "/login?next=" in response.location


def test_logout_ends_the_session_and_old_cookies(client, users):
    client.post("/login", data={"email": "admin@test.local", "password": PASSWORD})
    with client.session_transaction() as session:
        stolen = dict(session)
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    with client.session_transaction() as session:
        session.update(stolen)
    assert client.get("/").status_code == 302  # the copied cookie no longer works


def test_logout_requires_post(client_as):
    assert client_as(Role.ADMIN).get("/logout").status_code == 405


def test_login_is_rate_limited_per_address(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post("/login", data={"email": f"x{i}@test.local", "password": "bad"}).status_code
        for i in range(4)
    ]
    assert codes == [422, 422, 422, 429]


def _invite(admin, email="nowa@test.local", role=Role.LEADER):
    return services.invite_user(email, "Nowa Osoba", role, admin, timedelta(hours=72))


def test_admin_invites_a_user_who_sets_a_password_and_signs_in(client_as, users, app):
    admin_client = client_as(Role.ADMIN)
    response = admin_client.post("/admin/users", data={
        "full_name": "Joanna Mazur", "email": "joanna@example.org", "role": "leader"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "joanna@example.org"))
    assert user.role == Role.LEADER and user.password_hash is None
    raw = services.issue_token(user, TokenPurpose.INVITE, timedelta(hours=1))
    db.session.commit()
    anonymous = app.test_client()
    response = anonymous.post(f"/invitation/{raw}", data={
        "password": "dobre haslo na start", "confirm": "dobre haslo na start"})
    assert response.status_code == 302
    response = anonymous.post("/login", data={"email": "joanna@example.org",
                                              "password": "dobre haslo na start"})
    assert response.status_code == 302 and response.location.endswith("/")


def test_invitation_link_works_once(client, users):
    user, raw = _invite(users[Role.ADMIN])
    db.session.commit()
    page = client.get(f"/invitation/{raw}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    data = {"password": "dobre haslo na start", "confirm": "dobre haslo na start"}
    assert client.post(f"/invitation/{raw}", data=data).status_code == 302
    used = client.post(f"/invitation/{raw}", data=data)
    assert used.status_code == 410 and used.headers["Cache-Control"] == "no-store"


def test_expired_invitation_is_refused(client, users):
    user, raw = _invite(users[Role.ADMIN])
    db.session.scalar(select(UserToken)).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/invitation/{raw}")
    assert response.status_code == 410


def test_invitation_refuses_short_or_mismatched_password(client, users):
    user, raw = _invite(users[Role.ADMIN])
    db.session.commit()
    short = client.post(f"/invitation/{raw}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 422
    mismatch = client.post(f"/invitation/{raw}", data={
        "password": "dobre haslo na start", "confirm": "inne haslo na start"})
    assert mismatch.status_code == 422
    db.session.refresh(user)
    assert user.password_hash is None


COMMON = ["password1234", "qwertyuiop12", "123456789012", "Password123!", "kochamcie123",
          "demo1234demo1234"]


@pytest.mark.parametrize("password", COMMON)
def test_an_invitation_refuses_a_commonly_used_password_beside_the_field(client, users,
                                                                        password):
    user, raw = _invite(users[Role.ADMIN])
    db.session.commit()
    answer = client.post(f"/invitation/{raw}", data={"password": password, "confirm": password})
    assert answer.status_code == 422 and answer.headers["Cache-Control"] == "no-store"
    beside = answer.text.split('id="password-error"')[1].split("</")[0]
    assert "często używane lub łatwe do odgadnięcia" in beside
    db.session.refresh(user)
    assert user.password_hash is None
    assert client.get(f"/invitation/{raw}").status_code == 200  # the link still works


@pytest.mark.parametrize("password", ["Nowa Osoba 1", "nowa@test.local", "NowaOsoba2024",
                                      COMMON[0]])
def test_a_reset_refuses_a_common_password_or_one_made_of_the_own_name(client, users,
                                                                       password):
    user, raw = _invite(users[Role.ADMIN])  # "Nowa Osoba", nowa@test.local
    user.password_hash = hash_password("the old one, kept")
    reset = services.issue_token(user, TokenPurpose.RESET, timedelta(hours=1))
    db.session.commit()
    answer = client.post(f"/password/reset/{reset}", data={"password": password,
                                                           "confirm": password})
    assert answer.status_code == 422 and "łatwe do odgadnięcia" in answer.text
    db.session.refresh(user)
    assert verify_password(user.password_hash, "the old one, kept")


def test_a_strong_password_is_taken(users):
    services.check_new_password("kasztany na jesiennym rynku", "nowa@test.local", "Nowa Osoba")
    with pytest.raises(DomainError) as error:
        services.check_new_password("kasztany", "nowa@test.local", "Nowa Osoba")
    assert error.value.field == "password"


def test_invite_refuses_an_existing_email(users):
    with pytest.raises(DomainError) as error:
        _invite(users[Role.ADMIN], email="Leader@test.local")
    assert error.value.field == "email"


def test_invite_form_shows_the_duplicate_email_error(client_as, users):
    response = client_as(Role.ADMIN).post("/admin/users", data={
        "full_name": "X", "email": "leader@test.local", "role": "leader"})
    assert response.status_code == 422


def test_only_the_hash_of_a_token_is_stored(users):
    user, raw = _invite(users[Role.ADMIN])
    token = db.session.scalar(select(UserToken))
    assert raw not in token.token_hash and len(token.token_hash) == 64


def test_password_reset_sets_a_new_password_and_ends_old_sessions(app, users):
    user = users[Role.VOLUNTEER]
    old_session_id = user.get_id()
    user_and_raw = services.request_password_reset("volunteer@test.local", timedelta(hours=1))
    db.session.commit()
    client = app.test_client()
    response = client.post(f"/password/reset/{user_and_raw[1]}", data={
        "password": "zupełnie nowe hasło", "confirm": "zupełnie nowe hasło"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, "zupełnie nowe hasło")
    assert user.get_id() != old_session_id


def test_password_reset_request_answers_the_same_for_unknown_email(client, users):
    known = client.post("/password/forgot", data={"email": "admin@test.local"})
    unknown = client.post("/password/forgot", data={"email": "nobody@test.local"})
    assert known.status_code == unknown.status_code == 302
    known.close()  # the link is written once the answer has gone out
    assert db.session.scalar(select(UserToken.id).where(UserToken.purpose == "reset")) is not None


def test_reset_link_of_one_purpose_does_not_work_for_the_other(client, users):
    user, raw = _invite(users[Role.ADMIN])
    db.session.commit()
    answer = client.get(f"/password/reset/{raw}")
    assert answer.status_code == 410 and answer.headers["Cache-Control"] == "no-store"


def test_admin_changes_role_and_deactivates_a_user(client_as, users):
    leader = users[Role.LEADER]
    response = client_as(Role.ADMIN).post(f"/admin/users/{leader.id}",
                                          data={"role": "coordinator"})
    assert response.status_code == 302
    db.session.refresh(leader)
    assert leader.role == Role.COORDINATOR and leader.active is False


def test_deactivated_user_loses_the_open_session(client_as, users):
    volunteer_client = client_as(Role.VOLUNTEER)
    assert volunteer_client.get("/").status_code == 200
    client_as(Role.ADMIN).post(f"/admin/users/{users[Role.VOLUNTEER].id}",
                               data={"role": "volunteer"})
    assert volunteer_client.get("/").status_code == 302


def test_admin_cannot_remove_own_admin_access(client_as, users):
    admin = users[Role.ADMIN]
    response = client_as(Role.ADMIN).post(f"/admin/users/{admin.id}",
                                          data={"role": "coordinator", "active": "y"})
    assert response.status_code == 422
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_users_page_lists_users_with_roles(client_as, users):
    html = client_as(Role.ADMIN).get("/admin/users").get_data(as_text=True)
    for user in users.values():
        assert user.email in html


def test_session_of_a_logged_in_client_fixture_works(client, users):
    log_in(client, users[Role.LEADER])
    assert client.get("/").status_code == 200


def test_a_session_ends_after_30_idle_minutes_and_after_12_hours(client, users, monkeypatch):
    from cal.auth import lifetime

    clock = [1_000_000]
    monkeypatch.setattr(lifetime, "now", lambda: clock[0])
    client.post("/login", data={"email": "admin@test.local", "password": PASSWORD})
    assert client.get("/").status_code == 200
    clock[0] += 29 * 60  # used within the half hour: it goes on
    assert client.get("/").status_code == 200
    clock[0] += 29 * 60
    assert client.get("/").status_code == 200
    clock[0] += 31 * 60  # idle for 31 minutes: signed out
    answer = client.get("/")
    assert answer.status_code == 302 and "/login" in answer.location
    assert "Sesja wygasła" in client.get(answer.location).text
    # Busy all day: the twelfth hour ends it however recent the last request.
    client.post("/login", data={"email": "admin@test.local", "password": PASSWORD})
    start = clock[0]
    while clock[0] - start < 13 * 3600:
        clock[0] += 20 * 60
        if client.get("/").status_code != 200:
            break
    assert 12 * 3600 < clock[0] - start <= 12 * 3600 + 20 * 60


def test_the_session_cookie_is_a_host_cookie_when_secure(make_app, users):
    from cal.config import Config

    assert Config({"SECRET_KEY": "x" * 40}).SESSION_COOKIE_NAME == "__Host-session"
    assert Config({"FLASK_DEBUG": "1"}).SESSION_COOKIE_NAME == "session"
    assert make_app().config["SESSION_COOKIE_NAME"] == "session"  # the tests' http
    app = make_app(SESSION_COOKIE_SECURE=True)
    answer = app.test_client().post("/login", data={"email": "admin@test.local",
                                                    "password": PASSWORD})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Domain" not in cookie
    assert all(part in cookie for part in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax"))


def test_the_register_of_access_names_each_role_its_holders_and_dates(client_as, users):
    import io

    from openpyxl import load_workbook

    admin = client_as(Role.ADMIN)
    leader = users[Role.LEADER]
    admin.post(f"/admin/users/{leader.id}", data={"role": "coordinator", "active": "y"})
    admin.post(f"/admin/users/{users[Role.VOLUNTEER].id}", data={"role": "volunteer"})
    page = admin.get("/admin/access")
    assert page.status_code == 200 and "Rejestr dostępu" in page.text
    coordinators = page.text.split('id="role-coordinator"')[1].split("</section>")[0]
    assert "Test Leader" in coordinators and "Test Coordinator" in coordinators
    assert "Osoby i gospodarstwa domowe" in coordinators  # what the role reaches
    volunteers = page.text.split('id="role-volunteer"')[1].split("</section>")[0]
    assert "Wyłączony" in volunteers  # deactivated, with the day
    db.session.expire_all()
    changes = db.session.scalars(select(AuditLog).where(AuditLog.entity == "user")).all()
    assert {(c.entity_id, c.fields) for c in changes} == {
        (leader.id, "role"), (users[Role.VOLUNTEER].id, "active")}
    register = services.access_register()
    moved = next(h for h in register[Role.COORDINATOR] if h.user.id == leader.id)
    assert moved.role_since > leader.created_at
    gone = next(h for h in register[Role.VOLUNTEER])
    assert gone.ended is not None
    sheet = admin.get("/admin/access.xlsx")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.values)
    assert rows[0][:3] == ("Rola", "Imię i nazwisko", "E-mail") and len(rows) == 1 + len(users)
    assert client_as(Role.COORDINATOR).get("/admin/access").status_code == 403


NEW = "kasztany na jesiennym rynku"


def _change(client, current=PASSWORD, password=NEW, confirm=None):
    return client.post("/account/password", data={
        "current": current, "password": password, "confirm": confirm or password})


def test_a_user_changes_the_password_and_only_this_session_goes_on(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        client.post("/login", data={"email": "volunteer@test.local", "password": PASSWORD})
    page = here.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    answer = _change(here)
    assert answer.status_code == 302 and "Hasło zostało zmienione" in here.get("/").text
    assert elsewhere.get("/").status_code == 302  # the other device is signed out
    user = db.session.get(User, users[Role.VOLUNTEER].id)
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    assert db.session.scalar(select(AuditLog.fields).where(AuditLog.action == "update")) == (
        "password")


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"current": "not my password"}, "current", "obecne hasło"),
    ({"password": "password1234"}, "password", "łatwe do odgadnięcia"),
    ({"password": "Test Volunteer"}, "password", "łatwe do odgadnięcia"),
    ({"password": "short"}, "password", "od 12 do 128 znaków"),
    ({"confirm": "something else entirely"}, "confirm", "nie są takie same"),
])
def test_changing_the_password_refuses_beside_the_field(client_as, users, data, field, words):
    answer = _change(client_as(Role.VOLUNTEER), **data)
    assert answer.status_code == 422
    assert words in answer.text.split(f'id="{field}-error"')[1].split("</")[0]
    db.session.refresh(users[Role.VOLUNTEER])
    assert verify_password(users[Role.VOLUNTEER].password_hash, PASSWORD)


def test_changing_the_password_asks_a_signed_in_user(client):
    assert client.get("/account/password").status_code == 302
