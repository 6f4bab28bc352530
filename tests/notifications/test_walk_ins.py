"""Records of people who are not users (an event's registration, a duty's appointment):
one contact book for both, and a STOP reply that withdraws the number everywhere."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from cal.community.models import Registration, RegistrationStatus
from cal.core.audit import AuditLog
from cal.core.timeutil import utcnow
from cal.duties import services as duties
from cal.duties.models import Appointment
from cal.extensions import db
from cal.notifications.delivery import contacts_of
from cal.notifications.gateway_views import withdraw
from tests.community.test_events import make_event
from tests.duties.test_duties import make_duty, next_held


def test_a_stop_withdraws_the_number_from_registrations_and_appointments(app):
    now = utcnow()
    event = make_event()
    registration = Registration(event_id=event.id, name="Anna Nowak", phone="600 100 200",
                                email="anna@example.org", consent_at=now, sms_consent_at=now,
                                status=RegistrationStatus.CONFIRMED, key="walk-" + "x" * 20)
    other = Registration(event_id=event.id, name="Jan Kowal", phone="600 100 300",
                         sms_consent_at=now, status=RegistrationStatus.CONFIRMED,
                         key="walk-" + "y" * 20)
    db.session.add_all([registration, other])
    duty = make_duty()
    appointment = duties.book(duty, next_held(duty), time(10), {
        "name": "Anna Nowak", "phone": "600 100 200", "sms_consent": True}, None, now)
    db.session.commit()

    told = contacts_of("registration", [registration.id])[registration.id]
    assert (told.first_name, told.phone, told.sms, told.email_ok) == (
        "Anna", "+48600100200", True, True)
    booked = contacts_of("appointment", [appointment.id])[appointment.id]
    assert (booked.phone, booked.sms, booked.email, booked.email_ok) == (
        "+48600100200", True, "", False)

    assert withdraw("+48600100200", "STOP SMS") == 2
    db.session.commit()
    assert db.session.get(Registration, registration.id).sms_consent_at is None
    assert db.session.get(Appointment, appointment.id).sms_consent_at is None
    assert db.session.get(Registration, other.id).sms_consent_at is not None
    assert not contacts_of("registration", [registration.id])[registration.id].sms
    assert contacts_of("registration", [registration.id])[registration.id].email_ok
    written = {(row.entity, row.entity_id) for row in db.session.scalars(
        select(AuditLog).where(AuditLog.detail == "sms:withdrawn (STOP SMS)"))}
    assert written == {("event_registration", registration.id), ("appointment", appointment.id)}
