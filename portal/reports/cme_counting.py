"""Who counts as a child missing education, and who as electively home educated, for
set-based reports: the one place the DfE return asks it.

The definition is portal.reports.casebook's (an episode counts unless it ended with an outcome
that counts as ``not_cme``, or it is the first episode of a case opened from a parent's notice
of home education; a spell of home education runs from an ``ehe`` outcome until the case is
reopened). Here it is said twice, once in SQL for the cases that were never reopened (the great
majority, counted by grouped queries) and once over the Casebook's episodes for the few that
were (their timeline decides). When the per-council CME definition module lands
(portal/casework, issue #13) these functions call it: nothing else in the return changes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, not_, or_, select

from portal.casework import cme_definition
from portal.models.casework import Activity, Case
from portal.reports.casebook import EHE_FORM, Casebook, Episode, EheSpell, dfe_outcome_of
from portal.tenant_config.schema import Tenant

LONDON = ZoneInfo("Europe/London")


def outcome_keys(tenant: Tenant, dfe_outcome: str) -> list[str]:
    """The council's outcomes that count as one of the product's common outcomes."""
    return [o.key for o in tenant.workflow.outcomes if dfe_outcome_of(tenant, o.key) == dfe_outcome]


def reopened():
    """Cases that were ever reopened: their episodes come from their timeline."""
    return exists().where(Activity.case_id == Case.id, Activity.kind == "reopened")


def never_reopened():
    return not_(reopened())


def _counts_as_cme(tenant: Tenant):
    """The case's (only) episode counts as missing education."""
    return and_(
        or_(Case.opened_from_form.is_(None), Case.opened_from_form != EHE_FORM),
        or_(Case.status == "open", Case.outcome_key.is_(None),
            Case.outcome_key.not_in(outcome_keys(tenant, "not_cme"))))


def _ended_before(moment: datetime):
    return and_(Case.status == "closed", Case.closed_at < moment)


def _met_by(tenant: Tenant, moment: datetime):
    """The council's definition of CME is met by the end of the London day before
    ``moment`` (a report's moments are the ends of days)."""
    day = (moment - timedelta(hours=1)).astimezone(LONDON).date()
    return cme_definition._definition_met_clause(tenant, day)  # noqa: SLF001 - #13's clause


def cme_open_at(tenant: Tenant, moment: datetime):
    """SQL: a never-reopened case of a child missing education at ``moment``."""
    return and_(Case.opened_at < moment, not_(_ended_before(moment)), _counts_as_cme(tenant),
                _met_by(tenant, moment))


def cme_open_during(tenant: Tenant, first: datetime, last: datetime):
    """SQL: a never-reopened case of a child missing education at some time in [first, last).
    With a council definition, only cases still open at ``last`` (met by then); those closed
    in the window are counted from their timeline (:func:`during_timeline_cases`)."""
    if tenant.cme_definition is not None:
        return and_(Case.opened_at < last, not_(_ended_before(last)), _counts_as_cme(tenant),
                    _met_by(tenant, last))
    return and_(Case.opened_at < last,
                or_(Case.status == "open", Case.closed_at.is_(None), Case.closed_at > first),
                _counts_as_cme(tenant))


def during_timeline_cases(tenant: Tenant, first: datetime, last: datetime):
    """The cases :func:`cme_open_during` leaves to the Casebook."""
    if tenant.cme_definition is None:
        return reopened()
    return or_(reopened(), and_(Case.status == "closed", Case.closed_at > first,
                                Case.closed_at < last))


def ehe_at(tenant: Tenant, moment: datetime):
    """SQL: a never-reopened case of a child electively home educated at ``moment``."""
    return and_(Case.status == "closed", Case.outcome_key.in_(outcome_keys(tenant, "ehe")),
                Case.closed_at < moment)


def ehe_started_in(tenant: Tenant, first: datetime, last: datetime):
    """SQL: a never-reopened case whose home education started in [first, last)."""
    return and_(Case.status == "closed", Case.outcome_key.in_(outcome_keys(tenant, "ehe")),
                Case.closed_at >= first, Case.closed_at < last)


# --- the same, over a Casebook's episodes (cases that were reopened) -------------------------

def book_cme_open_at(book: Casebook, moment: datetime) -> list[Episode]:
    return book.cme_open_at(moment)


def book_cme_open_during(book: Casebook, first: datetime, last: datetime) -> list[Episode]:
    return book.cme_open_during(first, last)


def book_ehe_at(book: Casebook, moment: datetime) -> list[EheSpell]:
    return book.ehe_at(moment)


def book_ehe_started_in(book: Casebook, first: datetime, last: datetime) -> list[EheSpell]:
    return [s for s in book.ehe_spells if s.started_in(first, last)]


def details_changed_since(moment: datetime):
    """Cases whose reason (or whereabouts) was changed at or after ``moment``: what was
    recorded at ``moment`` is in their timeline, not in the case's columns."""
    return exists().where(Activity.case_id == Case.id,
                          Activity.kind.in_(("details", "enquiry")), Activity.at >= moment)


def timeline_cases(moment: datetime | None = None):
    """The cases the Casebook counts: reopened, or (with ``moment``) changed since it."""
    if moment is None:
        return reopened()
    return or_(reopened(), details_changed_since(moment))


def select_case_ids(condition):
    return select(Case.id).where(condition)
