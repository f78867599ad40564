"""A notice to a council that is not on the portal: an email to the directory's CME contact
address with no child's details, only a link; the link opens the notice after a one-time code
sent to the same address.

- The link's token is random (32 bytes) and kept only as its SHA-256; the link lives
  `LINK_LIFETIME` and the sender can revoke it (and send a new one).
- A code is 6 digits, kept only as an HMAC under the portal's secret key, valid for
  `CODE_LIFETIME`; at most `MAX_CODES` are sent per link; `MAX_TRIES` wrong codes lock the link.
- The right code gives the browser an access token (random, in the session cookie; its hash
  here) for `ACCESS_LIFETIME`.
- Every opening of the notice writes an audit row in the sending council (no user: the person
  is not an officer of it): "notice.opened_by_link".

The public pages are under the sending council's address (`/<council>/notices/<token>`), so
every lookup here is scoped to that council like any other page of it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import select

from portal.extensions import db
from portal.models.casework import AuditEvent
from portal.models.notice import NoticeLink, OutgoingNotice
from portal.notices.service import aware, now, record_step

LINK_LIFETIME = timedelta(days=14)
CODE_LIFETIME = timedelta(minutes=30)
ACCESS_LIFETIME = timedelta(minutes=30)
MAX_TRIES = 5
MAX_CODES = 10
SESSION_KEY = "notice_access"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _code_hash(link: NoticeLink, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"notice-code:{link.id}:{code}".encode(), hashlib.sha256).hexdigest()


def link_url(tenant, token: str) -> str:
    base = current_app.config["PORTAL_SETTINGS"].portal_base_url.rstrip("/")
    return f"{base}/{tenant.slug}/notices/{token}"


# --- the sender's side ---------------------------------------------------------------------

def issue(notice: OutgoingNotice, *, tenant) -> NoticeLink:
    """A new link for the notice, emailed to the directory's address it was sent to."""
    from portal.notices import wording
    from portal.outbox import queue_email

    token = secrets.token_urlsafe(32)
    moment = now()
    link = NoticeLink(notice_id=notice.id, token_hash=_sha256(token), to_address=notice.to_address,
                      expires_at=moment + LINK_LIFETIME, created_at=moment)
    db.session.add(link)
    db.session.flush()
    words, language = wording.link_email(tenant, notice=notice, link=link_url(tenant, token),
                                         expires=moment + LINK_LIFETIME)
    queue_email(to=notice.to_address, kind="notice", template="notice_link", language=language,
                reference=notice.reference, tenant=tenant, context={"parts": words})
    return link


def revoke(link: NoticeLink, *, by_id: int | None) -> bool:
    """Withdraw a link: it opens nothing from now on. False when it already was."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = now()
    link.revoked_by_id = by_id
    link.access_hash = None
    return True


def reissue(notice: OutgoingNotice, current: NoticeLink | None, *, tenant,
            by_id: int | None) -> NoticeLink:
    """Revoke the current link (if any) and email a new one."""
    if current is not None:
        revoke(current, by_id=by_id)
    link = issue(notice, tenant=tenant)
    record_step(notice, "new_link")
    return link


# --- the recipient's side --------------------------------------------------------------------

@dataclass(frozen=True)
class LinkState:
    link: NoticeLink | None
    notice: OutgoingNotice | None
    problem: str | None  # None, "expired", "revoked", "locked"


def find(token: str) -> LinkState:
    """The link (of the council in the address) a token names, and what stops it working."""
    if not token or len(token) > 100:
        return LinkState(None, None, None)
    link = db.session.scalar(select(NoticeLink).where(NoticeLink.token_hash == _sha256(token)))
    if link is None:
        return LinkState(None, None, None)
    notice = db.session.scalar(select(OutgoingNotice).where(OutgoingNotice.id == link.notice_id))
    moment = now()
    if link.revoked_at is not None:
        problem = "revoked"
    elif aware(link.expires_at) <= moment:
        problem = "expired"
    elif link.locked_at is not None:
        problem = "locked"
    else:
        problem = None
    return LinkState(link, notice, problem)


def send_code(link: NoticeLink, notice: OutgoingNotice, *, tenant) -> bool:
    """Email a new code to the link's address (the one the notice went to). False when the
    link has had all the codes it may have."""
    from portal.notices import wording
    from portal.outbox import queue_email

    if link.codes_sent >= MAX_CODES:
        return False
    code = f"{secrets.randbelow(10 ** 6):06d}"
    moment = now()
    link.code_hash = _code_hash(link, code)
    link.code_sent_at = moment
    link.code_expires_at = moment + CODE_LIFETIME
    link.codes_sent = (link.codes_sent or 0) + 1
    words, language = wording.code_email(tenant, notice=notice, code=code,
                                         minutes=int(CODE_LIFETIME.total_seconds() // 60))
    queue_email(to=link.to_address, kind="notice", template="notice_code", language=language,
                reference=notice.reference, tenant=tenant, context={"parts": words})
    db.session.add(AuditEvent(at=moment, user_id=None, action="change", what="notice.code_sent",
                              object_type="notice", object_id=notice.id))
    return True


def check_code(link: NoticeLink, code: str) -> str:
    """"ok" (and the browser may open the notice), "wrong", "expired" (ask for a new code) or
    "locked" (too many wrong codes)."""
    moment = now()
    if link.locked_at is not None:
        return "locked"
    if link.code_hash is None or link.code_expires_at is None \
            or aware(link.code_expires_at) <= moment:
        return "expired"
    if hmac.compare_digest(link.code_hash, _code_hash(link, code or "")):
        link.code_hash = None  # a code is used once
        link.code_expires_at = None
        link.failed_tries = 0
        access = secrets.token_urlsafe(32)
        link.access_hash = _sha256(access)
        link.access_expires_at = moment + ACCESS_LIFETIME
        session[SESSION_KEY] = {"link": link.id, "token": access}
        return "ok"
    link.failed_tries = (link.failed_tries or 0) + 1
    if link.failed_tries >= MAX_TRIES:
        link.locked_at = moment
        link.code_hash = None
        link.access_hash = None
        current_app.logger.warning("Notice link %s locked after %s wrong codes.", link.id,
                                   link.failed_tries)
        return "locked"
    return "wrong"


def has_access(link: NoticeLink) -> bool:
    """Whether this browser entered the right code for this link, lately."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("link") != link.id:
        return False
    token = held.get("token")
    if not isinstance(token, str) or link.access_hash is None or link.access_expires_at is None:
        return False
    if aware(link.access_expires_at) <= now():
        return False
    return hmac.compare_digest(link.access_hash, _sha256(token))


def record_opening(link: NoticeLink, notice: OutgoingNotice) -> None:
    """Every opening of the notice: an audit row in the sending council; the first also on the
    case's timeline. The caller commits."""
    moment = now()
    db.session.add(AuditEvent(at=moment, user_id=None, action="view",
                              what="notice.opened_by_link", object_type="notice",
                              object_id=notice.id))
    link.openings = (link.openings or 0) + 1
    if link.first_opened_at is None:
        link.first_opened_at = moment


def forget_access() -> None:
    session.pop(SESSION_KEY, None)
