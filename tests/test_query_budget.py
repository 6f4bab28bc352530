"""DESIGN.md budget: any page at most 10 SQL queries, the same for few rows and many."""

from __future__ import annotations

import pytest

from cal.core.access import Role
from cal.extensions import db
from cal.people.services import read_special_notes
from tests.factories import DistrictFactory, HouseholdFactory, PersonFactory, VolunteerFactory

PAGES = [
    (Role.ADMIN, "/"), (Role.COORDINATOR, "/"), (Role.LEADER, "/"), (Role.VOLUNTEER, "/"),
    (Role.PROJECT_MANAGER, "/"), (Role.COORDINATOR, "/people"),
    (Role.COORDINATOR, "/households"), (Role.COORDINATOR, "/volunteers/"),
    (Role.ADMIN, "/admin/users"), (Role.ADMIN, "/admin/audit"),
]


def _add_rows(count: int, users) -> None:
    district = DistrictFactory()
    for _ in range(count):
        household = HouseholdFactory(district=district)
        PersonFactory(household=household, district=district)
        person = PersonFactory(household=household, district=district)
        VolunteerFactory(district=district)
        read_special_notes(person, users[Role.COORDINATOR])
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[f"{r.value} {p}" for r, p in PAGES])
def test_page_stays_within_the_query_budget_whatever_the_rows(client_as, users, count_queries,
                                                              role, path):
    client = client_as(role)
    _add_rows(1, users)
    client.get(path)  # the first request of a client loads what every request needs
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _add_rows(40, users)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many) <= 10, many
