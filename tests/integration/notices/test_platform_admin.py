"""The platform administrator: made with `flask platform create-admin`, signs in with a
password and a code, sees the councils on the portal and the directory, edits a council's CME
contact address (every change kept with who made it and when), and sees no child's data: every
council back-office page sends them to that council's sign-in page."""
from __future__ import annotations

import re
import uuid

import pyotp
import pytest

from tests.forms_driver import csrf_of
from tests.integration.backoffice.test_role_matrix import _back_office_routes
from tests.integration.notices.helpers import csrf, make_case, make_officer, sign_in

PASSWORD = "a-Platform-password-42"


def make_admin(app) -> dict:
    runner = app.test_cli_runner()
    email = f"platform-{uuid.uuid4().hex[:8]}@portal.test.invalid"
    result = runner.invoke(args=["platform", "create-admin", "--email", email,
                                 "--name", "Pat Platform", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    secret = re.search(r"authenticator app: ([A-Z2-7]+)", result.output).group(1)
    return {"email": email, "secret": secret}


def sign_in_admin(client, admin: dict):
    page = client.get("/platform/sign-in")
    response = client.post("/platform/sign-in", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "email": admin["email"],
        "password": PASSWORD})
    assert response.status_code == 303 and response.location.endswith("/platform/sign-in/code")
    page = client.get("/platform/sign-in/code")
    response = client.post("/platform/sign-in/code", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)),
        "code": pyotp.TOTP(admin["secret"]).now()})
    assert response.status_code == 303 and response.location.endswith("/platform/")
    return response


@pytest.fixture
def admin_client(app, checked_client):
    admin = make_admin(app)
    client = checked_client(app.test_client())
    sign_in_admin(client, admin)
    return client


def test_create_admin_refuses_a_short_password_and_a_second_account(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["platform", "create-admin", "--email", "x@portal.test.invalid",
                                "--name", "X", "--password", "short"])
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    admin = make_admin(app)
    again = runner.invoke(args=["platform", "create-admin", "--email", admin["email"],
                                "--name", "X", "--password", PASSWORD])
    assert again.exit_code == 1 and "already exists" in again.output


def test_signed_out_platform_pages_send_to_sign_in(app, client):
    for url in ("/platform/", "/platform/directory", "/platform/directory/356"):
        response = client.get(url)
        assert response.status_code == 303 and response.location.endswith("/platform/sign-in")


def test_a_wrong_password_or_code_is_refused(app, client):
    admin = make_admin(app)
    page = client.get("/platform/sign-in")
    response = client.post("/platform/sign-in", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "email": admin["email"],
        "password": "not-the-password"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Enter a correct email address and password" in body
    assert admin["email"] in body  # what was typed is kept
    response = client.post("/platform/sign-in", data={
        "csrf_token": csrf_of(body), "email": admin["email"], "password": PASSWORD})
    assert response.status_code == 303
    page = client.get("/platform/sign-in/code")
    wrong = client.post("/platform/sign-in/code", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "code": "12345"})
    assert "Enter the 6-digit code from your authenticator app" in wrong.get_data(as_text=True)
    assert client.get("/platform/").status_code == 303


def test_the_councils_and_the_directory(app, admin_client):
    home = admin_client.get("/platform/").get_data(as_text=True)
    for name in ("Stockport", "Liverpool City Council", "Southwark", "Staffordshire",
                 "Rhondda Cynon Taf"):
        assert name in home, name
    page = admin_client.get("/platform/directory").get_data(as_text=True)
    rows = page.split('id="directory"')[1].split("</table>")[0]
    assert rows.count('<tr class="govuk-table__row">') == 1 + 175  # the header row and 175
    assert rows.count("On the portal") == 5
    wales = admin_client.get("/platform/directory?nation=wales").get_data(as_text=True)
    assert wales.split('id="directory"')[1].count('<tr class="govuk-table__row">') == 1 + 22
    assert "Rhondda Cynon Taf" in admin_client.get("/platform/directory?q=rhondda").get_data(
        as_text=True)
    assert admin_client.get("/platform/directory/999").status_code == 404


