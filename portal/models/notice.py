"""Cross-border notices between councils.

A notice is two records, each in its own council, never one row two councils share:

- `OutgoingNotice`, in the sending council, on one of its cases: the notice's own fields (what
  the sender chose to tell: names, date of birth, UPN, addresses, last school, vulnerabilities,
  what is known, actions taken, the reply-by date), where it went and each step back
  (acknowledged, answered: `NoticeReply`).
- For a council on the portal, `IncomingNotice` in the receiving council: the link from the
  `Submission` (form "cross-border-notice") the notice became in that council's inbox, back to
  the sender's notice by id. The receiver sees the submission and nothing of the sender's case.
- For a council not on the portal, `NoticeLink` in the sending council: the one-time-code link
  emailed to the directory's address (token and code stored only as hashes).

Only portal.notices.exchange writes across the two councils, with `tenant_scope(...)` named.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        String, Text)
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped, utcnow

#: What the sender says (the values of the cross-border-notice form's "direction" question,
#: seen from the receiver): the child moved into the receiver's area; the child moved out of
#: it (arrived at the sender's); please confirm whether the child is on roll or EHE there.
DIRECTIONS = ("moved_into_your_area", "moved_out_of_your_area", "confirm_on_roll_or_ehe")
#: How the notice travelled: into the other council's back-office, or by a code-protected link.
CHANNELS = ("portal", "email")
#: The receiver's answers.
ANSWERS = ("found_on_roll", "ehe", "not_known", "still_looking")
REPLY_VIA = ("portal", "link")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class OutgoingNotice(TenantOwned, Timestamped, Base):
    """A notice the council sent about a child on one of its cases."""

    __tablename__ = "outgoing_notices"
    __table_args__ = (
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint("answer IS NULL OR " + _in("answer", ANSWERS), name="answer"),
        Index("ix_outgoing_notices_tenant_case", "tenant_id", "case_id"),
        # The deadlines: notices still waiting for a reply, by the date one is wanted.
        Index("ix_outgoing_notices_tenant_reply", "tenant_id", "answered_at", "reply_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         nullable=False)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                              default=utcnow)
    #: The receiving council: its DfE code and name (from the directory) when it was sent.
    to_la_code: Mapped[str] = mapped_column(String(3), nullable=False)
    to_name: Mapped[str] = mapped_column(String(200), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    #: The directory's CME contact address it was emailed to (channel "email").
    to_address: Mapped[str | None] = mapped_column(String(254))
    direction: Mapped[str] = mapped_column(String(32), nullable=False)
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: The notice's own fields, under the keys of the cross-border-notice form.
    answers: Mapped[dict] = mapped_column(JSON, nullable=False)
    reply_by: Mapped[date | None] = mapped_column(Date)
    #: The one-time token of the form that sent it: a repeated POST sends nothing more.
    send_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Channel "portal": the receiving council, and the reference the notice got in its inbox.
    receiver_tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    receiver_reference: Mapped[str | None] = mapped_column(String(20))
    #: The id of the receiver's IncomingNotice (a row of another council: never joined to).
    receiver_notice_id: Mapped[int | None] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    #: The first answer (it meets the reply-by date) and the latest one.
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(String(16))
    last_answer_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticeReply(TenantOwned, Base):
    """One answer the receiver gave to a notice (in the sending council: it is the sender's
    now). A receiver may answer "still looking" first and later say where the child is."""

    __tablename__ = "notice_replies"
    __table_args__ = (
        CheckConstraint(_in("answer", ANSWERS), name="answer"),
        CheckConstraint(_in("via", REPLY_VIA), name="via"),
        Index("ix_notice_replies_tenant_notice", "tenant_id", "notice_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("outgoing_notices.id", ondelete="CASCADE"),
                                           nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    via: Mapped[str] = mapped_column(String(8), nullable=False)
    answer: Mapped[str] = mapped_column(String(16), nullable=False)
    school_name: Mapped[str | None] = mapped_column(String(200))
    school_laestab: Mapped[str | None] = mapped_column(String(7))
    details: Mapped[str | None] = mapped_column(Text)
    #: Who answered, as they gave their name (an officer of another council, or the person
    #: who opened the link).
    by_name: Mapped[str | None] = mapped_column(String(200))


class IncomingNotice(TenantOwned, Timestamped, Base):
    """In the receiving council: a notice that arrived from another council on the portal, as
    the submission it became in this council's inbox."""

    __tablename__ = "incoming_notices"
    __table_args__ = (
        CheckConstraint("answer IS NULL OR " + _in("answer", ANSWERS), name="answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"),
                                               unique=True, nullable=False)
    from_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    #: The id of the sender's OutgoingNotice (a row of another council: never joined to).
    from_notice_id: Mapped[int] = mapped_column(Integer, nullable=False)
    from_name: Mapped[str] = mapped_column(String(200), nullable=False)
    from_reference: Mapped[str] = mapped_column(String(20), nullable=False)
    reply_by: Mapped[date | None] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(String(16))
    last_answer_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticeLink(TenantOwned, Timestamped, Base):
    """The link a council not on the portal gets by email. The address it went to is the
    directory's; the token in the link and the one-time code are kept only as hashes. After
    the right code the browser holds an access token (its hash here) for a short while.
    Five wrong codes lock the link; the sender can revoke it and send a new one."""

    __tablename__ = "notice_links"
    __table_args__ = (Index("ix_notice_links_tenant_notice", "tenant_id", "notice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("outgoing_notices.id", ondelete="CASCADE"),
                                           nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    codes_sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed_tries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    access_hash: Mapped[str | None] = mapped_column(String(64))
    access_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    openings: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
