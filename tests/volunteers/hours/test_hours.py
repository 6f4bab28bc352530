"""Hours from the phone: stored once per key, bounds answered with a clear message and
nothing stored, a volunteer never logs for nor sees another, totals, the start page."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.notifications.models import Notification
from tests.factories import PersonFactory, VolunteerFactory
from volunteers.availability import encode
from volunteers.hours import approval
from volunteers.hours import services as hours
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import ComplianceRecord, HelpKind, RecordKind
from volunteers.needs.models import HelpRequest, Match, MatchStatus

TODAY = local_today()
KEY = "k" * 32


@pytest.fixture(autouse=True)
def in_english(app):
    """The rules' words are checked in English (the catalog gives them in Polish)."""
    with force_locale("en"):
        yield


def helping(volunteer, first_name="Zosia", schedule=None, status=MatchStatus.ACTIVE,
            started=TODAY - timedelta(days=60), last_name=None) -> Match:
    child = PersonFactory(first_name=first_name,
                          **({"last_name": last_name} if last_name else {}))
    request = HelpRequest(person_id=child.id, kind=HelpKind.TUTORING, subject="math",
                          starts_on=started)
    db.session.add(request)
    db.session.flush()
    match = Match(request_id=request.id, volunteer_id=volunteer.id, status=status, score=80,
                  schedule=encode({(TODAY.weekday(), 4)}) if schedule is None else schedule,
                  started_on=started)
    db.session.add(match)
    db.session.flush()
    return match


@pytest.fixture
def me(users):
    volunteer = VolunteerFactory(first_name="Kacper", user_id=users[Role.VOLUNTEER].id)
    db.session.flush()
    return volunteer


def form(match_or_value, **changes) -> dict:
    value = match_or_value if isinstance(match_or_value, str) else f"match:{match_or_value.id}"
    return {"key": KEY, "activity": value, "minutes": "60", "worked_on": TODAY.isoformat(),
            "note": "", "label": "", **changes}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(HourEntry))


def test_the_same_submission_sent_fifty_times_stores_one_entry(client_as, me):
    match = helping(me)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    answers = {client.post("/volunteers/me/hours/new", data=form(match)).status_code
               for _ in range(50)}
    assert answers == {302}
    assert count() == 1
    entry = db.session.scalar(select(HourEntry))
    assert (entry.minutes, entry.match_id, entry.help_kind) == (60, match.id, HelpKind.TUTORING)
    assert entry.status == EntryStatus.PENDING


def test_the_same_hours_on_a_new_form_are_stored_again_only_when_confirmed(client_as, me):
    """A form filled in again after "Back" has a new key: the same thing, day and length
    already logged is refused beside a box to tick, and stored once it is ticked."""
    match = helping(me)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    assert client.post("/volunteers/me/hours/new", data=form(match)).status_code == 302
    second = form(match, key="b" * 32)
    refused = client.post("/volunteers/me/hours/new", data=second)
    assert refused.status_code == 422 and count() == 1
    box = refused.text[refused.text.index('id="again"'):]
    box = box[:box.index("</small>")]  # the box, then its refusal beside it
    assert 'class="field-error">Ten sam wpis jest już zapisany: 1 h, ' in box
    assert client.post("/volunteers/me/hours/new",
                       data={**second, "again": "y"}).status_code == 302
    assert count() == 2
    # another length, or a rejected entry logged anew, is no repeat
    assert client.post("/volunteers/me/hours/new",
                       data=form(match, key="c" * 32, minutes="90")).status_code == 302
    assert count() == 3


def test_too_many_minutes_are_answered_with_the_bounds(client_as, me):
    match = helping(me)
    db.session.commit()
    refused = client_as(Role.VOLUNTEER).post("/volunteers/me/hours/new", data=form(
        match, minutes="other", other_minutes="99999"))
    assert refused.status_code == 422 and count() == 0
    assert "Podaj od 5 minut do 12 godzin." in refused.text


def test_an_htmx_submission_is_told_where_to_go(client_as, me):
    match = helping(me)
    db.session.commit()
    sent = client_as(Role.VOLUNTEER).post("/volunteers/me/hours/new", data=form(match),
                                          headers={"HX-Request": "true"})
    assert sent.status_code == 204 and sent.headers["HX-Redirect"] == "/volunteers/me/hours"


