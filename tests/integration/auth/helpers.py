"""Officers and sign-in steps for the sign-in tests."""
from __future__ import annotations

import uuid

import pyotp
from argon2 import PasswordHasher

from tests.forms_driver import csrf_of

PASSWORD = "a-Test-password-42"


def make_officer(app, slug: str, *, role: str = "officer", secret: str | None = None) -> dict:
    """A fresh officer of council `slug`, so that tests which lock or disable one touch no other."""
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_id_for, tenant_scope

    secret = secret or pyotp.random_base32()
    email = f"officer-{uuid.uuid4().hex[:10]}@{slug}.test.invalid"
    with app.app_context():
        tenant_id = tenant_id_for(slug)
        with tenant_scope(tenant_id):
            user = StaffUser(email=email, display_name="Test Officer", role=role,
                             password_hash=PasswordHasher().hash(PASSWORD), totp_secret=secret)
            db.session.add(user)
            db.session.commit()
            user_id = user.id
        db.session.remove()
    return {"email": email, "secret": secret, "id": user_id, "slug": slug, "tenant_id": tenant_id}


def post_password(client, slug: str, email: str, password: str = PASSWORD):
    page = client.get(f"/{slug}/staff/sign-in")
    return client.post(f"/{slug}/staff/sign-in", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "email": email, "password": password})


def post_code(client, slug: str, code: str):
    page = client.get(f"/{slug}/staff/sign-in/code")
    assert page.status_code == 200, page.status_code
    return client.post(f"/{slug}/staff/sign-in/code", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "code": code})


def sign_in(client, officer: dict, *, at=None):
    """Password then code; `at` is the app's (fixed) clock time, else now."""
    response = post_password(client, officer["slug"], officer["email"])
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.location.endswith(f"/{officer['slug']}/staff/sign-in/code")
    totp = pyotp.TOTP(officer["secret"])
    response = post_code(client, officer["slug"], totp.at(at) if at else totp.now())
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.location.endswith(f"/{officer['slug']}/staff/")
    return response


def sign_out(client, slug: str):
    page = client.get(f"/{slug}/staff/")
    return client.post(f"/{slug}/staff/sign-out",
                       data={"csrf_token": csrf_of(page.get_data(as_text=True))})
