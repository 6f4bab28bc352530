"""The volunteers' demo data (cal/core/rooms.py): the demo town's volunteers with what
they offer, their legal records (a few with the scan of the signed agreement), courses
and sessions, help requests with a match and a proposal for the demo volunteer, and hours
of the last weeks. The courses, the requests and the hours are made by their rooms' demo
modules, called from here in one order, so the demo town is the same from one seed to the
next."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.commands.demo import DEMO_PASSWORD, FEMALE, MALE, SURNAMES, Demo, birth, phone
from cal.commands.large import Large, bulk
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.core.text import fold
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from volunteers.availability import BLOCKS_PER_DAY, DAYS, encode
from volunteers.hours.demo import add_hours, grow_hours
from volunteers.models import (
    CheckResult,
    ComplianceRecord,
    HelpKind,
    RecordKind,
    StatusChange,
    Volunteer,
    VolunteerScan,
    VolunteerStatus,
)
from volunteers.needs.demo import SUBJECTS, TASKS, add_requests, grow_requests
from volunteers.needs.models import Match, MatchStatus
from volunteers.training.demo import add_trainings

# What the demo's volunteers offer at random (legal advice is the duty hours' volunteer's).
DEMO_KINDS = [HelpKind.TUTORING, HelpKind.DISABILITY, HelpKind.SENIOR, HelpKind.CLUB,
              HelpKind.EVENT]


def _offer(rng: random.Random, volunteer: Volunteer) -> None:
    """What a demo volunteer offers and when."""
    kinds = rng.sample(DEMO_KINDS, rng.randint(1, 2))
    volunteer.help_kinds = ",".join(k.value for k in kinds)
    if HelpKind.TUTORING in kinds:
        volunteer.subjects = ",".join(rng.sample(SUBJECTS, rng.randint(1, 3)))
        volunteer.grade_from = rng.choice([1, 4, 7])
        volunteer.grade_to = volunteer.grade_from + rng.randint(2, 5)
        volunteer.works_with_children = True
    if {HelpKind.DISABILITY, HelpKind.SENIOR} & set(kinds):
        volunteer.tasks = ",".join(rng.sample(TASKS, rng.randint(2, 4)))
    volunteer.languages = rng.choice(["pl", "pl", "pl,en", "pl,uk", "pl,en,de", "pl,pjm"])
    volunteer.availability = encode({(rng.randrange(len(DAYS)), rng.randrange(BLOCKS_PER_DAY))
                                     for _ in range(rng.randint(3, 9))})
    volunteer.capacity = rng.randint(1, 3)
    volunteer.lived_abroad = rng.random() < 0.1


def _records(rng: random.Random, volunteer: Volunteer, today: date) -> list[ComplianceRecord]:
    """The legal records that let a demo volunteer be active (some ending soon)."""
    signed = today - timedelta(days=rng.randint(30, 300))
    end = signed + timedelta(days=365) if rng.random() < 0.9 else today + timedelta(days=20)
    records = [ComplianceRecord(kind=RecordKind.AGREEMENT, done_on=signed, period_start=signed,
                                period_end=end, scope="Pomoc w nauce / pomoc sąsiedzka",
                                place="W miejscu zamieszkania osoby wspieranej",
                                terms="Każda ze stron może rozwiązać porozumienie z 7-dniowym "
                                      "wypowiedzeniem.")]
    kinds = [RecordKind.RISK_INFO, RecordKind.RIGHTS_INFO, RecordKind.CONFIDENTIALITY,
             RecordKind.DATA_AUTHORISATION]
    records += [ComplianceRecord(kind=kind, done_on=signed) for kind in kinds]
    if volunteer.works_with_children:
        for kind in (RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD):
            records.append(ComplianceRecord(kind=kind, done_on=signed, result=CheckResult.CLEAR,
                                            scope="art. 21 ust. 3", checked_by="koordynator"))
        records.append(ComplianceRecord(kind=RecordKind.CHILD_STANDARDS, done_on=signed,
                                        period_start=signed))
        if volunteer.lived_abroad:
            records.append(ComplianceRecord(kind=RecordKind.FOREIGN_RECORDS, done_on=signed,
                                            result=CheckResult.CLEAR, scope="oświadczenie"))
    if volunteer.birth_date and (today - volunteer.birth_date).days < 18 * 365.25:
        records.append(ComplianceRecord(kind=RecordKind.GUARDIAN_CONSENT, done_on=signed))
    return records


def scan_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of a few lines of ASCII text: a stand-in for a scanned paper."""
    text = "".join(f"({line}) Tj 0 -24 Td " for line in lines)
    stream = f"BT /F1 16 Tf 72 760 Td {text}ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _scans(volunteers: list[Volunteer], coordinator: User) -> None:
    """The scanned signed agreement of the first volunteers who have one."""
    agreements = db.session.scalars(select(ComplianceRecord).where(
        ComplianceRecord.kind == RecordKind.AGREEMENT,
        ComplianceRecord.volunteer_id.in_([v.id for v in volunteers])))
    for record in agreements:
        content = scan_pdf(["SKAN (dane przykladowe)",
                            "Porozumienie o wykonywaniu swiadczen wolontariusza",
                            f"podpisane {record.done_on.isoformat()}"])
        db.session.add(VolunteerScan(
            volunteer_id=record.volunteer_id, record_id=record.id, file_name="porozumienie.pdf",
            content_type="application/pdf", content=content, size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=coordinator.id))


