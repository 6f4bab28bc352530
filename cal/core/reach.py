"""Reaching people who are not users: whom a message can reach, and how.

A room that keeps people's contacts declares a ``ContactBook`` ("person" for the
registry, "registration" for an event's residents): given record ids it answers each
one's ``Contact`` (the consents of each channel as they stand now), and on a STOP reply
it withdraws the text-message consent of a phone number. A room whose people can be
written to as a group declares an ``Audience`` (a group's members, an event's
registrants): who may write to it and who is in it. The outbox and the messages go
through these, so they import no room.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Unlinked:
    """A record made with a phone number or an e-mail address for someone the registry
    does not name (a resident who registered for an event): ``what`` says it for the
    administrator; ``sms`` and ``email_ok``: the consents given with it."""

    book: str
    ref: int
    what: str
    sms: bool = False
    email_ok: bool = False

    @property
    def key(self) -> str:
        return f"{self.book}:{self.ref}"


@dataclass(frozen=True)
class Contact:
    """How one person can be written to now. ``phone`` is in E.164 and set only when it
    is a mobile number; ``sms`` and ``email`` are true only with a consent that stands."""

    first_name: str
    name: str = ""  # the whole name, for the staff's lists
    phone: str = ""
    email: str = ""
    sms: bool = False
    email_ok: bool = False
    preferred: str | None = None  # "sms" or "email"
    # Why the consents do not stand, for the list of those not reached ("" when they do).
    why_not: str = ""


@dataclass(frozen=True)
class ContactBook:
    """``contacts(ids)``: each record's Contact; ``stop(phone, at, how)``: withdraw the
    text-message consent of that E.164 number, returning how many records it held."""

    name: str
    contacts: Callable[[list[int]], dict[int, Contact]]
    stop: Callable[[str, datetime, str], int] | None = None
    # ``unlinked(phone, email)``: the records made with that E.164 number or (lower-case)
    # address and linked to no person; ``link(ids, person_id, actor)`` links them to the
    # person (whose RODO request then reaches them).
    unlinked: Callable[[str, str], list[Unlinked]] | None = None
    link: Callable[[list[int], int, Any], None] | None = None


@dataclass(frozen=True)
class Recipient:
    """One of an audience: a user (told in the app and by e-mail, as they set it) or a
    record of a contact book ("person", 12)."""

    name: str  # as the staff's list shows it
    user_id: int | None = None
    book: str = ""
    ref: int | None = None

    @property
    def key(self) -> str:
        return f"u{self.user_id}" if self.user_id is not None else f"{self.book}:{self.ref}"


@dataclass(frozen=True)
class Audience:
    """People a message can be written to as one. ``choices(user)``: the records of this
    kind the user may write to, as (id, label), or None for an audience without a record
    (all active volunteers); ``may(user, ref)``: whether the user may write to that one;
    ``members(ref)``: its recipients; ``label(ref)``: how it is named. A ``chosen``
    audience is people the writer ticked on a list: its ``ref`` is their ids (a tuple)."""

    name: str
    title: Any  # a lazy text
    choices: Callable[[Any], Iterable[tuple[int, str]] | None]
    may: Callable[[Any, int | None], bool]
    members: Callable[[int | None], list[Recipient]]
    label: Callable[[Any], str]
    position: int = 100
    chosen: bool = False
