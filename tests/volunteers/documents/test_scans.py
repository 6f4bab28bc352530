"""Scans of signed papers: the type read from the content, the size limit, who may see a
scan, the audit of every upload, removal and download, the RODO export and erasure, and
no scan of a criminal-record certificate. The refusals are read in Polish, as the
centre's staff read them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_today, utcnow
from cal.extensions import db
from cal.people import retention, rodo
from cal.people.models import SubjectKind
from tests.factories import VolunteerFactory
from volunteers.documents import scans
from volunteers.models import ComplianceRecord, RecordKind, VolunteerScan, VolunteerStatus

TODAY = local_today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
LIMIT = 2048


@pytest.fixture
def app_settings() -> dict:
    # A small limit, so the tests need no megabytes; the request may be larger than it.
    return {"SCAN_MAX_BYTES": LIMIT, "MAX_CONTENT_LENGTH": 8 * LIMIT}


class Upload:
    """What a form's file field gives the service."""

    def __init__(self, content: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(content), filename


def record(volunteer, kind=RecordKind.AGREEMENT) -> ComplianceRecord:
    found = ComplianceRecord(volunteer_id=volunteer.id, kind=kind, done_on=TODAY,
                             period_start=TODAY, scope="nauka", place="dom", terms="7 dni")
    db.session.add(found)
    db.session.flush()
    return found


def attach(users, volunteer, content=PDF, filename="porozumienie.pdf", kind=RecordKind.AGREEMENT):
    signed = record(volunteer, kind)
    return scans.attach_scan(volunteer, signed, Upload(content, filename),
                             users[Role.COORDINATOR], LIMIT)


def refusal(users, content: bytes, filename: str) -> str:
    with pytest.raises(DomainError) as refused:
        attach(users, VolunteerFactory(), content, filename)
    assert refused.value.field == "file"
    return refused.value.message


def test_the_type_is_read_from_the_content_not_the_name(users):
    assert attach(users, VolunteerFactory(), PDF, "skan.png").content_type == "application/pdf"
    assert attach(users, VolunteerFactory(), PNG, "skan.pdf").content_type == "image/png"
    assert attach(users, VolunteerFactory(), JPEG, "skan").content_type == "image/jpeg"


@pytest.mark.parametrize("content", [b"hello, this is text", b"<html><script>x</script>",
                                     b"MZ\x90\x00 a program", b" %PDF-1.4 shifted"])
def test_a_file_that_is_no_pdf_png_or_jpeg_is_refused_whatever_its_name(users, content):
    assert "PDF, PNG ani JPEG" in refusal(users, content, "porozumienie.pdf")
    assert db.session.scalar(select(func.count()).select_from(VolunteerScan)) == 0


def test_an_empty_or_too_large_file_is_refused_beside_the_field(users):
    assert "pusty" in refusal(users, b"", "a.pdf")
    assert "za duży" in refusal(users, PDF + b"0" * LIMIT, "a.pdf")
    assert attach(users, VolunteerFactory(), PDF.ljust(LIMIT, b"0")).size_bytes == LIMIT


def test_the_scan_keeps_its_checksum_sender_and_the_name_it_was_sent_with(users):
    scan = attach(users, VolunteerFactory(), PNG, "Porozumienie Żak.png")
    assert scan.sha256 == hashlib.sha256(PNG).hexdigest()
    assert scan.uploaded_by_id == users[Role.COORDINATOR].id
    assert scan.file_name == "Porozumienie Żak.png" and scan.size_bytes == len(PNG)


@pytest.mark.parametrize("kind", sorted(scans.NO_SCAN))
def test_no_scan_is_kept_of_a_criminal_record_certificate_or_register_check(users, kind):
    with pytest.raises(DomainError) as refused:
        attach(users, VolunteerFactory(), kind=kind)
    assert "RODO art. 10" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(VolunteerScan)) == 0


