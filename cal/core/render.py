"""The one way to answer with a page or an htmx fragment of it.

A page is one template. A region that htmx refreshes is a ``{% block %}`` named
after the id of the element it fills, hyphens written as underscores (the element
``id="people-results"`` is filled by ``{% block people_results %}``). One of many
like elements carries its number at the end of its id, which the block's name leaves
out (``id="mark-12"`` is filled by ``{% block mark %}``). An htmx request that is not
boosted and targets such an id gets only that block; everybody else gets the whole
page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template
from htmx_flask import request
from jinja2_fragments import BlockNotFoundError
from jinja2_fragments.flask import render_block

from cal.extensions import db


def wants_fragment() -> bool:
    return bool(request.htmx) and not request.htmx.boosted and bool(request.htmx.target)


MAX_PAGE = 100_000


def page_number() -> int:
    """The page asked for (``page``, of the query or the form), within 1..MAX_PAGE."""
    return min(max(request.values.get("page", 1, type=int), 1), MAX_PAGE)


def render_page(template: str, status: int = 200, **context):
    """Render ``template`` whole, or only the block the htmx request targets."""
    if wants_fragment():
        try:
            block = re.sub(r"-[0-9]+$", "", request.htmx.target).replace("-", "_")
            return render_block(template, block, **context), status
        except BlockNotFoundError:
            pass
    return render_template(template, **context), status


def render_form(template: str, form, **context):
    """The page of a form: 200 when first shown; 422 when it was sent and refused,
    with the errors beside the fields (htmx is configured to swap 422 answers)."""
    status = 422 if form.is_submitted() else 200
    return render_page(template, status=status, form=form, **context)


def refused(error, url: str):
    """A refused action that has no form of its own (a button, a download): nothing of
    it is stored, and the rule's reason is said at the top of the page at ``url`` (the
    one way beside the forms' show_refusal)."""
    db.session.rollback()
    flash(error.message, "error")
    return go(url)


def refused_in_place(error, render, fields: dict[str, str] | None = None):
    """A refused action on a page that answers in place (a tap on an attendance list, a
    proposal on a request's page, htmx swapping the part it changed): nothing of it is
    stored, and ``render`` answers the page again, status 422, with the rule's reason at
    its top (``_forms.html``'s ``refusal``), or beside the field ``fields`` names for the
    error's field. ``render`` reads what it shows after the rollback."""
    db.session.rollback()
    name = (fields or {}).get(error.field or "", "error")
    return render(code=422, **{name: error.message})


def go(url: str):
    """After a form was stored: a redirect to ``url``; for an htmx request an empty
    answer whose HX-Redirect makes the browser open ``url`` as a whole page. The page
    the form was sent from, with only a #fragment added (its section), is loaded again
    too (HX-Refresh): the browser would only scroll to the fragment."""
    if request.htmx:
        headers = {"HX-Redirect": url}
        if _same_page(url, request.htmx.current_url):
            headers["HX-Refresh"] = "true"
        return "", 204, headers
    return redirect(url)


def _same_page(url: str, current: str | None) -> bool:
    target, here = urlsplit(url), urlsplit(current or "")
    return bool(target.fragment) and (target.path, target.query) == (here.path, here.query)
