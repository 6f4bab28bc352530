from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.access import Role
from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="pl")
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set when the user is loaded for a request (cal.auth.views.load_user); not a column.
    unread_notifications = 0

    def get_id(self) -> str:
        # The version makes every earlier session cookie invalid after logout.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def can_log_in(self) -> bool:
        return self.active and self.password_hash is not None


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"
    RESET = "reset"


TOKEN_PURPOSE_LABELS = {TokenPurpose.INVITE: _l("Invitation to the platform"),
                        TokenPurpose.RESET: _l("Password reset")}


class UserToken(db.Model):
    """A one-time link (invitation or password reset); only its hash is stored."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
