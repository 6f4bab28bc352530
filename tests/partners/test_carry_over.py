"""The partners typed before the register are carried over by the migration: the text
split into names, each matched to the register (case, Polish letters and quotes aside)
or added as a partner of kind "other", and linked; going back writes the names again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from cal import create_app
from cal.partners.names import name_key, split_names
from tests.conftest import config_for_tests

BEFORE = "a1c3e5f70b21"  # the register's table, before the links


def test_a_typed_text_splits_into_names_one_a_line_semicolon_or_comma_between_names():
    assert split_names("Szkoła Podstawowa nr 3\n- Miejski Dom Kultury.\n\n1. OSiR") == [
        "Szkoła Podstawowa nr 3", "Miejski Dom Kultury", "OSiR"]
    assert split_names("Policja; Straż Miejska ;policja") == ["Policja", "Straż Miejska"]
    assert split_names("Szkoła Podstawowa nr 3, Biblioteka, Caritas") == [
        "Szkoła Podstawowa nr 3", "Biblioteka", "Caritas"]
    # a comma inside a name, or before an address, is no separator
    assert split_names("Komenda Powiatowa Policji, ul. Kościuszki 21") == [
        "Komenda Powiatowa Policji, ul. Kościuszki 21"]
    assert split_names("Fundacja „Dom, Ogród”") == ["Fundacja „Dom, Ogród”"]
    assert split_names("") == [] and split_names(" ;\n, ") == []
    assert len(split_names("A" * 500)[0]) == 200


def test_one_key_for_one_name_however_typed():
    assert name_key("Stowarzyszenie „Razem”") == name_key('stowarzyszenie "RAZEM".')
    assert name_key("Ośrodek Sportu") == name_key("osrodek sportu")
    assert name_key("Szkoła nr 3") != name_key("Szkoła nr 5")


def _rows(connection, sql: str) -> list:
    return [tuple(row) for row in connection.execute(text(sql))]


def test_the_migration_links_the_typed_partners_and_going_back_types_them_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(config_for_tests(url))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, BEFORE)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO partners (id, name, kind, address, phone, email, website, "
                "agreement_note, notes, active, created_at, updated_at) VALUES (7, "
                "'Miejski Ośrodek Pomocy Rodzinie', 'health', '', '', '', '', '', '', 1, "
                "'2026-01-01', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO projects (id, name, funder, programme, call_number, "
                "agreement_number, starts_on, ends_on, value_gr, share_eu, share_national, "
                "share_own, settlement, indirect_rate, status, partners, help_kinds, "
                "monitors_participants, created_at) VALUES (1, 'Aktywni razem', 'eu', '', '', "
                "'', '2026-01-01', '2026-12-31', 0, 0, 0, 0, 'real_costs', 0, 'running', "
                "'miejski osrodek pomocy rodzinie\nSzkoła Podstawowa nr 3; Caritas', '', 0, "
                "'2026-01-01')"))
            connection.execute(text(
                "INSERT INTO events (id, title, kind, description, starts_at, ends_at, place, "
                "organiser, partners, audience, public, status, cancel_reason, created_at, "
                "updated_at) VALUES (2, 'Mikołajki', 'children', '', '2026-12-06 09:00', "
                "'2026-12-06 12:00', 'Świetlica', '', 'Szkoła podstawowa NR 3, Caritas', "
                "'everyone', 1, 'published', '', '2026-01-01', '2026-01-01')"))
            connection.execute(text("INSERT INTO project_events VALUES (1, 2)"))
        command.upgrade(config, "head")
        with engine.connect() as connection:
            # the rows that refer to projects and events stay (no table was copied)
            assert _rows(connection, "SELECT * FROM project_events") == [(1, 2)]
            partners = dict(_rows(connection, "SELECT name, kind FROM partners"))
            assert partners == {"Miejski Ośrodek Pomocy Rodzinie": "health",
                                "Szkoła Podstawowa nr 3": "other", "Caritas": "other"}
            assert _rows(connection, "SELECT p.name FROM project_partners l JOIN partners p "
                                     "ON p.id = l.partner_id ORDER BY p.name") == [
                ("Caritas",), ("Miejski Ośrodek Pomocy Rodzinie",), ("Szkoła Podstawowa nr 3",)]
            assert _rows(connection, "SELECT p.name FROM event_partners l JOIN partners p "
                                     "ON p.id = l.partner_id ORDER BY p.name") == [
                ("Caritas",), ("Szkoła Podstawowa nr 3",)]
            assert _rows(connection, "SELECT search_text FROM partners WHERE id = 7") == [
                ("miejski osrodek pomocy rodzinie",)]
        command.downgrade(config, BEFORE)
        with engine.connect() as connection:
            assert _rows(connection, "SELECT * FROM project_events") == [(1, 2)]
            assert _rows(connection, "SELECT partners FROM projects") == [
                ("Caritas\nMiejski Ośrodek Pomocy Rodzinie\nSzkoła Podstawowa nr 3",)]
            assert _rows(connection, "SELECT partners FROM events") == [
                ("Caritas, Szkoła Podstawowa nr 3",)]
        engine.dispose()
