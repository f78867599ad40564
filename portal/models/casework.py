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
                  "enquiry", "stage", "outcome", "reopened", "email", "notice", "details",
                  "letter", "task", "panel", "message", "professional",
                  "deletion", "consent")
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
        Index("ix_cases_tenant_opened_at", "tenant_id", "opened_at"),
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
    #: The DfE's primary reason (a key of portal/data/dfe_return: cme_... or ehe_...).
    reason_code: Mapped[str | None] = mapped_column(String(64))
    #: "female" or "male" as a form or an officer gave it; None: not known (the return's
    #: "Unknown", listed for the officer to put right).
    child_sex: Mapped[str | None] = mapped_column(String(8))
    #: The form of the submission that opened the case (a parent's EHE notice is not CME).
    opened_from_form: Mapped[str | None] = mapped_column(String(64))
    #: For a child who started elective home education: the type of school left (a key of
    #: portal/data/dfe_return/*/school_types.csv).
    previous_school_type: Mapped[str | None] = mapped_column(String(16))
    #: The NHS number where known (ten digits, modulus-11 checked; portal.rules.nhs_number).
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    #: Whether the council knows where the child is (None: not yet recorded).
    whereabouts_known: Mapped[bool | None] = mapped_column(Boolean)
    outcome_key: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: The earliest deadline not yet met (kept up to date by portal.casework), for sorting.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    #: The child's allocated social worker or lead professional, who may be sent a secure
    #: message (a link and a code, portal.casework.messages).
    professional_name: Mapped[str | None] = mapped_column(String(200))
    professional_role: Mapped[str | None] = mapped_column(String(32))
    professional_email: Mapped[str | None] = mapped_column(String(254))
    #: The child's first day out of education as the case's forms give it (None: the day the
    #: case was opened), for the council's definition of CME (portal.casework.cme_definition).
    missing_since: Mapped[date | None] = mapped_column(Date)
    #: When the retention job removed the child's details (portal.casework.retention).
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: "Lost, posted to S2S": a status of the open case (portal.casework.lost), the day it was
    #: recorded; only an outcome that locates the child closes the case.
    lost_on: Mapped[date | None] = mapped_column(Date)
    #: The next re-check of a lost child (the council's interval after the last check).
    recheck_due_on: Mapped[date | None] = mapped_column(Date)
    #: A closing outcome recorded but waiting for another council's acknowledgement of the
    #: notice sent to it ("located in another council"); the case closes when it comes.
    pending_outcome_key: Mapped[str | None] = mapped_column(String(64))


CASE_ACTION_KINDS = ("section_437_notice", "sao_issued", "sao_revoked", "returned_to_school")


class CaseAction(TenantOwned, Base):
    """A statutory action on a case that the DfE's return counts in its period: a notice under
    s.437(1) of the Education Act 1996, a school attendance order issued or revoked, the child
    returned to school from home education. Dated by the officer; who recorded it is kept."""

    __tablename__ = "case_actions"
    __table_args__ = (
        CheckConstraint(_in("kind", CASE_ACTION_KINDS), name="kind"),
        Index("ix_case_actions_tenant_kind_on", "tenant_id", "kind", "taken_on"),
        Index("ix_case_actions_tenant_case", "tenant_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                  default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class DfeReturnRecord(TenantOwned, Base):
    """A finalised DfE termly return, as it was made: the figures, the version of the lists,
    the notes answering its queries. The next return's movement warnings compare with it."""

    __tablename__ = "dfe_returns"
    __table_args__ = (
        Index("ix_dfe_returns_tenant_census", "tenant_id", "census_date", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    census_date: Mapped[date] = mapped_column(Date, nullable=False)
    version: Mapped[str] = mapped_column(String(16), nullable=False)
    #: {"measure|topic|breakdown": number}
    figures: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    #: {query code: the officer's note}
    notes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    finalised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                   default=utcnow)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


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


class DeletionRecord(TenantOwned, Base):
    """One condition of the council's deletion rule recorded by an officer on a school's
    deletion notice (portal.casework.deletion): the joint enquiries completed, the named
    officer's advice, one party's agreement, the CTF seen on S2S. Who and when; never undone,
    only added to (a withdrawal is a new row with ``withdrawn``)."""

    __tablename__ = "deletion_records"
    __table_args__ = (Index("ix_deletion_records_tenant_submission", "tenant_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"),
                                               nullable=False)
    condition: Mapped[str] = mapped_column(String(40), nullable=False)
    #: For an agreement: which of the council's named parties agreed.
    party: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                  default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)


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
