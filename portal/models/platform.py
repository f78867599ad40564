"""The platform: its administrators (who manage councils and the directory, and see no child's
data), their server-side sessions, and the directory's editable CME contact addresses with the
history of every change.

None of these rows belongs to a council, so none is `TenantOwned`: the tenancy hook does not
touch them, and nothing here can reach a council's rows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, Timestamped, utcnow


class PlatformAdmin(Timestamped, Base):
    __tablename__ = "platform_admins"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The 30-second step of the last code accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PlatformSession(Timestamped, Base):
    """As officers' sessions: the cookie holds a random token, its SHA-256 is the id here;
    pending until the second factor, ended for good on sign-out or timeout."""

    __tablename__ = "platform_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("platform_admins.id", ondelete="CASCADE"),
                                          index=True, nullable=False)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent_hash: Mapped[str | None] = mapped_column(String(64))


class DirectoryContact(Base):
    """The CME contact address of a local authority (by its DfE code), where known. The list
    of authorities itself is reference data (portal/data/local_authorities.csv)."""

    __tablename__ = "directory_contacts"

    la_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    cme_email: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("platform_admins.id"))


class DirectoryContactChange(Base):
    """One change of a directory address: who, when, the old and the new value, and why."""

    __tablename__ = "directory_contact_changes"
    __table_args__ = (Index("ix_directory_contact_changes_code_at", "la_code", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    la_code: Mapped[str] = mapped_column(String(3), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("platform_admins.id"))
    old_email: Mapped[str | None] = mapped_column(String(254))
    new_email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(Text)
