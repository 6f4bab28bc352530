from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from cal.auth import lifetime, services, throttle
from cal.auth.forms import (
    ChangePasswordForm,
    InviteForm,
    LoginForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    UserEditForm,
)
from cal.auth.models import TokenPurpose, User
from cal.core import exports
from cal.core.access import Role, any_role, public, roles_required
from cal.core.audit import record_denial
from cal.core.errors import DomainError
from cal.core.forms import show_refusal
from cal.core.labels import ROLE_ACCESS, ROLE_LABELS
from cal.core.mail import try_send_mail
from cal.core.queue import run_later
from cal.core.render import refused, render_form, render_page
from cal.core.rooms import MenuEntry, declare, registry
from cal.core.timeutil import local_today, to_local
from cal.core.urls import external_url, safe_next
from cal.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)
declare(bp, menu=[MenuEntry("auth.users", _l("Users"), 140),
                  MenuEntry("auth.access_register", _l("Register of access"), 170)])


@login_manager.user_loader
def load_user(user_id: str):
    ident, _sep, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    # The user and what the rooms show of them in the header (the unread notifications),
    # in one query (cal/core/rooms.py, user_columns).
    extras = registry().user_columns
    row = db.session.execute(select(User, *(column(User.id) for column in extras.values()))
                             .where(User.id == int(ident))).first()
    if row is None:
        return None
    user, *values = row
    for name, value in zip(extras, values, strict=True):
        setattr(user, name, value)
    if not user.active or user.session_version != int(version):
        return None
    return user


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    """Only refused attempts count, so nobody locks a colleague out by guessing."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login():
    """Sign-in; failed attempts are held back per address, per address and account, and
    slowed down on an account tried from many addresses (cal.auth.throttle)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    if not form.validate_on_submit():
        return render_form("auth/login.html", form, next_url=next_url)
    address, email = request.remote_addr or "", services.normalise_email(form.email.data)
    if limit := throttle.must_wait(address, email):
        record_denial(None, f"{request.endpoint}: limit {limit}")
        form.password.errors.append(_("Too many attempts in a short time. Wait a moment "
                                      "and try again."))
        return render_page("auth/login.html", status=429, form=form, next_url=next_url)
    user = services.authenticate(email, form.password.data)
    if user is None:
        throttle.note_failure(address, email)
        form.password.errors.append(_("Wrong e-mail or password."))
        return render_form("auth/login.html", form, next_url=next_url)
    db.session.commit()
    _sign_in(user)
    return redirect(next_url or url_for("dashboard.index"))


