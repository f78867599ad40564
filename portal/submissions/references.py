"""References: the council's prefix, the year and a sequence number, e.g. STK-2026-000123.

Unique, never reused, allocated without races: one atomic upsert on the council's counter
for the year (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on SQLite and PostgreSQL). The
counter row stays locked until the submission's transaction ends, so a rolled-back submission
gives its number back and no number is skipped or given twice.

This is the one reviewed module that writes a tenant table with a Core statement: the
tenant id is passed in explicitly and is the first column of the conflict target.
"""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.models.submission import ReferenceCounter

COUNTERS = ReferenceCounter.__table__


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def next_reference(session: Session, *, tenant_id: int, prefix: str, year: int) -> str:
    return next_references(session, tenant_id=tenant_id, prefix=prefix, year=year, count=1)[0]


def next_references(session: Session, *, tenant_id: int, prefix: str, year: int,
                    count: int) -> list[str]:
    """``count`` consecutive references in one statement (a school's return of many pupils)."""
    if count < 1:
        return []
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(COUNTERS)
        .values(tenant_id=tenant_id, year=year, last_value=count)
        .on_conflict_do_update(index_elements=[COUNTERS.c.tenant_id, COUNTERS.c.year],
                               set_={"last_value": COUNTERS.c.last_value + count})
        .returning(COUNTERS.c.last_value)
    )
    last = session.execute(statement).scalar_one()
    return [format_reference(prefix, year, number) for number in range(last - count + 1, last + 1)]
