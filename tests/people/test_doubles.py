"""Records that may be of one person are marked in the transaction that writes them:
a record of a name and year already known, a rename, a birth date learnt, an
anonymisation, the earlier record deleted; the late scan marks what a bulk load left;
the start page counts them in the same queries at any number of records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select

from cal.core.access import Role
from cal.extensions import db
from cal.people import doubles, jobs
from cal.people.models import Person
from cal.people.services import fold
from tests.factories import PersonFactory


def _marked() -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(Person.id).where(Person.may_double.is_(True))))


def _count() -> int:
    return db.session.scalar(select(doubles.count()))


def _person(first: str, last: str, born: date | None) -> Person:
    return PersonFactory(first_name=first, last_name=last, birth_date=born)


def _pairs():
    return [(row[0], row[1]) for row in db.session.execute(doubles.pairs(100))]


def test_a_second_record_of_a_name_and_year_is_marked_when_written(app):
    halina = _person("Halina", "Wrona", date(1950, 4, 2))
    other_year = _person("Halina", "Wrona", date(1988, 1, 1))
    db.session.commit()
    assert _marked() == set()  # 1950 and 1988 differ
    door = _person("HALINA", "Wróna", None)  # accents and case ignored; the year unknown
    db.session.commit()
    assert _marked() == {door.id} and _count() == 1
    assert [(a.id, b.id) for a, b in _pairs()] == [(halina.id, door.id),
                                                          (other_year.id, door.id)]


def test_a_rename_or_a_birth_date_learnt_marks_the_records_anew(app):
    halina = _person("Halina", "Wrona", date(1950, 4, 2))
    door = _person("Halina", "Wrona", None)
    db.session.commit()
    assert _marked() == {door.id}
    door.birth_date = date(1961, 5, 5)  # another year: not the same person
    db.session.commit()
    assert _marked() == set()
    door.birth_date = date(1950, 9, 9)
    db.session.commit()
    assert _marked() == {door.id}
    door.last_name, door.search_name = "Kruk", fold("Kruk Halina")  # the name was wrong
    db.session.commit()
    assert _marked() == set()
    halina.last_name, halina.search_name = "Kruk", fold("Kruk Halina")
    db.session.commit()
    assert _marked() == {door.id}


def test_the_earlier_record_deleted_or_anonymised_leaves_the_later_unmarked(app):
    first = _person("Jan", "Sowa", None)
    second = _person("Jan", "Sowa", None)
    third = _person("Jan", "Sowa", None)
    db.session.commit()
    assert _marked() == {second.id, third.id}
    db.session.delete(first)
    db.session.commit()
    assert _marked() == {third.id}
    third.anonymised_at = datetime(2026, 12, 1)
    db.session.commit()
    assert _marked() == set()


def test_the_late_scan_marks_what_a_bulk_load_left(app):
    _person("Ewa", "Lis", date(1970, 1, 1))
    db.session.commit()
    db.session.execute(insert(Person.__table__), [  # past the session's events
        {"first_name": "Ewa", "last_name": "Lis", "search_name": fold("Lis Ewa"),
         "birth_date": date(1970, 6, 1)}])
    db.session.commit()
    assert _marked() == set()
    assert jobs.possible_doubles(datetime(2026, 12, 6)) == 1
    assert len(_marked()) == 1
    assert jobs.possible_doubles(datetime(2026, 12, 6)) == 0  # nothing else changes


def test_the_start_page_counts_them_in_the_same_queries_at_any_number(app, users, client_as,
                                                                      count_queries):
    coordinator = client_as(Role.COORDINATOR)
    _person("Anna", "Nowak", None)
    _person("Anna", "Nowak", None)
    db.session.commit()
    coordinator.get("/")
    with count_queries() as few:
        page = coordinator.get("/").get_data(as_text=True)
    assert "1 osoba być może zapisana dwukrotnie" in page
    for n in range(30):
        _person("Anna", "Nowak", None)
        _person(f"Imię{n}", "Nowak", date(1980, 1, 1))
    db.session.commit()
    assert _count() == 31
    with count_queries() as many:
        page = coordinator.get("/").get_data(as_text=True)
    assert "31 osób być może zapisanych dwukrotnie" in page and len(many) == len(few)
