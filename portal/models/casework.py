"""The back-office's work: a case per child per council, what happened on it (activities), the
enquiries made, the searchable name keys of submissions, and the audit trail.

Nothing here is ever shown to another council: every class is `TenantOwned`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String,
                        Text)
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, TenantOwned, Timestamped, utcnow

CASE_STATUSES = ("open", "closed")
ACTIVITY_KINDS = ("submission", "acknowledged", "allocated", "case_opened", "joined", "note",
                  "enquiry", "stage", "outcome", "reopened", "email", "notice", "details")
AUDIT_ACTIONS = ("view", "change", "export", "search")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Case(TenantOwned, Timestamped, Base):
    """One child known to one council's CME service. Opened from a submission, joined by later
    submissions about the same child, closed with one of the council's outcomes."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        Index("ix_cases_tenant_status_due", "tenant_id", "status", "next_due_on"),
        Index("ix_cases_tenant_upn", "tenant_id", "upn"),
        Index("ix_cases_tenant_dob", "tenant_id", "child_dob"),
        Index("ix_cases_tenant_postcode", "tenant_id", "postcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    child_first_name: Mapped[str | None] = mapped_column(String(200))
    child_last_name: Mapped[str | None] = mapped_column(String(200))
    child_dob: Mapped[date | None] = mapped_column(Date)
    upn: Mapped[str | None] = mapped_column(String(13))
    postcode: Mapped[str | None] = mapped_column(String(8))
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    team_key: Mapped[str | None] = mapped_column(String(64))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    stage_key: Mapped[str | None] = mapped_column(String(64))
    #: The DfE's CME reason code (reference data), for the termly return.
    reason_code: Mapped[str | None] = mapped_column(String(16))
    #: Whether the council knows where the child is (None: not yet recorded).
    whereabouts_known: Mapped[bool | None] = mapped_column(Boolean)
    outcome_key: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The earliest deadline not yet met (kept up to date by portal.casework), for sorting.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    #: The child's first day out of education as the case's forms give it (None: the day the
    #: case was opened), for the council's definition of CME (portal.casework.cme_definition).
    missing_since: Mapped[date | None] = mapped_column(Date)


class Activity(TenantOwned, Base):
    """Something that happened to a submission or a case: the timeline is made of these.
    `details` holds keys and short texts (a stage key, a note), never another council's data."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_in("kind", ACTIVITY_KINDS), name="kind"),
        Index("ix_activities_tenant_case_at", "tenant_id", "case_id", "at"),
        Index("ix_activities_tenant_submission_at", "tenant_id", "submission_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id",
                                                                 ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class Enquiry(TenantOwned, Timestamped, Base):
    """One enquiry of the council's checklist (or another one), with its date and result."""

    __tablename__ = "enquiries"
    __table_args__ = (Index("ix_enquiries_tenant_case", "tenant_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         nullable=False)
    #: A key of the council's checklist, or None for an enquiry outside it.
    checklist_key: Mapped[str | None] = mapped_column(String(64))
    made_on: Mapped[date] = mapped_column(Date, nullable=False)
    result: Mapped[str] = mapped_column(Text, nullable=False)
    #: True when this enquiry found the child (or where they are).
    located: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class NameKey(TenantOwned, Base):
    """The phonetic keys of a submission's child's names ("Jon Smyth" and "John Smith" share
    theirs), so a name search is an index lookup and never a scan."""

    __tablename__ = "name_keys"
    # The search reads (key -> submission ids) from the index alone.
    __table_args__ = (Index("ix_name_keys_tenant_key", "tenant_id", "key", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"),
                                               index=True, nullable=False)
    key: Mapped[str] = mapped_column(String(16), nullable=False)


class AuditEvent(TenantOwned, Base):
    """Who viewed or changed what, when. Never a child's details: the object is named by its
    type and id, and `what` is a short code (e.g. "case.view", "case.stage")."""

    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),
        Index("ix_audit_events_tenant_user_at", "tenant_id", "user_id", "at"),
        Index("ix_audit_events_tenant_object", "tenant_id", "object_type", "object_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    what: Mapped[str] = mapped_column(String(64), nullable=False)
    object_type: Mapped[str] = mapped_column(String(32), nullable=False)
    object_id: Mapped[int | None] = mapped_column()
