"""`flask returns remind`: email the schools whose periodic return is overdue (run it daily)."""
from __future__ import annotations

import click
from flask.cli import AppGroup


@click.group("returns", cls=AppGroup, help="Schools' statutory returns.")
def returns_cli() -> None:
    pass


@returns_cli.command("remind", help="Remind each school whose return for the period just ended "
                     "is overdue, once per period (run it daily). Counts only, never a pupil.")
def returns_remind() -> None:
    from flask import current_app

    from portal.casework.intake import local_day
    from portal.extensions import db
    from portal.returns.reminders import periodic, send_reminders
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    now = current_app.config["CLOCK"]()
    today, total = local_day(now), 0
    for slug, tenant in sorted(tenants().items()):
        tenant_id = tenant_id_for(slug)
        if tenant_id is None or not periodic(tenant):
            continue
        with tenant_scope(tenant_id):
            queued = send_reminders(tenant, today, now)
            db.session.commit()
        total += queued
        if queued:
            click.echo(f"{slug}: {queued} reminder(s) queued")
    click.echo(f"{total} reminder(s) queued")