def test_a_refused_htmx_submission_gets_only_the_form_back(client_as, me):
    match = helping(me)
    db.session.commit()
    refused = client_as(Role.VOLUNTEER).post(
        "/volunteers/me/hours/new", data=form(match, minutes="other", other_minutes="1"),
        headers={"HX-Request": "true", "HX-Target": "hours-form"})
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith('<form method="post" id="hours-form"')
    assert 'id="other_minutes-error"' in refused.text and "<html" not in refused.text
    assert count() == 0


def test_two_copies_at_the_same_moment_store_one_entry(app, me):
    match = helping(me)
    db.session.commit()
    data = hours.entry_data(hours.choices_for(me, TODAY), f"match:{match.id}", "", TODAY, 45,
                            "", TODAY)
    with db.engine.begin() as other:  # the other copy was stored a moment ago
        other.execute(HourEntry.__table__.insert().values(
            volunteer_id=me.id, key=KEY, activity="match", match_id=match.id, label="",
            worked_on=TODAY, minutes=45, note="", status="pending", reject_reason="",
            created_at=db.func.now(), updated_at=db.func.now()))
    real_find = hours.find_entry
    calls = []

    def not_yet(key):  # this request looked before the other one was stored
        calls.append(key)
        return None if len(calls) == 1 else real_find(key)
    hours.find_entry = not_yet
    try:
        entry, new = hours.log_hours(me, KEY, data)
    finally:
        hours.find_entry = real_find
    assert not new and entry.minutes == 45 and count() == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"worked_on": (TODAY + timedelta(days=1)).isoformat()}, "worked_on", "future"),
    ({"worked_on": (TODAY - timedelta(days=31)).isoformat()}, "worked_on", "30 days back"),
    ({"minutes": "other", "other_minutes": "2"}, "other_minutes", "5"),
    ({"minutes": "other", "other_minutes": "800"}, "other_minutes", "12 hours"),
    ({"minutes": "other", "other_minutes": "abc"}, "other_minutes", "Give the minutes"),
    ({"minutes": "other", "other_minutes": ""}, "other_minutes", "Give the minutes"),
    ({"minutes": "17"}, "minutes", "Not a valid choice"),
    ({"activity": "event"}, "label", "Name the session or event"),
    ({"activity": "match:999999"}, "activity", "Not a valid choice"),
    ({"worked_on": "yesterday"}, "worked_on", "Give the day"),
    ({"key": "short"}, "key", ""),
])
def test_bad_input_is_answered_beside_its_field_and_nothing_is_stored(client_as, me, changes,
                                                                       field, message):
    match = helping(me)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    with force_locale("en"):
        client.post("/language", data={"locale": "en", "next": "/"})
        refused = client.post("/volunteers/me/hours/new", data=form(match, **changes))
    assert refused.status_code == 422
    assert "field-error" in refused.text and message in refused.text
    assert f'id="{field}-error"' in refused.text or "out of date" in refused.text
    assert count() == 0


def test_a_volunteer_never_logs_for_nor_sees_another(client_as, me):
    other = VolunteerFactory(first_name="Inna")
    theirs = helping(other, first_name="Cudza")
    mine = helping(me)
    their_entry = HourEntry(volunteer_id=other.id, key="o" * 32, activity=Activity.MATCH,
                            match_id=theirs.id, worked_on=TODAY, minutes=30,
                            note="notatka innej osoby")
    db.session.add(their_entry)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/volunteers/me/hours/new").text
    assert "Cudza" not in page and f"match:{mine.id}" in page
    assert client.post("/volunteers/me/hours/new",
                       data=form(theirs)).status_code == 422  # not among their choices
    assert "notatka innej osoby" not in client.get("/volunteers/me/hours").text
    assert client.get(f"/volunteers/me/hours/{their_entry.id}/edit").status_code == 404
    assert client.post(f"/volunteers/me/hours/{their_entry.id}/delete").status_code == 404
    # The same key as another volunteer's entry is refused, not taken over.
    refused = client.post("/volunteers/me/hours/new", data=form(mine, key="o" * 32))
    assert refused.status_code == 422 and count() == 1
    assert db.session.get(HourEntry, their_entry.id).minutes == 30


