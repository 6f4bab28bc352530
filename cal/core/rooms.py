"""What the core asks of the rooms, and the registries the rooms fill.

A room is a package for one domain (DESIGN.md, Layout). When its blueprint is registered
on the app, it fills these registries with what it declared (``declare``): the periodic
scans that write reminders, its personal-data part for RODO export, erasure and
retention, its demo seeds, its sections of the year's report, the events it adds to
calendar feeds, and its menu entries. The reminders runner, RODO, the retention sweep,
``seed-demo``, the year's report and the menu go through
them, so the core imports no room, and a new room is added by registering its blueprint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, current_app

from cal.core.access import ALL_ROLES, PUBLIC, Role, policy_of
from cal.core.figures import YearSection
from cal.core.reach import Audience, ContactBook

Scan = Callable[[datetime], int]


@dataclass(frozen=True)
class MenuEntry:
    """A link of the main menu. Who sees it is the endpoint's declared policy; ``only``
    narrows it for a page some may open but few need in the menu (never widens it)."""

    endpoint: str
    label: Any  # a lazy text
    position: int
    only: frozenset[Role] | None = None

    def roles(self) -> frozenset[Role]:
        policy = policy_of(self.endpoint)
        allowed = ALL_ROLES if policy == PUBLIC else frozenset(policy or ())
        return allowed & self.only if self.only is not None else allowed


@dataclass(frozen=True)
class FooterLink:
    """A link of every page's footer (the accessibility statement a public body must
    link from every page), for everyone, signed in or not."""

    endpoint: str
    label: Any  # a lazy text
    position: int
    meta: str = ""  # also named by a <meta> of every page's head, with its whole address


@dataclass(frozen=True)
class PersonalData:
    """A room's part of what is known about a data subject (RODO: cal/people/rodo.py and
    retention.py). What refers to a subject by a foreign key is found from the schema;
    a part says only what the schema cannot. Each callable is optional:

    - ``subjects``: the kinds of data subject the room keeps records of, by their
      SubjectKind value, with their model (the volunteers' room: its volunteers);
    - ``related(subject)``: more (table, rows) that are the subject's, reached through
      another table (a person's matches, through their help requests);
    - ``shared(subject)``: (table, rows) the subject shares with others (what their
      household asked for or received, the duty hours they held for residents): in
      their export, but left to the room's ``anonymise`` (which blanks a household's
      once no one of it is left);
    - ``blockers(subject, held)``: why the subject cannot be anonymised yet (texts);
      ``held`` maps the projects whose records are still kept to the day they may go;
    - ``anonymise(subject, now)``: the room's own clean-up, beyond the free text the
      erasure blanks everywhere;
    - ``keeps_person(cutoff, held)``: SQL conditions on a person that keep them past a
      retention cutoff (a recent contact, something still open);
    - ``past(kind, cutoff, batch)``: ids of the room's subjects of ``kind`` whose
      period has passed;
    - ``held(today, months)``: records whose own period runs on (a project's
      participants), as above;
    - ``records(record_type, cutoff, apply)``: the room's records of people who are no
      subject of their own (a resident's registration for an event), of a retention
      record type, past the cutoff: anonymised by the room when ``apply``, else only
      counted; returns how many;
    - ``files(subject)``: the subject's files the rows only name (the scans of signed
      papers), as (file name, content), for the export's archive."""

    name: str
    subjects: dict[str, type] = field(default_factory=dict)
    related: Callable[[Any], Iterable[tuple[str, list[dict]]]] | None = None
    shared: Callable[[Any], Iterable[tuple[str, list[dict]]]] | None = None
    blockers: Callable[[Any, dict], list[str]] | None = None
    anonymise: Callable[[Any, datetime], None] | None = None
    keeps_person: Callable[[datetime, dict], Iterable[Any]] | None = None
    past: Callable[[str, datetime, int], list[int]] | None = None
    held: Callable[[date, int | None], dict[int, date | None]] | None = None
    records: Callable[[str, datetime, bool], int] | None = None
    files: Callable[[Any], Iterable[tuple[str, bytes]]] | None = None


@dataclass(frozen=True)
class DemoSeed:
    """Demo data of a room: ``seed(demo)`` adds to the demo town (cal/commands/demo.py: the
    accounts, the persons, one random generator, today) and ``grow(large)`` to the large
    data set of the benchmarks (cal/commands/large.py), returning what it made; both in
    ``position`` order, after the core's own."""

    name: str
    seed: Callable[[Any], None]
    position: int
    grow: Callable[[Any], dict[str, int]] | None = None


CalendarSource = Callable[[Any, date, date], Iterable[Any]]


@dataclass(frozen=True)
class Together:
    """One thing done with a partner institution (a project, an event, a duty), as the
    partner's page lists it: when, what kind, its title and the page it has."""

    on: date | None
    kind: Any  # a lazy text
    title: str
    url: str | None = None


# What a room did with a partner: the partner's id and who reads in, the room's work with
# it out (only what that reader may see of the room).
PartnerWork = Callable[[int, Any], Iterable[Together]]


@dataclass(frozen=True)
class RecordKind:
    """How the audit log names a room's records: ``entity`` as its audit rows store it,
    ``label`` its kind in words ("Volunteer hours"), and ``describe(ids)`` each record's
    own words and the page it has, if any ("Anna Nowak, 12.11.2026, 1 h 30 min"), read
    for the whole page of the log at once."""

    entity: str
    label: Any  # a lazy text
    describe: Callable[[list[int]], dict[int, tuple[str, str | None]]] | None = None


def describer(source, words: Callable[[Any], str], endpoint: str | None = None,
              argument: str = "", link_id: Callable[[Any], int | None] | None = None,
              options: Iterable[Any] = ()) -> Callable[[list[int]], dict[int, tuple[str,
                                                                                str | None]]]:
    """A RecordKind's ``describe``: the rows of the ids asked, in one query (``source``
    is a model, or ``source(ids)`` gives rows with an ``id``), each put in ``words`` and
    linked to ``endpoint`` with its id, or with ``link_id(row)``, as ``argument``."""
    from flask import url_for
    from sqlalchemy import select

    def describe(ids: list[int]) -> dict[int, tuple[str, str | None]]:
        if hasattr(source, "__table__"):
            rows = current_app.extensions["sqlalchemy"].session.scalars(
                select(source).where(source.id.in_(ids)).options(*options))
        else:
            rows = source(ids)
        found = {}
        for row in rows:
            target = link_id(row) if link_id else row.id
            found[row.id] = (words(row), url_for(endpoint, **{argument: target})
                             if endpoint and target else None)
        return found

    return describe


@dataclass
class Registry:
    rooms: list[str] = field(default_factory=list)
    scans: list[Scan] = field(default_factory=list)
    late_scans: list[Scan] = field(default_factory=list)
    menu: list[MenuEntry] = field(default_factory=list)
    footer: list[FooterLink] = field(default_factory=list)
    personal_data: list[PersonalData] = field(default_factory=list)
    demo: list[DemoSeed] = field(default_factory=list)
    calendar: list[CalendarSource] = field(default_factory=list)
    user_columns: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    contact_books: dict[str, ContactBook] = field(default_factory=dict)
    audiences: dict[str, Audience] = field(default_factory=dict)
    partner_work: list[PartnerWork] = field(default_factory=list)
    records: dict[str, RecordKind] = field(default_factory=dict)
    year_figures: list[YearSection] = field(default_factory=list)


def init_app(app: Flask) -> None:
    app.extensions["cal.rooms"] = Registry()


def registry(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions["cal.rooms"]


def declare(blueprint: Blueprint, *, scans: Iterable[Scan] = (),
            late_scans: Iterable[Scan] = (), menu: Iterable[MenuEntry] = (),
            footer: Iterable[FooterLink] = (),
            personal_data: Iterable[PersonalData] = (), demo: Iterable[DemoSeed] = (),
            calendar: Iterable[CalendarSource] = (),
            user_columns: dict[str, Callable[[Any], Any]] | None = None,
            contact_books: Iterable[ContactBook] = (),
            audiences: Iterable[Audience] = (),
            partner_work: Iterable[PartnerWork] = (),
            records: Iterable[RecordKind] = (),
            year_figures: Iterable[YearSection] = ()) -> None:
    """What the room of ``blueprint`` gives the core, filled in when the blueprint is
    registered on an app. ``scans`` run before the outbox is handed on, ``late_scans``
    after it (slow work that must not hold reminders back); ``user_columns`` are loaded
    with the signed-in user, in the same query (an attribute's name, and a scalar
    subquery made from the user's id column: the header's count of unread messages);
    ``contact_books`` and ``audiences`` are how its people are reached (cal.core.reach);
    ``partner_work`` lists what it did with a partner institution (the partner's page);
    ``footer`` links stand at the foot of every page;
    ``records`` names its records in the audit log;
    ``year_figures`` are its sections of the year's report (cal.core.figures)."""
    declared = {"scans": list(scans), "late_scans": list(late_scans), "menu": list(menu),
                "footer": list(footer),
                "personal_data": list(personal_data), "demo": list(demo),
                "calendar": list(calendar), "partner_work": list(partner_work),
                "year_figures": list(year_figures)}
    reached = (("contact_books", list(contact_books)), ("audiences", list(audiences)))
    named = list(records)

    def fill(state) -> None:
        filled = registry(state.app)
        filled.rooms.append(blueprint.name)
        for name, items in declared.items():
            getattr(filled, name).extend(items)
        for name, items in reached:
            kept = getattr(filled, name)
            for item in items:
                if item.name in kept:
                    raise ValueError(f"{blueprint.name}: {name} {item.name} is declared twice")
                kept[item.name] = item
        for kind in named:
            if kind.entity in filled.records:
                raise ValueError(f"{blueprint.name}: the record kind {kind.entity} is named twice")
            filled.records[kind.entity] = kind
        for name, column in (user_columns or {}).items():
            if name in filled.user_columns:
                raise ValueError(f"{blueprint.name}: the user column {name} is declared twice")
            filled.user_columns[name] = column
        filled.menu.sort(key=lambda entry: entry.position)
        filled.footer.sort(key=lambda link: link.position)
        filled.demo.sort(key=lambda seed: seed.position)
        filled.year_figures.sort(key=lambda section: section.position)

    blueprint.record_once(fill)
