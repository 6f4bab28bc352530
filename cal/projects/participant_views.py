"""A project's EU participants, for the administrators and the project's own manager:
the list with the common indicators by sex, each participant's record, the summary
workbook, and the file of the monitoring system (SM EFS) as the list's own file
(``?format=csv``)."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cal.core import exports, pesel
from cal.core.access import roles_required
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.forms import show_refusal, with_placeholder
from cal.core.once import submit_once
from cal.core.render import render_form, render_page
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.people.models import Person
from cal.projects import eu_participants, smefs
from cal.projects.models import Project
from cal.projects.pages import LABELS, MANAGERS, record_of, with_participants
from cal.projects.participant_forms import ParticipantForm
from cal.projects.participant_models import Participant

bp = Blueprint("project_participants", __name__, url_prefix="/projects")


@bp.get("/<int:project_id>/participants")
@roles_required(*MANAGERS)
def participants(project_id: int):
    project = with_participants(project_id)
    if exports.asked_format():
        return exports.send_list(smefs.table_of(project), eu_participants.participants_of(
            project, supports=True), project.id)
    rows = eu_participants.participants_of(project)
    page = render_page("projects/participants.html", project=project, rows=rows,
                       table=eu_participants.common_indicators(rows), labels=LABELS,
                       age_at_entry=eu_participants.age_at_entry, missing=smefs.missing,
                       masked=pesel.masked)
    # after rendering: a commit expires what the page reads
    audit(current_user, AuditAction.READ, "participants", project.id,
          detail=f"{len(rows)} participants")
    db.session.commit()
    return page


@bp.get("/<int:project_id>/participants.xlsx")
@roles_required(*MANAGERS)
def participants_export(project_id: int):
    project = with_participants(project_id)
    rows = eu_participants.participants_of(project)
    table = [[_("Indicator"), _("Women"), _("Men"), _("Non-binary"), _("Total")]] + [
        [line.label, line.women, line.men, line.non_binary, line.total]
        for line in eu_participants.common_indicators(rows)]
    body = exports.xlsx_bytes(eu_participants.participant_rows(rows, LABELS) + [[]] + table,
                              _("Participants"))
    return exports.attachment(body, f"uczestnicy-{project.id}-{local_today()}.xlsx",
                              "participants", project.id, f"{len(rows)} participants")


def _candidates(project: Project, form: ParticipantForm) -> None:
    people = eu_participants.candidates(project, local_today())
    form.person_id.choices = with_placeholder(
        (p.id, f"{p.last_name} {p.first_name}"
               + (f" ({p.birth_date:%d.%m.%Y})" if p.birth_date else "")) for p in people)


@bp.route("/<int:project_id>/participants/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def participant_new(project_id: int):
    return _participant(with_participants(project_id), None)


@bp.route("/<int:project_id>/participants/<int:participant_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def participant_edit(project_id: int, participant_id: int):
    project = with_participants(project_id)
    participant = record_of(Participant, participant_id, project)
    return _participant(project, participant)


def _participant(project: Project, participant: Participant | None):
    person = db.session.get(Person, participant.person_id) if participant else None
    form = ParticipantForm(obj=participant)
    if participant is None:
        _candidates(project, form)
    else:
        del form.person_id  # the record's person stays
    if request.method == "GET":
        if participant is not None:
            form.birth_date.data = person.birth_date
            form.show(participant, eu_participants.supports_of(participant))
        else:
            form.started_on.data = max(project.starts_on, min(local_today(), project.ends_on))
        form.offer_rows()
    elif form.validate_on_submit():
        chosen = person if participant else db.session.get(Person, form.person_id.data)
        if chosen is None:
            form.person_id.errors.append(_("Choose the person."))
        else:
            def save() -> tuple[str, str]:
                eu_participants.save_participant(project, participant, chosen,
                                                 form.participant_data(), form.birth_date.data,
                                                 current_user)
                return (url_for("project_participants.participants", project_id=project.id),
                        _("Participant saved."))
            try:
                return submit_once(form.once_key.data, save)
            except DomainError as error:
                db.session.rollback()
                show_refusal(form, error)
    page = render_form("projects/participant_form.html", form, project=project,
                       participant=participant, person=person, kinds=smefs.SUPPORT_KINDS,
                       details=smefs.SUPPORT_DETAILS)
    if request.method == "GET":
        # Who was offered, or whose record was read (its disability, minority and
        # homelessness answers among it), is audited when the form is opened (after
        # rendering: a commit expires what the page reads; a refused post, which stores
        # nothing, shows again what its sender had opened).
        if participant is None:
            audit(current_user, AuditAction.READ, "participant_candidates", project.id,
                  detail=f"{len(form.person_id.choices) - 1} persons")
        else:
            audit(current_user, AuditAction.READ, "participant", participant.id,
                  detail=f"project {project.id}")
        db.session.commit()
    return page
