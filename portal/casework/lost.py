"""Lost children stay in sight.

"Lost, posted to S2S" is a status of an open case, never a closing outcome (Stockport's policy
4.3: "The child will remain on the S2S database. Multi-agency and database checks will be
repeated every six months"). Recording it keeps the case open, records that the child's
whereabouts are not known (so the child stays in the whereabouts-unknown figures and the lost
pupils register) and sets the next re-check: the council's interval (``recheck_months`` on its
lost outcome) after the day it was recorded, moved on by every enquiry made on the case. The
re-check is a council deadline (:data:`EVENT`): it is the case's next step, carried onto its
forms in the inbox, where it falls due and then overdue. Only an outcome that locates the
child (one that counts as back in school, home educated or in another council) closes a lost
child's case.

"Located in another council" (an outcome with ``until_acknowledged``) closes the case only once
the other council has acknowledged the notice sent to it (portal.notices): until then the
outcome waits on the open case (``Case.pending_outcome_key``).
"""
from __future__ import annotations

import calendar as _calendar
from datetime import date

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.tenant_config.schema import Outcome, Tenant
from portal.i18n import Translated as _Translated

EVENT = "lost_recheck"
#: The outcomes that say where the child is: only these close a lost child's case.
LOCATING = ("back_in_school", "ehe", "located_other_la")




LABEL = _Translated(_l("Re-check a lost child: multi-agency and database checks"))
SOURCE = _Translated(_l("The council's re-check interval for a child on the lost pupils database (S2S)"))


def add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def is_lost_outcome(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.recheck_months is not None


def locates(tenant: Tenant, outcome: Outcome) -> bool:
    from portal.reports.casebook import dfe_outcome_of

    return dfe_outcome_of(tenant, outcome.key) in LOCATING


def lost_outcome(tenant: Tenant, case) -> Outcome | None:
    """The council's lost outcome the case was recorded with (its interval)."""
    outcome = next((o for o in tenant.workflow.outcomes if o.key == case.outcome_key), None)
    if is_lost_outcome(outcome):
        return outcome
    return next((o for o in tenant.workflow.outcomes if is_lost_outcome(o)), None)


def mark_lost(case, outcome: Outcome, today: date) -> None:
    """The case's lost status and its first re-check."""
    case.lost_on = today
    case.recheck_due_on = add_months(today, outcome.recheck_months or 6)


def rechecked(case, tenant: Tenant, on: date) -> None:
    """An enquiry on a lost child's case is a re-check: the next one is an interval later."""
    if case.lost_on is None:
        return
    outcome = lost_outcome(tenant, case)
    months = outcome.recheck_months if outcome else 6
    nxt = add_months(on, months or 6)
    if case.recheck_due_on is None or nxt > case.recheck_due_on:
        case.recheck_due_on = nxt


def clear(case) -> None:
    case.lost_on = None
    case.recheck_due_on = None
    case.pending_outcome_key = None


def recheck_events(case) -> dict[str, date]:
    """The re-check of an open lost child's case, for portal.casework.deadlines."""
    if getattr(case, "status", None) != "open" or getattr(case, "lost_on", None) is None:
        return {}
    due = getattr(case, "recheck_due_on", None)
    return {EVENT: due} if due else {}


def other_council_acknowledged(case) -> bool:
    """Whether a council the case sent a notice to has acknowledged it."""
    if not has_app_context():
        return False
    from portal.extensions import db
    from portal.models.notice import OutgoingNotice

    return db.session.scalar(select(OutgoingNotice.id).where(
        OutgoingNotice.case_id == case.id, OutgoingNotice.acknowledged_at.is_not(None))
        .limit(1)) is not None


def register() -> None:
    from portal.casework import deadlines

    deadlines.DATED_DEADLINES[EVENT] = (LABEL, SOURCE, None)
    if recheck_events not in deadlines.CASE_EVENT_SOURCES:
        deadlines.CASE_EVENT_SOURCES.append(recheck_events)


register()
