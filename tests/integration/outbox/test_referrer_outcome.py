"""Feedback to whoever told us: an outcome recorded on a case emails the school that reported
the child, through the outbox, to a real SMTP server on loopback; the email carries the
reference and the outcome's category and none of the child's details."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in
from tests.integration.backoffice.test_cases import make_case, post
from tests.integration.outbox.conftest import rows
from tests.integration.outbox.test_smtp import send_due

SLUG = "southwark"


def test_an_outcome_emails_the_referrer_the_reference_and_category_only(
        outbox_app, clock, smtp_server, checked_client):
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    submission = make_submission(outbox_app, SLUG, first="Zebedee", last="Quartermaine",
                                 upn="B801200005001", postcode="SE1 2QH",
                                 sender_email="head@school.example")
    case_id = make_case(outbox_app, SLUG, first="Zebedee", last="Quartermaine",
                        submissions=(submission["id"],))
    officer = make_officer(outbox_app, SLUG)
    client = checked_client(outbox_app.test_client())
    sign_in(client, officer)
    response = post(client, case_id, "/outcome", {"outcome": "back_in_school",
                                                  "outcome_confirm": "y"}, slug=SLUG)
    assert response.status_code == 303

    with outbox_app.app_context():
        [message] = [m for m in rows() if m.kind == "referrer_outcome"]
        assert message.to_address == "head@school.example"
        assert send_due(smtp_server.url, clock) >= 1
        with tenant_scope(tenant_id_for(SLUG)):
            stored = db.session.scalar(select(Submission).where(
                Submission.id == submission["id"]))
            assert stored.outcome_key == "back_in_school" and stored.outcome_at is not None

    [received] = [m for m in smtp_server.inbox.messages if m["To"] == "head@school.example"]
    body = received.get_content()
    assert submission["reference"] in received["Subject"] and submission["reference"] in body
    assert "Outcome: The child is in school or other education" in body
    for detail in ("Zebedee", "Quartermaine", "B801200005001", "SE1 2QH", "2015", "14 March"):
        assert detail not in body and detail not in str(received["Subject"])

    # Recording the same outcome again (a second click) sends nothing more.
    post(client, case_id, "/outcome", {"outcome": "back_in_school", "outcome_confirm": "y"},
         slug=SLUG)
    with outbox_app.app_context():
        assert len([m for m in rows() if m.kind == "referrer_outcome"]) == 1
