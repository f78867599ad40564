"""What a council administrator may do with its outbox: list dead messages, retry one.

These run under the normal tenancy scoping: in the back-office a council administrator sees and
revives only its own council's messages (another council's id is simply not found). The
`flask outbox dead/retry` commands call them inside `unscoped()`, as the platform operator.
Nothing here commits: the caller does (a view, or the command).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models.outbox import DEAD, PENDING, OutboxMessage


class NotDead(ValueError):
    """Only a dead message can be retried; a pending or sent one is left alone."""


@dataclass(frozen=True)
class DeadMessage:
    id: int
    tenant_id: int
    kind: str
    reference: str | None
    attempts: int
    last_error: str | None
    created_at: datetime


def dead_messages(limit: int = 200) -> list[DeadMessage]:
    """The dead messages in scope, newest first. No address, subject or body."""
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.tenant_id, OutboxMessage.kind,
               OutboxMessage.reference, OutboxMessage.attempts, OutboxMessage.last_error,
               OutboxMessage.created_at)
        .where(OutboxMessage.status == DEAD)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)).all()
    return [DeadMessage(*row) for row in rows]


def retry_message(message_id: int) -> OutboxMessage | None:
    """Give a dead message a fresh start: pending now, attempts from zero.

    Returns None when no such message is in scope (another council's is not found either);
    raises NotDead for a message that is not dead. The caller commits.
    """
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
    if message is None:
        return None
    if message.status != DEAD:
        raise NotDead(f"message {message_id} is {message.status}, not dead")
    message.status = PENDING
    message.attempts = 0
    message.claimed_until = None
    message.next_attempt_at = current_app.config["CLOCK"]()
    return message
