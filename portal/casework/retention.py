"""The retention job (`flask retention run`): a council's records past its retention period
are anonymised, council by council (each inside `tenant_scope`, as any other council query).

Past retention (the periods are the council's `[retention]` in tenant.toml):
- a closed case that closed more than `years_after_closure` years ago, and every submission in
  it: the child's names, date of birth, UPN and postcode, the sender's name and email, every
  answer, the name keys, the enquiries' results, the notes and the notices' fields are removed;
- a submission in no case that is no longer open work, received more than
  `years_after_closure` years ago: the same.
A submission of a register form (`register_forms`: change-to-register) is never anonymised
until `register_years` (at least six) after it was received, whatever its case says.

What stays: references, forms, dates, statuses, outcomes, stages and the audit trail (which
never held a child's details), so the figures of past years still add up. Open work is never
touched. The log names the council and counts, never a person.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, or_, select, update

from portal.casework.inbox import OPEN_STATUSES
from portal.extensions import db
from portal.models import Activity, Case, Enquiry, NameKey, OutgoingNotice, Submission
from portal.rules.retention import kept_until_start_of
from portal.tenancy import tenant_id_for, tenant_scope
from portal.tenant_config import Tenant

log = logging.getLogger("portal.retention")

SUBMISSION_DETAILS = {"child_first_name": None, "child_last_name": None, "child_dob": None,
                      "upn": None, "postcode": None, "sender_name": None, "sender_email": None,
                      "answers": {}}
CASE_DETAILS = {"child_first_name": None, "child_last_name": None, "child_dob": None,
                "upn": None, "postcode": None, "professional_name": None,
                "professional_email": None}


@dataclass
class RetentionResult:
    slug: str
    cases: int = 0
    submissions: int = 0
    cutoff: date | None = None


def anonymise_council(tenant: Tenant, now: datetime) -> RetentionResult:
    """Anonymise what `tenant` keeps past its retention period at `now`; commits."""
    policy = tenant.retention
    closed_before = kept_until_start_of(now.date(), policy.years_after_closure)
    register_before = kept_until_start_of(now.date(), max(policy.register_years,
                                                           policy.years_after_closure))
    registers = list(policy.register_forms)
    result = RetentionResult(tenant.slug, cutoff=closed_before.date())
    with tenant_scope(tenant_id_for(tenant.slug)):
        # A register's record that is still within its six years holds its case's details too.
        held_by_register = select(Submission.case_id).where(
            Submission.case_id.is_not(None), Submission.form_slug.in_(registers),
            Submission.received_at >= register_before)
        case_ids = list(db.session.scalars(select(Case.id).where(
            Case.status == "closed", Case.closed_at < closed_before, Case.anonymised_at.is_(None),
            Case.id.not_in(held_by_register))))
        submission_ids = list(db.session.scalars(select(Submission.id).where(
            Submission.anonymised_at.is_(None),
            or_(Submission.case_id.in_(case_ids),
                (Submission.case_id.is_(None) & Submission.status.not_in(OPEN_STATUSES)
                 & (Submission.received_at < closed_before))),
            or_(Submission.form_slug.not_in(registers),
                Submission.received_at < register_before))))
        if submission_ids:
            db.session.execute(update(Submission).where(Submission.id.in_(submission_ids))
                               .values(**SUBMISSION_DETAILS, anonymised_at=now)
                               .execution_options(synchronize_session=False))
            db.session.execute(delete(NameKey).where(NameKey.submission_id.in_(submission_ids))
                               .execution_options(synchronize_session=False))
            db.session.execute(update(Activity).where(Activity.submission_id.in_(submission_ids),
                                                      Activity.kind == "note")
                               .values(details={}).execution_options(synchronize_session=False))
        if case_ids:
            db.session.execute(update(Case).where(Case.id.in_(case_ids))
                               .values(**CASE_DETAILS, anonymised_at=now)
                               .execution_options(synchronize_session=False))
            db.session.execute(update(Enquiry).where(Enquiry.case_id.in_(case_ids))
                               .values(result="").execution_options(synchronize_session=False))
            db.session.execute(update(Activity).where(Activity.case_id.in_(case_ids),
                                                      Activity.kind == "note")
                               .values(details={}).execution_options(synchronize_session=False))
            db.session.execute(update(OutgoingNotice).where(OutgoingNotice.case_id.in_(case_ids))
                               .values(answers={}).execution_options(synchronize_session=False))
        db.session.commit()
        result.cases, result.submissions = len(case_ids), len(submission_ids)
    log.info("retention: council %s: %s case(s) and %s submission(s) anonymised "
             "(closed or received before %s; registers kept %s years)", tenant.slug,
             result.cases, result.submissions, result.cutoff.isoformat(),
             max(policy.register_years, policy.years_after_closure))
    return result


def run_retention(tenants: dict[str, Tenant], now: datetime) -> list[RetentionResult]:
    return [anonymise_council(tenant, now) for tenant in tenants.values()
            if tenant_id_for(tenant.slug) is not None]
