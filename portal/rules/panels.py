"""When a panel meets: its first meeting, then every N weeks on the same weekday.

No Flask and no database: portal.casework.panels builds the agendas on these dates.
"""
from __future__ import annotations

from datetime import date, timedelta


def meets_on(first: date, every_weeks: int, day: date) -> bool:
    """Whether the panel meets on this day."""
    return day >= first and (day - first).days % (7 * every_weeks) == 0


def next_meeting(first: date, every_weeks: int, on_or_after: date) -> date:
    """The first meeting on or after the day (the first meeting itself before it)."""
    if on_or_after <= first:
        return first
    period = 7 * every_weeks
    behind = (on_or_after - first).days % period
    return on_or_after if behind == 0 else on_or_after + timedelta(days=period - behind)


def previous_meeting(first: date, every_weeks: int, before: date) -> date | None:
    """The last meeting strictly before the day, or None before the first."""
    if before <= first:
        return None
    period = 7 * every_weeks
    return before - timedelta(days=(before - first).days % period or period)


def meetings_between(first: date, every_weeks: int, start: date, end: date) -> list[date]:
    """Every meeting from start to end, both included."""
    found, day = [], next_meeting(first, every_weeks, start)
    while day <= end:
        found.append(day)
        day += timedelta(weeks=every_weeks)
    return found
