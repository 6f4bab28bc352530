"""The coordinator's start page lists what waits, each line with its count and the page
where it is done, read in one statement."""

from __future__ import annotations

from datetime import timedelta

from cal.core.access import Role
from cal.core.timeutil import local_today, utcnow
from cal.extensions import db
from tests.factories import VolunteerFactory
from tests.volunteers.needs.test_needs import child_request, tutor
from volunteers.hours.models import HourEntry
from volunteers.models import ComplianceRecord, RecordKind
from volunteers.needs import services as needs

TODAY = local_today()


def test_the_coordinators_start_page_lists_what_waits_with_links(client_as, users,
                                                                  count_queries):
    client = client_as(Role.COORDINATOR)
    assert "Nic nie czeka" in client.get("/").text
    volunteer = tutor(last_name="Aktywna")
    db.session.add(HourEntry(volunteer_id=volunteer.id, key="dash-" + "x" * 20,
                             activity="event", label="Piknik", worked_on=TODAY, minutes=60))
    match, = needs.propose(child_request(), [volunteer.id], users[Role.COORDINATOR], TODAY)
    match.proposed_at = utcnow() - timedelta(hours=49)
    child_request()  # open
    VolunteerFactory(status="applicant")
    db.session.add(ComplianceRecord(volunteer_id=volunteer.id, kind=RecordKind.INSURANCE,
                                    done_on=TODAY - timedelta(days=300),
                                    period_start=TODAY - timedelta(days=300),
                                    period_end=TODAY + timedelta(days=10)))
    db.session.commit()
    client.get("/")
    with count_queries() as statements:
        page = client.get("/").text
    assert '<a class="tap" href="/volunteers/hours">1 wpis godzin do zatwierdzenia</a>' in page
    assert "1 propozycja bez odpowiedzi od 48 godzin" in page
    assert 'href="/volunteers/requests?status=open">1 otwarte zgłoszenie' in page
    assert "1 nowe zgłoszenie wolontariusza" in page
    assert "1 dokument prawny wygasa w ciągu 30 dni" in page
    assert len(statements) <= 10
