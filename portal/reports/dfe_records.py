"""Finalised DfE returns: stored as made (figures, version, the notes that answered its
queries), so a past return is shown exactly as it was sent and the next one's movement
warnings compare with it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models.casework import DfeReturnRecord


def finalised(census: date) -> DfeReturnRecord | None:
    return db.session.scalar(select(DfeReturnRecord).where(
        DfeReturnRecord.census_date == census))


def last_before(census: date) -> DfeReturnRecord | None:
    return db.session.scalar(select(DfeReturnRecord)
                             .where(DfeReturnRecord.census_date < census)
                             .order_by(DfeReturnRecord.census_date.desc()).limit(1))


def finalise(census: date, version: str, figures: dict[str, int], notes: dict[str, str],
             user_id: int | None) -> DfeReturnRecord:
    record = DfeReturnRecord(census_date=census, version=version, figures=dict(figures),
                             notes=dict(notes), finalised_by_id=user_id)
    db.session.add(record)
    db.session.flush()
    return record
