"""The pipeline: moves, the activation gate, invitations, the board and the panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_today
from cal.extensions import db
from tests.factories import VolunteerFactory
from tests.volunteers.test_compliance import adult_basics, child_checks
from volunteers.compliance import RECORD_LABELS
from volunteers.models import RecordKind, StatusChange, Volunteer, VolunteerStatus
from volunteers.profiles import services as profiles
from volunteers.services import records_of

S = VolunteerStatus
TODAY = local_today()
BOARD = {"HX-Request": "true", "HX-Target": "volunteer-board"}


def give_records(volunteer, records):
    for record in records:
        record.volunteer_id = volunteer.id
        record.done_on = TODAY - timedelta(days=5)
        db.session.add(record)
    db.session.flush()


def test_activation_is_refused_naming_what_is_missing(users):
    volunteer = VolunteerFactory(status=S.TRAINING, works_with_children=True)
    give_records(volunteer, adult_basics())
    with pytest.raises(DomainError) as refused:
        profiles.move_volunteer(volunteer, S.ACTIVE, users[Role.COORDINATOR], TODAY)
    for kind in (RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD,
                 RecordKind.CHILD_STANDARDS):
        assert str(RECORD_LABELS[kind]) in refused.value.message
    assert str(RECORD_LABELS[RecordKind.AGREEMENT]) not in refused.value.message
    assert volunteer.status == S.TRAINING


def test_activation_is_allowed_when_every_required_record_is_there(users):
    volunteer = VolunteerFactory(status=S.TRAINING, works_with_children=True)
    give_records(volunteer, adult_basics() + child_checks())
    profiles.move_volunteer(volunteer, S.ACTIVE, users[Role.COORDINATOR], TODAY)
    assert volunteer.status == S.ACTIVE


@pytest.mark.parametrize(("start", "target"), [(S.APPLICANT, S.ACTIVE), (S.LEFT, S.ACTIVE),
                                               (S.ACTIVE, S.TRAINING)])
def test_moves_outside_the_pipeline_are_refused(users, start, target):
    volunteer = VolunteerFactory(status=start)
    with pytest.raises(DomainError):
        profiles.move_volunteer(volunteer, target, users[Role.COORDINATOR], TODAY)


def test_leaving_keeps_the_history_and_starts_the_retention_clock(users):
    volunteer = VolunteerFactory(status=S.ACTIVE)
    profiles.move_volunteer(volunteer, S.LEFT, users[Role.COORDINATOR], TODAY, note="przeprowadzka")
    db.session.flush()
    assert volunteer.left_at is not None
    history = profiles.history_of(volunteer)
    assert [(h.from_status, h.to_status, h.note) for h in history] == [
        (S.ACTIVE, S.LEFT, "przeprowadzka")]


def test_accepting_an_applicant_invites_them_to_a_volunteer_account(client_as):
    volunteer = VolunteerFactory(status=S.APPLICANT, email="ola.kandydatka@example.org")
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(f"/volunteers/{volunteer.id}/status",
                                                 data={"to": "screening"})
    assert response.status_code == 200
    db.session.refresh(volunteer)
    user = db.session.get(User, volunteer.user_id)
    assert volunteer.status == S.SCREENING
    assert user.role == Role.VOLUNTEER and user.password_hash is None


def test_board_move_answers_htmx_with_the_board_only(client_as):
    volunteer = VolunteerFactory(status=S.ACTIVE)
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/status", data={"to": "paused"}, headers=BOARD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "volunteer-" in html
    db.session.refresh(volunteer)
    assert volunteer.status == S.PAUSED


def test_refused_activation_on_the_board_answers_422_with_the_reason(client_as):
    volunteer = VolunteerFactory(status=S.TRAINING)
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/status", data={"to": "active"}, headers=BOARD)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    row = html[html.index(f'id="volunteer-{volunteer.id}"'):]
    row = row[:row.index("</tr>")]
    # the reason under its own row
    assert '<p class="row-error" role="alert">Nie można jeszcze aktywować. Brakuje: ' in row
    assert "Nie przeniesiono" not in html  # and not again above the list
    assert f'href="/volunteers/{volunteer.id}?why=activation#activation">' in row or (
        f'href="/volunteers/{volunteer.id}?why=activation&amp;' in row)
    db.session.refresh(volunteer)
    assert volunteer.status == S.TRAINING
    assert db.session.scalar(select(func.count(StatusChange.id))) == 0


def test_refused_activation_is_a_list_with_a_link_to_add_each_missing_record(client_as):
    volunteer = VolunteerFactory(status=S.TRAINING)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    refused = client.post(f"/volunteers/{volunteer.id}/status",
                          data={"to": "active", "back": "detail"})
    assert refused.status_code == 302
    assert refused.location.endswith(f"/volunteers/{volunteer.id}?why=activation#activation")
    page = client.get(refused.location).text
    section = page[page.index('id="activation"'):]
    section = section[:section.index("</section>")]
    assert "Czego jeszcze brakuje do aktywacji" in section
    links = section.count(f'href="/volunteers/{volunteer.id}/records/')
    assert links >= 3 and f"/volunteers/{volunteer.id}/records/agreement" in section


def test_unknown_target_stage_is_refused(client_as):
    volunteer = VolunteerFactory(status=S.ACTIVE)
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(f"/volunteers/{volunteer.id}/status",
                                                data={"to": "boss"})
    assert response.status_code == 422


def test_a_refused_move_of_someone_not_on_the_board_shown_is_said_above_it(client_as):
    """Moved from one view (say, a search) while the board sent back shows another."""
    volunteer = VolunteerFactory(status=S.TRAINING, first_name="Ewa", last_name="Zaremba")
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/status", data={"to": "active", "q": "Kowal"},
        headers=BOARD)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="volunteer-{volunteer.id}"' not in html
    assert "Nie przeniesiono: Ewa Zaremba." in html


def test_volunteer_page_shows_the_panel_and_audits_the_read(client_as, users):
    volunteer = VolunteerFactory(status=S.TRAINING, works_with_children=True)
    db.session.commit()
    response = client_as(Role.COORDINATOR).get(f"/volunteers/{volunteer.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("state-missing") >= 5
    row = db.session.scalar(select(AuditLog).where(AuditLog.entity == "volunteer_compliance"))
    assert (row.user_id, row.entity_id) == (users[Role.COORDINATOR].id, volunteer.id)


def test_recording_an_agreement_needs_its_clauses(client_as):
    volunteer = VolunteerFactory()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    url = f"/volunteers/{volunteer.id}/records/agreement"
    refused = client.post(url, data={"done_on": TODAY.isoformat(),
                                     "period_start": TODAY.isoformat(), "scope": "pomoc"})
    assert refused.status_code == 422
    saved = client.post(url, data={"done_on": TODAY.isoformat(), "period_start": TODAY.isoformat(),
                                   "scope": "pomoc w nauce", "place": "dom",
                                   "terms": "7 dni wypowiedzenia"})
    assert saved.status_code == 302
    assert [r.kind for r in records_of(volunteer)] == [RecordKind.AGREEMENT]


def test_an_agreement_with_everything_wrong_says_all_of_it_at_once(client_as):
    """A date in the future, three clauses missing and the end before the start: all
    said beside their fields in one answer, the clauses starred as required."""
    volunteer = VolunteerFactory()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    url = f"/volunteers/{volunteer.id}/records/agreement"
    page = client.get(url).text
    for name in ("scope", "place", "terms"):
        label = page[page.index(f'<label for="{name}">'):]
        assert '<span aria-hidden="true">*</span>' in label[:label.index("</label>")], name
    refused = client.post(url, data={
        "done_on": (TODAY + timedelta(days=3)).isoformat(),
        "period_start": TODAY.isoformat(), "period_end": (TODAY - timedelta(days=1)).isoformat()})
    assert refused.status_code == 422 and records_of(volunteer) == []
    for name in ("done_on", "scope", "place", "terms", "period_end"):
        assert f'id="{name}-error" class="field-error"' in refused.text, name


@pytest.mark.parametrize("data", [
    {"done_on": "2026-01-10", "valid_until": "2026-01-01"},
    {"done_on": "2099-01-01"},
    {"done_on": ""},
])
def test_bad_record_dates_are_refused(client_as, data):
    volunteer = VolunteerFactory()
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/records/risk_info", data=data)
    assert response.status_code == 422
    assert records_of(volunteer) == []


def test_unknown_record_kind_is_not_found(client_as):
    volunteer = VolunteerFactory()
    db.session.commit()
    assert client_as(Role.COORDINATOR).get(
        f"/volunteers/{volunteer.id}/records/passport").status_code == 404


def test_overview_lists_missing_and_expiring_in_two_queries(client_as, count_queries):
    complete = VolunteerFactory(status=S.ACTIVE, last_name="Kompletna")
    give_records(complete, adult_basics())
    VolunteerFactory(status=S.APPLICANT, last_name="Brakujaca")
    VolunteerFactory(status=S.LEFT, last_name="Odeszla")
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    client.get("/volunteers/compliance")
    with count_queries() as few:
        html = client.get("/volunteers/compliance").get_data(as_text=True)
    assert "Brakujaca" in html and "Kompletna" not in html and "Odeszla" not in html
    for _ in range(30):
        VolunteerFactory(status=S.SCREENING)
    db.session.commit()
    with count_queries() as many:
        client.get("/volunteers/compliance")
    assert len(few) == len(many) <= 10


def test_board_runs_the_same_queries_for_few_and_many(client_as, count_queries):
    client = client_as(Role.COORDINATOR)
    VolunteerFactory()
    db.session.commit()
    client.get("/volunteers/")
    with count_queries() as few:
        client.get("/volunteers/")
    VolunteerFactory.create_batch(40)
    db.session.commit()
    with count_queries() as many:
        client.get("/volunteers/")
    assert len(few) == len(many) <= 10


def test_refused_move_from_the_volunteer_page_returns_there_with_the_reason(client_as):
    volunteer = VolunteerFactory(status=S.TRAINING)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    response = client.post(f"/volunteers/{volunteer.id}/status",
                           data={"to": "active", "back": "detail"})
    assert response.status_code == 302 and response.location.endswith(
        f"/volunteers/{volunteer.id}?why=activation#activation")  # what is missing, listed
    assert "flash-error" in client.get(response.location).get_data(as_text=True)


def test_the_board_pages_by_fifty_finds_by_name_and_a_move_keeps_the_view(client_as):
    for n in range(55):
        VolunteerFactory(last_name=f"Kowal{n:02d}", status=VolunteerStatus.APPLICANT)
    zofia = VolunteerFactory(first_name="Zofia", last_name="Świątek",
                             status=VolunteerStatus.APPLICANT)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    first = client.get("/volunteers/").text
    assert first.count('<tr id="volunteer-') == 50 and "56 wolontariuszy" in first
    assert "Strona 1 z 2" in first and "page=2" in first
    second = client.get("/volunteers/?page=2").text
    assert second.count('<tr id="volunteer-') == 6
    assert client.get("/volunteers/?page=-4").text.count('<tr id="volunteer-') == 50
    found = client.get("/volunteers/?q=zofia").text
    assert found.count('<tr id="volunteer-') == 1 and "Świątek" in found
    assert "Znaleziono 1 wolontariusza" in found
    # typed without Polish letters, or in capitals: the same volunteer
    for typed in ("swiatek", "ŚWIĄTEK zof", "Swiątek"):
        assert client.get(f"/volunteers/?q={typed}").text.count(
            f'<tr id="volunteer-{zofia.id}"') == 1, typed
    assert "Żadne imię" in client.get("/volunteers/?q=%25_").text  # LIKE signs are letters
    moved = client.post(f"/volunteers/{zofia.id}/status", headers=BOARD, data={
        "to": "screening", "shown": "applicant", "q": "zofia", "page": "1"})
    assert moved.status_code == 200 and "Znaleziono 0 wolontariuszy" in moved.text
    db.session.refresh(zofia)
    assert zofia.status == VolunteerStatus.SCREENING


def test_each_page_of_the_board_lists_and_counts_as_the_whole_list_does(app):
    """A page of the board at any stage, with or without a name searched, is its part of
    the whole list in order, and its total is how many the whole list holds (read from
    the stages' counts when no name is searched)."""
    from cal.commands.demo import seed_demo
    from cal.core.text import fold

    seed_demo(volunteers=230)
    db.session.commit()
    everyone = db.session.scalars(select(Volunteer)).all()
    stages = {s: sum(v.status == s for v in everyone) for s in VolunteerStatus}
    pages = 0
    for query in ("", "  ", "nowak", "a", "ska zof", "ł", "%"):
        words = fold(query).split()
        for status in (None, *VolunteerStatus):
            whole = db.session.scalars(profiles.volunteers_listed(status, query)).all()
            assert {v.id for v in whole} == {
                v.id for v in everyone if status in (None, v.status)
                and all(word in v.search_name for word in words)}
            for number in range(1, len(whole) // profiles.PAGE_SIZE + 3):
                page, counts = profiles.board_page(status, query, number)
                assert page.total == len(whole), (status, query)
                start = (number - 1) * profiles.PAGE_SIZE
                assert page.items == whole[start:start + profiles.PAGE_SIZE]
                assert counts == stages
                pages += bool(page.items)
    assert pages > 20 and max(stages.values()) > profiles.PAGE_SIZE


def test_a_name_on_the_board_is_escaped_in_its_move_label(client_as):
    volunteer = VolunteerFactory(first_name="<b>Ola</b>", last_name="Nowak&Syn")
    db.session.commit()
    page = client_as(Role.COORDINATOR).get("/volunteers/").text
    assert (f'<label for="to-{volunteer.id}" class="visually-hidden">'
            "&lt;b&gt;Ola&lt;/b&gt; Nowak&amp;Syn – przenieś do etapu</label>") in page