def test_an_entry_changes_only_while_it_waits(client_as, me):
    match = helping(me)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    client.post("/volunteers/me/hours/new", data=form(match))
    entry = db.session.scalar(select(HourEntry))
    changed = client.post(f"/volunteers/me/hours/{entry.id}/edit",
                          data=form(match, minutes="90", key="n" * 32))
    assert changed.status_code == 302
    db.session.refresh(entry)
    assert entry.minutes == 90
    entry.status = EntryStatus.APPROVED
    db.session.commit()
    opened = client.get(f"/volunteers/me/hours/{entry.id}/edit", follow_redirects=True)
    assert opened.request.path == "/volunteers/me/hours"  # no form for an approved entry
    assert "dopóki czeka na zatwierdzenie" in opened.text
    refused = client.post(f"/volunteers/me/hours/{entry.id}/edit",
                          data=form(match, minutes="30", key="n" * 32))
    assert refused.status_code == 422 and "dopóki czeka na zatwierdzenie" in refused.text
    client.post(f"/volunteers/me/hours/{entry.id}/delete")
    assert count() == 1
    entry.status, entry.reject_reason = EntryStatus.REJECTED, "To był dzień wolny."
    db.session.commit()
    assert "To był dzień wolny." in client.get("/volunteers/me/hours").text


def test_deleting_a_waiting_entry(client_as, me):
    match = helping(me)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    client.post("/volunteers/me/hours/new", data=form(match))
    entry = db.session.scalar(select(HourEntry))
    assert client.post(f"/volunteers/me/hours/{entry.id}/delete").status_code == 302
    assert count() == 0


def test_totals_count_this_month_and_year_approved_and_waiting(app, me):
    match = helping(me)
    days = [TODAY, TODAY.replace(day=1), TODAY.replace(month=1, day=1),
            TODAY.replace(year=TODAY.year - 1)]
    for i, (day, status) in enumerate(zip(days, [EntryStatus.APPROVED, EntryStatus.PENDING,
                                                 EntryStatus.APPROVED, EntryStatus.APPROVED],
                                          strict=True)):
        db.session.add(HourEntry(volunteer_id=me.id, key=f"{i}" * 20, activity=Activity.MATCH,
                                 match_id=match.id, worked_on=day, minutes=60 * (i + 1),
                                 status=status))
    db.session.add(HourEntry(volunteer_id=me.id, key="r" * 20, activity=Activity.MATCH,
                             match_id=match.id, worked_on=TODAY, minutes=500,
                             status=EntryStatus.REJECTED))
    db.session.flush()
    totals = hours.totals_of(me, TODAY)
    same_month = TODAY.month == 1
    assert totals.month_approved == 60 + (180 if same_month else 0)
    assert totals.month_waiting == 120
    assert totals.year_approved == 60 + 180
    assert totals.year_waiting == 120
    assert hours.hours_text(90) == "1 h 30 min" and hours.hours_text(45) == "45 min"


def test_the_form_starts_from_todays_visit_and_the_usual_length(client_as, me):
    helping(me, first_name="Wczoraj", schedule=encode({((TODAY.weekday() + 1) % 7, 2)}))
    today = helping(me, first_name="Dzisiaj")
    choices = hours.choices_for(me, TODAY)
    assert hours.likely_choice(me, choices, TODAY).match.id == today.id
    db.session.add(HourEntry(volunteer_id=me.id, key="u" * 20, activity=Activity.MATCH,
                             match_id=today.id, worked_on=TODAY, minutes=90))
    db.session.commit()
    page = client_as(Role.VOLUNTEER).get("/volunteers/me/hours/new").text
    assert f'<option selected value="match:{today.id}">' in page
    assert re.search(r'<input checked[^>]*value="90">', page)
    assert f'value="{TODAY.isoformat()}"' in page


def test_the_start_page_shows_the_next_visit_and_the_big_button(client_as, me):
    helping(me, first_name="Zosia")
    db.session.commit()
    page = client_as(Role.VOLUNTEER).get("/").text
    assert 'href="/volunteers/me/hours/new" role="button" class="big"' in page
    assert "Zosia" in page and "16:00–18:00" in page


