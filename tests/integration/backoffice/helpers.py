"""Submissions and officers for the back-office tests, made directly in the database (the
public journey that files them is tested in test_form_journeys.py)."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone

from tests.integration.auth.helpers import make_officer, sign_in, sign_out  # noqa: F401


def make_submission(app, slug: str, *, form_slug: str = "cme-referral",
                    received_at: datetime | None = None, first: str = "Ada",
                    last: str = "Testchild", dob: date | None = date(2015, 3, 14),
                    upn: str | None = None, postcode: str | None = None,
                    school_laestab: str | None = None, urgent: bool = False,
                    team_key: str | None = None, sender_email: str | None = "sender@school.test.invalid",
                    answers: dict | None = None) -> dict:
    """A filed submission of council `slug` (invented child); returns its id and reference."""
    from portal.casework.intake import on_filed
    from portal.extensions import db
    from portal.models import Submission
    from portal.submissions.references import next_reference
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    received_at = received_at or datetime.now(timezone.utc)
    with app.app_context():
        tenant = tenants()[slug]
        tenant_id = tenant_id_for(slug)
        with tenant_scope(tenant_id):
            reference = next_reference(db.session, tenant_id=tenant_id,
                                       prefix=tenant.reference_prefix, year=received_at.year)
            submission = Submission(
                reference=reference, submission_token=secrets.token_hex(16), form_slug=form_slug,
                received_at=received_at, urgent=urgent, language="en",
                answers=answers or {"child_first_name": first, "child_last_name": last},
                child_first_name=first, child_last_name=last, child_dob=dob, upn=upn,
                postcode=postcode, school_laestab=school_laestab, sender_name="Test Sender",
                sender_email=sender_email,
                team_key=team_key or tenant.teams[0].key, routing_reason="test")
            db.session.add(submission)
            on_filed(submission, tenant)
            db.session.commit()
            result = {"id": submission.id, "reference": reference, "tenant_id": tenant_id,
                      "slug": slug}
        db.session.remove()
    return result
