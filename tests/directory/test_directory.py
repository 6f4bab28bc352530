"""The help directory: public search that finds words typed without Polish letters,
filters by category and district, a PDF of the list, entries kept by the coordinators
and listed for a check after a year; no personal data of clients."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cal.core.access import Role
from cal.core.timeutil import local_today, utcnow
from cal.directory import jobs, services
from cal.directory.models import Category, DirectoryEntry
from cal.extensions import db
from cal.notifications.models import Notification
from cal.people.models import District
from tests.community.test_events import key_of
from tests.conftest import log_in

TODAY = local_today()


def entry(name: str, category=Category.TRANSPORT, district=None, checked=TODAY, **values):
    return services.save(None, {"name": name, "category": category, "checked_on": checked,
                                "district_id": district.id if district else None,
                                "active": True, **values}, None, TODAY)


def test_the_public_find_transport_for_wheelchair_users_by_category_and_district(
        app, client, count_queries):
    north, south = District(name="Północ"), District(name="Południe")
    db.session.add_all([north, south])
    db.session.flush()
    bus = entry("Przewóz osób na wózkach", district=north, step_free=True,
                description="Bus z windą dla osób poruszających się na wózku.")
    entry("Taksówka socjalna", district=south)
    entry("Magazyn sprzętu Caritas", category=Category.EQUIPMENT, district=north)
    entry("Stary wpis", active=False)
    db.session.commit()
    page = client.get("/directory/", query_string={"category": "transport",
                                                   "district": north.id})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, max-age=60"
    assert "Przewóz osób na wózkach" in page.text and "Taksówka" not in page.text
    assert "Magazyn sprzętu" not in page.text and "Wejście bez schodów" in page.text
    typed = client.get("/directory/", query_string={"q": "wozek winda"})  # no Polish letters
    assert "Przewóz osób na wózkach" in typed.text and "Taksówka" not in typed.text
    by_words = client.get("/directory/", query_string={"q": "transport bez schodow polnoc"})
    assert "Przewóz osób na wózkach" in by_words.text and "Taksówka" not in by_words.text
    assert "Stary wpis" not in client.get("/directory/").text
    assert client.get(f"/directory/{bus.id}").status_code == 200
    with count_queries() as statements:
        assert client.get("/directory/").status_code == 200
    assert len(statements) <= 4


def test_a_filtered_list_prints_as_a_pdf(app, client):
    entry("Punkt nieodpłatnej pomocy prawnej", category=Category.LEGAL)
    db.session.commit()
    answer = client.get("/directory/list.pdf", query_string={"category": "legal"})
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader
    text = PdfReader(BytesIO(answer.data)).pages[0].extract_text()
    assert "wybrano: Pomoc prawna" in text and "Punkt nieodpłatnej pomocy prawnej" in text
    assert answer.headers["Content-Disposition"] == 'attachment; filename="informator.pdf"'


def test_bad_filters_never_break_the_page(app, client):
    for query in ({"category": "nope"}, {"district": "x"}, {"district": "99999999999"},
                  {"q": "%_" * 80}):
        assert client.get("/directory/", query_string=query).status_code == 200


def test_a_coordinator_keeps_the_entries_and_bad_input_is_refused_beside_the_field(
        app, client_as):
    desk = client_as(Role.COORDINATOR)
    page = desk.get("/directory/new")
    form = {"once_key": key_of(page.text), "name": "Klub osób po udarze",
            "category": "support_groups", "checked_on": (TODAY + timedelta(days=3)).isoformat(),
            "website": "klub.example.org", "phone": "12", "district_id": "0"}
    refused = desk.post("/directory/new", data=form)
    assert refused.status_code == 422 and 'id="phone-error"' in refused.text
    form["phone"] = "33 812 34 56"
    refused = desk.post("/directory/new", data=form)
    assert refused.status_code == 422 and 'id="checked_on-error"' in refused.text
    form["checked_on"] = TODAY.isoformat()
    refused = desk.post("/directory/new", data=form)
    assert refused.status_code == 422 and 'id="website-error"' in refused.text
    form["website"] = "https://klub.example.org"
    saved = desk.post("/directory/new", data=form)
    assert saved.status_code == 302
    again = desk.post("/directory/new", data=form)
    assert again.location == saved.location  # the same form twice: one entry
    assert db.session.scalar(select(DirectoryEntry.name)) == "Klub osób po udarze"
    assert client_as(Role.LEADER).get("/directory/new").status_code == 403
    assert client_as(Role.VOLUNTEER).get("/directory/to-check").status_code == 403


def test_entries_not_checked_for_a_year_are_listed_and_the_coordinators_told_weekly(
        app, users, client_as):
    old = entry("Wypożyczalnia Caritas", category=Category.EQUIPMENT,
                checked=TODAY - timedelta(days=400))
    entry("Biblioteka", category=Category.EDUCATION, checked=TODAY - timedelta(days=30))
    db.session.commit()
    assert [e.name for e in services.to_check(TODAY)] == ["Wypożyczalnia Caritas"]
    now = utcnow()
    jobs.entries_to_check(now)
    jobs.entries_to_check(now + timedelta(hours=1))
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "directory_check")).all()
    assert [t.user_id for t in told] == [users[Role.COORDINATOR].id]
    desk = client_as(Role.COORDINATOR)
    listing = desk.get("/directory/to-check")
    assert "Wypożyczalnia Caritas" in listing.text and "Biblioteka" not in listing.text
    assert desk.post(f"/directory/{old.id}/checked", data={"back": "list"}).status_code == 302
    assert services.to_check(TODAY) == []


def test_a_flood_typed_into_the_search_is_no_search(app, client):
    """SQLite refuses a LIKE pattern of tens of thousands of characters ("pattern too
    complex"): the search looks for the first hundred characters at most, and a query
    the form refuses as too long is no query."""
    entry("Przewóz osób na wózkach")
    db.session.commit()
    assert len("".join(services.stems("a" * 60_000))) <= services.QUERY_MAX
    answer = client.get("/directory/", query_string={"q": "ą" * 60_000})
    assert answer.status_code == 200 and "Przewóz osób na wózkach" in answer.text


def test_a_visitor_draws_a_few_lists_an_hour_and_the_staff_as_many_as_they_need(
        make_app, users):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        entry("Przewóz osób „Bez barier”")
        db.session.commit()
        visitor = app.test_client()
        codes = [visitor.get("/directory/list.pdf").status_code for _ in range(13)]
        assert codes == [200] * 12 + [429]
        staff = app.test_client()
        log_in(staff, users[Role.COORDINATOR])
        assert staff.get("/directory/list.pdf").status_code == 200