def test_two_children_of_one_first_name_are_told_apart_wherever_hours_are_logged(
        client_as, me, users):
    kowalski = helping(me, first_name="Paweł", last_name="Kowalski")
    piotrowski = helping(me, first_name="Paweł", last_name="Piotrowski")
    db.session.add(HourEntry(volunteer_id=me.id, key="p" * 20, activity=Activity.MATCH,
                             match_id=piotrowski.id, worked_on=TODAY, minutes=60))
    db.session.commit()
    volunteer = client_as(Role.VOLUNTEER)
    form_page = volunteer.get("/volunteers/me/hours/new").text
    assert f'value="match:{kowalski.id}">Pomoc: Paweł K.</option>' in form_page
    assert f'value="match:{piotrowski.id}">Pomoc: Paweł P.</option>' in form_page
    start = volunteer.get("/").text
    assert "Pomoc: Paweł K." in start and "Pomoc: Paweł P." in start
    assert "Pomoc: Paweł P." in client_as(Role.COORDINATOR).get("/volunteers/hours").text


@pytest.mark.parametrize("path", ["/", "/volunteers/me/hours", "/volunteers/me/hours/new"])
def test_hours_pages_keep_to_the_query_budget(client_as, me, count_queries, path):
    client = client_as(Role.VOLUNTEER)

    def add(n):
        for i in range(n):
            match = helping(me, first_name=f"Dziecko{i}")
            db.session.add(HourEntry(volunteer_id=me.id, key=f"{match.id:020d}",
                                     activity=Activity.MATCH, match_id=match.id,
                                     worked_on=TODAY, minutes=60))
        db.session.commit()

    add(1)
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(49)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many) <= 10, "\n".join(many)


def test_the_service_refuses_a_day_before_the_help_started(app, me):
    match = helping(me, started=TODAY - timedelta(days=3))
    with pytest.raises(DomainError) as refused:
        hours.entry_data(hours.choices_for(me, TODAY), f"match:{match.id}", "",
                         TODAY - timedelta(days=5), 60, "", TODAY)
    assert refused.value.field == "worked_on"


# Approval ---------------------------------------------------------------------------------

def logged(volunteer, match, day=TODAY, minutes=60, key=None) -> HourEntry:
    entry = HourEntry(volunteer_id=volunteer.id, key=key or f"{volunteer.id}-{day}-{minutes}",
                      activity=Activity.MATCH, match_id=match.id, help_kind=HelpKind.TUTORING,
                      worked_on=day, minutes=minutes)
    db.session.add(entry)
    db.session.flush()
    return entry


def test_a_coordinator_approves_a_month_in_one_action(client_as, me, users):
    match = helping(me)
    other = VolunteerFactory(last_name="Druga")
    their = helping(other)
    first = TODAY.replace(day=1)
    this_month = [logged(me, match, first, 60), logged(me, match, first, 90),
                  logged(other, their, first, 45)]
    earlier = logged(me, match, first - timedelta(days=3), 30)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    month = first.strftime("%Y-%m")
    page = client.get(f"/volunteers/hours?month={month}").text
    assert page.count('name="entry" value=') == 3 * 2  # a box each, and "approve all"
    sent = client.post(f"/volunteers/hours/review?month={month}", data={
        "decision": "approve", "entry": [str(e.id) for e in this_month]})
    assert sent.status_code == 200 and "Zatwierdzono 3 wpisy." in sent.text
    db.session.expire_all()
    statuses = {e.id: db.session.get(HourEntry, e.id).status for e in [*this_month, earlier]}
    assert statuses == {**{e.id: EntryStatus.APPROVED for e in this_month},
                        earlier.id: EntryStatus.PENDING}
    assert hours.totals_of(me, TODAY).month_approved == 150


