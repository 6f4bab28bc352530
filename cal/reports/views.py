"""The year's report: the department's figures for a year beside the years before it,
as a page, a PDF and a spreadsheet. Coordinators and administrators read it: it adds
up the whole department (every group, match and project), beyond the reach of a
leader (their own groups) or a project manager (their own projects)."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.forms import YearForm
from cal.core.pdf import render_pdf
from cal.core.render import refused, render_page
from cal.core.rooms import MenuEntry, RecordKind, declare
from cal.core.timeutil import local_today, utcnow
from cal.extensions import db
from cal.reports import jobs, pages, services

bp = Blueprint("reports", __name__, url_prefix="/reports")
declare(bp, late_scans=[jobs.year_figures],
        records=[RecordKind("year_report", _l("The year's report"))],
        menu=[MenuEntry("reports.year", _l("Year's report"), 140)])
READERS = (Role.ADMIN, Role.COORDINATOR)


@bp.get("/year")
@roles_required(*READERS)
def year():
    form = YearForm(request.args)
    if not form.validate():
        return render_page("reports/year.html", form=form, report=None, status=422,
                           today=local_today())
    today = local_today()
    report = services.year_report(form.chosen(), today, now=utcnow())
    page = render_page("reports/year.html", form=form, report=report, today=today,
                       sections=pages.sections(report))
    db.session.commit()  # the counts made, kept
    return page


@bp.post("/year/recount")
@roles_required(*READERS)
def recount():
    """Count this year's figures now, rather than wait for the few minutes' count."""
    chosen, refusal = _year_or_refusal()
    if refusal:
        return refusal
    services.recount(chosen, again=True)
    return redirect(url_for("reports.year", year=chosen))


def _year_or_refusal():
    """The year the address asks for, or the refusal that says why it cannot be read."""
    form = YearForm(request.args)
    if not form.validate():
        return None, refused(DomainError(" ".join(form.year.errors)), url_for("reports.year"))
    return form.chosen(), None


def _report_or_refusal():
    chosen, refusal = _year_or_refusal()
    if refusal:
        return None, refusal
    return services.year_report(chosen, local_today()), None


@bp.get("/year.pdf")
@roles_required(*READERS)
def year_pdf():
    report, refusal = _report_or_refusal()
    if refusal:
        return refusal
    with force_locale("pl"):
        charts, months = pages.charts(report), pages.month_names()
    try:
        pdf = render_pdf("year_report", issued_on=local_today(), report=report,
                         charts=charts, months=months)
    except DomainError as error:
        return refused(error, url_for("reports.year", year=report.year))
    return exports.attachment(pdf, f"sprawozdanie-{report.year}.pdf", "year_report",
                              None, f"year {report.year}, PDF")


@bp.get("/year.xlsx")
@roles_required(*READERS)
def year_xlsx():
    report, refusal = _report_or_refusal()
    if refusal:
        return refusal
    rows = services.spreadsheet_rows(report, pages.month_names())
    body = exports.xlsx_bytes(rows, _("Year %(year)s", year=report.year))
    return exports.attachment(body, f"sprawozdanie-{report.year}.xlsx", "year_report",
                              None, f"year {report.year}, XLSX")
