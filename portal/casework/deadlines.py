"""Deadlines counted in each council's school days, from the ``[[thresholds]]`` of its
``tenant.toml``.

A threshold says: ``days`` of a ``unit`` after an event (``from_event``), someone (``owner``)
must have done something (``label``). A council-owned deadline is one the council's officers
are held to: it can be overdue on a case, and the earliest one sorts the inbox
(:func:`next_due`). A school- or family-owned one is shown for information ("the school
should have ... by") and is left out unless asked for (``owners=``).

How days are counted (what the policies mean)
---------------------------------------------

* **After an event** (the usual case): "within 5 school days of" an event is the 5th school day
  after it; the event day itself is never counted, whatever time of day it happened. A
  notification received on Friday with 1 school day to acknowledge it is due on Monday.
* **Day 1 events** (:data:`DAY_ONE_EVENTS`, the first day of absence): the policies number the
  days of an absence from the first one, so the event day is day 1. Liverpool's "Day 6" after
  "Days 1-5" is the 6th school day counting the first day of absence as day 1; Stockport's
  "within 10 school days of unexplained absence" (its flowchart's "not returned on Day 10")
  is day 10. ``days = 1`` is the first day of absence itself.
* **An event on a non-school day** (a weekend, half term, an INSET day, a bank holiday, the
  holidays between terms): school days are counted from the first school day after it; for a
  day 1 event, day 1 is the first school day on or after it.
* ``school_days``: the council's calendar (its terms, half terms, INSET and closure days, and the
  bank holidays of England and Wales). ``working_days``: Monday to Friday except bank holidays
  (a council's officers work through the school holidays). ``calendar_days``: every day ("by the
  end of the fifth day after"). For a day 1 event these count the event day as day 1 too.
* ``months``: the same day of the month ``days`` months later (the last day of a shorter
  month: six months after 31 August is 28 February). Not moved off weekends.
* **Beyond the calendar**: when a school-day count needs a day before the first term or after
  the last term in ``[calendar]``, it is counted in working days instead and the deadline is
  marked ``approximate`` (the pages say so); it never fails. Working, calendar and month counts
  never need the calendar.

The state of a deadline on a day (:func:`state_of`): ``overdue`` when it was due before today;
``due_today``; ``due_soon`` when it falls within the next 2 school days (working days beyond
the calendar), a weekend or holiday before them included; ``due`` otherwise.

Events of a case (:func:`case_events`)
--------------------------------------

Dates in Europe/London. ``received``: the earliest submission still waiting to be
acknowledged or given to an officer (the earliest of all when none waits).
``acknowledged`` / ``allocated``: present once every submission is acknowledged / has an
officer (or the case has one); they meet the portal's own ``acknowledge`` / ``allocate``
thresholds (:data:`MET_BY`), which then drop out. The answers of the submissions give the
events in :data:`ANSWER_EVENTS` (the newest submission that gives one wins). While a case is
open and the child's whereabouts are not known: ``last_check``, the latest enquiry's date, else
the day the case was opened (Stockport's six-monthly re-check counts from it), and
``letter_sent``, the latest enquiry whose checklist key names a letter (Southwark's
``letter``). Events no record holds yet (``last_day_in_education``, ``last_panel``,
``last_return``) apply only when a caller passes them. A closed case has no deadlines:
callers leave it out.

No Flask here, and nothing names a council: councils differ only by their thresholds and
calendars.
"""
from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from portal.rules.calendar import CalendarCoverageError, SchoolCalendar
from portal.tenant_config.schema import LocalText, Tenant, Threshold

if TYPE_CHECKING:  # pragma: no cover - types only
    from portal.models.casework import Case, Enquiry
    from portal.models.submission import Submission

__all__ = [
    "ANSWER_EVENTS",
    "DAY_ONE_EVENTS",
    "Deadline",
    "MET_BY",
    "STATES",
    "acknowledge_by",
    "allocate_by",
    "case_events",
    "deadlines_for",
    "due_date",
    "next_due",
    "state_of",
    "submission_events",
]

LONDON = ZoneInfo("Europe/London")
_ONE_DAY = timedelta(days=1)

#: The states of a deadline, most pressing first.
STATES = ("overdue", "due_today", "due_soon", "due")

#: How many school days ahead a deadline counts as due soon (not counting today).
SOON_SCHOOL_DAYS = 2

#: Events that are day 1 of the count (see the module's docstring).
DAY_ONE_EVENTS = frozenset({"first_day_of_absence"})

#: Event -> the answer keys of the forms (forms/definitions/*.yaml) that give its date, as
#: ISO strings ("2026-03-13").
ANSWER_EVENTS: dict[str, tuple[str, ...]] = {
    "first_day_of_absence": ("first_day_of_absence",),  # change-to-register, missing-pupil-checklist
    "last_day_of_attendance": ("last_attendance",),  # change-to-register, cme-referral, cross-border-notice
    "expected_first_day": ("first_attendance",),  # change-to-register (addition)
    "name_entered": ("date_entered", "entry_date"),  # change-to-register (addition), new-pupil-return
    "name_deleted": ("intended_deletion_date",),  # change-to-register (deletion)
    "left_school": ("intended_deletion_date",),  # the day the pupil leaves the roll
    "leaving_date": ("leaving_date",),  # ehe-notification
    "end_of_leave": ("leave_ended",),  # change-to-register (not returned after leave)
    "arrived_in_area": ("arrival_date",),  # arrival-in-area
}

