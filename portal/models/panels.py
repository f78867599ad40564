"""A panel's decision on a case at one meeting (Liverpool's Children Out of Provision Panel):
what was decided, the actions, and when the case comes back. `TenantOwned`."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, utcnow


class PanelDecision(TenantOwned, Base):
    __tablename__ = "panel_decisions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "panel_key", "meeting_on", "case_id",
                         name="uq_panel_decisions_meeting_case"),
        Index("ix_panel_decisions_tenant_panel_case", "tenant_id", "panel_key", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         nullable=False)
    panel_key: Mapped[str] = mapped_column(String(64), nullable=False)
    meeting_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Why the case was on the agenda, as the agenda said it (kept: the criteria may change).
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decision: Mapped[str] = mapped_column(Text, nullable=False)
    actions: Mapped[str | None] = mapped_column(Text)
    #: The meeting the case comes back to; None: the panel took it off its list.
    next_review_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
