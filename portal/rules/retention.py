"""Retention periods as dates (pure: no Flask, no database)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def kept_until_start_of(day: date, years: int) -> datetime:
    """Records whose period began before this moment (UTC midnight starting the day `years`
    before `day`) are past a retention of `years` years."""
    return datetime.combine(years_before(day, years), time.min, tzinfo=timezone.utc)
