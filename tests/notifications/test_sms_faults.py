"""A message to 1,000 people, sent by real `rq` workers to the stand-in gateway over
HTTP, with the first worker killed half-way: each of the 1,000 gets it exactly once."""

from __future__ import annotations

import os
import signal

from sqlalchemy import func, insert, select, update

from cal.core.access import Role
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import delivery, messages
from cal.notifications.models import Notification
from cal.people.models import ConsentWay, ContactConsent, Person
from clubs.models import GroupKind, Membership, MemberStatus
from tests.clubs.test_groups import make_group
from tests.notifications.test_faults import _burst, _free_port, _rq
from tests.notifications.test_reminders import _make_users
from tests.processes import CEILING, wait_until
from tests.sms_gateway import StandInGateway
from tests.test_redis import redis_url  # noqa: F401  (the fixture)

PEOPLE = 1000


def _a_thousand_members(group) -> None:
    """A group of 1,000 members, each with a mobile number and a consent to texts."""
    now = utcnow()
    db.session.execute(insert(Person), [
        {"first_name": "Osoba", "last_name": f"Nr{i:04d}", "search_name": f"nr{i:04d} osoba",
         "phone": f"600 {i // 1000:03d} {i % 1000:03d}"} for i in range(PEOPLE)])
    people = list(db.session.execute(select(Person.id, Person.phone)))
    db.session.execute(insert(ContactConsent), [
        {"person_id": pid, "channel": "sms", "address": "+48" + phone.replace(" ", ""),
         "given_at": now, "way": ConsentWay.WRITTEN, "withdrawn_how": ""}
        for pid, phone in people])
    db.session.execute(insert(Membership), [
        {"group_id": group.id, "person_id": pid, "status": MemberStatus.ACTIVE,
         "joined_on": now.date()} for pid, _phone in people])
    db.session.commit()


def test_a_thousand_messages_arrive_once_each_with_a_worker_killed_half_way(
        make_app, redis_url):  # noqa: F811
    with StandInGateway() as gateway:
        gateway.delay = 0.002  # a gateway that takes a moment, so the kill lands mid-way
        settings = {**gateway.settings(), "SMS_QUIET_FROM": "00:00", "SMS_QUIET_UNTIL": "00:00"}
        app = make_app(REDIS_URL=redis_url, BASE_URL="http://cal.test",
                       **{k: v for k, v in settings.items() if not k.startswith("SMS_QUIET")})
        with app.app_context():
            database = db.engine.url.render_as_string(hide_password=False)
            users = _make_users(app)
            group = make_group(users, kind=GroupKind.SENIOR_CLASS)
            _a_thousand_members(group)
            planned = messages.plan("group", group.id, "Jutro zajęcia o 10:00 w sali 2.",
                                    users[Role.COORDINATOR])
            assert planned.counts == {"sms": PEOPLE}
            message = messages.send(planned, users[Role.COORDINATOR])
            db.session.commit()
            ids = list(db.session.scalars(select(Notification.id).where(
                Notification.message_id == message.id)))
            # As the page hands them on once it has answered: in batches, on the real Redis.
            assert delivery.hand_on(ids, here_if_down=False) == PEOPLE
            port = _free_port()  # no mail goes out here; the workers need an address
            with _rq(["worker", "--burst", "default"], redis_url, database, port,
                     **settings) as first:
                wait_until(lambda: len(gateway.sent) >= PEOPLE // 2, "half of the messages")
                os.killpg(first.pid, signal.SIGKILL)  # the worker dies half-way
            reached = len(gateway.sent)
            assert PEOPLE // 2 <= reached < PEOPLE

            # The claims of the dead worker time out; the next scan hands the rest on.
            db.session.execute(update(Notification).where(
                Notification.claimed_at.is_not(None)).values(
                claimed_at=Notification.claimed_at - delivery.CLAIM_TIMEOUT))
            db.session.commit()
            assert delivery.dispatch(utcnow()) > 0
            for _ in range(2):  # and a second worker finds nothing more to do
                assert _burst(redis_url, database, port, **settings) == 0
            wait_until(lambda: len(gateway.sent) >= PEOPLE, "every message", CEILING)

            numbers = [sent.to for sent in gateway.sent]
            assert len(numbers) == PEOPLE and len(set(numbers)) == PEOPLE
            db.session.expire_all()
            assert db.session.scalar(select(func.count(Notification.id)).where(
                Notification.message_id == message.id,
                Notification.sent_at.is_not(None), Notification.last_error == "")) == PEOPLE
