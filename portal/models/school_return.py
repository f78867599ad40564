"""A school's statutory return (portal/returns/): many pupils sent at once, each filed as its
own Submission that points back here, and the reminders sent to schools that have not sent
one for a period."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped


class SchoolReturn(TenantOwned, Timestamped, Base):
    """One return as sent: who sent it, how (rows typed in the browser, a CSV or a CTF), for
    which period of the council's cadence, how many pupils were filed and which rows the law
    exempts (row numbers and the exemption only: the pupils' details are on the submissions)."""

    __tablename__ = "school_returns"
    __table_args__ = (
        Index("ix_school_returns_tenant_school", "tenant_id", "form_slug", "school_laestab",
              "period_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    # The one-time token of the final POST: a repeated upload files nothing twice.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    form_slug: Mapped[str] = mapped_column(String(40), nullable=False)
    school_laestab: Mapped[str] = mapped_column(String(7), nullable=False)
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_email: Mapped[str | None] = mapped_column(String(254))
    source: Mapped[str] = mapped_column(String(10), nullable=False)  # rows, csv, ctf
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    period_key: Mapped[str | None] = mapped_column(String(20))
    pupil_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    exempt_rows: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class ReturnReminder(TenantOwned, Base):
    """A reminder emailed to a school that had not sent a return for a period: once each."""

    __tablename__ = "return_reminders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "form_slug", "school_laestab", "period_key",
                         name="uq_return_reminders_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_slug: Mapped[str] = mapped_column(String(40), nullable=False)
    school_laestab: Mapped[str] = mapped_column(String(7), nullable=False)
    period_key: Mapped[str] = mapped_column(String(20), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
