"""How fast the outbox queues and sends: prints figures, asserts nothing.

    .venv/bin/python bench/outbox_throughput.py                      # SQLite, 500 messages
    .venv/bin/python bench/outbox_throughput.py -n 2000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Queues acknowledgements (rendering each in English), then sends them with one worker through
a real SMTP server on 127.0.0.1 (aiosmtpd, one connection per message, as in production).
Builds a throwaway database by the migrations and drops it afterwards.

Measured here (2 cores, loopback): about 40 a second on SQLite and 55 on PostgreSQL for one
worker. Most of it is the commit after each message, kept on purpose so that a killed worker
sends again only the one message it had in hand; on PostgreSQL, run more workers for more.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="messages (default 500)")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to create a database on")
    args = parser.parse_args()

    import tests.conftest as fixtures

    fixtures.POSTGRES_SERVER = args.postgres
    from flask_migrate import upgrade

    from portal import create_app
    from portal.cli import sync_tenants
    from portal.extensions import db
    from portal.outbox import queue_acknowledgement
    from portal.outbox.senders import SmtpSender
    from portal.outbox.worker import WorkerOptions, run
    from portal.tenancy import tenant_id_for, tenant_scope, tenants
    from tests.integration.outbox.conftest import SmtpServer

    import logging

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp, fixtures.new_database(Path(tmp)) as url:
        app = create_app(fixtures.make_settings(url))
        server = SmtpServer().start()
        try:
            with app.app_context():
                upgrade()
                sync_tenants()
                stockport = tenants()["stockport"]
                started = time.perf_counter()
                with tenant_scope(tenant_id_for("stockport")):
                    for i in range(args.n):
                        queue_acknowledgement(tenant=stockport, to=f"p{i}@example.com",
                                              reference=f"STK-2026-{i:06d}",
                                              form_title="CME referral", language="en",
                                              urgent=bool(i % 2))
                        if i % 100 == 99:
                            db.session.commit()
                    db.session.commit()
                queued = time.perf_counter() - started

                started = time.perf_counter()
                sent = run(SmtpSender(server.url, "no-reply@cme-portal.invalid"),
                           clock=app.config["CLOCK"], options=WorkerOptions(batch=args.batch),
                           once=True)
                sending = time.perf_counter() - started
                db.engine.dispose()
        finally:
            server.stop()
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{database}: queued {args.n} acknowledgements in {queued:.2f} s "
          f"({args.n / queued:,.0f} a second, rendering included)")
    print(f"{database}: one worker sent {sent} over SMTP on loopback in {sending:.2f} s "
          f"({sent / sending:,.0f} a second, batch {args.batch})")


if __name__ == "__main__":
    main()
