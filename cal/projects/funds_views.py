"""Funds by source for a year: what every project had from each source, planned and
spent, beside the year before, with the sponsors' gifts in kind; as a page and as a
file. Read by administrators (the director) and project managers, who keep the
amounts; no family is named on it."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from cal.core import exports
from cal.core.access import roles_required
from cal.core.forms import YearForm
from cal.core.render import render_page
from cal.core.rooms import MenuEntry, declare
from cal.projects import funds, funds_table
from cal.projects.services import MANAGERS

bp = Blueprint("funds", __name__, url_prefix="/funds")
declare(bp, menu=[MenuEntry("funds.index", _l("Funds by source"), 131)])


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    form = YearForm(request.args)
    if not form.validate():
        return render_page("projects/funds.html", status=422, form=form, funds=None)
    form.year.data = form.chosen()
    summary = funds.funds_by_source(form.year.data)
    if exports.asked_format():
        return exports.send_list(funds_table.FUNDS, funds_table.rows(summary))
    return render_page("projects/funds.html", form=form, funds=summary)
