"""A council on the portal. Its configuration lives in tenants/<slug>/tenant.toml; this row
gives it the id that every tenant-owned row points at."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, Timestamped


class TenantRow(Timestamped, Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    dfe_code: Mapped[str] = mapped_column(String(3), unique=True, nullable=False)
    nation: Mapped[str] = mapped_column(String(16), nullable=False)
    reference_prefix: Mapped[str] = mapped_column(String(3), unique=True, nullable=False)
