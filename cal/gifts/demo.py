"""The gifts' demo data (cal/core/rooms.py): food from a local shop for Mikołajki,
backpacks with school supplies from a company in August for the families and the
tutoring group, stationery for the club, and last year's gifts to compare with."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from cal.commands.demo import Demo
from cal.community.models import Event
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.extensions import db
from cal.gifts import services
from cal.people.models import Household
from clubs.models import Group, GroupKind


def _august(today: date) -> date:
    """The last 20 August that has passed."""
    day = date(today.year, 8, 20)
    return day if day <= today else day.replace(year=today.year - 1)


def seed(demo: Demo) -> None:
    today, coordinator = demo.today, demo.users[Role.COORDINATOR]
    mikolajki = db.session.scalar(select(Event.id).where(Event.title == "Mikołajki dla dzieci"))
    group = db.session.scalar(select(Group.id).where(Group.kind == GroupKind.CLASS)
                              .order_by(Group.id))
    families = list(db.session.scalars(select(Household.id).order_by(Household.id).limit(2)))
    august = _august(today)
    gifts = [
        {"received_on": min(today, today.replace(month=12, day=4)) if today.month == 12
         else today - timedelta(days=3), "donor": "Sklep spożywczy „Pod Lipami”",
         "what": "Owoce, soki i słodycze na poczęstunek", "quantity": 25, "unit": "paczek",
         "value_gr": 62_500, "used_for": "event", "event_id": mikolajki},
        {"received_on": august, "donor": "Biuro Rachunkowe „Bilans” sp. z o.o.",
         "what": "Plecaki szkolne z wyprawką (zeszyty, piórniki, kredki)", "quantity": 30,
         "unit": "szt.", "value_gr": 450_000, "used_for": "general",
         "note": "Dla dzieci z rodzin objętych korepetycjami wolontariackimi"},
        {"received_on": august + timedelta(days=2),
         "donor": "Biuro Rachunkowe „Bilans” sp. z o.o.",
         "what": "Plecak z wyprawką dla rodziny z trojgiem dzieci w wieku szkolnym",
         "quantity": 3, "unit": "szt.", "value_gr": 45_000, "used_for": "household",
         "household_id": families[0] if families else None},
        {"received_on": today - timedelta(days=40), "donor": "Hurtownia Papiernicza „Kartka”",
         "what": "Artykuły papiernicze (ryzy papieru, bloki, flamastry)", "quantity": 1,
         "unit": "komplet", "value_gr": 38_000, "used_for": "group", "group_id": group},
        {"received_on": date(today.year - 1, 12, 4), "donor": "Sklep spożywczy „Pod Lipami”",
         "what": "Paczki ze słodyczami na Mikołajki", "quantity": 20, "unit": "paczek",
         "value_gr": 50_000, "used_for": "general"},
        {"received_on": date(today.year - 1, 8, 22),
         "donor": "Biuro Rachunkowe „Bilans” sp. z o.o.", "what": "Wyprawki szkolne",
         "quantity": 20, "unit": "szt.", "value_gr": 300_000, "used_for": "general"},
    ]
    for gift in gifts:
        for kind in ("event", "group", "household"):
            if gift["used_for"] == kind and not gift.get(f"{kind}_id"):
                gift["used_for"] = "general"  # a town without it: the centre's work
        services.save_gift(None, {"note": "", **gift}, coordinator, today)
    demo.made["in-kind gifts"] = len(gifts)


SEED = DemoSeed("gifts", seed, 50)
