"""When may a school delete a pupil from its register, and on what conditions?

From the ground (the regulations of the council's nation), the council's own policy (e.g.
Staffordshire: not until the CME team has acknowledged the referral, after 20 school days of
continuous absence) and the school calendar. A deletion is never backdated.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.rules.calendar import CalendarCoverageError, SchoolCalendar
from portal.rules.deletion_grounds import Ground

# Conditions the receipt spells out (the templates hold their sentences).
CME_ACKNOWLEDGEMENT = "cme_acknowledgement"
JOINT_ENQUIRIES = "joint_enquiries"
LA_CONSENT_SPECIAL_SCHOOL = "la_consent_special_school"
CALENDAR_UNKNOWN = "calendar_unknown"


@dataclass(frozen=True)
class DeletionPolicy:
    """The part of a council's policy that gates deletion."""
    requires_cme_acknowledgement: bool = False
    continuous_absence_school_days: int | None = None


@dataclass(frozen=True)
class DeletionReadiness:
    earliest: date | None
    """The first day the name may be deleted; None when the calendar cannot say."""
    conditions: tuple[str, ...]
    school_days_counted: int | None = None


def _first_school_day_on_or_after(calendar: SchoolCalendar, day: date) -> date:
    return day if calendar.is_school_day(day) else calendar.next_school_day(day)


def deletion_readiness(ground: Ground, *, today: date, calendar: SchoolCalendar,
                       policy: DeletionPolicy = DeletionPolicy(),
                       first_day_of_absence: date | None = None,
                       leave_ended: date | None = None,
                       special_school: bool = False,
                       whereabouts_unknown: bool = False) -> DeletionReadiness:
    """The earliest lawful day to delete, and what must have happened by then.

    - 20 school days of continuous absence (England 2024 reg 9(1)(i), and the council's own
      number where it asks for more): the school day after the last of those days, counting
      the first day of absence as day one.
    - Not back within 10 school days after a leave of absence (reg 9(1)(h)): the school day
      after the tenth school day following the end of the leave.
    - Any other ground: from today (the notice is filed before the deletion is made).
    """
    conditions: list[str] = []
    gated = ground.requires_joint_enquiries or whereabouts_unknown
    if ground.requires_joint_enquiries:
        conditions.append(JOINT_ENQUIRIES)
    if gated and policy.requires_cme_acknowledgement:
        conditions.append(CME_ACKNOWLEDGEMENT)
    if special_school and ground.needs_la_consent_for_special_school:
        conditions.append(LA_CONSENT_SPECIAL_SCHOOL)

    earliest = today
    counted = None
    try:
        if ground.key == "continuous-absence-20-days" and first_day_of_absence:
            counted = max(ground.school_days_threshold or 20,
                          policy.continuous_absence_school_days or 0)
            day_one = _first_school_day_on_or_after(calendar, first_day_of_absence)
            last_absent_day = calendar.add_school_days(day_one, counted - 1)
            earliest = max(today, calendar.next_school_day(last_absent_day))
        elif ground.key == "not-returned-after-leave" and leave_ended:
            counted = ground.school_days_threshold or 10
            last_day = calendar.add_school_days(leave_ended, counted)
            earliest = max(today, calendar.next_school_day(last_day))
    except CalendarCoverageError:
        return DeletionReadiness(None, tuple(conditions + [CALENDAR_UNKNOWN]), counted)
    return DeletionReadiness(earliest, tuple(conditions), counted)
