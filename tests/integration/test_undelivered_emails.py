"""A council administrator sees the emails the outbox gave up on, and sends one again; no
one else sees them, and another council's are not there."""
from __future__ import annotations

from sqlalchemy import select

from portal import outbox
from portal.extensions import db
from portal.models import OutboxMessage
from portal.tenancy import tenant_id_for, tenant_scope
from tests.forms_driver import csrf_of
from tests.integration.auth.helpers import make_officer, sign_in


def _dead_message(app, slug: str, reference: str) -> int:
    tenant = app.extensions["portal.tenants"][slug]
    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        message = outbox.queue_urgent_alert(tenant=tenant, reference=reference)
        db.session.flush()
        message.status, message.attempts, message.last_error = "dead", 8, "SMTPRecipientsRefused"
        db.session.commit()
        return message.id


def test_the_administrator_sees_and_retries_a_dead_email(app, client):
    own = _dead_message(app, "stockport", "STK-2026-999001")
    _dead_message(app, "southwark", "SWK-2026-999001")
    admin = make_officer(app, "stockport", role="council_admin")
    sign_in(client, admin)
    page = client.get("/stockport/staff/emails")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "STK-2026-999001" in html and "SMTPRecipientsRefused" in html
    assert "SWK-2026-999001" not in html
    assert "@" not in html.split('id="main-content"')[1].split("</main>")[0].replace(
        "cme.duty", "")  # no address shown
    response = client.post(f"/stockport/staff/emails/{own}/retry",
                           data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    with app.app_context(), tenant_scope(tenant_id_for("stockport")):
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == own))
        assert message.status == "pending" and message.attempts == 0
    assert "will be sent again" in client.get(response.location).get_data(as_text=True)


def test_another_councils_email_cannot_be_retried(app, client):
    theirs = _dead_message(app, "southwark", "SWK-2026-999002")
    admin = make_officer(app, "stockport", role="council_admin")
    sign_in(client, admin)
    html = client.get("/stockport/staff/").get_data(as_text=True)  # any page with a token
    response = client.post(f"/stockport/staff/emails/{theirs}/retry",
                           data={"csrf_token": csrf_of(html)})
    assert response.status_code == 404


def test_an_officer_does_not_see_the_page(app, client):
    officer = make_officer(app, "stockport", role="officer")
    sign_in(client, officer)
    assert client.get("/stockport/staff/emails").status_code == 404


def test_signed_out_goes_to_sign_in(app, client):
    response = client.get("/stockport/staff/emails")
    assert response.status_code == 303 and response.location.endswith("/stockport/staff/sign-in")
