"""The KIS annual report for the coordinators: the year's page, its PDF for the
voivode, its figures as a file, and the day it was sent (the reminders stop)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core import exports
from cal.core.access import Role, roles_required
from cal.core.errors import DomainError
from cal.core.figures import check_year
from cal.core.forms import YearForm, show_refusal
from cal.core.pdf import render_pdf
from cal.core.render import go, refused, render_page
from cal.core.rooms import MenuEntry, declare
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.projects.kis_report import jobs, records, services, tables
from cal.projects.kis_report.forms import SentForm
from cal.projects.models import FUNDER_LABELS
from clubs.models import END_EFFECT_LABELS, GROUP_KIND_LABELS, TARGET_GROUP_LABELS, EndEffect

bp = Blueprint("kis_report", __name__, url_prefix="/kis/report")
declare(bp, scans=[jobs.report_to_send], records=records.RECORDS, menu=[
    MenuEntry("kis_report.report", _l("KIS report"), 125)])

STAFF = (Role.ADMIN, Role.COORDINATOR)
# The effects as the page's columns name them (the full words in each header's title).
SHORT_EFFECTS = {EndEffect.EMPLOYMENT: _l("Work"), EndEffect.TRAINING: _l("Training"),
                 EndEffect.COOPERATIVE: _l("Cooperative"),
                 EndEffect.OTHER: _l("Other reintegration"),
                 EndEffect.NONE: _l("No effect"), EndEffect.NOT_RECORDED: _l("Not recorded")}
LABELS = {"target_groups": TARGET_GROUP_LABELS, "end_effects": END_EFFECT_LABELS,
          "effects": list(EndEffect), "group_kinds": GROUP_KIND_LABELS,
          "short_effects": SHORT_EFFECTS, "funders": FUNDER_LABELS,
          "not_given": tables.NOT_GIVEN, "no_topic": tables.NO_TOPIC}


@bp.get("/")
@roles_required(*STAFF)
def report():
    form = YearForm(request.args)
    if not form.validate():
        return render_page("kis_report/report.html", status=422, form=form, report=None,
                           sent_form=None, **LABELS)
    today = local_today()
    year = form.year.data = form.chosen(default=today.year - 1)  # last year's is due
    kis = services.kis_report(year)
    if exports.asked_format():
        return exports.send_list(tables.KIS_REPORT, tables.lines(kis))
    return render_page("kis_report/report.html", form=form, report=kis,
                       sent_form=SentForm(sent_on=today), may_send=year < today.year, **LABELS)


@bp.get("/<int:year>.pdf")
@roles_required(*STAFF)
def report_pdf(year: int):
    today = local_today()
    try:
        check_year(year, today)
        pdf = render_pdf("kis_report", report=services.kis_report(year), issued_on=today,
                         **LABELS)
    except DomainError as error:
        return refused(error, url_for("kis_report.report"))
    return exports.attachment(pdf, f"sprawozdanie-kis-{year}.pdf", "kis_report", None,
                              f"report for {year} (PDF)")


@bp.post("/<int:year>/sent")
@roles_required(*STAFF)
def report_sent(year: int):
    form = SentForm()
    today = local_today()
    if not 2000 <= year <= today.year:  # no report of such a year to mark
        abort(404)
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Give the day the report was sent."), field="sent_on")
        services.mark_sent(year, form.sent_on.data, current_user, today)
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error)
        return render_page("kis_report/report.html", status=422,
                           form=YearForm(formdata=None, data={"year": year}),
                           report=services.kis_report(year), sent_form=form,
                           may_send=year < today.year, **LABELS)
    db.session.commit()
    flash(_("The report for %(year)d is marked as sent.", year=year), "success")
    return go(url_for("kis_report.report", year=year))