def seed(demo: Demo) -> None:
    rng, users, people, today = demo.rng, demo.users, demo.people, demo.today
    districts = demo.districts
    statuses = ([VolunteerStatus.ACTIVE] * 24 + [VolunteerStatus.APPLICANT] * 5
                + [VolunteerStatus.SCREENING] * 4 + [VolunteerStatus.TRAINING] * 4
                + [VolunteerStatus.PAUSED] * 2 + [VolunteerStatus.LEFT] * 1)
    vols = [Volunteer(first_name="Kacper", last_name="Lewandowski", email="wolontariusz@cal.local",
                      phone="600 200 300", birth_date=birth(rng, 20, 24), district=districts[2],
                      status=VolunteerStatus.ACTIVE, user=users[Role.VOLUNTEER])]
    for i in range(demo.volunteers - 1):
        male = rng.random() < 0.4
        surname = rng.choice(SURNAMES)
        first = rng.choice(MALE if male else FEMALE)
        last = surname[0] if male else surname[1]
        vols.append(Volunteer(
            first_name=first, last_name=last, phone=phone(rng),
            email=f"{fold(first)}.{fold(last)}{i}@example.org".replace(" ", ""),
            birth_date=birth(rng, 16, 72), district=rng.choice(districts),
            status=statuses[i % len(statuses)]))
    for volunteer in vols:
        _offer(rng, volunteer)
    vols[0].help_kinds, vols[0].subjects, vols[0].works_with_children = "tutoring", "math", True
    vols[0].grade_from, vols[0].grade_to, vols[0].capacity = 4, 8, 3
    db.session.add_all(vols)
    db.session.flush()
    for volunteer in vols:
        db.session.add(StatusChange(volunteer_id=volunteer.id, to_status=volunteer.status))
        if volunteer.status in (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED):
            for record in _records(rng, volunteer, today):
                record.volunteer_id = volunteer.id
                db.session.add(record)
    db.session.flush()
    _scans(vols[:6], users[Role.COORDINATOR])
    add_trainings(rng, vols, users[Role.COORDINATOR], today)
    add_requests(rng, people, vols, users[Role.COORDINATOR], today)
    db.session.flush()
    add_hours(rng, vols, users[Role.COORDINATOR], today)
    db.session.flush()
    waiting = db.session.scalar(select(Match).where(Match.status == MatchStatus.PROPOSED))
    tell(users[Role.VOLUNTEER].id, "match_proposed", f"match:{waiting.id}",
         _l("A new proposal to help"), url=external_url("needs.my_matches"))
    demo.made["volunteers"] = len(vols)


def _accounts(rng: random.Random) -> int:
    """A sign-in for every active volunteer, as a centre that uses the phone pages has."""
    password = hash_password(DEMO_PASSWORD)
    without = list(db.session.execute(select(Volunteer.id, Volunteer.first_name,
                                             Volunteer.last_name).where(
        Volunteer.user_id.is_(None), Volunteer.status == VolunteerStatus.ACTIVE)))
    bulk(User, ({"email": f"w{vid}@wolontariusze.example.org", "full_name": f"{first} {last}",
                  "role": Role.VOLUNTEER, "password_hash": password}
                 for vid, first, last in without))
    ids = dict(db.session.execute(select(User.email, User.id).where(
        User.email.like("w%@wolontariusze.example.org"))).all())
    for vid, _first, _last in without:
        db.session.execute(update(Volunteer).where(Volunteer.id == vid).values(
            user_id=ids[f"w{vid}@wolontariusze.example.org"]))
    return len(without)


def grow(large: Large) -> dict[str, int]:
    rng, size, coordinator, today = large.rng, large.size, large.coordinator, large.today
    made = {"volunteers": db.session.scalar(select(func.count()).select_from(Volunteer)),
            "volunteer_accounts": _accounts(rng)}
    large.say("requests and matches")
    made.update(grow_requests(rng, large.people, size, coordinator, today))
    large.say(f"{size['hours']} hours entries")
    made["hours"] = grow_hours(rng, size["hours"], coordinator, today)
    return made


SEED = DemoSeed("volunteers", seed, 10, grow)
