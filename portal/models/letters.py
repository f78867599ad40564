"""Letters to a child's family from a case, with their reply deadline, and the tasks a case's
next step sets (Southwark: the Early Help home visit when no reply came). `TenantOwned`."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, utcnow

SENT_HOW = ("post", "hand", "email")


class Letter(TenantOwned, Base):
    __tablename__ = "letters"
    __table_args__ = (Index("ix_letters_tenant_case", "tenant_id", "case_id"),
                      Index("ix_letters_tenant_waiting", "tenant_id", "replied_at",
                            "followed_up_at", "reply_by"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         nullable=False)
    template_key: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The languages of the letter, the family's preferred one first: "en", "cy", "cy en", "en cy".
    languages: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_how: Mapped[str | None] = mapped_column(String(8))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The reply deadline (the council's threshold counted from the day it was sent).
    reply_by: Mapped[date | None] = mapped_column(Date)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reply_note: Mapped[str | None] = mapped_column(Text)
    #: When the deadline passed with no reply and the next step was set.
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseTask(TenantOwned, Base):
    __tablename__ = "case_tasks"
    __table_args__ = (Index("ix_case_tasks_tenant_case", "tenant_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         nullable=False)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="SET NULL"))
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    name_cy: Mapped[str | None] = mapped_column(String(200))
    team_key: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 default=utcnow)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    done_note: Mapped[str | None] = mapped_column(Text)