def test_a_rejection_needs_a_reason_that_the_volunteer_sees(client_as, me, users):
    entry = logged(me, helping(me))
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    refused = client.post("/volunteers/hours/review", data={"decision": "reject",
                                                            "entry": str(entry.id)})
    assert refused.status_code == 422
    assert db.session.get(HourEntry, entry.id).status == EntryStatus.PENDING
    # said beside the reason, with the entry still ticked: nothing to choose again
    assert re.search(r'<input id="reason"[^>]*aria-describedby="reason-error">\s*'
                     r'<small id="reason-error" class="field-error">Podaj powód', refused.text)
    assert f'value="{entry.id}" id="entry-{entry.id}" checked' in refused.text
    client.post("/volunteers/hours/review", data={
        "decision": "reject", "entry": str(entry.id), "reason": "To był dzień szkolenia."})
    db.session.expire_all()
    assert db.session.get(HourEntry, entry.id).status == EntryStatus.REJECTED
    mine = client_as(Role.VOLUNTEER).get("/volunteers/me/hours").text
    assert "To był dzień szkolenia." in mine
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "hours_rejected")) == 2  # in the application and by e-mail


def test_totals_per_volunteer_month_and_kind(app, me):
    match = helping(me)
    a = logged(me, match, TODAY, 60)
    logged(me, match, TODAY, 30)
    a.status = EntryStatus.APPROVED
    db.session.add(HourEntry(volunteer_id=me.id, key="t" * 20, activity=Activity.EVENT,
                             help_kind=HelpKind.EVENT, label="Festyn", worked_on=TODAY,
                             minutes=120, status=EntryStatus.REJECTED))
    db.session.flush()
    rows = approval.totals(approval.HoursFilter(status=None))
    assert [(r.kind, r.approved, r.waiting) for r in rows] == [("tutoring", 60, 30)]


def test_exports_in_csv_and_xlsx_keep_formulas_out(client_as, me):
    match = helping(me)
    entry = logged(me, match)
    entry.note = "=HYPERLINK(\"http://zly.example\")"
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    csv_file = client.get("/volunteers/hours?status=&format=csv")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    text = csv_file.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Wolontariusz;Dzień;Minuty")
    assert "\"'=HYPERLINK" in text and "Pomoc rodzinie" in text
    xlsx = client.get("/volunteers/hours?status=&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert rows[1][2] == 60 and rows[1][6].startswith("'=")


def test_a_control_character_in_the_data_does_not_break_the_spreadsheet():
    """Found by the fuzzing: a budget line named with a backspace made openpyxl refuse the
    whole file; such characters are left out of every cell."""
    from openpyxl import load_workbook

    from cal.core.exports import csv_bytes, xlsx_bytes

    rows = [("Nazwa", "Kwota"), ("Sala\x08 7C\x04", 10)]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(rows, "Budżet"))).active
    assert list(sheet.values)[1] == ("Sala 7C", 10)
    assert "\x08" not in csv_bytes(rows).decode("utf-8-sig")


@pytest.mark.parametrize("path", ["/volunteers/hours", "/volunteers/hours?status="])
def test_the_queue_keeps_to_the_query_budget(client_as, me, count_queries, path):
    client = client_as(Role.COORDINATOR)

    def add(n):
        for i in range(n):
            volunteer = VolunteerFactory()
            logged(volunteer, helping(volunteer, first_name=f"D{i}"), key=f"q{volunteer.id:019d}")
        db.session.commit()

    add(1)
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(49)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many) <= 10, "\n".join(many)


# The certificate ---------------------------------------------------------------------------

@pytest.mark.parametrize(("agreement_days", "first"), [(30, "agreement"), (-5, "hours"),
                                                       (None, "hours")])
def test_the_certificate_starts_at_the_first_day_of_service(client_as, me, agreement_days,
                                                           first):
    """The earliest of the agreement's start and the first approved hours, never 1 January
    as such (an agreement of last year counts, a pending entry does not)."""
    match = helping(me)
    hours_from = TODAY - timedelta(days=400)
    logged(me, match, hours_from - timedelta(days=50)).status = EntryStatus.PENDING
    logged(me, match, hours_from).status = EntryStatus.APPROVED
    if agreement_days is not None:
        db.session.add(ComplianceRecord(
            volunteer_id=me.id, kind=RecordKind.AGREEMENT, done_on=hours_from,
            period_start=hours_from - timedelta(days=agreement_days)))
    db.session.commit()
    start = (hours_from - timedelta(days=agreement_days)) if first == "agreement" else hours_from
    assert hours.service_start(me) == start
    page = client_as(Role.VOLUNTEER).get("/volunteers/me/hours").text
    field = re.search(r'<input[^>]*name="period_start"[^>]*>', page).group()
    assert f'value="{start.isoformat()}"' in field


