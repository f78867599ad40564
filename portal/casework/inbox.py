"""The inbox: a council's submissions to work, urgent first, then by deadline.

Views (tabs): the officer's own, the unallocated, each team's, everything open, and closed.
Filters: form, status, team, officer, school, overdue. All of it is one indexed query per page
plus one grouped count for the tabs, scoped to the council by the tenancy hook.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case as sql_case, func, select

from portal.extensions import db
from portal.models.submission import Submission

PAGE_SIZE = 25
OPEN_STATUSES = ("new", "acknowledged")
STATUSES = ("new", "acknowledged", "closed")
VIEWS = ("mine", "unallocated", "open", "closed")


@dataclass
class Filters:
    view: str = "open"
    team: str | None = None
    form: str | None = None
    status: str | None = None
    officer_id: int | None = None
    school: str | None = None
    overdue: bool = False
    page: int = 1

    def as_args(self, **changes) -> dict:
        """Query-string arguments for a link to these filters (no personal data in them)."""
        values = {"view": self.view, "team": self.team, "form": self.form,
                  "status": self.status, "officer": self.officer_id, "school": self.school,
                  "overdue": "1" if self.overdue else None, "page": self.page}
        values.update(changes)
        return {key: value for key, value in values.items()
                if value not in (None, "") and not (key == "page" and value == 1)}


@dataclass
class InboxPage:
    rows: list[tuple[Submission, date | None]]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)


def _effective_due():
    # The submission's own deadline, or its case's: portal.casework.intake keeps it there.
    return Submission.due_on


def _view_clause(view: str, user_id: int):
    if view == "mine":
        return and_(Submission.officer_id == user_id, Submission.status.in_(OPEN_STATUSES))
    if view == "unallocated":
        return and_(Submission.officer_id.is_(None), Submission.status.in_(OPEN_STATUSES))
    if view == "closed":
        return Submission.status == "closed"
    return Submission.status.in_(OPEN_STATUSES)


def tab_counts(user_id: int) -> dict[str, int]:
    """How many open items each tab holds, in one grouped query."""
    mine = func.sum(sql_case((Submission.officer_id == user_id, 1), else_=0))
    unallocated = func.sum(sql_case((Submission.officer_id.is_(None), 1), else_=0))
    total = func.count(Submission.id)
    row = db.session.execute(
        select(total, mine, unallocated).where(Submission.status.in_(OPEN_STATUSES))).one()
    return {"open": row[0] or 0, "mine": row[1] or 0, "unallocated": row[2] or 0}


def inbox_page(filters: Filters, *, user_id: int, today: date) -> InboxPage:
    due = _effective_due()
    conditions = [_view_clause(filters.view, user_id)]
    if filters.team:
        conditions.append(Submission.team_key == filters.team)
    if filters.form:
        conditions.append(Submission.form_slug == filters.form)
    if filters.status:
        conditions.append(Submission.status == filters.status)
    if filters.officer_id:
        conditions.append(Submission.officer_id == filters.officer_id)
    if filters.school:
        conditions.append(Submission.school_laestab == filters.school)
    if filters.overdue:
        conditions.append(due < today)
    base = select(Submission, due.label("due")).where(*conditions)
    counts = tab_counts(user_id)
    if filters.view in counts and len(conditions) == 1:
        total = counts[filters.view]  # a tab with no filter: counted already
    else:
        # count(Submission.id), not count() over a subquery: the tenancy hook scopes a
        # statement by the entities it selects, and a bare count() selects none.
        count = select(func.count(Submission.id)).where(*conditions)
        total = db.session.scalar(count) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    # The order of the partial indexes ix_submissions_open_work(_officer) (migration 0010).
    query = (base.order_by(Submission.urgent.desc(), due.asc().nulls_last(),
                           Submission.received_at, Submission.id)
             .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    rows = [(submission, due_on) for submission, due_on in db.session.execute(query)]
    return InboxPage(rows=rows, total=total, page=page, pages=pages, counts=counts)


def state_of_due(due: date | None, today: date, tenant) -> str | None:
    """overdue / due_today / due_soon / due, as the deadlines module says (None: no date)."""
    if due is None:
        return None
    try:
        from portal.casework.deadlines import state_of
    except ImportError:  # pragma: no cover - being built
        return "overdue" if due < today else ("due_today" if due == today else "due")
    return state_of(tenant, due, today)


def teams_with_open_counts() -> dict[str, int]:
    rows = db.session.execute(select(Submission.team_key, func.count(Submission.id))
                              .where(Submission.status.in_(OPEN_STATUSES))
                              .group_by(Submission.team_key))
    return {team: count for team, count in rows}


__all__ = ["Filters", "InboxPage", "inbox_page", "tab_counts", "state_of_due", "PAGE_SIZE",
           "VIEWS", "STATUSES", "OPEN_STATUSES"]
