"""The accessibility statement a public body publishes (DOMAIN.md 4.6): public, in the
layout of the ministry's technical conditions, linked from every page, kept by an
administrator, and its yearly review by 31 March asked for from February."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from cal.accessibility import jobs, services
from cal.accessibility.models import AccessibilityStatement, Assessment, Compliance
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today
from cal.extensions import db
from cal.notifications.models import Notification

TODAY = local_today()
# The parts the technical conditions name by id (a11y-ocena and a11y-audytor only when
# they apply; a11y-data-przeglad is this statement's own, for its yearly review).
REQUIRED_IDS = ["a11y-deklaracja", "a11y-wstep", "a11y-podmiot", "a11y-url",
                "a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-status",
                "a11y-data-sporzadzenie", "a11y-kontakt", "a11y-osoba", "a11y-email",
                "a11y-telefon", "a11y-procedura", "a11y-architektura", "a11y-aplikacje"]


def data(**values) -> dict:
    last_year = TODAY.year - 1
    return {"published_on": date(last_year, 9, 1), "updated_on": date(last_year, 11, 15),
            "prepared_on": date(last_year, 9, 1), "reviewed_on": date(last_year, 9, 1),
            "compliance": Compliance.PARTIAL,
            "barriers": "Dokumenty PDF bez znaczników struktury.\n\nWykresy bez opisu.",
            "exclusions": "", "alternative": "Dokument odczytamy przez telefon.",
            "assessment": Assessment.SELF, "auditor": "", "contact": "Koordynator dostępności",
            "email": "dostepnosc@ops.example.pl", "phone": "22 100 20 30",
            "complaints_to": "Dyrektor Ośrodka Pomocy Społecznej",
            "building": "Wejście bez progów.\nWinda na piętro.", **values}


def test_the_statement_is_public_in_its_statutory_layout(app, client, users):
    services.save(data(), users[Role.ADMIN], TODAY)
    db.session.commit()
    page = client.get("/accessibility/")
    assert page.status_code == 200
    html = page.text
    found = set(re.findall(r'id="(a11y-[a-z-]+)"', html))
    assert [name for name in REQUIRED_IDS if name not in found] == []
    assert "a11y-audytor" not in found  # a self-assessment names no auditor
    assert "częściowo zgodna z ustawą z dnia 4 kwietnia 2019" in html
    assert f'datetime="{TODAY.year - 1}-09-01">1 września {TODAY.year - 1}' in html
    assert "<li>Dokumenty PDF bez znaczników struktury.</li>" in html
    assert '<a id="a11y-telefon" href="tel:221002030">22 100 20 30</a>' in html
    assert "Dyrektor Ośrodka Pomocy Społecznej" in html and "7 dni" in html
    assert "Rzecznika Praw Obywatelskich" in html and "<p>Winda na piętro.</p>" in html
    assert "Edytuj deklarację" not in html  # only for an administrator


def test_every_page_links_to_it_and_names_it_in_a_meta(app, client, client_as):
    pages = [client.get("/login"), client.get("/events/"), client_as(Role.VOLUNTEER).get("/"),
             client_as(Role.COORDINATOR).get("/volunteers/")]
    for page in pages:
        assert page.status_code == 200
        assert '<a href="/accessibility/">Deklaracja dostępności</a>' in page.text
        assert re.search(r'<meta name="deklaracja-dostępności" content="http[^"]+/accessibility/">',
                         page.text)


def test_before_it_is_kept_the_page_says_it_is_being_prepared(app, client):
    page = client.get("/accessibility/")
    assert page.status_code == 200 and "Deklaracja jest w przygotowaniu" in page.text


def test_the_administrator_keeps_it_and_bad_dates_are_refused_beside_the_field(
        app, users, client_as):
    admin = users[Role.ADMIN]
    cases = [({"reviewed_on": TODAY + timedelta(days=1)}, "reviewed_on", "niż dzisiejsza"),
             ({"updated_on": date(TODAY.year - 1, 8, 1)}, "updated_on", "wcześniejsza"),
             ({"reviewed_on": date(TODAY.year - 1, 8, 1)}, "reviewed_on", "wcześniejsza"),
             ({"assessment": Assessment.EXTERNAL}, "auditor", "audyt")]
    for values, field, words in cases:
        with pytest.raises(DomainError) as refused:
            services.save(data(**values), admin, TODAY)
        assert refused.value.field == field and words in refused.value.message
    db.session.rollback()
    for role in (Role.COORDINATOR, Role.LEADER, Role.VOLUNTEER, Role.PROJECT_MANAGER):
        assert client_as(role).get("/accessibility/edit").status_code == 403
    desk = client_as(Role.ADMIN)
    form = {name: (value.isoformat() if isinstance(value, date) else str(value))
            for name, value in data(assessment=Assessment.EXTERNAL,
                                    auditor="Fundacja Dostępności").items()}
    refused = desk.post("/accessibility/edit", data={**form, "email": "nie-adres"})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert desk.post("/accessibility/edit", data=form).status_code == 302
    saved = db.session.scalar(select(AccessibilityStatement))
    assert (saved.assessment, saved.auditor) == (Assessment.EXTERNAL, "Fundacja Dostępności")
    page = desk.get("/accessibility/").text
    assert '<span id="a11y-audytor">Fundacja Dostępności</span>' in page
    assert "Edytuj deklarację" in page
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.entity == "accessibility_statement")) == "create"


def test_what_it_publishes_is_escaped(app, client, users):
    services.save(data(contact='<script>alert(1)</script>', building="<b>x</b>"),
                  users[Role.ADMIN], TODAY)
    db.session.commit()
    html = client.get("/accessibility/").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html


def test_without_a_statement_the_administrators_are_asked_for_one_each_monday(app, users):
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert jobs.statement_review(local_to_utc(monday, datetime.min.time())
                                 + timedelta(hours=9)) == 1
    told = db.session.scalar(select(Notification).where(
        Notification.kind == "accessibility_review"))
    assert told.user_id == users[Role.ADMIN].id and "nie jest jeszcze opublikowana" in told.title


def test_from_february_the_administrators_are_asked_weekly_for_the_yearly_review(app, users):
    services.save(data(), users[Role.ADMIN], TODAY)
    db.session.commit()
    record = services.statement()
    year = TODAY.year
    assert services.review_due(record, date(year, 1, 20)) is None  # January: not yet
    assert services.review_due(record, date(year, 2, 2)) == date(year, 3, 31)
    assert services.review_due(record, date(year, 5, 4)) == date(year, 3, 31)  # overdue
    monday = date(year, 2, 1) + timedelta(days=(7 - date(year, 2, 1).weekday()) % 7)
    morning = local_to_utc(monday, datetime.min.time()) + timedelta(hours=9)
    assert jobs.statement_review(morning) == 1
    jobs.statement_review(morning + timedelta(hours=2))  # once a week
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "accessibility_review")).all()
    assert [t.user_id for t in told] == [users[Role.ADMIN].id]
    assert "31.03." in told[0].title
    record.reviewed_on = date(year, 2, 3) if TODAY >= date(year, 2, 3) else TODAY
    assert services.review_due(record, date(year, 2, 9)) is None
