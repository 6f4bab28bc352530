"""The projects' demo data (cal/core/rooms.py): an ESF+ project with a task budget,
expenses, indicators, deadlines and EU participants."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, insert, select

from cal.auth.models import User
from cal.commands.demo import Demo
from cal.commands.large import Large, bulk
from cal.core import pesel
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.core.timeutil import age_on, utcnow
from cal.extensions import db
from cal.partners import services as partners
from cal.people.models import Person
from cal.projects import budgets, eu_participants, funds, indicators
from cal.projects import services as projects
from cal.projects.models import (
    BudgetLine,
    Deadline,
    DeadlineKind,
    Expense,
    Funding,
    FundSource,
    Indicator,
    IndicatorValue,
    Project,
    Source,
    project_groups,
)
from cal.projects.participant_models import (
    DETAILS_OF,
    Answer,
    Citizenship,
    Degurba,
    Education,
    ExitSituation,
    LabourStatus,
    Participant,
    Sex,
    Support,
)
from clubs.models import Group, GroupKind


def seed(demo: Demo) -> None:
    """An ESF+ project of the KIS groups and the tutoring programme, with a task budget,
    expenses, computed and hand-entered indicators, deadlines and EU participants."""
    rng, users, today = demo.rng, demo.users, demo.today
    manager = users[Role.PROJECT_MANAGER]
    kis = [g.id for g in db.session.scalars(select(Group).where(
        Group.kind != GroupKind.SENIOR_CLASS))]
    start = today.replace(month=1, day=1)
    project = projects.save_project(None, {
        "name": "Aktywni razem – integracja społeczna w dzielnicach", "funder": "eu",
        "programme": "Fundusze Europejskie dla regionu 2021–2027, Priorytet VI",
        "call_number": "FERS.06.10-IP.01-001/25", "agreement_number": "UDA-06.10-0042/25",
        "starts_on": start, "ends_on": start.replace(year=start.year + 1, month=12, day=31),
        "value_gr": 48_000_000, "share_eu": 8500, "share_national": 1000, "share_own": 500,
        "settlement": "real_costs", "indirect_rate": 2500, "status": "running",
        "manager_id": manager.id, "help_kinds": "tutoring", "monitors_participants": True},
        kis, [], manager, partner_ids=partners.named(
            "Stowarzyszenie Sąsiedzkie „Razem”", "Miejski Dom Kultury", "Szkoła Podstawowa nr 3"))
    projects.confirm_links(project, users[Role.COORDINATOR])  # the manager's links hold
    lines = [budgets.add_line(project, task, category, name, planned, manager)
             for task, category, name, planned in (
                 ("Zadanie 1. Klub Integracji Społecznej", "personel", "Prowadzący grupy",
                  12_000_000),
                 ("Zadanie 1. Klub Integracji Społecznej", "materiały", "Materiały na zajęcia",
                  1_500_000),
                 ("Zadanie 2. Korepetycje wolontariackie", "usługi", "Szkolenia wolontariuszy",
                  2_400_000),
                 ("Zadanie 2. Korepetycje wolontariackie", "materiały", "Podręczniki i zeszyty",
                  600_000))]
    for month in range(1, today.month + 1):
        day = date(today.year, month, min(28, today.day if month == today.month else 28))
        for line, amount in ((lines[0], 950_000), (lines[1], rng.randint(40_000, 160_000))):
            db.session.add(Expense(project_id=project.id, line_id=line.id, spent_on=day,
                                   amount_gr=amount, document_number=f"FV/{month:02d}/{line.id}",
                                   description=line.name, created_by_id=manager.id))
    db.session.add(Expense(project_id=project.id, line_id=lines[3].id, spent_on=start,
                           amount_gr=640_000, document_number="FV/01/ks",
                           description="Podręczniki do matematyki", created_by_id=manager.id))
    for name, unit, target, source in (
            ("Uczestnicy zajęć KIS", "osoby", 40, Source.PARTICIPANTS),
            ("Zajęcia grupowe", "spotkania", 150, Source.SESSIONS),
            ("Godziny korepetycji wolontariuszy", "godziny", 600, Source.HOURS),
            ("Dzieci objęte korepetycjami", "osoby", 30, Source.PEOPLE_HELPED),
            ("Osoby, które podjęły zatrudnienie", "osoby", 8, Source.MANUAL)):
        db.session.add(Indicator(project_id=project.id, name=name, unit=unit, target=target,
                                 source=source))
    db.session.flush()
    manual = db.session.scalar(select(Indicator).where(Indicator.project_id == project.id,
                                                       Indicator.source == Source.MANUAL))
    for months, value in ((4, 1), (2, 2), (0, 3)):
        db.session.add(IndicatorValue(indicator_id=manual.id, value=value,
                                      as_of=today - timedelta(days=30 * months),
                                      created_by_id=manager.id))
    for kind, title, days in ((DeadlineKind.PAYMENT_CLAIM, "Wniosek o płatność za kwartał", 6),
                              (DeadlineKind.REPORT, "Sprawozdanie roczne", 40),
                              (DeadlineKind.MILESTONE, "Zakończenie naboru uczestników", 13)):
        db.session.add(Deadline(project_id=project.id, kind=kind, title=title,
                                due_on=today + timedelta(days=days), owner_id=manager.id))
    _participants(project, demo, start)
    _funding(project, manager, today)
    db.session.flush()
    indicators.refresh_last_values([project], today, utcnow())


# Where the demo participants live: the town (DEGURBA 2) and a rural gmina beside it.
HOMES = (("Siedlce", "Siedlce", "Siedlce", "08-110", Degurba.TOWN),
         ("siedlecki", "Wiśniew", "Wiśniew", "08-112", Degurba.RURAL))
# Kinds of support with their details (smefs.SUPPORT_KINDS), with the task they belong to.
SUPPORTS = (("Zadanie 1", "usługa aktywnej integracji", "usługa o charakterze społecznym"),
            ("Zadanie 1", "doradztwo/konsultacje", "pomoc psychologiczna"),
            ("Zadanie 1", "doradztwo/konsultacje", "doradztwo zawodowe"),
            ("Zadanie 2", "krajowe szkolenie/kurs", ""))


def _participants(project: Project, demo: Demo, start: date) -> None:
    """The first dozen of the project's candidates as participants with the fields of
    the monitoring system's file: a PESEL agreeing with the record (one person from
    abroad with a passport's number instead), an address in the town or the gmina
    beside it, a status with its detail, and a kind of support or two."""
    rng, today = demo.rng, demo.today
    joined = max(start, today - timedelta(days=60))
    for n, person_id in enumerate(sorted(eu_participants.candidate_person_ids(
            project, start, today))[:12]):
        person = db.session.get(Person, person_id)
        sex = Sex.NON_BINARY if n == 7 else (
            Sex.FEMALE if person.first_name.endswith("a") else Sex.MALE)
        abroad = n == 4 or person.birth_date is None
        powiat, gmina, locality, postcode, degurba = HOMES[rng.random() < 0.25]
        age = age_on(person.birth_date, joined) if person.birth_date else 30
        # a child at school is inactive, with primary or lower secondary education
        status = rng.choice(list(LabourStatus)) if age >= 18 else LabourStatus.INACTIVE
        education = (rng.choice(list(Education)[2:8]) if age >= 18 else
                     Education.ISCED_1 if age < 15 else Education.ISCED_2)
        details = DETAILS_OF[status]
        ended = min(joined + timedelta(days=30), today) if n in (2, 9) else None
        participant = Participant(
            project_id=project.id, person_id=person_id, sex=sex, started_on=joined,
            ended_on=ended, identifier=f"FH{rng.randint(100000, 999999)}" if abroad else
            pesel.compose(person.birth_date, sex == Sex.FEMALE, rng.randint(0, 999)),
            no_pesel=abroad, citizenship=Citizenship.THIRD_COUNTRY if abroad
            else Citizenship.POLISH, voivodeship="mazowieckie", powiat=powiat, gmina=gmina,
            locality=locality, postcode=postcode, degurba=degurba,
            education=education, labour_status=status,
            labour_detail=rng.choice(details) if details else None,
            disability=rng.choices(list(Answer), [1, 6, 1])[0], foreign_background=(
                Answer.YES if abroad else Answer.NO),
            third_country=Answer.YES if abroad else Answer.NO, minority=Answer.NO,
            homeless=rng.choice([Answer.NO, Answer.NO, Answer.YES]),
            exit_situation=rng.choice(list(ExitSituation)) if ended else None,
            completed_as_planned=n == 2 if ended else None)
        db.session.add(participant)
        db.session.flush()
        for days, (scope, kind, detail) in enumerate(rng.sample(SUPPORTS, rng.randint(1, 3))):
            db.session.add(Support(participant_id=participant.id, scope=scope, kind=kind,
                                   kind_detail=detail,
                                   started_on=min(joined + timedelta(days=7 * days),
                                                  ended or today)))


def _funding(project: Project, manager, today: date) -> None:
    """The ESF+ shares of each year's half of the value: EU 85 %, state 10 %, the
    centre's own 5 %; this year's spending settled as it stands."""
    spent = db.session.scalar(select(func.sum(Expense.amount_gr)).where(
        Expense.project_id == project.id)) or 0
    for year in range(project.starts_on.year, project.ends_on.year + 1):
        for source, share in ((FundSource.EU, 8500), (FundSource.STATE, 1000),
                              (FundSource.OWN, 500)):
            funds.set_funding(project, year, source, project.value_gr // 2 * share // 10000,
                              spent * share // 10000 if year == today.year else 0,
                              manager, today)


# The large data set (cal/commands/large.py) ------------------------------------------------

def _projects(rng, size, today) -> int:
    """Projects, each covering a share of the groups and a kind of help, with a budget,
    expenses, every kind of computed indicator and deadlines."""
    manager = db.session.scalar(select(User.id).where(User.role == Role.PROJECT_MANAGER))
    groups = list(db.session.scalars(select(Group.id).order_by(Group.id)))
    share = max(1, len(groups) // size["projects"])
    for n in range(size["projects"]):
        project = Project(name=f"Projekt {n + 1}: aktywizacja społeczna", funder="eu",
                          starts_on=today - timedelta(days=2 * 365), ends_on=today + timedelta(
                              days=365), value_gr=rng.randint(200, 900) * 100_000,
                          share_eu=8500, share_national=1000, share_own=500,
                          indirect_rate=2500, manager_id=manager,
                          help_kinds=rng.choice(["tutoring", "senior", "disability"]),
                          monitors_participants=True)
        db.session.add(project)
        db.session.flush()
        mine = groups[n * share:(n + 1) * share]
        if mine:
            db.session.execute(insert(project_groups), [
                {"project_id": project.id, "group_id": g} for g in mine])
        lines = []
        for task in range(1, 4):
            for name in ("Wynagrodzenia", "Materiały", "Usługi"):
                line = BudgetLine(project_id=project.id, task=f"Zadanie {task}",
                                  category=name.lower(), name=name,
                                  planned_gr=rng.randint(50, 400) * 100_000)
                db.session.add(line)
                lines.append(line)
        db.session.flush()
        bulk(Expense, ({"project_id": project.id, "line_id": rng.choice(lines).id,
                         "spent_on": today - timedelta(days=rng.randint(0, 700)),
                         "amount_gr": rng.randint(100, 900_000), "document_number": f"FV/{i}",
                         "description": "Faktura"} for i in range(200)))
        for source in Source:
            db.session.add(Indicator(project_id=project.id, name=str(source.value),
                                     unit="", target=rng.randint(50, 2000), source=source))
        for days in (6, 13, 40, 90):
            db.session.add(Deadline(project_id=project.id, kind=DeadlineKind.REPORT,
                                    title=f"Sprawozdanie {days}", due_on=today + timedelta(
                                        days=days), owner_id=manager))
        bulk(Funding, ({"project_id": project.id, "year": today.year - back, "source": source,
                        "planned_gr": project.value_gr // 3 * share // 10000,
                        "spent_gr": project.value_gr // 4 * share // 10000}
                       for back in range(3) for source, share in (
                           (FundSource.EU, 8500), (FundSource.STATE, 1000),
                           (FundSource.OWN, 500))))
        db.session.flush()
        indicators.refresh_last_values([project], today, utcnow())
    return size["projects"]


def grow(large: Large) -> dict[str, int]:
    large.say("projects")
    return {"projects": _projects(large.rng, large.size, large.today)}


SEED = DemoSeed("projects", seed, 30, grow)
