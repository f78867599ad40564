"""Answers in progress, kept server-side. The browser's session holds only the draft's token
(an unguessable random string), never an answer."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import session as browser_session
from sqlalchemy import delete, select

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.submission import FormDraft

LIFETIME = timedelta(hours=24)
SESSION_KEY = "drafts"


def _tokens() -> dict[str, str]:
    return browser_session.get(SESSION_KEY) or {}


def draft_key(tenant_slug: str, form_slug: str) -> str:
    return f"{tenant_slug}/{form_slug}"


def current_draft(tenant_slug: str, form_slug: str, now: datetime) -> FormDraft | None:
    """The draft this browser is filling in for this council's form, if it has not expired."""
    token = _tokens().get(draft_key(tenant_slug, form_slug))
    if not token:
        return None
    draft = db.session.scalar(select(FormDraft).where(FormDraft.token == token,
                                                      FormDraft.form_slug == form_slug))
    if draft is None or _aware(draft.expires_at) <= now:
        return None
    return draft


def start_draft(tenant_slug: str, form_slug: str, language: str, now: datetime) -> FormDraft:
    delete_expired(now)  # the council's abandoned drafts go as new ones start
    draft = FormDraft(token=secrets.token_urlsafe(32), form_slug=form_slug, answers={},
                      language=language, submission_token=secrets.token_urlsafe(32),
                      created_at=now, updated_at=now, expires_at=now + LIFETIME)
    db.session.add(draft)
    db.session.flush()
    tokens = dict(_tokens())
    tokens[draft_key(tenant_slug, form_slug)] = draft.token
    browser_session[SESSION_KEY] = tokens
    return draft


def save_answers(draft: FormDraft, answers: dict, now: datetime, language: str) -> None:
    draft.answers = answers
    draft.language = language  # the language the sender is using now: emails follow it
    draft.updated_at = now
    draft.expires_at = now + LIFETIME


def forget_draft(tenant_slug: str, form_slug: str) -> None:
    tokens = dict(_tokens())
    tokens.pop(draft_key(tenant_slug, form_slug), None)
    browser_session[SESSION_KEY] = tokens


def delete_expired(now: datetime | None = None) -> int:
    """Remove drafts past their expiry: the current council's as a draft starts, every
    council's with `flask drafts purge` (inside `unscoped()`)."""
    result = db.session.execute(
        delete(FormDraft).where(FormDraft.expires_at <= (now or utcnow()))
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