def test_a_volunteer_without_service_yet_is_offered_today(me):
    assert hours.service_start(me) is None


def test_the_certificate_shows_the_approved_hours_of_the_period(client_as, me, users):
    from tests.volunteers.documents.test_documents import text_of

    match = helping(me)
    start = TODAY - timedelta(days=20)
    for day, minutes, status in [(start, 90, EntryStatus.APPROVED),
                                 (start + timedelta(days=7), 120, EntryStatus.APPROVED),
                                 (start + timedelta(days=8), 60, EntryStatus.PENDING),
                                 (start - timedelta(days=5), 45, EntryStatus.APPROVED)]:
        entry = logged(me, match, day, minutes)
        entry.status = status
    db.session.add(HourEntry(volunteer_id=me.id, key="e" * 20, activity=Activity.EVENT,
                             help_kind=HelpKind.EVENT, label="Piknik", worked_on=start,
                             minutes=180, status=EntryStatus.APPROVED))
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/volunteers/me/hours").text
    key = page.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    sent = client.post("/volunteers/me/hours/certificate", data={
        "once_key": key, "period_start": start.isoformat(), "period_end": TODAY.isoformat()})
    assert sent.status_code == 302 and sent.location.startswith("/volunteers/me/documents/")
    pdf = client.get(sent.location)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data)
    assert "ZAŚWIADCZENIE" in text
    assert "łącznym wymiarze 6 h 30 min" in text  # 90 + 120 + 180, not the waiting hour
    assert "Pomoc dzieciom w nauce 3 h 30 min" in text and "Wydarzenia 3 h" in text
    again = client.post("/volunteers/me/hours/certificate", data={
        "once_key": key, "period_start": start.isoformat(), "period_end": TODAY.isoformat()})
    assert again.location == sent.location  # asked twice, issued once
    refused = client.post("/volunteers/me/hours/certificate", data={
        "once_key": "z" * 20, "period_start": start.isoformat(),
        "period_end": (TODAY + timedelta(days=3)).isoformat()})
    assert refused.status_code == 422 and 'id="period_end-error"' in refused.text
    empty = client.post("/volunteers/me/hours/certificate", data={
        "once_key": "y" * 20, "period_start": TODAY.isoformat(), "period_end": TODAY.isoformat()})
    assert empty.status_code == 422 and "nie ma zatwierdzonych godzin" in empty.text


def test_a_chip_ignores_what_is_left_in_the_hidden_minutes_field(client_as, me):
    match = helping(me)
    db.session.commit()
    sent = client_as(Role.VOLUNTEER).post("/volunteers/me/hours/new",
                                          data=form(match, other_minutes="abc"))
    assert sent.status_code == 302 and db.session.scalar(select(HourEntry.minutes)) == 60


def test_no_hours_after_the_help_ended_nor_on_another_day_than_the_training(app, me):
    ended = helping(me, status=MatchStatus.ENDED)
    ended.ended_on = TODAY - timedelta(days=10)
    session = _attended_session(me, days_ago=4)
    choices = hours.choices_for(me, TODAY)
    with pytest.raises(DomainError) as after_end:
        hours.entry_data(choices, f"match:{ended.id}", "", TODAY, 60, "", TODAY)
    assert "ended" in after_end.value.message
    with pytest.raises(DomainError) as other_day:
        hours.entry_data(choices, f"session:{session.id}", "", TODAY, 60, "", TODAY)
    assert "took place" in other_day.value.message
    data = hours.entry_data(choices, f"session:{session.id}", "", TODAY - timedelta(days=4),
                            90, "", TODAY)
    assert data["session_id"] == session.id and data["help_kind"] is None


def _attended_session(volunteer, days_ago: int):
    from cal.core.timeutil import local_to_utc
    from volunteers.training.models import TrainingCourse, TrainingEnrolment, TrainingSession
    course = TrainingCourse(name="Pierwsza pomoc")
    db.session.add(course)
    db.session.flush()
    session = TrainingSession(course_id=course.id, starts_at=local_to_utc(
        TODAY - timedelta(days=days_ago), datetime.min.time().replace(hour=17)))
    db.session.add(session)
    db.session.flush()
    db.session.add(TrainingEnrolment(session_id=session.id, volunteer_id=volunteer.id,
                                     attended=True))
    db.session.flush()
    return session


