"""Reaching people who are not users: consents to be written to, text messages through
the gateway (a stand-in on loopback that speaks SMSAPI's API), messages staff write to a
group, notices of a cancelled class, delivery reports, and STOP."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, update

from cal.core.access import Role
from cal.core.phones import e164, is_mobile
from cal.core.text import plain
from cal.core.timeutil import local_to_utc, local_today, utcnow
from cal.extensions import db
from cal.notifications import delivery, messages, sms
from cal.notifications.models import Channel, Message, Notification
from cal.people import contacts
from cal.people.models import ConsentWay, ContactConsent
from clubs.models import GroupKind, Membership, SessionStatus
from tests.clubs.test_groups import make_group, members, todays_session
from tests.community.test_events import key_of, make_event
from tests.community.test_shifts import ready
from tests.factories import PersonFactory
from tests.sms_gateway import StandInGateway

TODAY = local_today()


@pytest.fixture
def gateway():
    with StandInGateway() as running:
        yield running


@pytest.fixture
def app_settings(gateway):
    # No quiet hours here (the suite runs at any hour); a test of its own checks them.
    return {**gateway.settings(), "SMS_QUIET_FROM": time(0), "SMS_QUIET_UNTIL": time(0)}


def agreeing(person, phone: str, channels=("sms",), email: str = ""):
    person.phone, person.email = phone, email
    db.session.flush()
    contacts.record(person, {c: True for c in channels}, ConsentWay.WRITTEN.value, None)
    return person


def senior_class(users, people: int = 3):
    group = make_group(users, capacity=max(15, people), kind=GroupKind.SENIOR_CLASS)
    return group, members(group, users, people)


def send_to_group(users, group, text: str) -> tuple[Message, int]:
    """A coordinator's message to the group, committed; and its first outbox row's id."""
    message = messages.send(messages.plan("group", group.id, text, users[Role.COORDINATOR]),
                            users[Role.COORDINATOR])
    db.session.commit()
    return message, db.session.scalar(select(Notification.id).where(
        Notification.message_id == message.id).order_by(Notification.id))


def deliver_all(client=None) -> int:
    db.session.commit()
    return delivery.dispatch(utcnow(), inline=True)


def test_a_text_message_is_counted_as_the_gateway_counts_it():
    assert sms.length("Zajęcia w czwartek są odwołane.") == sms.Length(31, 1, True)
    assert sms.length("Zajecia w czwartek sa odwolane.") == sms.Length(31, 1, False)
    assert sms.length("ą" * 71).parts == 2 and sms.length("a" * 161).parts == 2
    assert sms.length("a" * 160).parts == 1 and sms.length("€" * 80).parts == 1
    assert plain("Zajęcia – środa, „Łąka”") == 'Zajecia - sroda, "Laka"'


def test_phone_numbers_are_read_for_poland():
    assert e164("600 100 200") == "+48600100200" and is_mobile("600-100-200")
    assert e164("+48 22 123 45 67") == "+48221234567" and not is_mobile("22 123 45 67")
    assert e164("123") == "" and e164("600 100 20") == ""


def test_the_registry_asks_the_consent_where_it_takes_the_number(app, client_as):
    desk = client_as(Role.COORDINATOR)
    page = desk.get("/people/new")
    bad = desk.post("/people/new", data={
        "once_key": key_of(page.text), "first_name": "Halina", "last_name": "Wiśniewska",
        "phone": "12 34", "sms_consent": "y", "consent_way": "written"})
    assert bad.status_code == 422 and 'id="phone-error"' in bad.text
    landline = desk.post("/people/new", data={
        "once_key": key_of(page.text), "first_name": "Halina", "last_name": "Wiśniewska",
        "phone": "22 123 45 67", "sms_consent": "y", "consent_way": "written"})
    assert landline.status_code == 422 and 'id="sms_consent-error"' in landline.text
    assert "komórkowego" in landline.text
    saved = desk.post("/people/new", data={
        "once_key": key_of(page.text), "first_name": "Halina", "last_name": "Wiśniewska",
        "phone": "600 100 200", "sms_consent": "y", "consent_way": "written",
        "preferred_channel": "sms"})
    assert saved.status_code == 302
    consent = db.session.scalar(select(ContactConsent))
    assert consent.address == "+48600100200" and consent.active
    detail = desk.get(saved.location)
    assert "zgoda od" in detail.text and "na piśmie" in detail.text


def test_a_leader_cancels_the_senior_class_and_each_member_with_a_consent_gets_one_sms(
        app, users, client_as, gateway):
    group, people = senior_class(users)
    agreeing(people[0], "600 100 201")
    agreeing(people[1], "600 100 202")
    people[2].phone = "600 100 203"  # a phone, but no consent
    session = todays_session(group)
    session.starts_at = local_to_utc(TODAY + timedelta(days=2), time(10))
    db.session.commit()
    leader = client_as(Role.LEADER)
    answer = leader.post(f"/clubs/sessions/{session.id}/cancel",
                         data={"reason": "Choroba prowadzącej"})
    answer.close()  # as a server does: the notices are handed on
    assert answer.status_code in (302, 204)
    db.session.expire_all()
    assert db.session.get(type(session), session.id).status == SessionStatus.CANCELLED
    assert [len(gateway.to(n)) for n in ("48600100201", "48600100202", "48600100203")] == [
        1, 1, 0]
    text = gateway.to("48600100201")[0].text
    assert "odwołane" in text and "Choroba prowadzącej" in text and text.endswith("STOP")
    assert people[0].first_name in text and people[0].last_name not in text
    page = leader.get(f"/clubs/sessions/{session.id}")
    assert f"{people[2].full_name} (SMS: brak zgody na SMS" in page.text  # and why not
    # Cancelling again tells nobody twice.
    assert leader.post(f"/clubs/sessions/{session.id}/cancel",
                       data={"reason": "Choroba prowadzącej"}).status_code in (302, 204)
    deliver_all()
    assert len(gateway.sent) == 2


def _write(desk, to: str, body: str, **extra):
    page = desk.get(f"/messages/new?to={to}")
    form = {"once_key": key_of(page.text), "audience": to, "body": body, **extra}
    return form, desk.post("/messages/new", data=form)


def test_a_coordinator_writes_to_those_on_the_mikolajki_shifts_and_sees_each_delivery(
        app, users, client_as):
    from cal.community import shifts

    event = make_event(title="Mikołajki")
    desk_shift = shifts.add_shift(event, {"role": "Punkt informacyjny",
                                          "starts_at": event.starts_at,
                                          "ends_at": event.ends_at, "needed": 2,
                                          "with_children": False, "give_back_hours": 24}, None)
    shifts.take(desk_shift, ready(user_id=users[Role.VOLUNTEER].id), None, utcnow())
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    form, preview = _write(desk, f"event_shifts:{event.id}", "Zbiórka o 9:30 przy wejściu.")
    assert preview.status_code == 200 and "jak każdy ustawił: 1" in preview.text
    assert "Wyślij do 1" in preview.text
    sent = desk.post("/messages/new", data={**form, "confirm": "send"})
    assert sent.status_code == 302
    again = desk.post("/messages/new", data={**form, "confirm": "send"})
    assert again.location == sent.location  # confirmed twice, sent once
    assert db.session.scalar(select(func.count(Message.id))) == 1
    rows = db.session.scalars(select(Notification).where(Notification.kind == "message")).all()
    assert {r.channel for r in rows} == {Channel.INAPP, Channel.EMAIL}
    assert {r.user_id for r in rows} == {users[Role.VOLUNTEER].id}
    page = desk.get(sent.location)
    assert users[Role.VOLUNTEER].full_name in page.text and "w aplikacji" in page.text


def test_bad_messages_are_refused_beside_the_field(app, users, client_as):
    group, people = senior_class(users, 2)
    other = make_group(users, leader=Role.COORDINATOR)
    db.session.commit()
    leader = client_as(Role.LEADER)
    _form, empty = _write(leader, f"group:{group.id}", "  ")
    assert empty.status_code == 422 and 'id="body-error"' in empty.text
    _form, nobody = _write(leader, f"group:{group.id}", "Zajęcia przeniesione.")
    assert nobody.status_code == 422 and 'id="audience-error"' in nobody.text
    assert people[0].full_name in nobody.text or "Nikt" in nobody.text
    _form, not_theirs = _write(leader, f"group:{other.id}", "Dzień dobry")
    assert not_theirs.status_code == 422 and 'id="audience-error"' in not_theirs.text
    _form, too_long = _write(client_as(Role.COORDINATOR), f"group:{group.id}", "ż" * 1001)
    assert too_long.status_code == 422 and 'id="body-error"' in too_long.text
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_plan_counts_channels_parts_and_cost_and_names_who_cannot_be_reached(
        app, users, gateway):
    group, people = senior_class(users, 3)
    agreeing(people[0], "600 100 201")
    agreeing(people[1], "", channels=("email",), email="jan@example.org")
    planned = messages.plan("group", group.id, "Zajęcia w czwartek są odwołane.",
                            users[Role.COORDINATOR])
    assert planned.counts == {"sms": 1, "email": 1} and planned.reached == 2
    assert planned.unreachable == [(people[2].full_name,
                                    "SMS: brak telefonu komórkowego; e-mail: brak adresu e-mail")]
    assert planned.length.unicode and planned.length.parts == 1
    assert planned.cost == sms.cost(1)


def test_a_stop_reply_withdraws_the_consent_and_stops_the_next_message(
        app, users, client, gateway):
    group, people = senior_class(users, 1)
    agreeing(people[0], "600 100 201")
    first = messages.send(messages.plan("group", group.id, "Pierwsza wiadomość",
                                        users[Role.COORDINATOR]), users[Role.COORDINATOR])
    waiting = messages.send(messages.plan("group", group.id, "Druga wiadomość",
                                          users[Role.COORDINATOR]), users[Role.COORDINATOR])
    db.session.commit()
    delivery.deliver(db.session.scalar(select(Notification.id).where(
        Notification.message_id == first.id)))
    assert len(gateway.sent) == 1
    url = f"/sms/{sms.callback_key('inbound')}/inbound"
    assert client.post(f"/sms/{'x' * 40}/inbound", data={"sms_from": "48600100201",
                                                          "sms_text": "STOP"}).status_code == 404
    post = lambda u, data: client.post(u, data=data)  # noqa: E731
    assert gateway.reply("+48600100201", "Nie dam rady w piątek", url, post).text == "OK"
    assert contacts.standing(people[0], contacts.consents_of(people[0].id))["sms"]
    told = db.session.scalar(select(Notification).where(Notification.kind == "sms_reply"))
    assert told.user_id == users[Role.COORDINATOR].id and "Nie dam rady" in told.body
    answer = gateway.reply("+48600100201", "Stop.", url, post)
    assert answer.status_code == 200 and answer.text == "OK"
    consent = db.session.scalar(select(ContactConsent))
    db.session.refresh(consent)
    assert consent.withdrawn_at is not None and consent.withdrawn_how == "STOP SMS"
    # The message written before the STOP, and any after, are not sent.
    row = db.session.scalar(select(Notification).where(Notification.message_id == waiting.id))
    assert delivery.deliver(row.id) is False
    db.session.refresh(row)
    assert row.state == "no_consent" and len(gateway.sent) == 1
    assert messages.plan("group", group.id, "Trzecia", users[Role.COORDINATOR]).reached == 0


def test_the_delivery_report_reaches_the_row_and_a_retry_never_sends_twice(
        app, users, client, gateway):
    group, people = senior_class(users, 1)
    agreeing(people[0], "600 100 201")
    message, row_id = send_to_group(users, group, "Spotkanie o 10:00")
    assert delivery.deliver(row_id) is True
    # A worker that died after the gateway took the message: the row looks unsent.
    db.session.execute(update(Notification).values(sent_at=None, claimed_at=None))
    db.session.commit()
    assert delivery.deliver(row_id) is True
    assert len(gateway.sent) == 1  # the gateway refused the same idx (error 53)
    sent = gateway.sent[0]
    path = sent.notify_url.split("localhost", 1)[1]
    assert gateway.report(sent, 404, lambda _u, params: client.get(
        path, query_string=params)).text == "OK"
    row = db.session.get(Notification, row_id)
    db.session.refresh(row)
    assert row.report == "delivered" and row.state == "delivered"


def test_a_wrong_number_is_refused_for_good_and_a_gateway_error_is_retried(
        app, users, gateway):
    group, people = senior_class(users, 1)
    agreeing(people[0], "600 100 201")
    message, row_id = send_to_group(users, group, "Spotkanie")
    gateway.errors_next = [203]  # too many requests: try again later
    with pytest.raises(RuntimeError, match="203"):
        delivery.deliver(row_id)
    row = db.session.get(Notification, row_id)
    assert row.sent_at is None and row.claimed_at is None and "203" in row.last_error
    gateway.errors_next = [13]  # the gateway finds the number wrong
    assert delivery.deliver(row_id) is False
    db.session.refresh(row)
    assert row.state == "refused" and row.sent_at is not None and gateway.sent == []


def test_text_messages_wait_through_the_centres_quiet_hours(app, users, gateway):
    app.config.update(SMS_QUIET_FROM=time(20), SMS_QUIET_UNTIL=time(8))
    group, people = senior_class(users, 1)
    agreeing(people[0], "600 100 201")
    message, row_id = send_to_group(users, group, "Jutro zajęcia")
    late = local_to_utc(TODAY, time(21, 30))
    db.session.execute(update(Notification).values(due_at=late))
    assert delivery.deliver(row_id, late) is False
    row = db.session.get(Notification, row_id)
    assert row.due_at == local_to_utc(TODAY + timedelta(days=1), time(8))
    assert gateway.sent == []


def test_without_a_gateway_sms_is_shown_unavailable_and_nothing_is_written_for_it(
        app, users, client_as):
    app.config.update(SMS_API_TOKEN=None)
    group, people = senior_class(users, 2)
    agreeing(people[0], "600 100 201")
    agreeing(people[1], "600 100 202", channels=("sms", "email"), email="ola@example.org")
    db.session.commit()
    planned = messages.plan("group", group.id, "Dzień dobry", users[Role.COORDINATOR])
    assert planned.counts == {"email": 1}
    assert "SMS: wiadomości SMS nie są skonfigurowane" in planned.unreachable[0][1]
    _form, page = _write(client_as(Role.COORDINATOR), f"group:{group.id}", "Dzień dobry")
    assert "nie są skonfigurowane" in page.text


def test_a_resident_who_asked_for_texts_is_told_of_the_registration_and_the_cancellation(
        app, users, client, gateway):
    from cal.community import services

    event = make_event(title="Mikołajki")
    db.session.commit()
    page = client.get(f"/events/{event.id}")
    form = {"once_key": key_of(page.text), "name": "Anna Nowak", "phone": "601 200 300",
            "sms_consent": "y", "consent": "y", "children-0-first_name": "Zosia",
            "children-0-age": "5"}
    answer = client.post(f"/events/{event.id}/register", data=form)
    answer.close()
    assert answer.status_code == 302
    assert len(gateway.to("48601200300")) == 1
    assert "Mikołajki" in gateway.to("48601200300")[0].text
    with app.test_request_context():
        assert services.cancel(event, "Awaria ogrzewania", users[Role.COORDINATOR]) == 1
    db.session.commit()
    deliver_all()
    texts = [s.text for s in gateway.to("48601200300")]
    assert len(texts) == 2 and "Awaria ogrzewania" in texts[1]
    landline = {**form, "once_key": "k" * 20, "phone": "22 123 45 67"}
    refused = client.post(f"/events/{event.id}/register", data=landline)
    assert refused.status_code == 422


def test_a_coordinator_writes_to_people_ticked_in_the_registry(app, users, client_as,
                                                               gateway):
    sms_one = agreeing(PersonFactory(), "600 100 201")
    mail_one = agreeing(PersonFactory(), "", channels=("email",), email="ola@example.org")
    unreachable = PersonFactory()
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    listing = desk.get("/people")
    assert 'name="ids"' in listing.text
    ids = [sms_one.id, mail_one.id, unreachable.id]
    page = desk.get("/messages/new", query_string={"to": "people", "ids": ids})
    assert "Wybrane osoby z rejestru (3)" in page.text
    form = {"once_key": key_of(page.text), "audience": "people",
            "chosen": ",".join(map(str, ids)), "body": "Zapraszamy na spotkanie w piątek."}
    preview = desk.post("/messages/new", data=form)
    assert preview.status_code == 200 and "SMS-em: 1" in preview.text
    assert "e-mailem: 1" in preview.text and unreachable.full_name in preview.text
    sent = desk.post("/messages/new", data={**form, "confirm": "send"})
    sent.close()
    assert sent.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.kind == "message")).all()
    assert sorted(r.channel.value for r in rows) == ["email", "sms"]
    assert all(r.sent_at is not None and r.last_error == "" for r in rows)
    assert len(gateway.to("48600100201")) == 1
    detail = desk.get(sent.location)
    assert sms_one.full_name in detail.text and mail_one.full_name in detail.text
    # A leader may not write to a list of the registry.
    leader_page = client_as(Role.LEADER).get("/messages/new",
                                              query_string={"to": "people", "ids": ids})
    assert "Wybrane osoby" not in leader_page.text
    person_page = desk.get(f"/people/{sms_one.id}")
    assert "Zapraszamy na spotkanie" in person_page.text  # the history kept per person


def test_a_place_freed_in_a_group_is_told_to_the_first_waiting(app, users, gateway):
    from clubs import services as clubs

    group = make_group(users, capacity=1, kind=GroupKind.SENIOR_CLASS)
    first, waiting = members(group, users, 2)
    agreeing(waiting, "600 100 209")
    membership = db.session.scalar(select(Membership).where(Membership.person_id == first.id))
    clubs.end_membership(membership, "Wyjazd", users[Role.COORDINATOR], TODAY)
    deliver_all()
    texts = [sent.text for sent in gateway.to("48600100209")]
    assert len(texts) == 1 and "zwolniło się dla Pani/Pana miejsce" in texts[0]
    assert waiting.first_name in texts[0] and "Grupa" not in texts[0]


def test_the_senior_centre_asks_the_consent_where_it_registers_a_member(app, client_as):
    person = PersonFactory(phone="22 123 45 67")
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    page = desk.get(f"/seniors/members/new?person={person.id}")
    form = {"once_key": key_of(page.text), "joined_on": TODAY.isoformat(), "active": "y",
            "sms_consent": "y"}
    refused = desk.post(f"/seniors/members/new?person={person.id}", data=form)
    assert refused.status_code == 422 and 'id="sms_consent-error"' in refused.text
    person.phone = "600 100 207"
    db.session.commit()
    saved = desk.post(f"/seniors/members/new?person={person.id}", data=form)
    assert saved.status_code == 302
    consent = db.session.scalar(select(ContactConsent))
    assert consent.address == "+48600100207" and consent.way == ConsentWay.WRITTEN
    edit = desk.get(saved.location + "/edit")
    box = re.search(r'<input[^>]*name="sms_consent"[^>]*>', edit.text).group(0)
    assert " checked" in box


def test_the_delivery_page_reads_1_or_40_recipients_in_the_same_few_queries(
        app, users, client_as, count_queries):
    desk = client_as(Role.COORDINATOR)

    def queries(people: int) -> int:
        group, members_of = senior_class(users, people)
        for n, person in enumerate(members_of):
            agreeing(person, f"600 2{n:02d} 300", channels=("sms", "email"),
                     email=f"osoba{n}@example.org")
        message, _row = send_to_group(users, group, "Dzień dobry")
        with count_queries() as statements:
            page = desk.get(f"/messages/{message.id}")
        assert page.status_code == 200 and members_of[-1].full_name in page.text
        return len(statements)

    one = queries(1)
    assert one <= 10 and queries(40) == one


def test_a_stop_from_a_foreign_number_is_honoured(app, users, client):
    person = agreeing(PersonFactory(), "+380 67 123 4567")
    db.session.commit()
    assert contacts.standing(person, contacts.consents_of(person.id))["sms"]
    url = f"/sms/{sms.callback_key('inbound')}/inbound"
    assert client.post(url, data={"sms_from": "380671234567", "sms_text": "STOP"}).text == "OK"
    db.session.expire_all()
    assert not contacts.standing(person, contacts.consents_of(person.id))["sms"]


def test_with_a_sender_name_each_text_ends_with_its_own_link_to_stop(app, users, client,
                                                                    gateway):
    app.config.update(SMS_SENDER="OPS")  # a reply to a name goes nowhere
    group, people = senior_class(users, 1)
    agreeing(people[0], "600 100 201")
    _message, row_id = send_to_group(users, group, "Jutro zajęcia")
    delivery.deliver(row_id)
    text = gateway.to("48600100201")[0].text
    link = text.rsplit("Rezygnacja: ", 1)[1]
    assert "/sms/stop/48600100201-" in link
    path = link.split("localhost", 1)[1]
    assert client.get(path.replace("-", "-0", 1)).status_code == 404  # a forged code
    page = client.get(path)
    assert page.status_code == 200 and "…201" in page.text
    assert client.post(path).status_code == 200
    db.session.expire_all()
    consent = db.session.scalar(select(ContactConsent))
    assert consent.withdrawn_at is not None and consent.withdrawn_how == "STOP link"
