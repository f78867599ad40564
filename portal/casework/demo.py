"""Invented work for the demo (`make run`): a few submissions in each council's inbox, one of
them urgent, so a newcomer signing in as a demo officer has something to acknowledge, allocate
and work. Every child here is made up; the names are marked as demo ones."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from portal.casework.intake import on_filed
from portal.extensions import db
from portal.models.submission import Submission
from portal.submissions.references import next_reference
from portal.tenancy import tenant_id_for, tenant_scope, tenants

# (form, first name, last name, date of birth, urgent, days ago)
DEMO_WORK = (
    ("cme-referral", "Demo-Amelia", "Examplechild", date(2014, 2, 11), True, 0),
    ("missing-pupil-checklist", "Demo-Jon", "Smyth", date(2013, 9, 30), False, 3),
    ("change-to-register", "Demo-Priya", "Inventedname", date(2015, 6, 1), False, 6),
    ("ehe-notification", "Demo-Oliwia", "Madeupson", date(2012, 12, 24), False, 9),
)


def load_demo_work() -> list[str]:
    """File the demo submissions in every council with none yet. Returns a line per council."""
    lines = []
    now = datetime.now(timezone.utc)
    for tenant in tenants().values():
        with tenant_scope(tenant_id_for(tenant.slug)):
            if db.session.scalar(select(func.count(Submission.id))):
                continue
            for form, first, last, dob, urgent, days_ago in DEMO_WORK:
                if form not in tenant.offered_forms:
                    continue
                received = now - timedelta(days=days_ago)
                route = tenant.route(form, flags=("urgent",) if urgent else ())
                submission = Submission(
                    reference=next_reference(db.session, tenant_id=tenant_id_for(tenant.slug),
                                             prefix=tenant.reference_prefix, year=received.year),
                    submission_token=secrets.token_hex(16), form_slug=form, received_at=received,
                    urgent=urgent, language=tenant.languages[0],
                    answers={"child_first_name": first, "child_last_name": last},
                    child_first_name=first, child_last_name=last, child_dob=dob,
                    sender_name="Demo Sender", sender_email="demo-sender@example.invalid",
                    team_key=route.team.key, officer=route.officer,
                    routing_reason=route.reason.get("en")[:300])
                db.session.add(submission)
                on_filed(submission, tenant)
            db.session.commit()
            lines.append(f"  {tenant.slug:<18} {len(DEMO_WORK)} invented submissions in the inbox")
    return lines
