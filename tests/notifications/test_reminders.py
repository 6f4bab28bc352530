"""Reminders: written once into the outbox however often the scans run, delivered
once however many workers race, by a real SMTP server on loopback and a real RQ worker
on a real Redis; a dead worker's claim times out; Redis down breaks nothing."""

from __future__ import annotations

import socket
from datetime import date, datetime, time, timedelta

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.timeutil import local_to_utc, local_today, to_local, utcnow
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications import delivery, reminders
from cal.notifications.models import Channel, Notification
from cal.notifications.outbox import tell
from clubs import jobs as club_jobs
from tests.factories import PersonFactory, VolunteerFactory
from tests.test_redis import redis_url  # noqa: F401  (the fixture)
from volunteers.availability import encode
from volunteers.models import ComplianceRecord, HelpKind, RecordKind
from volunteers.needs import jobs as needs_jobs
from volunteers.needs.models import HelpRequest, Match, MatchStatus
from volunteers.profiles import jobs as profiles_jobs


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    _sink, port = smtp
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)


def _visit_tomorrow(users, now: datetime) -> Match:
    """A match visited tomorrow, as the centre counts days, from ``now`` (UTC)."""
    volunteer = VolunteerFactory(first_name="Kacper", user_id=users[Role.VOLUNTEER].id)
    child = PersonFactory(first_name="Zosia")
    request = HelpRequest(person_id=child.id, kind=HelpKind.TUTORING, starts_on=date(2026, 1, 1))
    db.session.add(request)
    db.session.flush()
    tomorrow = to_local(now).date() + timedelta(days=1)  # the day of the centre
    match = Match(request_id=request.id, volunteer_id=volunteer.id, status=MatchStatus.ACTIVE,
                  score=80, schedule=encode({(tomorrow.weekday(), 4)}))
    db.session.add(match)
    db.session.commit()
    return match


def _mails_to(sink, address: str) -> int:
    return sum(1 for m in sink.messages if address in m.rcpt_tos)


def _make_users(app):
    """The users of a test on its own app (the tables emptied first, as ``app`` does)."""
    from cal.auth.models import User
    from tests.conftest import empty_all_tables, password_hash

    empty_all_tables()
    made = {role: User(email=f"{role.value}@test.local", full_name=f"Test {role.value.title()}",
                       role=role, password_hash=password_hash()) for role in Role}
    db.session.add_all(made.values())
    db.session.commit()
    return made


NOON = local_to_utc(date(2026, 11, 23), time(18))  # after the day-before reminder time


def test_a_visit_tomorrow_is_one_mail_however_often_the_scan_runs(mail_app, smtp):
    sink, _port = smtp
    with mail_app.app_context():
        users = _make_users(mail_app)
        _visit_tomorrow(users, NOON)
        for _ in range(3):
            reminders.run(NOON, inline=True)
        assert _mails_to(sink, "volunteer@test.local") == 1
        mail = next(m for m in sink.messages if "volunteer@test.local" in m.rcpt_tos)
        assert "Zosia" in mail.content.decode() and "16" in mail.content.decode()
        rows = db.session.scalars(select(Notification).where(
            Notification.kind == "visit_reminder")).all()
        assert {(r.channel, r.sent_at is not None) for r in rows} == {
            (Channel.EMAIL, True), (Channel.INAPP, True)}


def test_two_deliveries_racing_send_one_mail_and_a_dead_workers_claim_times_out(
        mail_app, smtp):
    sink, _port = smtp
    with mail_app.app_context():
        users = _make_users(mail_app)
        _visit_tomorrow(users, NOON)
        reminders.run(NOON - timedelta(hours=2))  # stored, not yet due
        row = db.session.scalar(select(Notification).where(
            Notification.channel == Channel.EMAIL))
        # A worker took the row and died before sending.
        assert delivery.claim(row.id, NOON)
        assert delivery.dispatch(NOON + timedelta(minutes=5), inline=True) == 1  # in-app
        assert _mails_to(sink, "volunteer@test.local") == 0
        later = NOON + delivery.CLAIM_TIMEOUT + timedelta(minutes=1)
        assert delivery.deliver(row.id, later) is True  # the retry
        assert delivery.deliver(row.id, later) is False  # the other racer
        assert _mails_to(sink, "volunteer@test.local") == 1
        db.session.refresh(row)
        assert row.attempts == 2 and row.sent_at is not None


