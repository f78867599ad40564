"""The audit trail: every view and every change of a case or submission writes a row saying
who, when, what and which object. Never a child's details: objects are named by type and id,
and `what` is a short code such as "case.view" or "submission.allocate"."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models.casework import AuditEvent


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _user_id() -> int | None:
    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # outside a request (CLI, worker): no user
        return None


def record(action: str, what: str, object_type: str, object_id: int | None) -> AuditEvent:
    """Add an audit row to the session; it is committed with whatever the request commits.
    A view is committed on its own by `record_view`."""
    event = AuditEvent(at=_now(), user_id=_user_id(), action=action, what=what,
                       object_type=object_type, object_id=object_id)
    db.session.add(event)
    return event


def record_view(what: str, object_type: str, object_id: int | None) -> None:
    """A page that shows a case or submission: write the row and commit it at once, so the
    view is on record even if the page then fails to render."""
    record("view", what, object_type, object_id)
    db.session.commit()


def trail(object_type: str, object_id: int, limit: int = 500) -> list[AuditEvent]:
    """One object's audit trail, newest first."""
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def viewed_by(user_id: int, start: datetime, end: datetime,
              object_type: str = "case") -> list[AuditEvent]:
    """Which objects of a type a user viewed between two times (inclusive), oldest first."""
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.user_id == user_id, AuditEvent.action == "view",
               AuditEvent.object_type == object_type,
               AuditEvent.at >= start, AuditEvent.at <= end)
        .order_by(AuditEvent.at, AuditEvent.id)))
