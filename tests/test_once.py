"""Forms stored once: the same key leads to the first result, even when two copies of
a form arrive at the same moment."""

from __future__ import annotations

import pytest
from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cal.core.access import Role
from cal.core.once import FormSubmission, new_key, submit_once
from cal.extensions import db
from cal.people.models import District


def _store(name: str):
    def work() -> str:
        district = District(name=name, x_km=0, y_km=0)
        db.session.add(district)
        db.session.flush()
        return f"/people/districts#{district.id}"
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
        with pytest.raises(IntegrityError):  # not theirs to replay: refused, nothing stored
            submit_once(key, _store("Podgórze"))
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(District)) == 1


def test_two_copies_at_the_same_moment_store_once(app, users):
    key = new_key()
    with app.test_request_context():
        login_user(users[Role.ADMIN])
        user_id = users[Role.ADMIN].id

        def racing_work() -> str:
            # the other copy commits while this one is still working
            with db.engine.begin() as other:
                other.execute(District.__table__.insert().values(name="Zatorze", x_km=0,
                                                                 y_km=0))
                other.execute(FormSubmission.__table__.insert().values(
                    key=key, user_id=user_id, result_url="/people/districts#first",
                    created_at=db.func.now()))
            return _store("Zatorze")()

        response = submit_once(key, racing_work)
    assert response.location == "/people/districts#first"
    assert db.session.scalar(select(func.count()).select_from(District)) == 1
