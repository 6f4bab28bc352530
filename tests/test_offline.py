"""The phone without a signal (cal/core/offline.py): the service worker is served from the
site's root, asked again at each check and changed by any change of what it keeps; only
a volunteer's own pages say they may be kept; every HTML answer names its owner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cal.core import offline
from cal.core.access import Role
from cal.extensions import db
from tests.factories import VolunteerFactory

ROOT = Path(__file__).resolve().parents[1]
KEPT = ["/", "/events/shifts", "/volunteers/me/hours", "/volunteers/me/hours/new",
        "/volunteers/me/matches"]


@pytest.fixture
def volunteer_client(users, client_as):
    VolunteerFactory(first_name="Kacper", user_id=users[Role.VOLUNTEER].id)
    db.session.commit()
    return client_as(Role.VOLUNTEER)


def _shell(script: str) -> list[dict]:
    return json.loads(re.search(r"var SHELL = (\[.*?\]);", script).group(1))


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_worker_is_served_from_the_root_and_asked_again_each_time(
        client, volunteer_client, signed_in):
    answer = (volunteer_client if signed_in else client).get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "application/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"  # not the signed-in pages' no-store
    assert "Service-Worker-Allowed" not in answer.headers  # its own folder is the root
    again = client.get("/sw.js", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_the_worker_loads_workbox_from_our_own_files_and_keeps_the_shell(app, client):
    script = client.get("/sw.js").text
    imported = re.findall(r'"(/static/vendor/workbox-[0-9.]+/workbox-[a-z]+\.prod\.js)"',
                          script)
    assert [path.rsplit("/", 1)[1] for path in imported] == [
        "workbox-core.prod.js", "workbox-routing.prod.js", "workbox-strategies.prod.js",
        "workbox-precaching.prod.js"]
    assert "https://" not in script and "http://" not in script  # no CDN
    for path in imported:
        assert client.get(path).status_code == 200
    shell = _shell(script)
    for entry in shell:
        assert client.get(entry["url"]).status_code == 200
        assert re.fullmatch(r"[0-9a-f]{16}", entry["revision"])
    assert json.loads(re.search(r"var PAGES = (\[.*?\]);", script).group(1)) == KEPT
    assert "__VERSION__" not in script


def test_workbox_is_the_version_package_lock_holds():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/workbox-core"]["version"]
    for module in offline.WORKBOX_MODULES:
        assert lock["packages"][f"node_modules/workbox-{module}"]["version"] == version
    folder = ROOT / "cal" / "static" / "vendor" / f"workbox-{version}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["LICENSE"] + [f"workbox-{m}.prod.js" for m in offline.WORKBOX_MODULES])


def test_the_shell_holds_every_file_a_volunteers_page_loads(volunteer_client):
    shell = {entry["url"] for entry in _shell(volunteer_client.get("/sw.js").text)}
    for path in KEPT:
        page = volunteer_client.get(path)
        assert page.status_code == 200, path
        assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text))
        assert assets and assets <= shell, (path, assets - shell)
    offline_page = volunteer_client.get("/offline")
    assert set(re.findall(r'(?:href|src)="(/static/[^"]+)"', offline_page.text)) <= shell


def test_a_new_deployment_changes_the_worker(app, client, monkeypatch):
    before = client.get("/sw.js").text
    real = offline._digest
    monkeypatch.setattr(offline, "_digest", lambda data: real(data + b"a change of app.css"))
    after = client.get("/sw.js").text
    version = re.compile(r'var VERSION = "([0-9a-f]{16})"')
    assert version.search(before).group(1) != version.search(after).group(1)
    assert _shell(before) != _shell(after)


def test_only_the_volunteers_own_pages_may_be_kept(volunteer_client, client_as):
    for path in KEPT:
        page = volunteer_client.get(path)
        assert page.headers.get(offline.KEPT_HEADER) == "1", path
        assert re.fullmatch(r"[0-9a-f]{24}", page.headers[offline.OWNER_HEADER])
    # not another page of theirs, nor a page asked with a query, nor a part of one
    assert offline.KEPT_HEADER not in volunteer_client.get("/volunteers/me").headers
    assert offline.KEPT_HEADER not in volunteer_client.get("/volunteers/me/hours?page=2").headers
    fragment = volunteer_client.get("/volunteers/me/hours/new", headers={
        "HX-Request": "true", "HX-Target": "hours-form"})
    assert offline.KEPT_HEADER not in fragment.headers
    boosted = volunteer_client.get("/volunteers/me/hours/new", headers={
        "HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.headers.get(offline.KEPT_HEADER) == "1"
    # nor a page with a message shown once (it would be shown again offline)
    with volunteer_client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved.")]
    assert offline.KEPT_HEADER not in volunteer_client.get("/volunteers/me/hours").headers
    # the start page of the staff holds others' data: never kept
    coordinator = client_as(Role.COORDINATOR).get("/")
    assert coordinator.status_code == 200 and offline.KEPT_HEADER not in coordinator.headers


def test_each_answer_names_its_owner_and_nobody_after_sign_out(app, volunteer_client, client,
                                                             client_as):
    mine = volunteer_client.get("/volunteers/me/hours").headers[offline.OWNER_HEADER]
    assert volunteer_client.get("/volunteers/me").headers[offline.OWNER_HEADER] == mine
    other = client_as(Role.LEADER).get("/").headers[offline.OWNER_HEADER]  # another user
    assert other != mine and other != offline.NOBODY
    login = client.get("/login")
    assert login.headers[offline.OWNER_HEADER] == offline.NOBODY
    assert offline.OWNER_HEADER not in client.get("/static/app.css").headers  # not HTML
    volunteer_client.post("/logout")
    after = volunteer_client.get("/login")
    assert after.headers[offline.OWNER_HEADER] == offline.NOBODY


def test_the_offline_page_is_the_same_for_everybody_in_polish(volunteer_client, client):
    mine = volunteer_client.get("/offline")
    anyone = client.get("/offline", headers={"Accept-Language": "en"})
    assert mine.status_code == anyone.status_code == 200
    assert mine.data == anyone.data
    assert mine.text.startswith('<!doctype html>\n<html lang="pl">')
    assert "Zapisz godziny" in mine.text  # Log hours
    assert "Kacper" not in mine.text and "csrf" not in mine.text and "<script" not in mine.text


def test_only_a_volunteers_page_starts_the_worker(volunteer_client, client_as, client):
    worker = '<meta name="service-worker" content="/sw.js">'
    assert worker in volunteer_client.get("/").text
    assert worker not in client_as(Role.COORDINATOR).get("/").text
    assert worker not in client.get("/login").text


def test_what_the_browser_asks_for_by_itself_leaves_the_session_alone(volunteer_client):
    """The worker's checks and the shell, fetched in the background, write no session
    cookie: one arriving after a form's answer would put back the session before it."""
    assert "Set-Cookie" in volunteer_client.get("/volunteers/me/hours").headers  # a page does
    for path in ("/sw.js", "/offline", "/static/app.css"):
        answer = volunteer_client.get(path)
        assert answer.status_code == 200 and "Set-Cookie" not in answer.headers, path
