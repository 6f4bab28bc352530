"""The centre's settings: the environment's defaults until an administrator saves them,
checked beside their fields (the hour's value, the logo by its content and size),
audited, read once a page and followed by every process."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.centre import (
    MAX_LOGO_BYTES,
    CentreSettings,
    centre,
    save_centre,
    volunteer_hour_value,
)
from cal.core.errors import DomainError
from cal.core.pdf import render_pdf
from cal.core.timeutil import local_today
from cal.extensions import db

NAME = "Miejski Ośrodek Pomocy Społecznej w Zielonce"


@pytest.fixture
def app_settings() -> dict:
    return {"CENTRE_NAME": NAME, "CENTRE_CITY": "Zielonka", "VOLUNTEER_HOUR_VALUE": "38,50"}


def png() -> bytes:
    """A one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x80\xff")) + chunk(b"IEND", b""))


def form(**overrides) -> dict:
    data = {"name": "Ośrodek Pomocy Społecznej w Lipowie",
            "name_genitive": "Ośrodka Pomocy Społecznej w Lipowie", "address": "ul. Polna 2",
            "city": "Lipowo", "signatory_name": "Anna Nowak", "signatory_title": "Dyrektor",
            "represented_by": "Dyrektora Annę Nowak", "agreement_scope": "",
            "agreement_place": "świetlica ośrodka",
            "agreement_terms": "Za miesięcznym wypowiedzeniem.",
            "hour_value_gr": "41,20"}
    data.update(overrides)
    return data


def test_the_environment_gives_the_settings_until_they_are_saved(app):
    read = centre()
    assert not read.saved and read.name == NAME and read.city == "Zielonka"
    assert read.name_genitive == "Miejskiego Ośrodka Pomocy Społecznej w Zielonce"
    assert read.represented_by == "Dyrektora Ośrodka"
    assert volunteer_hour_value() == Decimal("38.50")


def test_saving_keeps_the_settings_and_audits_what_changed(app, users):
    saved = save_centre({"city": "Lipowo", "hour_value_gr": 4120}, users[Role.ADMIN])
    db.session.commit()
    assert saved.saved and saved.city == "Lipowo" and saved.name == NAME  # the rest kept
    assert volunteer_hour_value() == Decimal("41.20")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "centre_settings"))
    assert (entry.action, entry.user_id) == ("update", users[Role.ADMIN].id)
    assert set(entry.fields.split(",")) == {"city", "hour_value_gr"}


def test_a_negative_hour_value_is_refused(app, users):
    with pytest.raises(DomainError) as refused:
        save_centre({"hour_value_gr": -1}, users[Role.ADMIN])
    assert refused.value.field == "hour_value_gr"


@pytest.mark.parametrize("content", [b"GIF89a" + b"\x00" * 20, b"<svg></svg>",
                                     b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_LOGO_BYTES])
def test_a_logo_neither_png_nor_jpeg_or_too_large_is_refused(app, users, content):
    with pytest.raises(DomainError) as refused:
        save_centre({}, users[Role.ADMIN], logo=content)
    assert refused.value.field == "logo"
    assert db.session.get(CentreSettings, 1) is None


def test_the_logo_is_printed_on_documents_and_can_be_removed(app, users):
    def images() -> int:
        pdf = render_pdf("opinion", issued_on=local_today(), volunteer=users[Role.VOLUNTEER],
                         data={"period_start": local_today(), "period_end": local_today(),
                               "body": "Rzetelna i punktualna."})
        return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert images() == 0
    assert save_centre({}, users[Role.ADMIN], logo=png()).logo_type == "image/png"
    assert images() == 1
    assert save_centre({}, users[Role.ADMIN], remove_logo=True).logo_type == ""
    assert images() == 0


def test_only_an_administrator_opens_the_settings(client_as):
    assert client_as(Role.ADMIN).get("/admin/settings").status_code == 200
    for role in (Role.COORDINATOR, Role.VOLUNTEER, Role.LEADER, Role.PROJECT_MANAGER):
        assert client_as(role).get("/admin/settings").status_code == 403, role


def test_the_page_starts_from_the_defaults_and_saves_what_is_sent(client_as):
    client = client_as(Role.ADMIN)
    page = client.get("/admin/settings").text
    assert "Miejskiego Ośrodka Pomocy Społecznej w Zielonce" in page and "38,50" in page
    sent = client.post("/admin/settings", data={**form(), "logo": (io.BytesIO(png()), "logo.png")},
                       content_type="multipart/form-data")
    assert sent.status_code == 302 and sent.location.endswith("/admin/settings")
    row = db.session.get(CentreSettings, 1)
    assert (row.name, row.represented_by, row.hour_value_gr, row.logo_type) == (
        "Ośrodek Pomocy Społecznej w Lipowie", "Dyrektora Annę Nowak", 4120, "image/png")
    assert "Ośrodek Pomocy Społecznej w Lipowie · ul. Polna 2" in client.get("/").text


@pytest.mark.parametrize(("field", "sent", "message"), [
    ("hour_value_gr", {"hour_value_gr": "-5"}, "The amount cannot be negative."),
    ("logo", {"logo": FileStorage(io.BytesIO(b"not an image at all"), "logo.png")},
     "The logo must be a PNG or JPEG image."),
    ("logo", {"logo": FileStorage(io.BytesIO(b"\xff\xd8\xff" + b"\x00" * MAX_LOGO_BYTES),
                                  "big.jpg")},
     "The logo may be at most 1 MB."),
    ("name_genitive", {"name_genitive": ""}, "This field is required."),
])
def test_a_refused_field_is_answered_beside_it_and_nothing_is_stored(client_as, field, sent,
                                                                     message):
    client = client_as(Role.ADMIN)
    client.post("/language", data={"locale": "en"})  # the messages as written here
    # encoded here in memory: the test client would spool a large file to a temporary
    # file it never closes
    boundary, body = encode_multipart({**form(), **sent})
    answer = client.post("/admin/settings", data=body,
                         content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text and message in answer.text
    assert db.session.get(CentreSettings, 1) is None


def test_a_save_made_by_another_process_shows_on_the_next_page(client_as, users):
    client = client_as(Role.COORDINATOR)
    assert NAME in client.get("/").text  # this process has read the defaults
    save_centre({"name": "Ośrodek w Lipowie"}, users[Role.ADMIN])
    db.session.commit()
    assert "Ośrodek w Lipowie" in client.get("/").text
    # another process saves: this one's copy is older than the row's revision
    db.session.execute(update(CentreSettings).values(name="Ośrodek w Brzozowie",
                                                      revision=CentreSettings.revision + 1))
    db.session.commit()
    assert "Ośrodek w Brzozowie" in client.get("/").text


def test_a_signed_in_page_reads_the_settings_only_when_they_changed(client_as, users,
                                                                    count_queries):
    client = client_as(Role.COORDINATOR)
    save_centre({"name": "Ośrodek w Lipowie"}, users[Role.ADMIN])
    db.session.commit()
    client.get("/")
    with count_queries() as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries if "FROM centre_settings" in q and "users" not in q]
