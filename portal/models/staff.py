"""Officer accounts. An officer belongs to exactly one council."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped

ROLES = ("officer", "manager", "council_admin")


class StaffUser(TenantOwned, Timestamped, Base):
    __tablename__ = "staff_users"
    __table_args__ = (UniqueConstraint("tenant_id", "email", name="uq_staff_users_tenant_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False, default="officer")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Local sign-in (portal.auth): the TOTP second factor, failures since the last success,
    # when the account was locked (10 failures) and when it last signed in.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                 server_default="0")
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The 30-second time step of the last code accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Setting up the account (portal.auth.setup): the SHA-256 of the one-time link's token and
    # when the link stops working; between the link's two steps, the password chosen and the
    # authenticator secret shown, kept here (never in the cookie) until a code confirms them.
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_password_hash: Mapped[str | None] = mapped_column(String(255))
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64))