def test_an_old_entry_opens_for_changes_and_says_why_it_cannot_be_kept(client_as, me):
    match = helping(me, status=MatchStatus.WITHDRAWN)
    entry = logged(me, match)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get(f"/volunteers/me/hours/{entry.id}/edit")
    assert page.status_code == 200 and f'value="match:{match.id}"' in page.text
    refused = client.post(f"/volunteers/me/hours/{entry.id}/edit", data=form(match))
    assert refused.status_code == 422


@pytest.mark.parametrize("query", ["month=0000-01", "month=9999-12", "status=bogus",
                                   "volunteer=abc", "volunteer=999999", "activity=zzz"])
def test_bad_filters_never_widen_to_everything(client_as, me, query):
    entry = logged(me, helping(me))
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/volunteers/hours?{query}")
    assert page.status_code == 200 and f'name="entry" value="{entry.id}"' not in page.text
    assert client.get(f"/volunteers/hours?{query}&format=csv").status_code == 400
    review = client.post(f"/volunteers/hours/review?{query}",
                         data={"decision": "approve", "entry": str(entry.id)})
    assert review.status_code == 422
    assert db.session.get(HourEntry, entry.id).status == EntryStatus.PENDING


def test_a_review_without_a_decision_changes_nothing(client_as, me):
    entry = logged(me, helping(me))
    db.session.commit()
    sent = client_as(Role.COORDINATOR).post("/volunteers/hours/review",
                                            data={"entry": str(entry.id), "reason": "x"})
    assert sent.status_code == 422
    assert db.session.get(HourEntry, entry.id).status == EntryStatus.PENDING


def test_totals_a_month_for_everyone_and_all_months_for_one_volunteer(client_as, me):
    other = VolunteerFactory(last_name="Druga")
    first = TODAY.replace(day=1)
    logged(me, helping(me), first, 60)
    logged(other, helping(other), first, 45)
    logged(other, helping(other, first_name="Ewa"), first - timedelta(days=40), 30)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get("/volunteers/hours/totals").text
    assert "Druga" in page and me.last_name in page and "45 min" in page
    assert "30 min" not in page  # another month
    earlier = (first - timedelta(days=40)).strftime("%Y-%m")
    page = client.get(f"/volunteers/hours/totals?month={earlier}").text
    assert "30 min" in page and me.last_name not in page
    bad = client.get("/volunteers/hours/totals?month=2026-13")
    assert bad.status_code == 200 and "Wybierz miesiąc." in bad.text  # this month instead
    # The queue narrowed to one volunteer (from their page) shows their months.
    narrowed = client.get(f"/volunteers/hours?volunteer={other.id}&status=").text
    assert "Druga" in narrowed and "45 min" in narrowed and "30 min" in narrowed
    assert 'href="/volunteers/hours?status="' in narrowed  # back to everyone
    assert "<h2>Sumy</h2>" in narrowed
    assert "<h2>Sumy</h2>" not in client.get("/volunteers/hours").text


def test_the_hours_log_shows_thirty_entries_a_page_the_latest_first(client_as, me):
    match = helping(me)
    for n in range(35):
        logged(me, match, TODAY - timedelta(days=n), key=f"log-{n:02d}-{'x' * 12}")
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    first = client.get("/volunteers/me/hours").text
    assert first.count('class="card entry"') == 30 and "Strona 1 z 2" in first
    older = client.get("/volunteers/me/hours?page=2").text
    assert older.count('class="card entry"') == 5
    from babel.dates import format_date
    # the whole day, as the page shows it: "1 listopada 2026" is also the end of "21 …"
    oldest = f"<strong>{format_date(TODAY - timedelta(days=34), 'd MMMM y', locale='pl')}</strong>"
    assert oldest in older and oldest not in first


