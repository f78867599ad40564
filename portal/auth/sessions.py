"""Server-side sessions for officers, and Flask-Login's loader that goes through them.

The Flask session cookie holds only a random token (`SESSION_KEY`). Each request hashes it and
finds its `StaffSession` row: a row that has ended, has been idle for more than
`IDLE_TIMEOUT`, or is older than `ABSOLUTE_TIMEOUT` signs the officer out, for good. Signing
out ends the row, so a replayed cookie is refused. Disabling or locking an officer ends their
sessions too (see portal.models.auth and `load_officer`).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Request, current_app, request, session
from flask_login import UserMixin

from portal.extensions import db, login_manager
from portal.models import StaffSession, StaffUser
from portal.tenancy import unscoped

SESSION_KEY = "staff_token"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Between the password and the code: the second step must follow promptly.
PENDING_TIMEOUT = timedelta(minutes=10)
# last_seen_at is written at most this often, so that every page is not also a write.
TOUCH_EVERY = timedelta(minutes=1)


def now() -> datetime:
    return current_app.config["CLOCK"]()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: every time we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _user_agent_hash(req: Request) -> str:
    return hashlib.sha256((req.user_agent.string or "").encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class SignedInOfficer(UserMixin):
    """What a request knows about its signed-in officer: plain values, no ORM object, so
    nothing is reloaded later under another council's scope."""

    id: int
    tenant_id: int
    email: str
    display_name: str
    role: str
    session_id: str

    def get_id(self) -> str:  # Flask-Login's interface; never stored in the cookie
        return str(self.id)


def start_session(user: StaffUser, *, verified: bool) -> str:
    """Record a new session for `user` and put only its token in the cookie."""
    token = secrets.token_urlsafe(32)
    moment = now()
    db.session.add(StaffSession(
        id=token_hash(token), user_id=user.id, tenant_id=user.tenant_id, created_at=moment,
        last_seen_at=moment, verified_at=moment if verified else None,
        user_agent_hash=_user_agent_hash(request)))
    session.clear()  # a fresh cookie: nothing from before signing in carries over
    session[SESSION_KEY] = token
    return token


def _cookie_token() -> str | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return token


def current_row(*, pending: bool = False) -> StaffSession | None:
    """The live session row named by the cookie (a signed-in one, or with `pending` one still
    waiting for its second factor), or None. A row found dead is ended here."""
    token = _cookie_token()
    if token is None:
        return None
    moment = now()
    with unscoped():  # the row is found by its token before we know whose it is
        row = db.session.get(StaffSession, token_hash(token))
        if row is None or row.ended_at is not None:
            return None
        if (row.verified_at is None) != pending:
            return None
        created = aware(row.created_at)
        limit = PENDING_TIMEOUT if pending else ABSOLUTE_TIMEOUT
        if moment - aware(row.last_seen_at) > IDLE_TIMEOUT or moment - created > limit \
                or row.user_agent_hash not in (None, _user_agent_hash(request)):
            row.ended_at = moment
            db.session.commit()
            return None
    return row


def end_current_session() -> None:
    token = _cookie_token()
    if token is not None:
        with unscoped():
            row = db.session.get(StaffSession, token_hash(token))
            if row is not None and row.ended_at is None:
                row.ended_at = now()
                db.session.commit()
    session.clear()


@login_manager.request_loader
def load_officer(req: Request) -> SignedInOfficer | None:
    """Flask-Login's loader: the officer of a live, fully signed-in server-side session."""
    row = current_row()
    if row is None:
        return None
    moment = now()
    with unscoped():  # the session row names the officer and their council
        user = db.session.get(StaffUser, row.user_id)
        if user is None or not user.is_active or user.locked_at is not None \
                or user.tenant_id != row.tenant_id:
            row.ended_at = moment
            db.session.commit()
            return None
        officer = SignedInOfficer(id=user.id, tenant_id=user.tenant_id, email=user.email,
                                  display_name=user.display_name, role=user.role,
                                  session_id=row.id)
        if moment - aware(row.last_seen_at) >= TOUCH_EVERY:
            row.last_seen_at = moment
            db.session.commit()
    return officer


def init_login(app) -> None:
    login_manager.init_app(app)
    # The server-side session is the protection: Flask-Login writes nothing to the cookie.
    login_manager.session_protection = None
