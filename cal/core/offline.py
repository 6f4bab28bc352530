"""The volunteer's phone without a signal: the service worker (Workbox, from our own
static files) keeps the app's shell and the volunteer's own pages last seen, so that the
app opens in a basement or on a bus, and the hours form saves into the phone's queue
(cal/static/app.js) until the network returns.

A view kept on the phone says so with ``@kept_offline`` (the start page, my hours, the
hours form, whom I help, my shifts). Its answer to a signed-in volunteer carries
``X-Offline-Page: 1``; the service worker keeps nothing else. Every HTML answer carries
``X-Offline-Owner``, a keyed hash of the session's user (``-`` when nobody is signed
in): the phone keeps the pages of one owner at a time, and an answer of another owner
(the login page after a sign-out, another volunteer signed in) empties them first.

The worker's script (templates/core/sw.js, served at /sw.js for the whole site) names
the shell's files with a hash of their bytes: a deployment that changes any of them, or
the worker, or Workbox, changes the script, and the phone installs the new worker, which
takes over at once and deletes the old caches.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path

from flask import current_app, render_template, request, session, url_for
from flask.globals import request_ctx
from flask_babel import force_locale
from flask_login import current_user

from cal.core.access import Role

OWNER_HEADER = "X-Offline-Owner"
KEPT_HEADER = "X-Offline-Page"
NOBODY = "-"
# The shell: every file a volunteer's page loads (base.html), and the offline page.
SHELL = ("vendor/pico-2.1.1.min.css", "app.css", "vendor/htmx-2.0.11.min.js", "app.js",
         "favicon.svg", "icon-192.png", "manifest.webmanifest")
WORKBOX_MODULES = ("core", "routing", "strategies", "precaching")  # in the order they load
NETWORK_TIMEOUT_SECONDS = 4  # a network that answers nothing: the kept page instead


def kept_offline(view: Callable) -> Callable:
    """Keep the page of this view on the volunteer's phone for the times without a
    network (the view takes no arguments from its URL; its page is the volunteer's own)."""
    view.kept_offline = True
    return view


def owner_of_session() -> str:
    user_id = session.get("_user_id")
    if user_id is None:
        return NOBODY
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"offline-owner:{user_id}".encode(), hashlib.sha256).hexdigest()[:24]


def mark_response(response):
    """Registered as after_request: every HTML answer names its owner; a page kept
    offline, whole and as the signed-in volunteer sees it, says it may be kept (not with
    a message shown once, such as "Saved", which would be shown again offline)."""
    if response.mimetype != "text/html":
        return response
    response.headers[OWNER_HEADER] = owner_of_session()
    view = current_app.view_functions.get(request.endpoint or "")
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    if (getattr(view, "kept_offline", False) and response.status_code == 200 and not fragment
            and request.method == "GET" and not request.query_string
            and not request_ctx.flashes
            and current_user.is_authenticated and current_user.role == Role.VOLUNTEER):
        response.headers[KEPT_HEADER] = "1"
    return response


def kept_paths() -> list[str]:
    """The URLs of the views kept offline."""
    return sorted(rule.rule for rule in current_app.url_map.iter_rules()
                  if getattr(current_app.view_functions[rule.endpoint], "kept_offline", False))


def _static_folder() -> Path:
    return Path(current_app.static_folder)


def workbox_folder() -> str:
    """The folder of Workbox's runtime under static/vendor (``make workbox``)."""
    found = sorted(p.name for p in (_static_folder() / "vendor").glob("workbox-*") if p.is_dir())
    if len(found) != 1:
        raise RuntimeError(f"expected one static/vendor/workbox-* folder, found {found}")
    return found[0]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def offline_page() -> str:
    """The page shown for a page not kept on the phone, in the centre's language: the
    same for everybody (it is kept once, for whoever uses the phone next)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return render_template("core/offline.html")


def worker_script() -> str:
    folder = workbox_folder()
    precached = [{"url": url_for("static", filename=name),
                  "revision": _digest((_static_folder() / name).read_bytes())}
                 for name in SHELL]
    page = url_for("core.offline_page")
    precached.append({"url": page, "revision": _digest(offline_page().encode())})
    workbox = [url_for("static", filename=f"vendor/{folder}/workbox-{module}.prod.js")
               for module in WORKBOX_MODULES]
    script = render_template("core/sw.js", workbox=workbox, precached=precached,
                             pages=kept_paths(), offline_url=page, owner_header=OWNER_HEADER,
                             kept_header=KEPT_HEADER, timeout=NETWORK_TIMEOUT_SECONDS)
    # The version names the caches: it changes with the worker or any file of the shell.
    return script.replace("__VERSION__", _digest(script.encode()))
