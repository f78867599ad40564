"""The people of a council's procedures: the named officer of each school (and the history of
who it was), kept by the council administrator.

A row names a school by its DfE number (LAESTAB) and says which officer (and team) receives
what is sent about a pupil of that school. Every class is `TenantOwned`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, utcnow


class SchoolOfficer(TenantOwned, Base):
    """One school's named officer (RCT: its Attendance and Well Being Officer), or only the
    team that receives its notices when no officer is named."""

    __tablename__ = "school_officers"
    __table_args__ = (UniqueConstraint("tenant_id", "laestab", name="uq_school_officers_laestab"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    laestab: Mapped[str] = mapped_column(String(7), nullable=False)
    urn: Mapped[str | None] = mapped_column(String(8))
    school_name: Mapped[str] = mapped_column(String(200), nullable=False)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    team_key: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class SchoolOfficerChange(TenantOwned, Base):
    """A change of a school's row: who made it, when, how (an import or one row's edit), the
    officer and team before and after, and (when open work of the school was with the previous
    officer) whether the administrator moved it to the new one or left it."""

    __tablename__ = "school_officer_changes"
    __table_args__ = (Index("ix_school_officer_changes_tenant_school", "tenant_id", "laestab",
                            "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    laestab: Mapped[str] = mapped_column(String(7), nullable=False)
    how: Mapped[str] = mapped_column(String(16), nullable=False)  # "import" or "edit"
    old_officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    new_officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    old_team_key: Mapped[str | None] = mapped_column(String(64))
    new_team_key: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    #: None while the reallocation offer is open; then "moved" or "left" and when.
    offer: Mapped[str | None] = mapped_column(String(8))
    offer_settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
