"""The demo's accessibility statement: prepared last year, reviewed this year, partly
compliant, with the centre's post for accessibility as its contact."""

from __future__ import annotations

from datetime import date

from cal.accessibility.models import AccessibilityStatement, Assessment, Compliance
from cal.core.rooms import DemoSeed
from cal.extensions import db

BARRIERS = (
    "Dokumenty PDF tworzone przez platformę (porozumienia, zaświadczenia, listy obecności) "
    "nie mają jeszcze znaczników struktury dla czytników ekranu.\n"
    "Wykresy w sprawozdaniach mają obok tabelę z tymi samymi liczbami, ale nie mają opisu "
    "słownego.")
ALTERNATIVE = (
    "Każdy dokument PDF przygotujemy na prośbę w innej formie: jako dokument tekstowy, "
    "odczytany przez telefon albo wydrukowany większą czcionką.")
BUILDING = (
    "Do budynku prowadzi wejście od ulicy bez progów, z podjazdem dla wózków. Sala "
    "Klubu Integracji Społecznej i Centrum Aktywności Seniora jest na parterze; na "
    "pierwsze piętro prowadzi winda.\n"
    "Toaleta dostosowana do potrzeb osób z niepełnosprawnościami jest na parterze.\n"
    "Przed budynkiem są dwa miejsca parkingowe dla osób z niepełnosprawnościami.\n"
    "Do budynku można wejść z psem asystującym. W sekretariacie jest pętla indukcyjna; "
    "tłumacza języka migowego zapewniamy po zgłoszeniu na 3 dni robocze przed wizytą.")


def seed(demo) -> None:
    today = demo.today
    db.session.add(AccessibilityStatement(
        published_on=date(today.year - 1, 9, 1), updated_on=date(today.year - 1, 11, 15),
        prepared_on=date(today.year - 1, 9, 1), reviewed_on=date(today.year, 1, 15)
        if today >= date(today.year, 1, 15) else date(today.year - 1, 9, 1),
        compliance=Compliance.PARTIAL, barriers=BARRIERS, exclusions="",
        alternative=ALTERNATIVE, assessment=Assessment.SELF, auditor="",
        contact="Koordynator do spraw dostępności", email="dostepnosc@ops.example.pl",
        phone="22 100 20 30", complaints_to="Dyrektor Ośrodka Pomocy Społecznej",
        building=BUILDING))
    db.session.flush()
    demo.made["accessibility statement"] = 1


SEED = DemoSeed("accessibility", seed, 49)
