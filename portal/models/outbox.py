"""The email outbox: every email the portal sends is first a row here, written in the same
transaction as what caused it (a submission, an acknowledgement), and sent afterwards by the
outbox worker (`flask outbox work`), at least once.

A row never holds a child's details: emails carry only a reference, a form's name and the
council's contacts (see portal.outbox). `last_error` is a short error class or code, never
the text of a message or an address.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped, utcnow

KINDS = ("acknowledgement", "team_notification", "urgent_alert", "case_acknowledgement", "notice",
         "other", "officer_allocation", "referrer_outcome", "secure_message",
         "return_reminder", "consent_decision")
STATUSES = ("pending", "sending", "sent", "dead")
LANGUAGES = ("en", "cy")

PENDING, SENDING, SENT, DEAD = STATUSES


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class OutboxMessage(TenantOwned, Timestamped, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        # The worker's claim query: due pending rows, and sending rows whose lease expired.
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_lease", "status", "claimed_until"),
        # A case's timeline lists the emails about its submissions.
        Index("ix_outbox_messages_tenant_reference", "tenant_id", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RFC 5322 Message-ID, made when the row is queued, so a repeated send is recognisable.
    message_id: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(Text)
    #: The submission's reference (e.g. STK-2026-000123), when the email is about one.
    reference: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                      default=utcnow)
    #: While `sending`, the worker's lease: after it, another worker may take the row over.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: A short error class or code (e.g. "SMTPConnectError", "notify:403"); never contents.
    last_error: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:  # no address, no subject: logs and tracebacks stay clean
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