#: Answers that mean another event on one form: the deletion return's "leaving_date" is the day
#: the name is deleted (on the EHE notice it is the day the child left school).
FORM_ANSWER_EVENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "deletion-return": {"name_deleted": ("leaving_date",), "left_school": ("leaving_date",)},
    "no-show": {"expected_first_day": ("expected_on",)},
}

#: The portal's own thresholds and the event that meets them: once it is among the events the
#: deadline is done and left out.
MET_BY = {"acknowledge": "acknowledged", "allocate": "allocated"}

#: Council-owned deadlines whose due date a record sets rather than a threshold counting days:
#: event key -> (label, source, the event it counts from or None). The module that owns such a
#: record registers it here, with a function in CASE_EVENT_SOURCES that adds the event to a
#: case's events (its date is the due date). portal.notices registers a notice's reply-by date.
DATED_DEADLINES: dict[str, tuple[Any, Any, str | None]] = {}
#: Functions (case) -> more events of an open case; see DATED_DEADLINES.
CASE_EVENT_SOURCES: list[Callable[[Any], Mapping[str, date]]] = []


@dataclass(frozen=True)
class Deadline:
    key: str
    label: LocalText
    owner: str  # "council" | "school" | "family"
    from_event: str
    event_date: date
    due: date
    state: str  # "overdue" | "due_today" | "due_soon" | "due" (relative to today)
    approximate: bool  # True when the calendar did not cover the dates: working days were used
    source: str
    days: int = 0
    unit: str = ""

    @property
    def council_owned(self) -> bool:
        return self.owner == "council"


# --- counting --------------------------------------------------------------------------------

_CALENDARS: dict[int, tuple[Any, SchoolCalendar]] = {}


def _school_calendar(tenant: Tenant) -> SchoolCalendar:
    """The council's SchoolCalendar, built once per loaded tenant file."""
    config = tenant.calendar
    cached = _CALENDARS.get(id(config))
    if cached is not None and cached[0] is config:
        return cached[1]
    built = config.school_calendar()
    if len(_CALENDARS) >= 64:  # tenants reloaded (tests): keep the cache small
        _CALENDARS.clear()
    _CALENDARS[id(config)] = (config, built)
    return built


