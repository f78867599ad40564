"""The platform administrator's sign-in: password (argon2) then a TOTP code, as officers do,
with server-side sessions of their own.

The Flask session cookie holds only a random token under `SESSION_KEY`; its SHA-256 names a
`PlatformSession` row. A platform administrator is not an officer: Flask-Login knows nothing of
them, so every council back-office page sends them to that council's sign-in page, and nothing
here reads a council's rows.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from functools import wraps
from typing import Callable, TypeVar

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError
from flask import current_app, g, redirect, request, session, url_for

from portal.access import declared
from portal.auth.sessions import (ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, PENDING_TIMEOUT, TOUCH_EVERY,
                                  aware, token_hash)
from portal.extensions import db
from portal.models.platform import PlatformAdmin, PlatformSession

F = TypeVar("F", bound=Callable)

SESSION_KEY = "platform_token"
MAX_FAILED_ATTEMPTS = 10
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("no platform administrator has this password")


def now() -> datetime:
    return current_app.config["CLOCK"]()


def _user_agent_hash() -> str:
    return hashlib.sha256((request.user_agent.string or "").encode("utf-8", "replace")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(admin: PlatformAdmin | None, password: str) -> bool:
    try:
        return _hasher.verify(admin.password_hash if admin and admin.password_hash
                              else _DUMMY_HASH, password) \
            and admin is not None and bool(admin.password_hash)
    except (Argon2Error, InvalidHashError, ValueError):
        return False


def accepted_step(admin: PlatformAdmin, code: str, when: datetime) -> int | None:
    """The time step of a right code (now, or one step either side) newer than the last one
    accepted."""
    totp = pyotp.TOTP(admin.totp_secret)
    current = int(when.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code or "") \
                and step > (admin.totp_last_step or -1):
            return step
    return None


def start_session(admin: PlatformAdmin, *, verified: bool) -> None:
    token = secrets.token_urlsafe(32)
    moment = now()
    db.session.add(PlatformSession(id=token_hash(token), admin_id=admin.id, created_at=moment,
                                   last_seen_at=moment, verified_at=moment if verified else None,
                                   user_agent_hash=_user_agent_hash()))
    session.clear()  # a fresh cookie: nothing from before signing in carries over
    session[SESSION_KEY] = token


def _cookie_token() -> str | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return token


def current_row(*, pending: bool = False) -> PlatformSession | None:
    token = _cookie_token()
    if token is None:
        return None
    moment = now()
    row = db.session.get(PlatformSession, token_hash(token))
    if row is None or row.ended_at is not None or (row.verified_at is None) != pending:
        return None
    limit = PENDING_TIMEOUT if pending else ABSOLUTE_TIMEOUT
    if moment - aware(row.last_seen_at) > IDLE_TIMEOUT or moment - aware(row.created_at) > limit \
            or row.user_agent_hash not in (None, _user_agent_hash()):
        row.ended_at = moment
        db.session.commit()
        return None
    return row


def current_admin() -> PlatformAdmin | None:
    """The platform administrator of a live, fully signed-in session, once per request."""
    if "platform_admin" in g:
        return g.platform_admin
    admin = None
    row = current_row()
    if row is not None:
        admin = db.session.get(PlatformAdmin, row.admin_id)
        moment = now()
        if admin is None or not admin.is_active or admin.locked_at is not None:
            row.ended_at = moment
            db.session.commit()
            admin = None
        elif moment - aware(row.last_seen_at) >= TOUCH_EVERY:
            row.last_seen_at = moment
            db.session.commit()
    g.platform_admin = admin
    return admin


def end_current_session() -> None:
    token = _cookie_token()
    if token is not None:
        row = db.session.get(PlatformSession, token_hash(token))
        if row is not None and row.ended_at is None:
            row.ended_at = now()
            db.session.commit()
    session.pop(SESSION_KEY, None)
    g.pop("platform_admin", None)


def platform_admin_required(view: F) -> F:
    """A platform page: a signed-in platform administrator, else the platform sign-in page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_admin() is None:
            return redirect(url_for("platform.sign_in"), code=303)
        return view(*args, **kwargs)

    return declared("platform_admin")(wrapper)  # type: ignore[return-value]