def test_five_copies_of_each_of_fifty_entries_sent_at_once_store_fifty(client_as, me):
    """Phones on a bad network resend: every entry arrives five times, all at the same
    moment (ten requests in flight), and each is stored once."""
    from concurrent.futures import ThreadPoolExecutor

    match = helping(me)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    sent = [form(match, key=f"burst-{n:03d}-{'k' * 20}", minutes="other",
                 other_minutes=str(30 + n // 20),  # fifty different entries
                 worked_on=(TODAY - timedelta(days=n % 20)).isoformat())
            for n in range(50) for _copy in range(5)]

    def send(data):
        answer = client.post("/volunteers/me/hours/new", data=data)
        answer.close()
        return answer.status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, sent))
    assert set(answers) == {302}, sorted(set(answers))
    db.session.expire_all()
    assert count() == 50
    assert db.session.scalar(select(func.count(func.distinct(HourEntry.key)))) == 50


def _described_from_objects(entry: HourEntry) -> str:
    """What an entry was for, from its match, request, person or household, session and
    course as objects: the words the lists gave before they were read in SQL."""
    if entry.activity == Activity.MATCH and entry.match is not None:
        return hours._match_text(entry.match)
    if entry.activity == Activity.TRAINING and entry.session is not None:
        return f"Training: {entry.session.course.name}"
    return entry.label


def test_what_an_entry_was_for_reads_as_its_objects_say_on_a_grown_town(app):
    """The words are read with the entry in SQL (WHAT_IT_WAS_FOR); on the demo town grown
    by the large data set's generator, with help for a household, a child whose
    surname starts with a Polish letter, a training, a match since deleted and entries
    named in words, every entry reads as its objects said."""
    from sqlalchemy.orm import joinedload

    from cal.commands.demo import seed_demo
    from cal.commands.large import grow
    from tests.factories import HouseholdFactory
    from volunteers.training.models import TrainingCourse, TrainingSession

    seed_demo()
    grow(0.004)
    volunteer = VolunteerFactory()
    family = HouseholdFactory(name="Rodzina Żółtowskich")
    request = HelpRequest(household_id=family.id, kind=HelpKind.SENIOR, starts_on=TODAY)
    db.session.add(request)
    db.session.flush()
    for_family = Match(request_id=request.id, volunteer_id=volunteer.id,
                       status=MatchStatus.ACTIVE, score=70, started_on=TODAY)
    db.session.add(for_family)
    course = TrainingCourse(name="Pierwsza pomoc — dzieci")
    db.session.add(course)
    db.session.flush()
    session = TrainingSession(course_id=course.id, starts_at=datetime(2026, 1, 5, 9))
    db.session.add(session)
    db.session.flush()
    gone = helping(volunteer, first_name="Ćwierć", last_name="Łukasik")
    made = [logged(volunteer, helping(volunteer, first_name="Ela", last_name="Śliwa")),
            logged(volunteer, for_family, key="family-entry"),
            logged(volunteer, gone, key="gone-entry"),
            HourEntry(volunteer_id=volunteer.id, key="training-entry",
                      activity=Activity.TRAINING, session_id=session.id, worked_on=TODAY,
                      minutes=90),
            HourEntry(volunteer_id=volunteer.id, key="group-entry", activity=Activity.GROUP,
                      label="Klub seniora", worked_on=TODAY, minutes=60)]
    db.session.add_all(made)
    db.session.flush()
    gone_entry = made[2]
    db.session.delete(gone)
    db.session.flush()
    db.session.expire(gone_entry)  # its match_id is set to NULL by the database
    db.session.commit()
    ours = [e.id for e in made]
    db.session.expunge_all()
    read = {e.id: hours.describe(e)
            for e in db.session.scalars(select(HourEntry).options(hours.WHAT_IT_WAS_FOR))}
    db.session.expunge_all()
    said = {e.id: _described_from_objects(e) for e in db.session.scalars(
        select(HourEntry).options(
            joinedload(HourEntry.match).joinedload(Match.request).joinedload(
                HelpRequest.person),
            joinedload(HourEntry.match).joinedload(Match.request).joinedload(
                HelpRequest.household),
            joinedload(HourEntry.session).joinedload(TrainingSession.course)))}
    assert len(read) > 2000
    assert read == said
    assert [read[n] for n in ours] == [
        "Help: Ela Ś.", "Help: Rodzina Żółtowskich", "", "Training: Pierwsza pomoc — dzieci",
        "Klub seniora"]
    waiting = approval.queue(approval.HoursFilter(status=None), limit=None)
    assert {e.id: hours.describe(e) for e in waiting} == said
