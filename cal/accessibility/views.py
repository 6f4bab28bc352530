"""The accessibility statement: public, in the layout the ministry's technical conditions
give it (its parts named by the a11y-* ids), linked from every page's footer; an
administrator keeps its dates, its state and its contact."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.accessibility import demo, jobs, records, services
from cal.accessibility.forms import StatementForm
from cal.accessibility.models import ASSESSMENT_LABELS, COMPLIANCE_LABELS, Assessment
from cal.core.access import Role, public, roles_required
from cal.core.centre import centre
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.render import go, render_form, render_page
from cal.core.rooms import FooterLink, declare
from cal.core.timeutil import local_today
from cal.extensions import db

bp = Blueprint("accessibility", __name__, url_prefix="/accessibility")
declare(bp, scans=[jobs.statement_review], demo=[demo.SEED], records=records.RECORDS,
        footer=[FooterLink("accessibility.statement", _l("Accessibility statement"), 10,
                           meta="deklaracja-dostępności")])


@bp.get("/")
@public
def statement():
    record = services.statement()
    keeper = current_user.is_authenticated and current_user.role == Role.ADMIN
    return render_page("accessibility/statement.html", statement=record, keeper=keeper,
                       centre=centre(),
                       site=current_app.config.get("BASE_URL") or url_for(
                           "accessibility.statement", _external=True),
                       compliance=COMPLIANCE_LABELS, assessments=ASSESSMENT_LABELS,
                       external=Assessment.EXTERNAL,
                       review_by=services.review_due(record, local_today()))


@bp.route("/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit():
    record = services.statement()
    form = StatementForm(obj=record)
    if form.validate_on_submit():
        try:
            services.save(form.statement_data(), current_user, local_today())
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            return go(url_for("accessibility.statement"))
    return render_form("accessibility/form.html", form, statement=record,
                       title=_("Accessibility statement"))