def test_a_real_worker_on_redis_delivers_each_reminder_once(make_app, smtp, redis_url):  # noqa: F811
    sink, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                   REDIS_URL=redis_url)
    with app.app_context():
        users = _make_users(app)
        _visit_tomorrow(users, NOON)
        reminders.run(NOON)  # two scans enqueue; the job id keeps one job per minute
        reminders.run(NOON + timedelta(minutes=1))
        connection = Redis.from_url(redis_url)
        queue = Queue("default", connection=connection)
        assert queue.count >= 2
        SimpleWorker([queue], connection=connection).work(burst=True)
        SimpleWorker([queue], connection=connection).work(burst=True)  # a second worker
        assert _mails_to(sink, "volunteer@test.local") == 1


def test_redis_down_delivers_here_and_the_pages_still_work(make_app, smtp):
    sink, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                   REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    with app.app_context():
        users = _make_users(app)
        _visit_tomorrow(users, NOON)
        reminders.run(NOON)
        assert _mails_to(sink, "volunteer@test.local") == 1
    assert app.test_client().get("/login").status_code == 200


def test_a_proposal_waiting_two_days_is_reminded_once(app, users):
    volunteer = VolunteerFactory(user_id=users[Role.VOLUNTEER].id)
    request = HelpRequest(person_id=PersonFactory().id, kind=HelpKind.SENIOR,
                          starts_on=date(2026, 1, 1))
    db.session.add(request)
    db.session.flush()
    db.session.add(Match(request_id=request.id, volunteer_id=volunteer.id,
                         status=MatchStatus.PROPOSED, score=50, schedule=0,
                         proposed_at=NOON - timedelta(hours=30)))
    db.session.commit()
    assert needs_jobs.proposals_waiting(NOON) == 0
    assert needs_jobs.proposals_waiting(NOON + timedelta(hours=20)) == 2  # e-mail, in-app
    assert needs_jobs.proposals_waiting(NOON + timedelta(days=3)) == 2  # the same rows
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2


def test_an_agreement_ending_is_announced_30_and_7_days_before(app, users):
    volunteer = VolunteerFactory(user_id=users[Role.VOLUNTEER].id)
    end = date(2026, 12, 31)
    db.session.add(ComplianceRecord(volunteer_id=volunteer.id, kind=RecordKind.AGREEMENT,
                                    done_on=date(2026, 1, 1), period_start=date(2026, 1, 1),
                                    period_end=end))
    db.session.commit()

    def on(day: date) -> datetime:
        return local_to_utc(day, time(12))

    assert profiles_jobs.expiring(on(end - timedelta(days=31))) == 0
    first = profiles_jobs.expiring(on(end - timedelta(days=30)))
    assert first == 4  # the volunteer and the coordinator, by e-mail and in-app
    assert profiles_jobs.expiring(on(end - timedelta(days=20))) == 4  # already there
    kinds = db.session.scalars(select(Notification.subject)).all()
    assert all(k.endswith(":30") for k in kinds)
    profiles_jobs.expiring(on(end - timedelta(days=7)))
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 8


def test_the_command_runs_one_scan_and_delivers(app, users):
    _visit_tomorrow(users, utcnow())
    result = app.test_cli_runner().invoke(args=["reminders", "run"])
    assert result.exit_code == 0 and "visits_tomorrow" in result.output


def test_a_user_reads_their_own_notifications_only(client_as, users):
    tell(users[Role.VOLUNTEER].id, "visit_reminder", "match:1", "Jutro wizyta: Zosia")
    tell(users[Role.COORDINATOR].id, "expiring", "record:1:30", "Porozumienie Ola kończy się")
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/notifications").text
    assert "Jutro wizyta: Zosia" in page and "Porozumienie" not in page
    client.post("/notifications/read")
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.read_at.is_not(None))) == 1


