"""SQLAlchemy models, a module per aggregate. Import them all here so Alembic sees them."""
from portal.models.auth import StaffSession
from portal.models.casework import (Activity, AuditEvent, Case, CaseAction, DeletionRecord,
                                    DfeReturnRecord, Enquiry, NameKey)
from portal.models.identity import StaffIdentity
from portal.models.base import Base, TenantOwned, Timestamped
from portal.models.notice import IncomingNotice, NoticeLink, NoticeReply, OutgoingNotice
from portal.models.outbox import OutboxMessage
from portal.models.letters import CaseTask, Letter
from portal.models.panels import PanelDecision
from portal.models.people import SchoolOfficer, SchoolOfficerChange
from portal.models.platform import (DirectoryContact, DirectoryContactChange, PlatformAdmin,
                                    PlatformSession)
from portal.models.school_deadline import SchoolDeadline
from portal.models.school_return import ReturnReminder, SchoolReturn
from portal.models.staff import ROLES, StaffUser
from portal.models.submission import FormDraft, ReferenceCounter, Submission
from portal.models.tenant import TenantRow

__all__ = ["Base", "TenantOwned", "Timestamped", "TenantRow", "StaffUser", "ROLES", "OutboxMessage",
           "FormDraft", "ReferenceCounter", "Submission", "StaffSession",
           "Case", "CaseAction", "DfeReturnRecord", "Activity", "Enquiry", "DeletionRecord", "NameKey", "AuditEvent", "StaffIdentity",
           "OutgoingNotice", "NoticeReply", "IncomingNotice", "NoticeLink", "PlatformAdmin",
           "PlatformSession", "DirectoryContact", "DirectoryContactChange", "SchoolOfficer",
           "SchoolOfficerChange", "Letter", "CaseTask", "SchoolReturn",
           "ReturnReminder", "SchoolDeadline", "PanelDecision"]
