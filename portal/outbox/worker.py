"""The outbox worker: claims due messages, sends each, records the result. At least once.

A message is *due* when it is `pending` and its `next_attempt_at` has come, or when it is
`sending` and its lease (`claimed_until`) has run out: the worker that claimed it died. A batch
is claimed in one short transaction (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so several
workers take different rows; on SQLite one worker runs) that marks the rows `sending` with a
lease and counts the attempt; then each message is sent and its result committed on its own.

A worker killed at any point loses nothing: an unfinished row's lease runs out and a worker
takes it again, and the repeat carries the same Message-ID. An attempt is counted when a row is
claimed, so a message that kills its worker every time still ends `dead` after
`OUTBOX_MAX_ATTEMPTS`.

Tenancy: the outbox is one queue for every council, so this module deliberately runs its
queries inside `portal.tenancy.unscoped()`. It is the one reviewed place that does, and it only
moves rows through their states; it never reads one council's data on behalf of another.

Logs name a message by its row id and Message-ID, with its status and an error code: never its
address, subject or body.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.models.outbox import DEAD, PENDING, SENDING, SENT, OutboxMessage
from portal.outbox.senders import Envelope, SendFailure, Sender
from portal.tenancy import unscoped

log = logging.getLogger("portal.outbox")

Clock = Callable[[], datetime]


@dataclass
class WorkerOptions:
    batch: int = 20
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    backoff_base: float = 30.0      # seconds before the second attempt
    backoff_cap: float = 3600.0     # never wait longer than this between attempts


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    released: int = 0
    service_down: bool = False
    ids: list[int] = field(default_factory=list)


class StopFlag:
    """Set by SIGTERM/SIGINT; the worker finishes the message in hand and stops."""

    def __init__(self) -> None:
        self.stopped = False

    def set(self) -> None:
        self.stopped = True

    def __bool__(self) -> bool:
        return self.stopped


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def backoff(attempts: int, options: WorkerOptions, rng: random.Random = random) -> timedelta:
    """Exponential back-off with jitter: about base * 2^(attempts-1), between half and all of it,
    never more than the cap."""
    delay = min(options.backoff_cap, options.backoff_base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=rng.uniform(delay / 2, delay))


def _due(now: datetime):
    return or_(and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now))


def claim(now: datetime, options: WorkerOptions) -> list[int]:
    """Claim up to `options.batch` due messages: mark them sending with a lease, count the
    attempt, commit. Returns their ids, oldest first."""
    with unscoped():
        query = (select(OutboxMessage).where(_due(now))
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                 .limit(options.batch))
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = db.session.scalars(query).all()
        claimed = []
        for row in rows:
            if row.status == SENDING:
                log.warning("outbox message %s %s: lease ran out (a worker stopped mid-send); "
                            "trying again", row.id, row.message_id)
            if row.attempts >= options.max_attempts:
                # It has had every attempt and its last one never finished: give up on it.
                row.status, row.claimed_until = DEAD, None
                row.last_error = row.last_error or "lease-expired"
                log.error("outbox message %s %s: dead after %s attempts (%s)", row.id,
                          row.message_id, row.attempts, row.last_error)
                continue
            row.status = SENDING
            row.claimed_until = now + options.lease
            row.attempts += 1
            claimed.append(row.id)
        db.session.commit()
        return claimed


@dataclass(frozen=True)
class Claimed:
    """A claimed message, read once after the claim: what the sender needs, and its attempt."""

    id: int
    message_id: str
    attempts: int
    envelope: Envelope


def _load(ids: list[int]) -> list[Claimed]:
    with unscoped():
        found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                   .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))
        return [Claimed(row.id, row.message_id, row.attempts, Envelope.of(row))
                for row in found if row.status == SENDING]


def _update(ids: list[int], **values) -> None:
    """Move claimed rows on, only while they are still ours (`sending`), and commit."""
    with unscoped():
        db.session.execute(update(OutboxMessage)
                           .where(OutboxMessage.id.in_(ids), OutboxMessage.status == SENDING)
                           .values(**values).execution_options(synchronize_session=False))
        db.session.commit()


def _release(claimed: list[Claimed], next_attempt_at: datetime | None = None) -> int:
    """Hand claimed but unattempted messages back, without counting the attempt."""
    if claimed:
        values = {"next_attempt_at": next_attempt_at} if next_attempt_at else {}
        _update([c.id for c in claimed], status=PENDING, claimed_until=None,
                attempts=OutboxMessage.attempts - 1, **values)
    return len(claimed)


def _record_sent(message: Claimed, now: datetime) -> None:
    _update([message.id], status=SENT, sent_at=now, claimed_until=None, last_error=None)
    log.info("outbox message %s %s: sent (attempt %s)", message.id, message.message_id,
             message.attempts)


def _record_failure(message: Claimed, failure: SendFailure, now: datetime,
                    options: WorkerOptions) -> datetime | None:
    """Schedule the next attempt (returned), or make the message dead (None)."""
    if failure.permanent or message.attempts >= options.max_attempts:
        _update([message.id], status=DEAD, claimed_until=None, last_error=failure.code)
        log.error("outbox message %s %s: dead after %s attempt(s) (%s)", message.id,
                  message.message_id, message.attempts, failure.code)
        return None
    next_attempt_at = now + backoff(message.attempts, options)
    _update([message.id], status=PENDING, claimed_until=None, last_error=failure.code,
            next_attempt_at=next_attempt_at)
    log.warning("outbox message %s %s: attempt %s failed (%s); next try at %s", message.id,
                message.message_id, message.attempts, failure.code,
                next_attempt_at.isoformat(timespec="seconds"))
    return next_attempt_at


def process_batch(sender: Sender, *, clock: Clock, options: WorkerOptions,
                  stop: StopFlag | None = None) -> BatchResult:
    """Claim one batch and send it. Returns what happened."""
    result = BatchResult()
    ids = claim(clock(), options)
    result.claimed, result.ids = len(ids), ids
    batch = _load(ids) if ids else []
    for position, message in enumerate(batch):
        if stop:
            result.released += _release(batch[position:])
            break
        try:
            sender.send(message.envelope)
        except SendFailure as failure:
            outcome = failure
        except Exception as exc:  # noqa: BLE001 - an unexpected sender error is a failure
            outcome = SendFailure(f"error:{type(exc).__name__}")
        else:
            _record_sent(message, clock())
            result.sent += 1
            continue
        retry_at = _record_failure(message, outcome, clock(), options)
        if retry_at is None:
            result.dead += 1
        else:
            result.failed += 1
        if outcome.service:
            # The service is down or refuses us: the rest of the batch waits with this one
            # rather than each failing in turn.
            result.service_down = True
            result.released += _release(batch[position + 1:],
                                        retry_at or clock() + backoff(1, options))
            break
    db.session.close()
    return result


def run(sender: Sender, *, clock: Clock, options: WorkerOptions, once: bool = False,
        poll: float = 2.0, stop: StopFlag | None = None,
        sleep: Callable[[float], None] = time.sleep) -> int:
    """Send until stopped (or, with `once`, until nothing is due). Returns messages sent."""
    stop = stop if stop is not None else StopFlag()
    sent = 0
    log.info("outbox worker started (sender: %s, batch %s)", sender.name, options.batch)
    while not stop:
        try:
            result = process_batch(sender, clock=clock, options=options, stop=stop)
        except SQLAlchemyError as exc:
            # The database is away: whatever was sent but not recorded is sent again later.
            db.session.rollback()
            db.session.close()
            log.error("outbox worker: database error (%s); waiting", type(exc).__name__)
            if once:
                raise
            _nap(poll, stop, sleep)
            continue
        sent += result.sent
        if result.claimed and not result.service_down:
            continue  # there may be more due now
        if once:
            break
        _nap(poll, stop, sleep)
    log.info("outbox worker stopped (%s sent)", sent)
    return sent


def _nap(seconds: float, stop: StopFlag, sleep: Callable[[float], None]) -> None:
    deadline = time.monotonic() + seconds
    while not stop and time.monotonic() < deadline:
        sleep(min(0.2, max(deadline - time.monotonic(), 0)))


# --- read-only views for the operator -----------------------------------------------------------

def status_counts() -> dict[str, int]:
    """How many messages are in each state, across councils (the dev page, `flask outbox
    status`)."""
    with unscoped():
        rows = db.session.execute(select(OutboxMessage.status, func.count())
                                  .group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}
