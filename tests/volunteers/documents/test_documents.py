"""Documents as PDFs: the right names, dates and clauses (read back from the PDF text),
the variants for minors, refusals, the list on the volunteer's page, and who may
download what."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.centre import save_centre
from cal.core.errors import DomainError
from cal.core.timeutil import local_today
from cal.extensions import db
from tests.factories import VolunteerFactory
from tests.volunteers.test_compliance import agreement
from volunteers.documents import services as documents
from volunteers.models import DocumentKind, Gender, VolunteerDocument

TODAY = local_today()
D = DocumentKind
CENTRE = {"CENTRE_NAME": "Miejski Ośrodek Pomocy Społecznej w Zielonce",
          "CENTRE_ADDRESS": "ul. Słoneczna 1, 05-220 Zielonka", "CENTRE_CITY": "Zielonka"}


@pytest.fixture
def app_settings() -> dict:
    return CENTRE


def text_of(pdf: bytes) -> str:
    """The PDF's text with line breaks and repeated spaces folded to one space."""
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", raw)


def dmy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def born(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=40)


AGREEMENT = {"issued_on": TODAY, "period_start": TODAY, "period_end": TODAY + timedelta(days=364),
             "scope": "pomoc w nauce matematyki dla uczniów klas 4–8",
             "place": "mieszkanie rodziny, ul. Lipowa 5",
             "terms": "Każda ze stron może rozwiązać porozumienie z 14-dniowym wypowiedzeniem."}


def issue(users, volunteer, kind, **data):
    document = documents.issue_document(volunteer, kind, data, users[Role.COORDINATOR])
    return document, text_of(document.pdf)


def test_the_agreement_names_the_parties_scope_place_period_and_termination(users):
    volunteer = VolunteerFactory(first_name="Łucja", last_name="Żak", birth_date=born(30))
    document, text = issue(users, volunteer, D.AGREEMENT, **AGREEMENT)
    for expected in ("POROZUMIENIE O WYKONYWANIU ŚWIADCZEŃ WOLONTARIUSZA", "Łucja Żak",
                     CENTRE["CENTRE_NAME"], CENTRE["CENTRE_ADDRESS"], AGREEMENT["scope"],
                     AGREEMENT["place"], AGREEMENT["terms"], "art. 44",
                     f"od {dmy(TODAY)} do {dmy(TODAY + timedelta(days=364))}",
                     f"Zielonka, dnia {dmy(TODAY)}", "Rozwiązanie porozumienia"):
        assert expected in text, expected
    assert "przedstawiciel" not in text  # the adult variant
    assert document.kind == D.AGREEMENT and document.issued_on == TODAY
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "volunteer_document", AuditLog.action == "create")) == 1


@pytest.mark.parametrize(("days", "clause"), [
    (30, "ubezpieczenie od następstw nieszczęśliwych wypadków"),
    (31, "o zaopatrzeniu z tytułu wypadków")])
def test_the_agreement_states_who_insures_on_each_side_of_30_days(users, days, clause):
    volunteer = VolunteerFactory(birth_date=born(30))
    data = {**AGREEMENT, "period_end": TODAY + timedelta(days=days - 1)}
    _document, text = issue(users, volunteer, D.AGREEMENT, **data)
    assert clause in text


def test_a_volunteer_of_13_to_17_signs_with_the_guardians_consent(users):
    volunteer = VolunteerFactory(birth_date=born(15))
    with pytest.raises(DomainError) as refused:
        issue(users, volunteer, D.AGREEMENT, **AGREEMENT)
    assert refused.value.field == "guardian_name"
    _document, text = issue(users, volunteer, D.AGREEMENT, **AGREEMENT,
                            guardian_name="Anna Kowalska")
    assert "za zgodą przedstawiciela ustawowego: Anna Kowalska" in text
    assert "Wyrażam zgodę na zawarcie niniejszego porozumienia" in text


