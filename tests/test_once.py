"""Forms stored once: the same key leads to the first result, even when two copies of
a form arrive at the same moment."""

from __future__ import annotations

import pytest
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.exceptions import Conflict

from cal.core import once
from cal.core.access import Role
from cal.core.once import new_key, submit_once
from cal.extensions import db
from cal.people.models import District


def _store(name: str):
    def work() -> tuple[str, str]:
        district = District(name=name, x_km=0, y_km=0)
        db.session.add(district)
        db.session.flush()
        return f"/people/districts#{district.id}", "Zapisano."
    return work


def test_the_same_key_stores_once_and_leads_to_the_first_result(app, users):
    key = new_key()
    with app.test_request_context():
        login_user(users[Role.ADMIN])
        first = submit_once(key, _store("Zatorze"))
        second = submit_once(key, _store("Zatorze"))
        other = submit_once(new_key(), _store("Podgórze"))
    assert second.location == first.location != other.location
    assert db.session.scalar(select(func.count()).select_from(District)) == 2


def test_a_key_is_the_users_own(app, users):
    key = new_key()
    with app.test_request_context():
        login_user(users[Role.ADMIN])
        submit_once(key, _store("Zatorze"))
    with app.test_request_context():
        login_user(users[Role.COORDINATOR])
        db.session.expire_all()
        with pytest.raises(Conflict):  # not theirs to replay: refused, nothing stored
            submit_once(key, _store("Podgórze"))
    assert db.session.scalar(select(func.count()).select_from(District)) == 1


def test_two_copies_at_the_same_moment_store_once(app, users, monkeypatch):
    key = new_key()
    with app.test_request_context():
        login_user(users[Role.ADMIN])
        first = submit_once(key, _store("Zatorze"))
        real_earlier = once.earlier
        looks = []

        def not_yet_seen(k):  # the second copy looked just before the first committed
            looks.append(k)
            return None if len(looks) == 1 else real_earlier(k)
        monkeypatch.setattr(once, "earlier", not_yet_seen)
        ran = []
        second = submit_once(key, lambda: ran.append(1) or ("/elsewhere", ""))
    assert second.location == first.location and ran == []  # the work never ran twice
    assert db.session.scalar(select(func.count()).select_from(District)) == 1
