"""What the public sends: drafts in progress, and stored submissions with their references."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped, utcnow


class FormDraft(TenantOwned, Base):
    """Answers in progress, kept server-side under an unguessable token (the browser holds only
    the token, in its session cookie). Expired drafts are deleted."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    form_slug: Mapped[str] = mapped_column(String(40), nullable=False)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    language: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    # The one-time token the final POST carries: one submission per token, ever.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 index=True)


class Submission(TenantOwned, Timestamped, Base):
    """A form as sent: typed columns for what the back-office filters and matches on, and
    every answer as JSON."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_tenant_received", "tenant_id", "received_at"),
        Index("ix_submissions_tenant_dob", "tenant_id", "child_dob"),
        Index("ix_submissions_tenant_upn", "tenant_id", "upn"),
        Index("ix_submissions_tenant_postcode", "tenant_id", "postcode"),
        # The inbox: a council's open work, urgent first, then by deadline.
        Index("ix_submissions_tenant_inbox", "tenant_id", "status", "urgent", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    submission_token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    form_slug: Mapped[str] = mapped_column(String(40), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    language: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    child_first_name: Mapped[str | None] = mapped_column(String(200))
    child_last_name: Mapped[str | None] = mapped_column(String(200))
    child_dob: Mapped[date | None] = mapped_column(Date)
    upn: Mapped[str | None] = mapped_column(String(13))
    postcode: Mapped[str | None] = mapped_column(String(8))
    school_laestab: Mapped[str | None] = mapped_column(String(7))
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_email: Mapped[str | None] = mapped_column(String(254))
    answers: Mapped[dict] = mapped_column(JSON, nullable=False)
    # the deletion rules that applied when it was received (e.g. england-2024)
    rules_version: Mapped[str | None] = mapped_column(String(20))
    deletion_earliest: Mapped[date | None] = mapped_column(Date)
    team_key: Mapped[str | None] = mapped_column(String(64))
    officer: Mapped[str | None] = mapped_column(String(200))
    routing_reason: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="new")
    # The back-office's work on it (portal.casework): acknowledged by whom and when, the
    # officer it is allocated to, the case it belongs to, and its next deadline for sorting.
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    allocated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    # The school's return it came in (portal/returns/), when it was one pupil of many.
    return_id: Mapped[int | None] = mapped_column(ForeignKey("school_returns.id"), index=True)
    #: Whether the officer came from the school's named officer (portal.casework.school_officers).
    allocated_by_school: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                      server_default=false())
    #: The outcome its case reached (the council's outcome key) and when: what the sender is
    #: told, by email and, where the sender has an account, on their list.
    outcome_key: Mapped[str | None] = mapped_column(String(64))
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the retention job removed the child's and sender's details (portal.casework.retention).
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The school sent this notice after a deadline it owns (portal.casework.school_deadlines):
    #: the inbox's "late" flag.
    school_late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                              server_default=false())


class ReferenceCounter(TenantOwned, Base):
    """The last reference number given for a council and year: STK-2026-000123."""

    __tablename__ = "reference_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "year", name="uq_reference_counters_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# The inbox's open work, in the inbox's order (portal.casework.inbox): a page is an index range
# read, for a council and for one officer. Partial: closed submissions (most of them) are not in
# these indexes at all. due_on ascending puts nulls last on PostgreSQL (its default).
_OPEN = Submission.status.in_(("new", "acknowledged"))
Index("ix_submissions_open_work", Submission.tenant_id, Submission.urgent.desc(),
      Submission.due_on, Submission.received_at, Submission.id,
      postgresql_where=_OPEN, sqlite_where=_OPEN)
Index("ix_submissions_open_work_officer", Submission.tenant_id, Submission.officer_id,
      Submission.urgent.desc(), Submission.due_on, Submission.received_at,
      Submission.id, postgresql_where=_OPEN, sqlite_where=_OPEN)
# The inbox's closed view (about 95% of a council's submissions), in the same order: a page is
# an index range read and its count an index-only scan, not a sort of every closed row
# (bench/run.py: 320 ms at 1,000,000 cases before, migration 0033).
_CLOSED = Submission.status == "closed"
Index("ix_submissions_closed_work", Submission.tenant_id, Submission.urgent.desc(),
      Submission.due_on, Submission.received_at, Submission.id,
      postgresql_where=_CLOSED, sqlite_where=_CLOSED)