@bp.post("/logout")
@any_role
def logout():
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def _mail_invitation(user: User, raw: str) -> None:
    url = external_url("auth.accept_invitation", token=raw)
    body = _("Set your password here:") + f"\n\n{url}\n"
    if not current_app.config.get("MAIL_SERVER"):
        flash(_("E-mail is not configured. Pass this link on yourself: %(url)s", url=url), "info")
    elif try_send_mail(user.email, _("Invitation to CAL"), body):
        flash(_("Invitation sent to %(email)s.", email=user.email), "success")
    else:
        flash(_("The e-mail could not be sent. Try “Send the invitation again” later."), "error")


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    """The same answer, after the same work, whatever the address: the lookup and the
    mail are a job's (cal.auth.jobs), which also limits the links an account is sent."""
    form = PasswordResetRequestForm()
    if not form.validate_on_submit():
        return render_form("auth/forgot.html", form)
    run_later("cal.worker.password_reset_job", services.normalise_email(form.email.data))
    flash(_("If an account uses this address, we have sent it a link to set a new password."))
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@any_role
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def password_change():
    """The user's own password, changed after the current one is given; the user's other
    sessions end, this one goes on."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_form("auth/password_change.html", form)
    user = current_user._get_current_object()
    try:
        services.change_password(user, form.current.data, form.password.data)
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error)
        return render_form("auth/password_change.html", form)
    db.session.commit()
    _sign_in(user)
    flash(_("Your password is changed. Your other sessions have ended."), "success")
    return redirect(url_for("dashboard.index"))


def _sign_in(user: User) -> None:
    session.clear()  # a new session, so nothing set before sign-in survives it
    session["locale"] = user.locale
    login_user(user)
    lifetime.begin()


def _set_password(purpose: TokenPurpose, token: str, template: str, done_message: str):
    """The page of a reset or invitation link; its answer is stored by no browser or
    proxy (the link's token is in its address, the form sets a password)."""
    response = make_response(_password_page(purpose, token, template, done_message))
    response.headers["Cache-Control"] = "no-store"
    return response


def _password_page(purpose: TokenPurpose, token: str, template: str, done_message: str):
    try:
        services.find_valid_token(token, purpose)
    except DomainError as error:
        return render_page("auth/link_invalid.html", status=410, message=error.message)
    form = SetPasswordForm()
    if not form.validate_on_submit():
        return render_form(template, form)
    try:
        services.set_password_with_token(token, purpose, form.password.data)
    except DomainError as error:
        if error.field != "password":
            return render_page("auth/link_invalid.html", status=410, message=error.message)
        db.session.rollback()
        show_refusal(form, error)
        return render_form(template, form)
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("auth.login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _set_password(
        TokenPurpose.RESET, token, "auth/reset.html", _("Your password is set. Sign in.")
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _set_password(
        TokenPurpose.INVITE, token, "auth/invitation.html", _("Your account is ready. Sign in.")
    )


@bp.get("/admin/users")
@roles_required(Role.ADMIN)
def users():
    return render_page("auth/users.html", users=services.list_users(), form=InviteForm())


@bp.post("/admin/users")
@roles_required(Role.ADMIN)
def user_invite():
    form = InviteForm()
    if form.validate_on_submit():
        ttl = timedelta(hours=current_app.config["INVITE_TTL_HOURS"])
        try:
            user, raw = services.invite_user(
                form.email.data, form.full_name.data, form.role.data, current_user, ttl
            )
        except DomainError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            _mail_invitation(user, raw)
            return redirect(url_for("auth.users"))
    return render_form("auth/users.html", form, users=services.list_users())


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_user(user, Role(form.role.data), form.active.data, current_user)
        except DomainError as error:
            form.role.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("auth.users"))
    return render_form("auth/user_edit.html", form, user=user)


@bp.get("/admin/access")
@roles_required(Role.ADMIN)
def access_register():
    """The register of access: each role, what it reaches, and who holds it since when."""
    return render_page("auth/access_register.html", register=services.access_register(),
                       access=ROLE_ACCESS)


@bp.get("/admin/access.xlsx")
@roles_required(Role.ADMIN)
def access_register_export():
    rows = [(_("Role"), _("Name"), _("E-mail"), _("State"), _("Role since"),
             _("Last sign-in"), _("Access ended"))]
    for role, holders in services.access_register().items():
        for h in holders:
            rows.append((str(ROLE_LABELS[role]), h.user.full_name, h.user.email,
                         _("Active") if h.user.active else _("Deactivated"),
                         _stamp(h.role_since), _stamp(h.user.last_login_at), _stamp(h.ended)))
    return exports.attachment(exports.xlsx_bytes(rows, _("Register of access")),
                              f"rejestr-dostepu-{local_today().isoformat()}.xlsx",
                              "access_register")


def _stamp(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.post("/admin/users/<int:user_id>/reinvite")
@roles_required(Role.ADMIN)
def user_reinvite(user_id: int):
    user = db.get_or_404(User, user_id)
    ttl = timedelta(hours=current_app.config["INVITE_TTL_HOURS"])
    try:
        raw = services.reinvite_user(user, current_user, ttl)
    except DomainError as error:
        return refused(error, url_for("auth.users"))
    db.session.commit()
    _mail_invitation(user, raw)
    return redirect(url_for("auth.users"))