def test_age_counts_on_the_day_of_signing_not_the_day_the_agreement_starts(users):
    volunteer = VolunteerFactory(birth_date=TODAY.replace(year=TODAY.year - 18)
                                 + timedelta(days=20))  # 18 in twenty days
    later = {**AGREEMENT, "period_start": TODAY + timedelta(days=30)}
    with pytest.raises(DomainError) as refused:
        issue(users, volunteer, D.AGREEMENT, **later)
    assert refused.value.field == "guardian_name"


def test_a_minors_waiver_carries_the_guardians_consent(users):
    _document, text = issue(users, VolunteerFactory(birth_date=born(15)), D.COST_WAIVER,
                            waiver_extent="full")
    assert "Wyrażam zgodę na złożenie powyższego oświadczenia" in text
    _document, text = issue(users, VolunteerFactory(birth_date=born(11)), D.COST_WAIVER,
                            waiver_extent="full")
    assert "składa w jego imieniu przedstawiciel ustawowy" in text


def test_for_a_child_under_13_the_guardian_concludes_the_agreement(users):
    volunteer = VolunteerFactory(birth_date=born(12))
    _document, text = issue(users, volunteer, D.AGREEMENT, **AGREEMENT,
                            guardian_name="Jan Kowalski")
    assert "Jan Kowalski" in text
    assert "działającym w imieniu małoletniego wolontariusza" in text
    assert "Przedstawiciel ustawowy w imieniu Wolontariusza" in text


@pytest.mark.parametrize("missing", ["period_start", "scope", "place", "terms"])
def test_an_agreement_without_what_the_law_needs_is_refused(users, missing):
    volunteer = VolunteerFactory(birth_date=born(30))
    with pytest.raises(DomainError) as refused:
        issue(users, volunteer, D.AGREEMENT, **{**AGREEMENT, missing: None})
    assert refused.value.field == missing


def test_the_certificate_confirms_scope_and_period(users):
    volunteer = VolunteerFactory(first_name="Piotr", last_name="Nowak")
    start = TODAY - timedelta(days=200)
    _document, text = issue(users, volunteer, D.CERTIFICATE, issued_on=TODAY,
                            period_start=start, period_end=TODAY - timedelta(days=1),
                            scope="pomoc w nauce języka polskiego")
    for expected in ("ZAŚWIADCZENIE", "art. 44 ustawy", "Piotr Nowak",
                     f"od {dmy(start)} do {dmy(TODAY - timedelta(days=1))}",
                     "pomoc w nauce języka polskiego", CENTRE["CENTRE_NAME"]):
        assert expected in text, expected


def test_a_certificate_cannot_cover_time_after_its_issue(users):
    volunteer = VolunteerFactory()
    with pytest.raises(DomainError) as refused:
        issue(users, volunteer, D.CERTIFICATE, issued_on=TODAY, period_start=TODAY,
              period_end=TODAY + timedelta(days=5), scope="pomoc")
    assert refused.value.field == "period_end"


def test_the_opinion_carries_the_coordinators_text(users):
    volunteer = VolunteerFactory(email="ola.nowak@example.org")
    with pytest.raises(DomainError):
        issue(users, volunteer, D.OPINION, period_start=TODAY - timedelta(days=90),
              period_end=TODAY, body="Dobrze.")
    opinion = "Wolontariuszka była punktualna, cierpliwa i bardzo zaangażowana w pracę z dziećmi."
    _document, text = issue(users, volunteer, D.OPINION, period_start=TODAY - timedelta(days=90),
                            period_end=TODAY, body=opinion)
    assert "OPINIA" in text and "art. 44 ustawy" in text and opinion in text
    assert volunteer.email not in text  # a paper the volunteer hands on: no contact details


def test_the_information_sheet_covers_risks_and_rights(users):
    volunteer = VolunteerFactory(help_kinds="senior")
    _document, text = issue(users, volunteer, D.INFO_SHEET)
    for expected in ("art. 45 ust. 1 pkt 1", "art. 47", "112", "Prawa wolontariusza",
                     "Obowiązki wolontariusza", "Pomoc seniorom"):
        assert expected in text, expected