def test_a_new_scan_replaces_the_old_and_each_change_is_audited(users):
    volunteer = VolunteerFactory()
    signed = record(volunteer)
    coordinator = users[Role.COORDINATOR]
    first = scans.attach_scan(volunteer, signed, Upload(PDF, "a.pdf"), coordinator, LIMIT)
    second = scans.attach_scan(volunteer, signed, Upload(PNG, "b.png"), coordinator, LIMIT)
    assert second.id == first.id and second.content_type == "image/png"
    scans.remove_scan(volunteer, signed, coordinator)
    assert db.session.scalar(select(func.count()).select_from(VolunteerScan)) == 0
    assert db.session.get(ComplianceRecord, signed.id) is not None  # the record stays
    actions = db.session.scalars(select(AuditLog.action).where(
        AuditLog.entity == "volunteer_scan").order_by(AuditLog.id)).all()
    assert actions == ["create", "update", "delete"]


def test_the_coordinator_attaches_and_downloads_a_scan_from_the_volunteers_page(
        client_as, users):
    volunteer = VolunteerFactory()
    signed = record(volunteer)
    db.session.commit()
    coordinator = client_as(Role.COORDINATOR)
    url = f"/volunteers/{volunteer.id}/records/{signed.id}/scan"
    assert url in coordinator.get(f"/volunteers/{volunteer.id}").text
    form = coordinator.get(url)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    sent = coordinator.post(url, data={"file": (io.BytesIO(PDF), "skan.png")},
                            content_type="multipart/form-data")
    assert sent.status_code == 302
    scan = db.session.scalar(select(VolunteerScan))
    assert "Skan (PDF)" in coordinator.get(f"/volunteers/{volunteer.id}").text
    download = f"/volunteers/{volunteer.id}/scans/{scan.id}"
    assert download in coordinator.get(url).text
    answer = coordinator.get(download)
    assert answer.status_code == 200 and answer.data == PDF
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.entity == "volunteer_scan", AuditLog.entity_id == scan.id,
        AuditLog.action == "export")) == "export"


@pytest.mark.parametrize(("content", "name", "said"), [
    (b"plain text", "skan.pdf", "PDF, PNG ani JPEG"),
    (b"", "skan.pdf", "pusty"),
    (PDF + b"0" * LIMIT, "skan.pdf", "za duży"),
])
def test_a_refused_upload_is_said_beside_the_field(client_as, content, name, said):
    volunteer = VolunteerFactory()
    signed = record(volunteer)
    db.session.commit()
    answer = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/records/{signed.id}/scan",
        data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert answer.status_code == 422
    assert 'id="file-error"' in answer.text and said in answer.text
    assert db.session.scalar(select(func.count()).select_from(VolunteerScan)) == 0


def test_a_form_sent_without_a_file_asks_for_one(client_as):
    volunteer = VolunteerFactory()
    signed = record(volunteer)
    db.session.commit()
    answer = client_as(Role.COORDINATOR).post(
        f"/volunteers/{volunteer.id}/records/{signed.id}/scan", data={"file": "text"})
    assert answer.status_code == 422 and "Wybierz plik ze skanem" in answer.text


def test_a_request_over_the_size_limit_is_answered_with_a_page_that_says_so(client_as):
    volunteer = VolunteerFactory()
    signed = record(volunteer)
    db.session.commit()
    url = f"/volunteers/{volunteer.id}/records/{signed.id}/scan"
    answer = client_as(Role.COORDINATOR).post(
        url, data={"file": (io.BytesIO(PDF + b"0" * 10 * LIMIT), "big.pdf")},
        content_type="multipart/form-data")
    assert answer.status_code == 413
    assert "Plik jest za duży" in answer.text and f'href="{url}"' in answer.text


def test_the_criminal_record_form_says_no_copy_is_kept_and_its_scan_page_offers_no_upload(
        client_as):
    volunteer = VolunteerFactory()
    checked = record(volunteer, RecordKind.CRIMINAL_RECORD)
    db.session.commit()
    coordinator = client_as(Role.COORDINATOR)
    form = coordinator.get(f"/volunteers/{volunteer.id}/records/criminal_record").text
    assert "Nie dołączaj ani nie przechowuj kopii zaświadczenia" in form
    url = f"/volunteers/{volunteer.id}/records/{checked.id}/scan"
    assert url not in coordinator.get(f"/volunteers/{volunteer.id}").text
    page = coordinator.get(url)
    assert "RODO art. 10" in page.text and 'type="file"' not in page.text
    posted = coordinator.post(url, data={"file": (io.BytesIO(PDF), "krk.pdf")},
                              content_type="multipart/form-data")
    assert posted.status_code == 422 and 'role="alert"' in posted.text
    assert db.session.scalar(select(func.count()).select_from(VolunteerScan)) == 0


