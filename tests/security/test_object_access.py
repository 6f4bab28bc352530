"""Access to records, not only to pages: for every route with an id that a volunteer,
a leader or a project manager may use, each asks for a record of their own (answered)
and for someone else's (refused with 403 or 404). Walks the URL map: a new route with
an id for these roles fails here until its records are named in OWN_AND_OTHER or it is
listed as shared."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.community import registrations
from cal.community.models import Audience, Event, EventKind, EventStatus, Shift, ShiftSignup
from cal.community.registrations import Child
from cal.core.access import GATEWAY, KIOSK, PUBLIC, Role
from cal.core.timeutil import local_to_utc, local_today
from cal.duties.models import Appointment, Duty, DutyKind, Frequency
from cal.extensions import db
from cal.notifications.models import Message, Notification
from cal.people.models import Person
from cal.projects.models import Indicator, Project, ProjectStatus, project_groups
from cal.projects.participant_models import Participant
from clubs.models import Group, GroupKind, GroupLeader, GroupSession, SessionStatus
from seniors import services as centre
from seniors.models import SeniorMember
from tests.conftest import client_of, shared_app
from tests.factories import VolunteerFactory
from tests.security.test_access_matrix import POLICIES, _methods, _rules
from volunteers.hours.models import HourEntry
from volunteers.models import (
    DocumentKind,
    HelpKind,
    Volunteer,
    VolunteerDocument,
    VolunteerScan,
)
from volunteers.needs.models import HelpRequest, Match, MatchStatus
from volunteers.training.models import TrainingCompletion

SCOPED = (Role.VOLUNTEER, Role.LEADER, Role.PROJECT_MANAGER)
ACCOUNT = {Role.VOLUNTEER: "wolontariusz@cal.local", Role.LEADER: "lider@cal.local",
           Role.PROJECT_MANAGER: "projekty@cal.local"}
# Routes whose records belong to nobody in particular for that role (anyone of the role
# may use any of them), with the reason.
SHARED = {
    # Any volunteer may sign up for (or withdraw from) any training session.
    ("/volunteers/me/trainings/<int:session_id>/enrol", Role.VOLUNTEER),
    ("/volunteers/me/trainings/<int:session_id>/withdraw", Role.VOLUNTEER),
    # Any active volunteer may take any open shift at an event (the rules of matching hold).
    ("/events/shifts/<int:shift_id>/take", Role.VOLUNTEER),
    # Leaders book, move and cancel the slots of every duty (seeing only that a slot is
    # taken, never who or why, on the duties they do not hold).
    ("/duties/<int:duty_id>", Role.LEADER),
    ("/duties/<int:duty_id>/day/<day>", Role.LEADER),
    ("/duties/appointments/<int:appointment_id>", Role.LEADER),
    ("/duties/appointments/<int:appointment_id>/move", Role.LEADER),
    ("/duties/appointments/<int:appointment_id>/cancel", Role.LEADER),
    # The register of partner institutions is the whole centre's: a leader reads any
    # partner (its work contacts, not the cooperation log).
    ("/partners/<int:partner_id>", Role.LEADER),
}
# Project managers manage every project; only a project's EU participant records are
# its own manager's (RODO: the fewest people see them).
PM_SHARED_PREFIX = "/projects/<int:project_id>"
PM_OWN_ONLY = {"/projects/<int:project_id>/participants",
               "/projects/<int:project_id>/participants.xlsx",
               "/projects/<int:project_id>/participants/<int:participant_id>",
               "/projects/<int:project_id>/participants/new"}


def _group(name: str, leader_id: int | None) -> tuple[Group, GroupSession]:
    group = Group(name=name, kind=GroupKind.SUPPORT, starts_on=local_today() - timedelta(days=30))
    db.session.add(group)
    db.session.flush()
    if leader_id:
        db.session.add(GroupLeader(group_id=group.id, user_id=leader_id))
    at = local_to_utc(local_today(), time(12))
    session = GroupSession(group_id=group.id, planned_at=at, starts_at=at,
                           ends_at=at + timedelta(hours=1), status=SessionStatus.PLANNED)
    db.session.add(session)
    db.session.flush()
    return group, session


@pytest.fixture(scope="module")
def town(database_url):
    """The demo town, and for each scoped role an own and an other record per id; one
    for the whole walk (a refused request changes nothing, and own records are only
    read)."""
    with shared_app(database_url, _made) as made:
        yield made


def _made():
    seed_demo(persons=60, volunteers=30)
    users = {u.email: u for u in db.session.scalars(select(User))}
    me = db.session.scalar(select(Volunteer).where(
        Volunteer.user_id == users[ACCOUNT[Role.VOLUNTEER]].id))
    other = db.session.scalar(select(Volunteer).where(
        Volunteer.id != me.id, Volunteer.id.in_(select(HourEntry.volunteer_id))))

    def first(model, volunteer):
        return db.session.scalar(select(model.id).where(model.volunteer_id == volunteer.id)
                                 .order_by(model.id))

    def not_mine(model):
        return db.session.scalar(select(model.id).where(model.volunteer_id != me.id)
                                 .order_by(model.id))

    someone = db.session.scalar(select(Person.id).order_by(Person.id))
    need = HelpRequest(person_id=someone, kind=HelpKind.TUTORING, subject="math",
                       starts_on=local_today())
    db.session.add(need)
    db.session.flush()
    db.session.add(Match(request_id=need.id, volunteer_id=other.id, score=70,
                         status=MatchStatus.PROPOSED))  # proposed to another volunteer
    for owner in (me, other):  # a document each, as the office issues them
        db.session.add(VolunteerDocument(volunteer_id=owner.id, kind=DocumentKind.AGREEMENT,
                                         issued_on=local_today(), pdf=b"%PDF-1.4 demo"))

    helper = VolunteerFactory(first_name="Iga")  # a volunteer who co-leads a group
    helper_user = User(email="iga@test.local", full_name="Iga", role=Role.VOLUNTEER,
                       password_hash=None)
    db.session.add(helper_user)
    db.session.flush()
    helper.user_id = helper_user.id
    leader = users[ACCOUNT[Role.LEADER]]
    mine, my_session = _group("Moja grupa", leader.id)
    theirs, their_session = _group("Cudza grupa", None)
    db.session.add(GroupLeader(group_id=mine.id, user_id=me.user_id))  # me co-leads mine
    projects = list(db.session.scalars(select(Project).order_by(Project.id)))
    own_project = projects[0]
    other_project = Project(name="Cudzy projekt", funder="city", starts_on=date(2026, 1, 1),
                            ends_on=date(2026, 12, 31), status=ProjectStatus.RUNNING,
                            manager_id=users["admin@cal.local"].id)
    db.session.add(other_project)
    db.session.flush()
    db.session.execute(project_groups.insert().values(project_id=own_project.id,
                                                      group_id=mine.id))
    own_indicator = db.session.scalar(select(Indicator.id).where(
        Indicator.project_id == own_project.id))
    other_indicator = Indicator(project_id=other_project.id, name="Cudzy", unit="", target=1)
    ours = db.session.scalar(select(Participant).where(
        Participant.project_id == own_project.id))
    copied = {c.key: getattr(ours, c.key) for c in Participant.__table__.columns
              if c.key not in ("id", "project_id", "created_at")}
    other_participant = Participant(**copied, project_id=other_project.id)
    db.session.add_all([other_indicator, other_participant])
    events = {}  # an event the leader made, and one of the coordinator's (the demo's)
    for owner in (leader.id, users["koordynator@cal.local"].id):
        day = local_today() + timedelta(days=30)
        event = Event(title="Zabawa", kind=EventKind.CHILDREN, audience=Audience.CHILDREN,
                      age_from=3, age_to=10, starts_at=local_to_utc(day, time(10)),
                      ends_at=local_to_utc(day, time(12)), status=EventStatus.PUBLISHED,
                      created_by_id=owner)
        db.session.add(event)
        db.session.flush()
        events[owner] = (event.id, registrations.register(
            event, f"object-access-{owner}-{'x' * 12}",
            {"name": "Anna Nowak", "phone": "600 100 200",
             "children": [Child("Zosia", 5, True)]}, local_to_utc(local_today(), time()))[0].id)
    own_event, other_event = events.values()
    shift_signups = []  # a shift at the coordinator's event, taken by me and by another
    day = local_today() + timedelta(days=30)
    for owner in (me, other):
        shift = Shift(event_id=other_event[0], role="Punkt informacyjny", needed=2,
                      starts_at=local_to_utc(day, time(8 + len(shift_signups))),
                      ends_at=local_to_utc(day, time(9 + len(shift_signups))))
        db.session.add(shift)
        db.session.flush()
        signup = ShiftSignup(shift_id=shift.id, volunteer_id=owner.id)
        db.session.add(signup)
        db.session.flush()
        shift_signups.append(signup.id)
    sent = []  # a message the leader wrote to their group, and one to a group not theirs
    for author, group in ((leader, mine), (users["koordynator@cal.local"], theirs)):
        message = Message(author_id=author.id, audience="group", audience_ref=group.id,
                          audience_label=group.name, body="Dzień dobry")
        db.session.add(message)
        db.session.flush()
        sent.append(message.id)
    told = {}  # a notification in the application for each account, and one for the admin
    for email in [*ACCOUNT.values(), "admin@cal.local"]:
        told[email] = Notification(user_id=users[email].id, kind="test", subject="t",
                                   title="Do przeczytania", url="/", dedup_key=f"t:{email}")
        db.session.add(told[email])
    db.session.flush()
    # a duty I hold, with an appointment; the demo psychologist's appointments are another's
    past = local_today() - timedelta(days=7)
    my_duty = Duty(kind=DutyKind.OTHER, title="Mój dyżur", place="pok. 1",
                   frequency=Frequency.WEEKLY, weekday=past.weekday(), starts=time(8),
                   ends=time(9), valid_from=past - timedelta(days=60), by_appointment=True,
                   slot_minutes=30, holder_user_id=me.user_id)
    db.session.add(my_duty)
    db.session.flush()
    ahead = local_today() + timedelta(days=7)
    my_appointment = Appointment(duty_id=my_duty.id, starts_at=local_to_utc(ahead, time(8)),
                                 ends_at=local_to_utc(ahead, time(8, 30)), name="Jan Nowak")
    db.session.add(my_appointment)
    db.session.flush()
    other_appointment = db.session.scalar(select(Appointment.id).where(
        Appointment.duty_id != my_duty.id).order_by(Appointment.id))
    other_duty = db.session.scalar(select(Duty.id).where(Duty.holder_user_id != me.user_id)
                                   .order_by(Duty.id))
    # a member of the senior centre in a class the leader leads (the demo's), and one who
    # is in none of them
    own_member = db.session.scalar(select(SeniorMember.id).order_by(SeniorMember.id))
    unregistered = db.session.scalar(select(Person).where(Person.id.not_in(
        select(SeniorMember.person_id))).order_by(Person.id))
    outsider = centre.register(unregistered, {"joined_on": local_today()},
                               users["koordynator@cal.local"])
    db.session.commit()
    values = {
        Role.VOLUNTEER: {
            "entry_id": (first(HourEntry, me), not_mine(HourEntry)),
            "match_id": (first(Match, me), not_mine(Match)),
            "document_id": (first(VolunteerDocument, me), not_mine(VolunteerDocument)),
            "scan_id": (first(VolunteerScan, me), not_mine(VolunteerScan)),  # the demo's
            "completion_id": (first(TrainingCompletion, me), not_mine(TrainingCompletion)),
            "group_id": (mine.id, theirs.id), "session_id": (my_session.id, their_session.id),
            "signup_id": tuple(shift_signups),
            "duty_id": (my_duty.id, other_duty), "day": (past.isoformat(), past.isoformat()),
            "appointment_id": (my_appointment.id, other_appointment)},
        Role.LEADER: {"group_id": (mine.id, theirs.id),
                      "session_id": (my_session.id, their_session.id),
                      "project_id": (own_project.id, other_project.id),
                      "indicator_id": (own_indicator, other_indicator.id),
                      "event_id": (own_event[0], other_event[0]),
                      "registration_id": (own_event[1], other_event[1]),
                      "message_id": tuple(sent),
                      "member_id": (own_member, outsider.id)},
        Role.PROJECT_MANAGER: {"project_id": (own_project.id, other_project.id),
                               "participant_id": (ours.id, other_participant.id)},
    }
    for role, email in ACCOUNT.items():
        values[role]["notification_id"] = (told[email].id, told["admin@cal.local"].id)
    return {email: user.id for email, user in users.items()}, values


# What a well-formed request sends, where the route checks its form before the record.
FORMS = {"/clubs/sessions/<int:session_id>/mark": {"person": "1", "mark": "present"}}


def _cases():
    for rule in _rules():
        policy = POLICIES[rule.endpoint]
        if policy in (PUBLIC, KIOSK, GATEWAY) or not rule.arguments:
            continue
        for role in SCOPED:
            if role in policy and (rule.rule, role) not in SHARED and not (
                    role == Role.PROJECT_MANAGER and rule.rule not in PM_OWN_ONLY):
                yield rule, role


CASES = list(_cases())


@pytest.mark.parametrize(("rule", "role"), CASES,
                         ids=[f"{r.rule}-{role.value}" for r, role in CASES])
def test_each_role_reaches_its_own_records_and_not_another_s(town, rule, role):
    app, (users, values) = town
    known = values[role]
    missing = [arg for arg in rule.arguments if arg not in known]
    assert not missing, f"name the {missing} records of {role.value} in the fixture"
    adapter = app.url_map.bind("localhost")
    client = client_of(app, users[ACCOUNT[role]])
    for method in _methods(rule):
        other = adapter.build(rule.endpoint, {a: known[a][1] for a in rule.arguments},
                              method=method)
        refused = client.open(other, method=method, data=FORMS.get(rule.rule, {}))
        assert refused.status_code in (403, 404), (method, other, refused.status_code)
        if method == "GET" and all(known[a][0] for a in rule.arguments):
            own = adapter.build(rule.endpoint, {a: known[a][0] for a in rule.arguments},
                                method=method)
            assert client.get(own).status_code == 200, own
