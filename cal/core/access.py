"""Who may use which view: the one decorator, and the policy registry the
access-matrix test reads.

Deny by default: a request to an endpoint without a declared policy is refused
(see ``enforce_declared_policy``), so a forgotten decorator can never open a page.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from cal.core.audit import record_denial
from cal.extensions import csrf, login_manager


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    LEADER = "leader"
    VOLUNTEER = "volunteer"
    PROJECT_MANAGER = "project_manager"


ALL_ROLES = frozenset(Role)
PUBLIC = "public"
KIOSK = "kiosk device"  # a registered device, not a person: it may only check people in
GATEWAY = "gateway"  # an outside service calling back (the SMS gateway), by a secret address
# Endpoints that Flask itself adds and that cannot carry an attribute.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})


def roles_required(*roles: Role | str) -> Callable:
    """Allow the view only to signed-in users holding one of ``roles``.

    Anonymous users are sent to the login page; other roles get 403.
    """
    allowed = frozenset(Role(r) for r in roles)
    if not allowed:
        raise ValueError("roles_required needs at least one role")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                record_denial(current_user, request.endpoint)
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_policy = allowed
        return wrapped

    return decorator


def any_role(view: Callable) -> Callable:
    """Allow the view to every signed-in user (own account, language)."""
    return roles_required(*ALL_ROLES)(view)


def public(view: Callable) -> Callable:
    """Allow the view to everybody, signed in or not."""
    view.access_policy = PUBLIC
    return view


def kiosk_device(check: Callable[[], object | None]) -> Callable:
    """Allow the view only to a registered kiosk device, which ``check`` finds (from the
    device's cookie) or not; a signed-in role gives no right here, and the device gives
    no right anywhere else. Refused with 401."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if check() is None:
                abort(401)
            return view(*args, **kwargs)

        wrapped.access_policy = KIOSK
        return wrapped

    return decorator


def gateway_callback(check: Callable[[str], bool]) -> Callable:
    """Allow the view only to an outside service that knows its secret address: the
    view's ``key`` argument, which ``check`` compares (any other key answers 404, as if
    there were no such page). The service posts without a session, so no CSRF token is
    asked; the secret is the proof, and a role gives no right here."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not check(kwargs.get("key", "")):
                abort(404)
            return view(*args, **kwargs)

        wrapped.access_policy = GATEWAY
        return csrf.exempt(wrapped)

    return decorator


def policy_of(endpoint: str):
    """The declared policy of an endpoint: PUBLIC, KIOSK, a set of roles, or None."""
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_policy", None)


def enforce_declared_policy():
    """Refuse any endpoint that declares no policy (registered as before_request)."""
    if request.endpoint is None:
        return None
    if policy_of(request.endpoint) is None:
        current_app.logger.error("endpoint %s declares no access policy", request.endpoint)
        abort(403)
    return None


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.role in roles)