def test_the_cost_waiver_is_written_and_a_partial_one_says_what_it_covers(users):
    volunteer = VolunteerFactory()
    _document, text = issue(users, volunteer, D.COST_WAIVER, waiver_extent="full")
    assert "art. 45 ust. 4" in text and "w całości" in text and "pod rygorem nieważności" in text
    with pytest.raises(DomainError) as refused:
        issue(users, volunteer, D.COST_WAIVER, waiver_extent="partial")
    assert refused.value.field == "body"
    _document, text = issue(users, volunteer, D.COST_WAIVER, waiver_extent="partial",
                            body="koszty dojazdów komunikacją miejską")
    assert "w części" in text and "koszty dojazdów komunikacją miejską" in text


def test_the_confidentiality_pledge_includes_the_data_authorisation(users):
    volunteer = VolunteerFactory(first_name="Ewa", last_name="Lis")
    _document, text = issue(users, volunteer, D.CONFIDENTIALITY,
                            period_end=TODAY + timedelta(days=100))
    assert "ZOBOWIĄZANIE DO ZACHOWANIA POUFNOŚCI" in text
    assert "UPOWAŻNIENIE DO PRZETWARZANIA DANYCH OSOBOWYCH" in text
    assert "Ewa Lis" in text and dmy(TODAY + timedelta(days=100)) in text


def test_documents_name_the_centre_in_the_genitive_and_its_representative(users):
    volunteer = VolunteerFactory(birth_date=born(30))
    _document, text = issue(users, volunteer, D.AGREEMENT, **AGREEMENT)
    assert "reprezentowanym przez Dyrektora Ośrodka, zwanym dalej Korzystającym" in text
    _document, text = issue(users, volunteer, D.CERTIFICATE, period_start=TODAY,
                            period_end=TODAY, scope="pomoc")
    assert "na rzecz Miejskiego Ośrodka Pomocy Społecznej w Zielonce świadczenia" in text


def test_documents_follow_the_centres_saved_settings(users):
    save_centre({"name": "Gminny Ośrodek Pomocy Społecznej w Lipowie",
                 "name_genitive": "Gminnego Ośrodka Pomocy Społecznej w Lipowie",
                 "signatory_name": "Anna Nowak", "signatory_title": "Kierownik GOPS",
                 "represented_by": "Kierownika GOPS Annę Nowak"}, users[Role.ADMIN])
    volunteer = VolunteerFactory(birth_date=born(30))
    _document, text = issue(users, volunteer, D.AGREEMENT, **AGREEMENT)
    assert "Gminny Ośrodek Pomocy Społecznej w Lipowie" in text
    assert "reprezentowanym przez Kierownika GOPS Annę Nowak" in text
    assert "Korzystający: Anna Nowak, Kierownik GOPS" in text
    _document, text = issue(users, volunteer, D.CONFIDENTIALITY)
    assert "na rzecz Gminnego Ośrodka Pomocy Społecznej w Lipowie" in text


SLASHED = re.compile(r"[a-ząćęłńóśźż]/[a-ząćęłńóśźż]", re.IGNORECASE)
GENDERED = {  # (certificate, confidentiality, cost waiver, information sheet)
    Gender.FEMALE: ("zaświadcza, że: Imię", "wykonywała na rzecz", "Zostałam poinformowana o",
                    "Zostałam poinformowana, że zwolnienie", "że zapoznałam się"),
    Gender.MALE: ("zaświadcza, że: Imię", "wykonywał na rzecz", "Zostałem poinformowany o",
                  "Zostałem poinformowany, że zwolnienie", "że zapoznałem się"),
    None: ("zaświadcza, że niżej wymieniona osoba:", "wykonywała na rzecz",
           "Przyjmuję do wiadomości informację o", "Przyjmuję do wiadomości, że zwolnienie",
           "Potwierdzam zapoznanie się"),
}