@pytest.mark.parametrize("role", [Role.LEADER, Role.PROJECT_MANAGER, Role.VOLUNTEER])
def test_only_coordinators_and_administrators_reach_a_volunteers_scans(client_as, users, role):
    volunteer = VolunteerFactory()
    scan = attach(users, volunteer)
    db.session.commit()
    client = client_as(role)
    for url in (f"/volunteers/{volunteer.id}/scans/{scan.id}",
                f"/volunteers/{volunteer.id}/records/{scan.record_id}/scan"):
        assert client.get(url).status_code == 403
    assert client.post(f"/volunteers/{volunteer.id}/records/{scan.record_id}/scan/remove"
                       ).status_code == 403
    assert client_as(Role.ADMIN).get(f"/volunteers/{volunteer.id}/scans/{scan.id}"
                                     ).status_code == 200


def test_a_scan_is_reached_only_through_its_own_volunteer(client_as, users):
    scan = attach(users, VolunteerFactory())
    other = VolunteerFactory()
    db.session.commit()
    assert client_as(Role.COORDINATOR).get(f"/volunteers/{other.id}/scans/{scan.id}"
                                           ).status_code == 404


def test_the_volunteer_downloads_their_own_scans_and_no_one_elses(client_as, users):
    me = VolunteerFactory(user_id=users[Role.VOLUNTEER].id)
    mine, theirs = attach(users, me, PNG, "moje.png"), attach(users, VolunteerFactory())
    db.session.commit()
    volunteer = client_as(Role.VOLUNTEER)
    assert f"/volunteers/me/scans/{mine.id}" in volunteer.get("/volunteers/me").text
    answer = volunteer.get(f"/volunteers/me/scans/{mine.id}")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert volunteer.get(f"/volunteers/me/scans/{theirs.id}").status_code == 404


def test_the_rodo_export_holds_the_scans_and_the_erasure_deletes_them(client_as, users):
    volunteer = VolunteerFactory()
    scan = attach(users, volunteer, PNG, "zgoda.png", RecordKind.GUARDIAN_CONSENT)
    kept = attach(users, VolunteerFactory())  # another volunteer's stays
    subject = rodo.gather(SubjectKind.VOLUNTEER, volunteer.id)
    logged = rodo.open_request(subject, {"kind": "access", "received_on": TODAY,
                                         "identity_check": "dowód"}, users[Role.ADMIN])
    db.session.commit()
    admin = client_as(Role.ADMIN)
    assert f"/admin/rodo/{logged.id}/export.zip" in admin.get(f"/admin/rodo/{logged.id}").text
    answer = admin.get(f"/admin/rodo/{logged.id}/export.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    data = json.loads(archive.read("dane.json"))
    row = data["sections"]["volunteer_scans"][0]
    assert row["file_name"] == "zgoda.png" and "content" not in row
    assert archive.read(f"pliki/volunteers/{scan.id}-zgoda.png") == PNG
    assert len(archive.namelist()) == 2
    assert '"content":' not in admin.get(f"/admin/rodo/{logged.id}/export.json").text

    rodo.anonymise(rodo.gather(SubjectKind.VOLUNTEER, volunteer.id), users[Role.ADMIN],
                   "test", {})
    assert db.session.scalars(select(VolunteerScan.id)).all() == [kept.id]


def test_the_retention_sweep_takes_the_scans_with_the_volunteer(users):
    gone = VolunteerFactory(status=VolunteerStatus.LEFT,
                            left_at=utcnow() - timedelta(days=31 * 61))
    here = VolunteerFactory(status=VolunteerStatus.ACTIVE)
    attach(users, gone)
    kept = attach(users, here)
    retention.set_periods({retention.RecordType.VOLUNTEER: 60}, users[Role.ADMIN])
    assert retention.sweep()[retention.RecordType.VOLUNTEER] == 1
    assert db.session.scalars(select(VolunteerScan.id)).all() == [kept.id]
