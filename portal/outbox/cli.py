"""`flask outbox work | status | dead | retry`: run the worker and look after its dead letters."""
from __future__ import annotations

import signal
import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup


@click.group("outbox", cls=AppGroup, help="The email outbox: send queued emails, list and "
                                           "retry dead ones.")
def outbox_cli() -> None:
    pass


@outbox_cli.command("work", help="Send queued emails until stopped (SIGTERM or Ctrl-C).")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Messages claimed at a time.")
@click.option("--poll", type=click.FloatRange(0.05, 3600), default=2.0, show_default=True,
              help="Seconds to wait when nothing is due.")
@click.option("--lease", type=click.FloatRange(1, 86400), default=300.0, show_default=True,
              help="Seconds a claimed message stays reserved; after that another worker may "
                   "take it (its worker is presumed dead).")
def outbox_work(once: bool, batch: int, poll: float, lease: float) -> None:
    from portal.outbox.senders import OutboxConfigError, select_sender
    from portal.outbox.worker import StopFlag, WorkerOptions, run

    settings = current_app.config["PORTAL_SETTINGS"]
    try:
        sender = select_sender(settings)
    except OutboxConfigError as exc:
        click.echo(f"The outbox worker cannot start: {exc}", err=True)
        sys.exit(1)
    if sender.name == "capture":
        click.echo(f"Development: emails are captured in {settings.mail_capture_dir}, not sent; "
                   "see /_dev/mail.", err=True)

    stop = StopFlag()

    def _stop(signum, _frame) -> None:
        stop.set()
        # A second signal ends the process at once; leases make that safe too.
        signal.signal(signum, signal.SIG_DFL)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    options = WorkerOptions(batch=batch, lease=timedelta(seconds=lease),
                            max_attempts=settings.outbox_max_attempts)
    run(sender, clock=current_app.config["CLOCK"], options=options, once=once, poll=poll,
        stop=stop)


@outbox_cli.command("status", help="How many messages are pending, sending, sent and dead.")
def outbox_status() -> None:
    from portal.outbox.worker import status_counts

    counts = status_counts()
    for status in ("pending", "sending", "sent", "dead"):
        click.echo(f"{status:<8} {counts.get(status, 0)}")


def _council_slugs() -> dict[int, str]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import TenantRow

    return dict(db.session.execute(select(TenantRow.id, TenantRow.slug)).all())


@outbox_cli.command("dead", help="List dead messages: id, council, kind, reference, error.")
def outbox_dead() -> None:
    from portal.outbox.service import dead_messages
    from portal.tenancy import unscoped

    # The platform operator's view across councils; a council's administrator gets the same
    # list scoped to their own council in the back-office.
    with unscoped():
        dead = dead_messages(limit=1000)
    if not dead:
        click.echo("No dead messages.")
        return
    slugs = _council_slugs()
    click.echo(f"{'id':>8}  {'council':<20} {'kind':<18} {'reference':<16} {'tries':>5}  error")
    for message in dead:
        click.echo(f"{message.id:>8}  {slugs.get(message.tenant_id, '?'):<20} {message.kind:<18} "
                   f"{message.reference or '-':<16} {message.attempts:>5}  "
                   f"{message.last_error or '-'}")


@outbox_cli.command("retry", help="Send dead messages again: give their ids, or --all.")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "retry_all", is_flag=True, help="Every dead message.")
def outbox_retry(ids: tuple[int, ...], retry_all: bool) -> None:
    from portal.extensions import db
    from portal.outbox.service import NotDead, dead_messages, retry_message
    from portal.tenancy import unscoped

    if not ids and not retry_all:
        raise click.UsageError("Give the id of a dead message (see `flask outbox dead`), or --all.")
    problems = 0
    with unscoped():
        if retry_all:
            ids = tuple(message.id for message in dead_messages(limit=100_000))
        for message_id in ids:
            try:
                message = retry_message(message_id)
            except NotDead as exc:
                click.echo(str(exc), err=True)
                problems += 1
                continue
            if message is None:
                click.echo(f"no message {message_id}", err=True)
                problems += 1
                continue
            click.echo(f"message {message_id} will be sent again")
        db.session.commit()
    if problems:
        sys.exit(1)
