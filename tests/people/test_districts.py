"""Districts and their centre points, edited by an administrator."""

from __future__ import annotations

from sqlalchemy import select

from cal.core.access import Role
from cal.extensions import db
from cal.people.models import District
from tests.factories import DistrictFactory


def test_an_admin_adds_and_moves_districts(client_as):
    existing = DistrictFactory(name="Stare Miasto")
    db.session.commit()
    client = client_as(Role.ADMIN)
    assert "Stare Miasto" in client.get("/admin/districts").text
    added = client.post("/admin/districts", data={"new-name": "Zatorze", "new-x_km": "2.5",
                                                  "new-y_km": "-1"})
    assert added.status_code == 302
    moved = client.post(f"/admin/districts/{existing.id}", data={
        f"d{existing.id}-name": "Stare Miasto", f"d{existing.id}-x_km": "0.4",
        f"d{existing.id}-y_km": "0.2"})
    assert moved.status_code == 302
    db.session.expire_all()  # the requests changed the rows in their own sessions
    rows = {d.name: (d.x_km, d.y_km) for d in db.session.scalars(select(District))}
    assert rows == {"Stare Miasto": (0.4, 0.2), "Zatorze": (2.5, -1.0)}


def test_a_duplicate_name_or_a_bad_number_is_refused_with_the_form_kept(client_as):
    DistrictFactory(name="Stare Miasto")
    db.session.commit()
    client = client_as(Role.ADMIN)
    twice = client.post("/admin/districts", data={"new-name": "Stare Miasto", "new-x_km": "1",
                                                  "new-y_km": "1"})
    assert twice.status_code == 422 and 'class="field-error"' in twice.text
    far = client.post("/admin/districts", data={"new-name": "Daleko", "new-x_km": "5000",
                                                "new-y_km": "abc"})
    assert far.status_code == 422 and "Daleko" in far.text
    assert db.session.scalar(select(District).where(District.name == "Daleko")) is None


def test_only_an_admin_edits_districts(client_as):
    assert client_as(Role.COORDINATOR).get("/admin/districts").status_code == 403