def test_opening_a_notification_counts_it_read_and_goes_only_to_our_own_pages(
        client_as, users, app):
    with app.test_request_context():  # as the reminders make their links
        url = external_url("needs.my_matches")
    tell(users[Role.VOLUNTEER].id, "visit_reminder", "match:1", "Jutro wizyta: Zosia",
         url=url)
    tell(users[Role.VOLUNTEER].id, "visit_reminder", "match:2", "Podejrzany",
         url="https://evil.example/volunteers/me/matches")
    db.session.commit()
    ours, theirs = db.session.scalars(select(Notification).where(
        Notification.channel == Channel.INAPP).order_by(Notification.id))
    client = client_as(Role.VOLUNTEER)
    assert 'class="badge"' in client.get("/notifications").text
    opened = client.post(f"/notifications/{ours.id}/open")
    assert opened.status_code == 302 and opened.location.endswith("/volunteers/me/matches")
    assert not opened.location.startswith("https://evil")
    foreign = client.post(f"/notifications/{theirs.id}/open")
    assert foreign.location.endswith("/notifications")  # never to another site
    db.session.expire_all()
    assert db.session.get(Notification, ours.id).read_at is not None
    assert client_as(Role.COORDINATOR).post(f"/notifications/{ours.id}/open").status_code == 404


def test_an_admin_sends_a_failed_delivery_again(make_app, smtp, client_as, users):
    sink, port = smtp
    tell(users[Role.VOLUNTEER].id, "visit_reminder", "match:1", "Jutro wizyta",
         channels=(Channel.EMAIL,))
    row = db.session.scalar(select(Notification))
    row.attempts, row.last_error = 1, "Connection refused"
    db.session.commit()
    admin = client_as(Role.ADMIN)
    assert "Connection refused" in admin.get("/admin/outbox").text
    app = admin.application
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    assert admin.post(f"/admin/outbox/{row.id}/retry").status_code == 302
    assert _mails_to(sink, "volunteer@test.local") == 1
    assert "Connection refused" not in admin.get("/admin/outbox").text


def test_the_calendar_feed_parses_back_with_the_visits_and_sessions(client_as, users):
    from icalendar import Calendar

    from tests.clubs.test_groups import make_group

    match = _visit_tomorrow(users, utcnow())
    match.started_on = local_today() - timedelta(days=30)
    from clubs import services as clubs

    clubs.generate_sessions(make_group(users, leader=Role.LEADER), local_today())
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.post("/calendar").text
    link = page.split("<code>")[1].split("</code>")[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    feed = client.get("/" + path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [e for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    visits = [e for e in events if str(e["summary"]) == "Wizyta: Zosia"]
    assert len(visits) >= 8  # weekly, for the next eight weeks
    tomorrow = local_today() + timedelta(days=1)
    assert any(e.decoded("dtstart").date() == tomorrow and e.decoded("dtstart").hour == 16
               for e in visits)
    client.post("/calendar")  # renewed: the old address stops working
    assert client.get("/" + path).status_code == 404
    leader = client_as(Role.LEADER)
    page = leader.post("/calendar").text
    path = page.split("<code>")[1].split("</code>")[0].split("://", 1)[1].split("/", 1)[1]
    sessions = Calendar.from_ical(leader.get("/" + path).data).walk("VEVENT")
    assert sessions and all(str(e["summary"]) == "Grupa wsparcia" for e in sessions)


def test_those_who_lead_a_group_are_reminded_of_tomorrows_session(app, users):
    from clubs import services as clubs
    from tests.clubs.test_groups import make_group, session_on

    tomorrow = local_today() + timedelta(days=1)
    group = make_group(users, weekday=tomorrow.weekday())
    session_on(group, tomorrow)
    other = make_group(users, weekday=tomorrow.weekday())  # its session is cancelled
    cancelled = session_on(other, tomorrow)
    clubs.cancel_session(cancelled, "remont", users[Role.COORDINATOR], local_today())
    db.session.commit()
    assert club_jobs.sessions_tomorrow(utcnow()) == 2  # the leader, by e-mail and in-app
    assert club_jobs.sessions_tomorrow(utcnow()) == 2  # the same rows, not new ones
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2
