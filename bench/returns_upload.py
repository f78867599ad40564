"""A large secondary school's July leavers: a 1,500-pupil deletion return uploaded as CSV (and
as a CTF), through the real upload page on PostgreSQL. Prints the time to check and store it.

    .venv/bin/python bench/returns_upload.py                 # 1,500 pupils, CSV and CTF
    .venv/bin/python bench/returns_upload.py --pupils 300    # a quick look

Creates a database on the PostgreSQL server given (--database-url, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres), builds it by the migrations, creates
the five councils, then posts the file to /stockport/returns/deletion-return/upload with the
Flask test client: one request that reads the file, checks every row, and files the return and
one submission per pupil (reference, routing, deadline, name keys, timeline) in one
transaction, with its emails queued. Aim: under 10 s for 1,500 pupils. The database is dropped
at the end. Pupils are invented.
"""
from __future__ import annotations

import argparse
import io
import logging
import re
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORM = "deletion-return"


def post(client, content: bytes, kind: str, name: str) -> tuple[float, float, int]:
    page = client.get(f"/stockport/returns/{FORM}/upload").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    token = re.search(r'name="return_token" type="hidden" value="([^"]+)"', page)[1]
    data = {"csrf_token": csrf, "return_token": token, "school_laestab": "3562000",
            "sender_name": "Bench Office", "sender_email": "office@school.example",
            "senior_year_group": "13", "file_kind": kind, "ctf_at_risk": "no",
            "deletion_ground": "registered-at-another-school",
            "file": (io.BytesIO(content), name)}
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.post(f"/stockport/returns/{FORM}/upload", data=data,
                           content_type="multipart/form-data")
    return time.perf_counter() - wall, time.process_time() - cpu, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=1500)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres", help="a PostgreSQL server to create the database on")
    args = parser.parse_args()
    logging.disable(logging.INFO)

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url

    from portal import create_app
    from portal.cli import sync_tenants
    from tests.conftest import make_settings
    from tests.integration.returns.files import csv_bytes, ctf_bytes, rows_for

    name = f"cme_returns_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
            sync_tenants()
        client = app.test_client()
        headings = client.get(f"/stockport/returns/{FORM}/template.csv").get_data() \
            .decode("utf-8-sig").strip().split(",")
        rows = rows_for(FORM, args.pupils, ground="registered-at-another-school")
        csv_file = csv_bytes(rows, headings)
        ctf_file = ctf_bytes(rows_for(FORM, args.pupils, start=args.pupils), destination="3564001")
        print(f"{args.pupils:,} pupils: CSV {len(csv_file) / 1024:,.0f} KB, "
              f"CTF {len(ctf_file) / 1024:,.0f} KB")
        for label, content, kind, file_name in (("CSV", csv_file, "csv", "leavers.csv"),
                                                ("CTF", ctf_file, "ctf", "leavers.xml")):
            wall, cpu, status = post(client, content, kind, file_name)
            print(f"  {label}: checked and stored in {wall:.2f} s (CPU {cpu:.2f} s), HTTP {status}")
        from portal.extensions import db
        from portal.models import Submission
        from portal.tenancy import unscoped

        with app.app_context(), unscoped():
            stored = db.session.scalar(select(func.count()).select_from(Submission).where(
                Submission.return_id.is_not(None)))
            db.engine.dispose()
        print(f"  submissions stored from returns: {stored:,}")
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main()
