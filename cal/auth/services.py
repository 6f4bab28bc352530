"""Accounts: sign-in, invitations, password reset, roles."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from cal.auth.models import TokenPurpose, User, UserToken
from cal.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    easily_guessed,
    hash_password,
    needs_rehash,
    verify_password,
)
from cal.core.access import Role
from cal.core.audit import AuditAction, AuditLog, audit
from cal.core.centre import centre
from cal.core.errors import DomainError
from cal.core.timeutil import utcnow
from cal.extensions import db

# Password-reset links one account is sent in an hour, at most.
RESETS_PER_HOUR = 3


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user whose password matches, if the account may sign in; else None."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not (ok and user and user.active):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def check_new_password(password: str, email: str, full_name: str) -> None:
    """Refuse, beside its field, a password too short or too long, or one commonly used
    or made of the account's own e-mail, name or the centre's name."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise DomainError(_("The password must have %(min)d to %(max)d characters.",
                            min=MIN_LENGTH, max=MAX_LENGTH), field="password")
    name, centre_name = full_name.lower(), centre().name
    hints = (email, email.partition("@")[0], name, name.replace(" ", ""),
             *re.split(r"[\W_]+", f"{email} {name} {centre_name}"))
    if easily_guessed(password, hints):
        raise DomainError(_("This password is commonly used or easy to guess. Choose "
                            "another: a few unrelated words work well."), field="password")


def end_all_sessions(user: User) -> None:
    """Every session cookie issued to the user stops working."""
    user.session_version += 1


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, ttl: timedelta, created_by=None) -> str:
    """Create a one-time token and return its raw value (only its hash is stored)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(raw),
            expires_at=utcnow() + ttl,
            created_by_id=created_by.id if created_by else None,
        )
    )
    return raw


def find_valid_token(raw: str, purpose: TokenPurpose) -> UserToken:
    token = db.session.scalar(
        select(UserToken).where(
            UserToken.token_hash == _token_hash(raw or ""), UserToken.purpose == purpose
        )
    )
    if token is None or token.used_at is not None:
        raise DomainError(_("This link is not valid or has already been used."))
    if token.expires_at < utcnow():
        raise DomainError(_("This link has expired. Ask for a new one."))
    if not db.session.get(User, token.user_id).active:
        raise DomainError(_("This account is deactivated."))
    return token


def set_password_with_token(raw: str, purpose: TokenPurpose, password: str) -> User:
    """Use a one-time link to set the password; every other link of the user dies."""
    token = find_valid_token(raw, purpose)
    user = db.session.get(User, token.user_id)
    _set_password(user, password)
    return user


def change_password(user: User, current: str, password: str) -> None:
    """The user's own new password, given the current one; every session of the user
    ends (the caller signs the one asking in again) and every open link dies."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_("This is not your current password."), field="current")
    _set_password(user, password)
    audit(user, AuditAction.UPDATE, "user", user.id, fields=["password"])


def _set_password(user: User, password: str) -> None:
    check_new_password(password, user.email, user.full_name)
    user.password_hash = hash_password(password)
    now = utcnow()
    for other in db.session.scalars(
        select(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
    ):
        other.used_at = now
    end_all_sessions(user)


def invite_user(email: str, full_name: str, role: Role, invited_by: User, ttl: timedelta):
    """Create an account without a password and an invitation link for it."""
    email = normalise_email(email)
    exists = db.session.scalar(select(func.count()).where(User.email == email))
    if exists:
        raise DomainError(_("An account with this e-mail already exists."), field="email")
    user = User(email=email, full_name=full_name.strip(), role=Role(role), active=True)
    db.session.add(user)
    db.session.flush()
    audit(invited_by, AuditAction.CREATE, "user", user.id, fields=["role"],
          detail=f"role={user.role.value} active=True")
    return user, issue_token(user, TokenPurpose.INVITE, ttl, created_by=invited_by)


def reinvite_user(user: User, invited_by: User, ttl: timedelta) -> str:
    if user.password_hash is not None:
        raise DomainError(_("This user has already set a password."))
    return issue_token(user, TokenPurpose.INVITE, ttl, created_by=invited_by)


def request_password_reset(email: str, ttl: timedelta) -> tuple[User, str] | None:
    """A reset link for an active account with that e-mail; None when there is none, or
    when it was sent RESETS_PER_HOUR links in the last hour (from whatever addresses:
    nobody floods a colleague's mailbox)."""
    user = find_user_by_email(email)
    if user is None or not user.can_log_in:
        return None
    recent = db.session.scalar(select(func.count(UserToken.id)).where(
        UserToken.user_id == user.id, UserToken.purpose == TokenPurpose.RESET,
        UserToken.created_at > utcnow() - timedelta(hours=1)))
    if recent >= RESETS_PER_HOUR:
        return None
    return user, issue_token(user, TokenPurpose.RESET, ttl)


def update_user(user: User, role: Role, active: bool, actor: User) -> None:
    """Change a user's role and whether they may sign in."""
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise DomainError(_("You cannot remove your own administrator access."))
    if user.active and not active:
        end_all_sessions(user)
    changed = [name for name, old, new in (("role", user.role, Role(role)),
                                           ("active", user.active, active)) if old != new]
    if changed:  # the register of access dates each holder's role from these
        audit(actor, AuditAction.UPDATE, "user", user.id, fields=changed,
              detail=f"role={Role(role).value} active={active}")
    user.role = Role(role)
    user.active = active


@dataclass(frozen=True)
class Holder:
    user: User
    role_since: datetime  # the last change of role, or the account's creation
    ended: datetime | None  # when the account was deactivated, if it is


def access_register() -> dict[Role, list[Holder]]:
    """Who holds each role, since when, and who held it until deactivated (RODO art. 30
    and 32: who has access to what); two queries."""
    changes: dict[int, list[AuditLog]] = {}
    for row in db.session.scalars(select(AuditLog).where(
            AuditLog.entity == "user", AuditLog.action.in_(("create", "update")))
            .order_by(AuditLog.at)):
        changes.setdefault(row.entity_id, []).append(row)
    register: dict[Role, list[Holder]] = {role: [] for role in Role}
    for user in db.session.scalars(select(User).order_by(User.full_name, User.id)):
        rows = changes.get(user.id, [])
        roles = [r.at for r in rows if "role" in r.fields.split(",")]
        ended = [r.at for r in rows if "active" in r.fields.split(",")
                 and r.detail.endswith("active=False")]
        register[user.role].append(Holder(
            user, roles[-1] if roles else user.created_at,
            ended[-1] if ended and not user.active else None))
    return register


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.full_name)))
