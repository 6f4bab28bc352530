"""The groups' figures and printed documents: a group's month of attendance and its
sheet (lista obecności), the KIS certificate of participation, and the centre's months."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from cal.core import exports
from cal.core.access import roles_required
from cal.core.errors import DomainError
from cal.core.http import found
from cal.core.pdf import render_pdf
from cal.core.render import refused, render_page
from cal.core.timeutil import local_today
from cal.people import services as people
from clubs import reports, services, tables
from clubs.models import Mark, MemberStatus, Programme
from clubs.pages import LABELS, RUNNERS, STAFF, group_or_404, membership_or_404

bp = Blueprint("club_reports", __name__, url_prefix="/clubs")


def _month_arg():
    """The month asked for (?month=YYYY-MM), this month by default; 400 when malformed."""
    value = request.args.get("month", "")
    if not value:
        return local_today().replace(day=1)
    if not re.fullmatch(r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])", value):
        abort(400)
    year, month = value.split("-")
    return date(int(year), int(month), 1)


@bp.get("/groups/<int:group_id>/stats")
@roles_required(*RUNNERS)
def group_stats(group_id: int):
    group = group_or_404(group_id)
    first = _month_arg()
    report = reports.month_report(group, first)
    if exports.asked_format():
        return exports.send_list(tables.ATTENDANCE, report.lines)
    return render_page("clubs/stats.html", group=group, report=report,
                       exports=tables.takes_files(current_user),
                       month=first.strftime("%Y-%m"), cas=group.programme == Programme.CAS,
                       present_mark=Mark.PRESENT, absent_mark=Mark.ABSENT,
                       excused_mark=Mark.EXCUSED, **LABELS)


@bp.get("/groups/<int:group_id>/sheet.pdf")
@roles_required(*RUNNERS)
def attendance_sheet(group_id: int):
    group = group_or_404(group_id)
    first = _month_arg()
    report = reports.month_report(group, first)
    leaders = [leader.user.full_name for leader in services.leaders_of(group)]
    try:
        pdf = render_pdf("attendance_sheet", issued_on=local_today(), present=Mark.PRESENT,
                         month_name=MONTHS[first.month - 1],
                         **reports.sheet_context(report, leaders))
    except DomainError as error:
        return refused(error, url_for("club_reports.group_stats", group_id=group.id,
                                      month=first.strftime("%Y-%m")))
    name = exports.ascii_name(group.name, "grupa")
    return exports.attachment(pdf, f"lista-obecnosci-{name}-{first:%Y-%m}.pdf",
                              "group", group.id, f"attendance sheet {first:%Y-%m}")


@bp.get("/memberships/<int:membership_id>/certificate.pdf")
@roles_required(*STAFF)
def kis_certificate(membership_id: int):
    """The KIS certificate of participation (art. 18 ust. 5a), once it has ended."""
    membership, group = membership_or_404(membership_id)
    if group.programme != Programme.KIS or membership.status != MemberStatus.ENDED or (
            membership.joined_on is None):  # taken off the waiting list: never took part
        abort(404)
    person = found(people.get_person(membership.person_id))
    held, present = reports.participation_sessions(membership)
    pdf = render_pdf("kis_certificate", issued_on=local_today(), person=person, group=group,
                     membership=membership, start=membership.period_start or membership.joined_on,
                     end=membership.ended_on, held=held, present=present)
    name = exports.ascii_name(person.last_name, "grupa")
    return exports.attachment(pdf, f"zaswiadczenie-kis-{name}.pdf",
                              "membership", membership.id, "KIS certificate")


MONTHS = ["styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
          "wrzesień", "październik", "listopad", "grudzień"]


@bp.get("/stats")
@roles_required(*STAFF)
def centre_stats():
    first = _month_arg()
    return render_page("clubs/centre_stats.html", reports=reports.centre_months(first),
                       month=first.strftime("%Y-%m"), cas=Programme.CAS, **LABELS)
