#!/usr/bin/env python3
"""Restore drill: restore a PostgreSQL backup into a scratch database and check it.

    .venv/bin/python scripts/restore_drill.py --source postgresql://owner@db/cme
        takes a backup now (pg_dump -Fc) and restores it
    .venv/bin/python scripts/restore_drill.py --dump /backups/cme-2026-12-04.dump \
        --server postgresql://owner@db/postgres
        restores last night's backup

It creates a database named cme_restore_drill_<time> on the server, restores into it with
pg_restore, and checks: the schema is at this code's migration head; every table the
models define is there; every council's row is there; no row of a council table points at a
council that does not exist; and, with --source, every table holds as many rows as the
source. It prints each table's count and `restore drill: ok`, or what failed and exits 1.
The scratch database is dropped afterwards unless --keep. No row's contents are printed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402


def _libpq(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://) as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _heads() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(config).get_heads())


def _model_tables() -> list[str]:
    from portal.models.base import Base
    import portal.models  # noqa: F401 - registers every model

    return sorted(Base.metadata.tables)


def _tenant_tables() -> list[str]:
    from portal.models.base import Base
    import portal.models  # noqa: F401

    return sorted(name for name, table in Base.metadata.tables.items()
                  if "tenant_id" in table.c and name != "tenants")


def _counts(conn, tables: list[str]) -> dict[str, int]:
    return {table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(table))).fetchone()[0] for table in tables}


def check(restored_url: str, source_url: str | None) -> list[str]:
    problems = []
    with psycopg.connect(_libpq(restored_url)) as conn:
        present = {row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        missing = [t for t in _model_tables() if t not in present]
        if missing:
            problems.append(f"tables missing: {', '.join(missing)}")
        if "alembic_version" not in present:
            return problems + ["no alembic_version table: not a portal database"]
        versions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        if versions != _heads():
            problems.append(f"schema at {sorted(versions)}, this code's head is {sorted(_heads())}")
        tables = [t for t in _model_tables() if t in present]
        counts = _counts(conn, tables)
        if counts.get("tenants", 0) == 0:
            problems.append("no council in the tenants table")
        for table in _tenant_tables():
            if table not in present:
                continue
            orphans = conn.execute(sql.SQL(
                "SELECT count(*) FROM {} t WHERE NOT EXISTS "
                "(SELECT 1 FROM tenants c WHERE c.id = t.tenant_id)").format(
                sql.Identifier(table))).fetchone()[0]
            if orphans:
                problems.append(f"{table}: {orphans} row(s) of a council that does not exist")
    if source_url:
        with psycopg.connect(_libpq(source_url)) as conn:
            source = _counts(conn, tables)
        for table in tables:
            if source[table] != counts[table]:
                problems.append(f"{table}: {counts[table]} row(s) restored, {source[table]} "
                                "in the source")
    for table in tables:
        print(f"{table:32} {counts[table]:>10}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="database to back up now and compare with")
    parser.add_argument("--dump", type=Path, help="a pg_dump -Fc backup to restore")
    parser.add_argument("--server", help="server (any database URL on it) to restore onto; "
                                         "default: the source's")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if not (args.source or args.dump):
        parser.error("give --source or --dump")
    server = args.server or args.source
    if not server:
        parser.error("--dump needs --server")
    scratch = f"cme_restore_drill_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    restored_url = _with_database(server, scratch)
    with tempfile.TemporaryDirectory() as tmp:
        dump = args.dump
        if dump is None:
            dump = Path(tmp) / "backup.dump"
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                            "--dbname", _libpq(args.source)], check=True)
        with psycopg.connect(_libpq(server), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            restore = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                                      "--dbname", _libpq(restored_url), str(dump)],
                                     capture_output=True, text=True)
            if restore.returncode != 0:
                print(f"restore drill: FAILED: pg_restore: {restore.stderr.strip()[-500:]}")
                return 1
            problems = check(restored_url, args.source)
        finally:
            if not args.keep:
                with psycopg.connect(_libpq(server), autocommit=True) as admin:
                    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(scratch)))
    if problems:
        for problem in problems:
            print(f"restore drill: FAILED: {problem}")
        return 1
    print(f"restore drill: ok ({scratch}{' kept' if args.keep else ' dropped'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