def _as_date(value: date | datetime) -> date:
    """A date; a datetime becomes its day in Europe/London (naive ones are taken as UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(LONDON).date()
    return value


def _add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def _add_school_days(school: SchoolCalendar, start: date, n: int) -> tuple[date, bool]:
    try:
        return school.add_school_days(start, n), False
    except CalendarCoverageError:
        return school.add_working_days(start, n), True


def due_date(tenant: Tenant, threshold: Threshold, start: date | datetime) -> tuple[date, bool]:
    """When ``threshold`` falls due for an event on ``start``: (due, approximate)."""
    start = _as_date(start)
    n = threshold.days
    if n == 0:  # due on the day of the event itself
        return start, False
    if threshold.unit == "months":
        return _add_months(start, n), False
    # A day 1 event counts as the first day: count from the day before it.
    base = start - _ONE_DAY if threshold.from_event in DAY_ONE_EVENTS else start
    if threshold.unit == "calendar_days":
        return base + timedelta(days=n), False
    school = _school_calendar(tenant)
    if threshold.unit == "working_days":
        return school.add_working_days(base, n), False
    if threshold.unit == "school_days":
        return _add_school_days(school, base, n)
    raise ValueError(f"unknown threshold unit {threshold.unit!r}")  # pragma: no cover - schema


def state_of(tenant: Tenant, due: date, today: date) -> str:
    """overdue, due_today, due_soon (within the next 2 school days, not today) or due."""
    if due < today:
        return "overdue"
    if due == today:
        return "due_today"
    soon, _ = _add_school_days(_school_calendar(tenant), today, SOON_SCHOOL_DAYS)
    return "due_soon" if due <= soon else "due"


# --- deadlines of a set of events --------------------------------------------------------------


def deadlines_for(
    tenant: Tenant,
    events: Mapping[str, date],
    today: date,
    *,
    owners: Iterable[str] = ("council",),
) -> list[Deadline]:
    """Every threshold of the council whose event is in ``events`` and whose owner is in
    ``owners``, earliest due first (the file's order on the same day). A threshold met by an
    event of :data:`MET_BY` is left out."""
    wanted = set(owners)
    found: list[Deadline] = []
    for threshold in tenant.thresholds:
        if threshold.owner not in wanted or threshold.from_event not in events:
            continue
        if MET_BY.get(threshold.key) in events or any(e in events for e in threshold.met_by):
            continue
        event_day = _as_date(events[threshold.from_event])
        due, approximate = due_date(tenant, threshold, event_day)
        found.append(
            Deadline(
                key=threshold.key,
                label=threshold.label,
                owner=threshold.owner,
                from_event=threshold.from_event,
                event_date=event_day,
                due=due,
                state=state_of(tenant, due, today),
                approximate=approximate,
                source=threshold.source,
                days=threshold.days,
                unit=threshold.unit,
            )
        )
    if "council" in wanted:
        for key, (label, source, from_event) in DATED_DEADLINES.items():
            if key not in events:
                continue
            due = _as_date(events[key])
            found.append(Deadline(key=key, label=label, owner="council",
                                  from_event=from_event or key,
                                  event_date=_as_date(events.get(from_event) or due), due=due,
                                  state=state_of(tenant, due, today), approximate=False,
                                  source=source))
    found.sort(key=lambda deadline: deadline.due)
    return found


def next_due(tenant: Tenant, events: Mapping[str, date], today: date) -> date | None:
    """The earliest council-owned due date (to sort the inbox), or None."""
    deadlines = deadlines_for(tenant, events, today, owners=("council",))
    return deadlines[0].due if deadlines else None


def _portal_threshold(tenant: Tenant, key: str) -> Threshold:
    try:
        return tenant.threshold(key)
    except KeyError:
        raise KeyError(f"{tenant.slug} has no [[thresholds]] entry with key {key!r}") from None


def acknowledge_by(tenant: Tenant, received: date | datetime) -> date:
    """The day a notification received on ``received`` must be acknowledged by."""
    return due_date(tenant, _portal_threshold(tenant, "acknowledge"), received)[0]


def allocate_by(tenant: Tenant, received: date | datetime) -> date:
    """The day a notification received on ``received`` must be given to an officer by."""
    return due_date(tenant, _portal_threshold(tenant, "allocate"), received)[0]


# --- the events of a case ----------------------------------------------------------------------


def _answer_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _answer_events(answers: Mapping[str, Any] | None, form_slug: str | None = None
                   ) -> dict[str, date]:
    events: dict[str, date] = {}
    mapping = {**ANSWER_EVENTS, **FORM_ANSWER_EVENTS.get(form_slug or "", {})}
    for event, keys in mapping.items():
        for key in keys:
            day = _answer_date((answers or {}).get(key))
            if day is not None:
                events[event] = day
                break
    return events


def submission_events(submission: Submission) -> dict[str, date]:
    """The events of one submission: ``received``, ``acknowledged`` and ``allocated`` when
    they happened, and the dates in its answers."""
    events = _answer_events(submission.answers, getattr(submission, "form_slug", None))
    events["received"] = _as_date(submission.received_at)
    if submission.acknowledged_at is not None:
        events["acknowledged"] = _as_date(submission.acknowledged_at)
    if submission.officer_id is not None:
        events["allocated"] = _as_date(submission.allocated_at or submission.received_at)
    return events


def _names_a_letter(checklist_key: str | None) -> bool:
    if not checklist_key:
        return False
    return "letter" in checklist_key.lower().replace("-", "_").split("_")


def case_events(
    case: Case | None,
    submissions: Iterable[Submission],
    enquiries: Iterable[Enquiry] = (),
) -> dict[str, date]:
    """The dates a case's deadlines count from (see the module's docstring)."""
    subs = sorted(submissions, key=lambda s: _as_date(s.received_at))
    events: dict[str, date] = {}
    for submission in subs:  # oldest first: the newest submission's answers win
        events.update(_answer_events(submission.answers, getattr(submission, "form_slug", None)))

    case_officer = case is not None and case.officer_id is not None
    if subs:
        unacknowledged = [s for s in subs if s.acknowledged_at is None]
        unallocated = [] if case_officer else [s for s in subs if s.officer_id is None]
        waiting = [s for s in subs if s in unacknowledged or s in unallocated]
        events["received"] = _as_date((waiting or subs)[0].received_at)
        if not unacknowledged:
            events["acknowledged"] = max(_as_date(s.acknowledged_at) for s in subs)
        if not unallocated:
            allocated = [_as_date(s.allocated_at) for s in subs if s.allocated_at is not None]
            events["allocated"] = max(allocated) if allocated else _as_date(subs[-1].received_at)

    if case is not None and case.status != "closed" and case.whereabouts_known is not True:
        made = sorted((e for e in enquiries if e.made_on is not None), key=lambda e: _as_date(e.made_on))
        if made:
            events["last_check"] = _as_date(made[-1].made_on)
        elif case.opened_at is not None:
            events["last_check"] = _as_date(case.opened_at)
        letters = [e for e in made if _names_a_letter(e.checklist_key)]
        if letters:
            events["letter_sent"] = _as_date(letters[-1].made_on)
    if case is not None and case.status != "closed":
        for source in CASE_EVENT_SOURCES:
            events.update(source(case))
    return events
