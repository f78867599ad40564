"""Officers' sessions, recorded server-side.

The browser's session cookie holds only a random token; its SHA-256 is the id of a row here.
A row is *pending* from the password until the second factor (`verified_at` is empty) and
*signed in* after it. Ending a row (`ended_at`) is for good: the token is never accepted again.

The rows belong to a council (`TenantOwned`), so every ordinary query on them is scoped to
one. The sign-in machinery in portal.auth looks a token up with `unscoped()` because it must
find the row before it knows whose it is.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, event, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped, utcnow
from portal.models.staff import StaffUser


class StaffSession(TenantOwned, Timestamped, Base):
    __tablename__ = "staff_sessions"

    # The SHA-256 (hex) of the token in the cookie: a stolen database gives no usable cookie.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"),
                                         index=True, nullable=False)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent_hash: Mapped[str | None] = mapped_column(String(64))


def _now() -> datetime:
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config["CLOCK"]()
    return utcnow()


@event.listens_for(Session, "before_flush")
def _end_sessions_of_disabled_users(session: Session, _ctx, _instances) -> None:
    """Disabling an officer (is_active False) ends every session they have, in the same flush."""
    disabled = []
    for obj in session.dirty:
        if isinstance(obj, StaffUser) and obj.id is not None and obj.is_active is False:
            if inspect(obj).attrs.is_active.history.has_changes():
                disabled.append(obj.id)
    if disabled:
        # Core, not ORM: this is a deliberate write across the disabled users' sessions.
        session.connection().execute(
            update(StaffSession.__table__)
            .where(StaffSession.__table__.c.user_id.in_(disabled),
                   StaffSession.__table__.c.ended_at.is_(None))
            .values(ended_at=_now()))