def test_editing_a_contact_address_keeps_its_history(app, admin_client):
    url = "/platform/directory/318"  # Kingston upon Thames: not on the portal
    bad = admin_client.post(url, data={"csrf_token": csrf(admin_client, url),
                                       "cme_email": "not an address", "note": ""})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "govuk-error-summary" in body
    assert "Enter an email address in the correct format" in body
    assert "Say why you are changing the address" in body
    assert 'value="not an address"' in body

    first = f"cme-{uuid.uuid4().hex[:6]}@kingston.test.invalid"
    second = f"cme-{uuid.uuid4().hex[:6]}@kingston.test.invalid"
    for address, note in ((first, "From the council's website"), (second, "Team renamed")):
        response = admin_client.post(url, data={"csrf_token": csrf(admin_client, url),
                                                "cme_email": address, "note": note})
        assert response.status_code == 303, response.get_data(as_text=True)
    page = admin_client.get(url).get_data(as_text=True)
    history = page.split('id="history"')[1].split("</table>")[0]
    newest, older = history.split('<tr class="govuk-table__row">')[2:4]  # after the header
    assert "Team renamed" in newest and second in newest and first in newest  # from, to
    assert "From the council" in older and first in older and second not in older
    assert "Pat Platform" in newest
    same = admin_client.post(url, data={"csrf_token": csrf(admin_client, url),
                                        "cme_email": second, "note": "again"})
    assert same.status_code == 400
    assert "already has" in same.get_data(as_text=True)

    from portal.directory import contact_history, entry
    from portal.extensions import db

    with app.app_context():
        assert entry("318").cme_email == second
        changes = contact_history("318")
        assert [c.new_email for c in changes[:2]] == [second, first]
        assert changes[0].old_email == first and changes[0].admin_id is not None
        db.session.remove()


def test_the_platform_administrator_sees_no_councils_back_office(app, admin_client):
    """Every back-office route of a council: sign-in (or 404), never a page."""
    case = make_case(app, "stockport", first="Hidden", last="Fromplatform")
    ids = {"case_id": case["case_id"], "submission_id": case["submission_id"],
           "message_id": 1, "notice_id": 1, "incoming_id": 1}
    token = csrf(admin_client, "/platform/")
    for method, path in _back_office_routes(app):
        for name, value in ids.items():
            path = path.replace(f"<int:{name}>", str(value))
        url = "/stockport/staff" + path
        response = admin_client.get(url) if method == "GET" else \
            admin_client.post(url, data={"csrf_token": token})
        assert response.status_code in (303, 404), (method, url, response.status_code)
        if response.status_code == 303:
            assert response.location.endswith("/stockport/staff/sign-in"), (method, url)
    assert admin_client.get("/platform/").status_code == 200  # still signed in here


def test_an_officer_is_not_a_platform_administrator(app, checked_client):
    officer = make_officer(app, "stockport", role="council_admin")
    client = checked_client(app.test_client())
    sign_in(client, officer)
    response = client.get("/platform/")
    assert response.status_code == 303 and response.location.endswith("/platform/sign-in")


def test_signing_out_ends_the_session_for_good(app, admin_client):
    cookie = admin_client.get_cookie("portal_session")
    response = admin_client.post("/platform/sign-out",
                                 data={"csrf_token": csrf(admin_client, "/platform/")})
    assert response.status_code == 303
    assert admin_client.get("/platform/").status_code == 303
    admin_client.set_cookie("portal_session", cookie.value)  # the old cookie, replayed
    assert admin_client.get("/platform/").status_code == 303


def test_the_platform_tables_hold_no_council_data(app):
    from portal.models.base import TenantOwned
    from portal.models.platform import (DirectoryContact, DirectoryContactChange,
                                        PlatformAdmin, PlatformSession)

    for model in (PlatformAdmin, PlatformSession, DirectoryContact, DirectoryContactChange):
        assert not issubclass(model, TenantOwned)