@pytest.mark.parametrize("gender", list(GENDERED), ids=["female", "male", "not given"])
def test_documents_speak_of_the_volunteer_in_their_grammatical_gender(users, gender):
    volunteer = VolunteerFactory(birth_date=born(30), gender=gender)
    texts = [issue(users, volunteer, kind, **data)[1] for kind, data in [
        (D.CERTIFICATE, {"period_start": TODAY, "period_end": TODAY, "scope": "pomoc"}),
        (D.CONFIDENTIALITY, {}), (D.COST_WAIVER, {"waiver_extent": "full"}),
        (D.INFO_SHEET, {})]]
    intro, certified, pledged, waived, read = GENDERED[gender]
    assert intro in texts[0] and certified in texts[0]
    assert pledged in texts[1] and waived in texts[2] and read in texts[3]
    for text in texts:
        assert not SLASHED.search(text), SLASHED.search(text)


# Through the pages ---------------------------------------------------------------------------

def test_the_agreement_form_starts_from_the_signed_agreement(client_as):
    volunteer = VolunteerFactory(birth_date=born(30))
    record = agreement()
    record.volunteer_id = volunteer.id
    db.session.add(record)
    db.session.commit()
    page = client_as(Role.COORDINATOR).get(f"/volunteers/{volunteer.id}/documents/agreement")
    assert page.status_code == 200
    assert "pomoc w nauce" in page.text and "dom rodziny" in page.text


def test_a_coordinator_issues_a_document_and_finds_it_listed_with_its_date(client_as):
    volunteer = VolunteerFactory(birth_date=born(30))
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    form = {"issued_on": TODAY.isoformat(), "period_start": TODAY.isoformat(),
            "period_end": "", "scope": "odwiedziny u seniorów", "place": "dom seniora",
            "terms": "7 dni wypowiedzenia", "once_key": "a-key-for-this-form-1"}
    sent = client.post(f"/volunteers/{volunteer.id}/documents/agreement", data=form)
    assert sent.status_code == 302
    again = client.post(f"/volunteers/{volunteer.id}/documents/agreement", data=form)
    assert again.status_code == 302  # a double tap issues one document
    assert db.session.scalar(select(func.count()).select_from(VolunteerDocument)) == 1
    document = db.session.scalar(select(VolunteerDocument))
    detail = client.get(f"/volunteers/{volunteer.id}")
    assert f"/volunteers/{volunteer.id}/documents/{document.id}.pdf" in detail.text
    pdf = client.get(f"/volunteers/{volunteer.id}/documents/{document.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f"na czas nieokreślony, począwszy od dnia {dmy(TODAY)}" in text_of(pdf.data)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "volunteer_document", AuditLog.action == "read")) == 1


def test_a_refused_document_keeps_the_form_and_stores_nothing(client_as):
    volunteer = VolunteerFactory(birth_date=born(30))
    db.session.commit()
    sent = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/documents/opinion",
        data={"issued_on": TODAY.isoformat(), "period_start": TODAY.isoformat(),
              "period_end": TODAY.isoformat(), "body": "Krótko."})
    assert sent.status_code == 422
    assert "Krótko." in sent.text
    assert db.session.scalar(select(func.count()).select_from(VolunteerDocument)) == 0


def test_an_unknown_kind_of_document_is_not_found(client_as):
    volunteer = VolunteerFactory()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    assert client.get(f"/volunteers/{volunteer.id}/documents/passport").status_code == 404
    # a training certificate is issued from the completion, not from this form
    assert client.get(f"/volunteers/{volunteer.id}/documents/training_certificate"
                      ).status_code == 404


def test_a_volunteer_downloads_only_their_own_documents(client_as, users):
    mine = VolunteerFactory(user_id=users[Role.VOLUNTEER].id, birth_date=born(30))
    other = VolunteerFactory(birth_date=born(30))
    own = documents.issue_document(mine, D.INFO_SHEET, {}, users[Role.COORDINATOR])
    theirs = documents.issue_document(other, D.INFO_SHEET, {}, users[Role.COORDINATOR])
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    assert own.id != theirs.id
    assert client.get(f"/volunteers/me/documents/{own.id}.pdf").status_code == 200
    assert client.get(f"/volunteers/me/documents/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/volunteers/{other.id}/documents/{theirs.id}.pdf").status_code == 403
    assert f"/volunteers/me/documents/{own.id}.pdf" in client.get("/volunteers/me").text
