"""An officer's single sign-on identity: the OpenID Connect issuer and subject that name them.

Officers are found by (issuer, subject), never by email: an email address can be reused or
changed at the identity provider, the pair cannot.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped


class StaffIdentity(TenantOwned, Timestamped, Base):
    __tablename__ = "staff_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_staff_identities_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"),
                                         index=True, nullable=False)
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
