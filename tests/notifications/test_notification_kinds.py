"""The weekly nudge, the coordinators' morning summary, each user's settings (topics,
channels, quiet hours), the unread count in the header, and the clean-up of old form
keys; time travel by the scan's `now`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.once import FormSubmission
from cal.core.rooms import registry
from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from cal.notifications import delivery, preferences, reminders
from cal.notifications.models import Channel, Notification
from cal.notifications.outbox import tell
from tests.factories import PersonFactory, VolunteerFactory
from tests.notifications.test_reminders import _mails_to, _make_users, mail_app, smtp  # noqa: F401
from volunteers.hours import jobs as hours_jobs
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind, Volunteer, VolunteerStatus
from volunteers.needs.models import HelpRequest, Match, MatchStatus, RequestStatus
from volunteers.profiles import jobs as profiles_jobs

MONDAY = date(2026, 11, 23)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute))


def _helping(volunteer, started: date) -> Match:
    request = HelpRequest(person_id=PersonFactory(first_name="Zosia").id,
                          kind=HelpKind.TUTORING, starts_on=started,
                          status=RequestStatus.MATCHED)
    db.session.add(request)
    db.session.flush()
    match = Match(request_id=request.id, volunteer_id=volunteer.id, status=MatchStatus.ACTIVE,
                  score=80, schedule=0, started_on=started)
    db.session.add(match)
    db.session.flush()
    return match


def _rows(kind: str, user_id: int | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind)
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    return list(db.session.scalars(query.order_by(Notification.id)))


def test_volunteers_who_logged_nothing_for_a_week_are_nudged_once_a_week(app, users):
    quiet = VolunteerFactory(user_id=users[Role.VOLUNTEER].id)
    _helping(quiet, MONDAY - timedelta(days=30))
    busy_user = users[Role.COORDINATOR]  # any account will do for a second volunteer
    busy = VolunteerFactory(user_id=busy_user.id)
    match = _helping(busy, MONDAY - timedelta(days=30))
    entry = HourEntry(volunteer_id=busy.id, key="busy-1", activity=Activity.MATCH,
                      match_id=match.id, worked_on=MONDAY - timedelta(days=3), minutes=60)
    db.session.add(entry)
    db.session.flush()
    entry.created_at = at(MONDAY - timedelta(days=3), 18)
    newcomer = VolunteerFactory(user_id=users[Role.LEADER].id)
    _helping(newcomer, MONDAY - timedelta(days=2))  # helps for two days only
    db.session.commit()

    assert hours_jobs.hours_nudge(at(MONDAY, 9)) == 0  # before Monday 10:00
    assert hours_jobs.hours_nudge(at(MONDAY, 11)) == 2  # in-app and e-mail, to one
    assert {r.user_id for r in _rows("hours_nudge")} == {users[Role.VOLUNTEER].id}
    # later that week, and at night: nothing (the nudge belongs to Monday morning)
    assert hours_jobs.hours_nudge(at(MONDAY + timedelta(days=2), 2)) == 0
    assert hours_jobs.hours_nudge(at(MONDAY + timedelta(days=2), 11)) == 0
    assert len(_rows("hours_nudge")) == 2
    hours_jobs.hours_nudge(at(MONDAY + timedelta(days=7), 11))  # the next week: by now
    # the others too have logged nothing for 7 days and helped for more than 7
    assert len(_rows("hours_nudge")) == 8
    assert len(_rows("hours_nudge", users[Role.VOLUNTEER].id)) == 4
    assert "Od tygodnia" in _rows("hours_nudge")[0].body


def test_coordinators_get_a_morning_summary_with_counts_and_no_names(app, users):
    VolunteerFactory(first_name="Aniela", last_name="Zgłoszona", status=VolunteerStatus.APPLICANT)
    old = HelpRequest(person_id=PersonFactory(first_name="Zosia").id, kind=HelpKind.TUTORING,
                      starts_on=MONDAY)
    db.session.add(old)
    helper = VolunteerFactory()
    match = _helping(helper, MONDAY - timedelta(days=40))
    for n in range(2):
        db.session.add(HourEntry(volunteer_id=helper.id, key=f"h{n}", activity=Activity.MATCH,
                                 match_id=match.id, worked_on=MONDAY, minutes=30,
                                 status=EntryStatus.PENDING))
    db.session.flush()
    old.created_at = at(MONDAY - timedelta(days=5), 12)
    db.session.get(Volunteer, db.session.scalar(select(Volunteer.id).where(
        Volunteer.last_name == "Zgłoszona"))).created_at = at(MONDAY - timedelta(days=1), 20)
    db.session.commit()

    assert profiles_jobs.coordinators_digest(at(MONDAY, 7)) == 0  # before 8:00
    assert profiles_jobs.coordinators_digest(at(MONDAY, 9)) == 2
    profiles_jobs.coordinators_digest(at(MONDAY, 15))  # a later scan the same day
    rows = _rows("digest")
    assert len(rows) == 2 and {r.user_id for r in rows} == {users[Role.COORDINATOR].id}
    body = rows[0].body
    assert "1 nowe zgłoszenie" in body and "1 otwarta potrzeba" in body
    assert "czeka 5 dni" in body and "2 wpisy godzin czekają" in body
    assert "Aniela" not in body and "Zosia" not in body and "Zgłoszona" not in rows[0].title


def test_nothing_waiting_means_no_summary(app, users):
    assert profiles_jobs.coordinators_digest(at(MONDAY, 9)) == 0


def test_a_topic_or_a_channel_turned_off_is_not_stored(app, users):
    user = users[Role.VOLUNTEER].id
    preferences.save(user, email=False, inapp=True, muted=["visits"], quiet_from=None,
                     quiet_until=None)
    db.session.commit()
    assert tell(user, "visit_reminder", "match:1", "Jutro wizyta") == 0
    assert tell(user, "match_proposed", "match:1", "Nowa propozycja") == 1
    assert [(r.kind, r.channel) for r in db.session.scalars(select(Notification))] == [
        ("match_proposed", Channel.INAPP)]


def test_an_email_due_in_quiet_hours_waits_until_they_end(mail_app, smtp):  # noqa: F811
    sink, _port = smtp
    with mail_app.app_context():
        users = _make_users(mail_app)
        user = users[Role.VOLUNTEER]
        preferences.save(user.id, email=True, inapp=True, muted=[], quiet_from=time(21),
                         quiet_until=time(8))
        late = at(MONDAY, 22)
        tell(user.id, "match_proposed", "match:1", "Nowa propozycja", due_at=late)
        db.session.commit()
        delivery.dispatch(late + timedelta(minutes=5), inline=True)
        assert _mails_to(sink, user.email) == 0
        email = db.session.scalar(select(Notification).where(
            Notification.channel == Channel.EMAIL))
        assert to_local(email.due_at).replace(tzinfo=None) == datetime.combine(
            MONDAY + timedelta(days=1), time(8))
        inapp = db.session.scalar(select(Notification).where(
            Notification.channel == Channel.INAPP))
        assert inapp.sent_at is not None  # the application shows it at once, silently
        assert delivery.dispatch(at(MONDAY + timedelta(days=1), 7, 30), inline=True) == 0
        delivery.dispatch(at(MONDAY + timedelta(days=1), 8, 1), inline=True)
        assert _mails_to(sink, user.email) == 1


def test_quiet_hours_within_a_day_and_over_midnight():
    class Settings:
        quiet_from, quiet_until = time(21), time(8)

    assert preferences.quiet_until(Settings, at(MONDAY, 20, 59)) is None
    assert preferences.quiet_until(Settings, at(MONDAY, 23)) == at(MONDAY + timedelta(days=1), 8)
    assert preferences.quiet_until(Settings, at(MONDAY, 3)) == at(MONDAY, 8)
    assert preferences.quiet_until(Settings, at(MONDAY, 8)) is None
    Settings.quiet_from, Settings.quiet_until = time(12), time(14)
    assert preferences.quiet_until(Settings, at(MONDAY, 13)) == at(MONDAY, 14)
    assert preferences.quiet_until(Settings, at(MONDAY, 15)) is None


def test_a_user_sets_what_they_are_told_and_half_quiet_hours_are_refused(client_as, users):
    client = client_as(Role.VOLUNTEER)
    page = client.get("/notifications/settings").text
    assert "Wizyty jutro" in page and "Nowe zgłoszenia wolontariuszy" not in page
    refused = client.post("/notifications/settings", data={
        "inapp": "y", "email": "y", "topics": ["visits"], "quiet_from": "21:00"})
    assert refused.status_code == 422 and "Podaj obie godziny" in refused.text
    assert preferences.settings_of(users[Role.VOLUNTEER].id) is None
    saved = client.post("/notifications/settings", data={
        "inapp": "y", "topics": ["visits", "hours"], "quiet_from": "21:00",
        "quiet_until": "07:30"})
    assert saved.status_code == 302
    db.session.expire_all()
    settings = preferences.settings_of(users[Role.VOLUNTEER].id)
    assert settings.email is False and settings.inapp is True
    assert settings.muted == "expiring matches proposals sessions"
    assert (settings.quiet_from, settings.quiet_until) == (time(21), time(7, 30))
    again = client.get("/notifications/settings").text
    assert 'value="21:00"' in again and 'value="07:30"' in again


def test_the_header_counts_unread_notifications_in_the_users_own_query(
        client_as, users, count_queries):
    client = client_as(Role.VOLUNTEER)
    tell(users[Role.VOLUNTEER].id, "match_proposed", "match:1", "Nowa propozycja")
    tell(users[Role.VOLUNTEER].id, "match_proposed", "match:2", "Nowa propozycja")
    tell(users[Role.COORDINATOR].id, "digest", "day:1", "Co dziś czeka")
    db.session.commit()
    page = client.get("/").text
    # the count is read out in words: a label on a plain span is not (Nu Html Checker)
    assert ('class="badge"><span aria-hidden="true">2</span>'
            '<span class="visually-hidden">2 nieprzeczytane</span></span>') in page
    assert 'class="badge" aria-label' not in page
    client.post("/notifications/read")
    assert 'class="badge"' not in client.get("/").text


def test_form_keys_older_than_30_days_are_removed(app, users):
    now = at(MONDAY, 12)
    db.session.add_all([
        FormSubmission(key="old", result_url="/", created_at=now - timedelta(days=31)),
        FormSubmission(key="new", result_url="/", created_at=now - timedelta(days=29))])
    db.session.commit()
    assert reminders.purge(now) == 1
    assert db.session.scalars(select(FormSubmission.key)).all() == ["new"]
    assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 1


def test_a_failing_step_stops_neither_the_other_scans_nor_the_deliveries(
        app, users, monkeypatch):
    def broken(now):
        raise RuntimeError("a project's indicators could not be counted")

    def late_and_broken(now):
        raise RuntimeError("a project's indicators could not be counted")

    scans = registry(app)
    monkeypatch.setattr(scans, "scans", [broken, *scans.scans])
    monkeypatch.setattr(scans, "late_scans", [late_and_broken, *scans.late_scans])
    tell(users[Role.VOLUNTEER].id, "match_proposed", "match:1", "Nowa propozycja",
         due_at=at(MONDAY, 9))
    db.session.commit()
    made = reminders.run(at(MONDAY, 12), inline=True)
    assert made["broken"] == -1 and made["late_and_broken"] == -1
    assert made["refresh_indicators"] == 0 and made["retention_sweep"] == 0
    sent = db.session.scalars(select(Notification)).all()  # the scans' own, and the one above
    assert made["handled"] == len(sent) >= 2 and all(n.sent_at is not None for n in sent)
