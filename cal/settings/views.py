"""The centre's settings, kept by the administrator: its name (also in the genitive),
address, town, who signs (also as after "reprezentowanym przez"), the logo on documents,
the usual wording of a volunteer's agreement and the value of an hour of volunteer work."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cal.core.access import Role, roles_required
from cal.core.centre import centre, revision_column, save_centre
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.render import render_form
from cal.core.rooms import MenuEntry, RecordKind, declare
from cal.extensions import db
from cal.settings.forms import CentreForm

bp = Blueprint("settings", __name__)
declare(bp, user_columns={"centre_revision": revision_column},
        records=[RecordKind("centre_settings", _l("The centre's settings"))],
        menu=[MenuEntry("settings.centre_settings", _l("Settings"), 145)])


@bp.route("/admin/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def centre_settings():
    form = CentreForm(obj=centre() if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            save_centre(form.values(), current_user, logo=form.logo_bytes(),
                        remove_logo=form.remove_logo.data)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.centre_settings"))
    return render_form("settings/centre.html", form, centre=centre())
