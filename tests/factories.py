from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from cal.core.text import fold
from cal.extensions import db
from cal.people.models import District, Household, Person
from volunteers.models import Volunteer, VolunteerStatus


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class DistrictFactory(Base):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Dzielnica {n}")


class HouseholdFactory(Base):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Rodzina {n}")
    search_name = factory.LazyAttribute(lambda o: fold(o.name))
    address = "ul. Lipowa 5/2"


class PersonFactory(Base):
    class Meta:
        model = Person

    first_name = factory.Iterator(["Zofia", "Jan", "Łucja", "Piotr"])
    last_name = factory.Sequence(lambda n: f"Nowak{n}")
    search_name = factory.LazyAttribute(lambda o: fold(f"{o.last_name} {o.first_name}"))
    birth_date = date(2015, 3, 14)


class VolunteerFactory(Base):
    class Meta:
        model = Volunteer

    first_name = "Ola"
    last_name = factory.Sequence(lambda n: f"Wolontariuszka{n}")
    status = VolunteerStatus.ACTIVE
