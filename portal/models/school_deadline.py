"""A school-owned deadline's result (portal.casework.school_deadlines): met or late by the
school's own notice, or closed with a reason when nobody can meet it any more. Kept so that
the late notices report, the inbox's flag and the submission page read it in one query."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, utcnow

SCHOOL_DEADLINE_STATES = ("met", "late", "closed")


class SchoolDeadline(TenantOwned, Base):
    """One school-owned threshold of the council for one case (or, before it has a case, one
    submission). ``submission_id`` is the notice that fulfilled it (met or late); a closed one
    has none."""

    __tablename__ = "school_deadlines"
    __table_args__ = (
        CheckConstraint("state IN ('met', 'late', 'closed')", name="state"),
        Index("ix_school_deadlines_tenant_state_due", "tenant_id", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                                index=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    threshold_key: Mapped[str] = mapped_column(String(64), nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False)
    event_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: The day the notice arrived (Europe/London), for met and late.
    met_on: Mapped[date | None] = mapped_column(Date)
    #: School days after the due date that it arrived (0 when met).
    days_late: Mapped[int | None] = mapped_column(Integer)
    school_laestab: Mapped[str | None] = mapped_column(String(7))
    #: Why a closed one closed (a key of portal.casework.school_deadlines.REASONS).
    reason: Mapped[str | None] = mapped_column(String(32))
    approximate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 default=utcnow)
