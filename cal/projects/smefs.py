"""The participants of a project in the layout of the file the monitoring system SM EFS
(CST2021) exports, column for column, with its own words in Polish whatever the reader's
language: yes and no as "Tak" and "Nie", a refusal as "Odmowa podania informacji", dates
as YYYY-MM-DD, and the kinds of support a participant received joined by "|" in the same
order across the support columns. Two columns are both called "w tym": the first details
the labour-market status, the second the kind of support.

The file goes out as every list does (cal/core/exports.py): CSV separated by ";" in
UTF-8 with a byte-order mark (Excel in Polish opens it as it is), or the same table as
XLSX; the disability column is named in the export's audit entry. The phone and e-mail
are read from the person's record. The system's technical participant identifier is
the system's own: it is left empty."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.core.phones import e164
from cal.projects.eu_participants import age_at_entry
from cal.projects.participant_checks import JOINER
from cal.projects.participant_models import (
    DETAILS_OF,
    Answer,
    Citizenship,
    Education,
    ExitSituation,
    LabourDetail,
    LabourStatus,
    Participant,
    Sex,
)

YES, NO = "Tak", "Nie"
ANSWERS = {Answer.YES: YES, Answer.NO: NO, Answer.REFUSED: "Odmowa podania informacji"}
SEXES = {Sex.FEMALE: "Kobieta", Sex.MALE: "Mężczyzna", Sex.NON_BINARY: "Osoba niebinarna"}
EDUCATION = {
    Education.ISCED_0: "Niższe niż podstawowe (ISCED 0)",
    Education.ISCED_1: "Podstawowe (ISCED 1)",
    Education.ISCED_2: "Gimnazjalne (ISCED 2)",
    Education.ISCED_3: "Ponadgimnazjalne (ISCED 3)",
    Education.ISCED_4: "Policealne (ISCED 4)",
    Education.ISCED_5: "Wyższe krótkiego cyklu (ISCED 5)",
    Education.ISCED_6: "Wyższe licencjackie lub równorzędne (ISCED 6)",
    Education.ISCED_7: "Wyższe magisterskie lub równorzędne (ISCED 7)",
    Education.ISCED_8: "Wyższe doktoranckie lub równorzędne (ISCED 8)",
}
CITIZENSHIP = {
    Citizenship.POLISH: "Obywatelstwo polskie",
    Citizenship.EU: "Brak polskiego obywatelstwa – obywatel kraju UE",
    Citizenship.THIRD_COUNTRY: "Brak polskiego obywatelstwa lub bezpaństwowiec – obywatel "
                               "kraju spoza UE",
}
STATUS = {
    LabourStatus.UNEMPLOYED_REGISTERED: "Osoba bezrobotna zarejestrowana w ewidencji "
                                        "urzędów pracy",
    LabourStatus.UNEMPLOYED_UNREGISTERED: "Osoba bezrobotna niezarejestrowana w ewidencji "
                                          "urzędów pracy",
    LabourStatus.INACTIVE: "Osoba bierna zawodowo",
    LabourStatus.EMPLOYED: "Osoba pracująca",
}
SCHOOL = "Osoba pracująca w szkole lub placówce systemu oświaty"
DETAIL = {
    LabourDetail.LONG_TERM: "Osoba długotrwale bezrobotna",
    LabourDetail.SELF_EMPLOYED: "Osoba prowadząca działalność na własny rachunek",
    LabourDetail.GOVERNMENT: "Osoba pracująca w administracji rządowej",
    LabourDetail.LOCAL_GOVERNMENT: "Osoba pracująca w administracji samorządowej",
    LabourDetail.NGO: "Osoba pracująca w organizacji pozarządowej",
    LabourDetail.SME: "Osoba pracująca w MMŚP",
    LabourDetail.LARGE: "Osoba pracująca w dużym przedsiębiorstwie",
    LabourDetail.HEALTH: "Osoba pracująca w podmiocie wykonującym działalność leczniczą",
    LabourDetail.SCHOOL_TEACHING: f"{SCHOOL} (kadra pedagogiczna)",
    LabourDetail.SCHOOL_SUPPORT: f"{SCHOOL} (kadra niepedagogiczna)",
    LabourDetail.SCHOOL_MANAGEMENT: f"{SCHOOL} (kadra zarządzająca)",
    LabourDetail.UNIVERSITY: "Osoba pracująca na uczelni",
    LabourDetail.RESEARCH: "Osoba pracująca w instytucie badawczym",
    LabourDetail.OTHER: "Inne",
}
EXIT = {
    ExitSituation.NONE: "Inne",
    ExitSituation.JOB_SEARCHING: "Osoba poszukująca pracy",
    ExitSituation.IN_EDUCATION: "Osoba kształcąca się lub szkoląca",
    ExitSituation.QUALIFICATION: "Osoba, która uzyskała kwalifikacje",
    ExitSituation.EMPLOYED: "Osoba pracująca (łącznie z prowadzącymi działalność na własny "
                            "rachunek)",
}
# The kinds of support and their details the system is known to use, offered as the
# manager types (any other words may be written).
SUPPORT_KINDS = ("doradztwo/konsultacje", "krajowe szkolenie/kurs",
                 "usługa aktywnej integracji")
SUPPORT_DETAILS = ("pomoc psychologiczna", "doradztwo zawodowe", "doradztwo/ pomoc prawna",
                   "usługa o charakterze zawodowym", "usługa o charakterze społecznym")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else YES if value else NO


def _phone(text: str) -> str:
    """The number as digits: a Polish one without its country code, another with 00."""
    number = e164(text)
    if not number:
        return text
    return number[3:] if number.startswith("+48") else "00" + number[1:]


def _joined(attribute: str):
    return lambda p: JOINER.join(str(getattr(s, attribute)) for s in p.supports)


def _flag(name: str):
    return lambda p: ANSWERS[getattr(p, name)]


def _person(attribute: str):
    return lambda p: getattr(p.person, attribute)


COLUMNS = (
    Column("Imię", _person("first_name")),
    Column("Nazwisko", _person("last_name")),
    Column("PESEL/Inny identyfikator", lambda p: p.identifier),
    Column("brak PESEL", lambda p: _yes_no(p.no_pesel)),
    Column("Techniczny identyfikator uczestnika", lambda p: ""),
    Column("Płeć", lambda p: SEXES[p.sex]),
    Column("Wiek w chwili przystąpienia do projektu", age_at_entry),
    Column("Wykształcenie", lambda p: EDUCATION[p.education]),
    Column("Obywatelstwo", lambda p: CITIZENSHIP.get(p.citizenship, "")),
    Column("Kraj", lambda p: p.country),
    Column("Województwo", lambda p: p.voivodeship),
    Column("Powiat", lambda p: p.powiat),
    Column("Gmina", lambda p: p.gmina),
    Column("Miejscowość", lambda p: p.locality),
    Column("Kod pocztowy", lambda p: p.postcode),
    Column("Obszar według stopnia urbanizacji (DEGURBA)",
           lambda p: p.degurba.value if p.degurba else ""),
    Column("Telefon kontaktowy", lambda p: _phone(p.person.phone)),
    Column("Adres e-mail", _person("email")),
    Column("Status osoby na rynku pracy w chwili przystąpienia do projektu",
           lambda p: STATUS[p.labour_status]),
    Column("w tym", lambda p: DETAIL.get(p.labour_detail, "")),
    Column("Zakres wsparcia", _joined("scope")),
    Column("Rodzaj przyznanego wsparcia", _joined("kind")),
    Column("w tym", _joined("kind_detail")),
    Column("Data rozpoczęcia udziału we wsparciu", _joined("started_on")),
    Column("Data rozpoczęcia udziału w projekcie", lambda p: p.started_on),
    Column("Data zakończenia udziału w projekcie", lambda p: p.ended_on),
    Column("Sytuacja osoby w momencie zakończenia udziału w projekcie",
           lambda p: EXIT.get(p.exit_situation, "")),
    Column("Zakończenie udziału osoby w projekcie zgodnie z zaplanowaną dla niej ścieżką "
           "uczestnictwa", lambda p: _yes_no(p.completed_as_planned)),
    Column("Osoba z niepełnosprawnościami", _flag("disability"), fields=("disability",)),
    Column("Osoba obcego pochodzenia", _flag("foreign_background")),
    Column("Obywatel państwa trzeciego", _flag("third_country")),
    Column("Osoba należąca do mniejszości narodowej lub etnicznej (w tym społeczności "
           "marginalizowane)", _flag("minority")),
    Column("Osoba bezdomna lub dotknięta wykluczeniem z dostępu do mieszkań",
           _flag("homeless")),
)
HEADER = tuple(column.label for column in COLUMNS)
PARTICIPANTS = Table("participants", _l("Participants"), "uczestnicy-sm-efs", COLUMNS)


def table_of(project) -> Table:
    """The file of a project's participants (its number in the file's name)."""
    return replace(PARTICIPANTS, file=f"{PARTICIPANTS.file}-{project.id}")


def missing(participant: Participant) -> list[str]:
    """What the file needs and the record lacks (a record kept from before the file's
    fields were asked), in words for the list."""
    gaps = {
        _l("identifier"): not participant.identifier,
        _l("citizenship"): participant.citizenship is None,
        _l("address"): not participant.locality,
        _l("DEGURBA"): participant.degurba is None,
        _l("labour-market detail"): bool(DETAILS_OF[participant.labour_status])
        and participant.labour_detail is None,
        _l("end as planned"): participant.ended_on is not None
        and participant.completed_as_planned is None,
    }
    return [str(label) for label, gap in gaps.items() if gap]
