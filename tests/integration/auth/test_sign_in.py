"""Local officer sign-in: password, TOTP second factor, lockout, sessions and timeouts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from bs4 import BeautifulSoup

from portal.cli import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email, load_demo_accounts
from tests.integration.auth.helpers import (PASSWORD, make_officer, post_code, post_password,
                                            sign_in, sign_out)

GENERIC = "Enter a correct email address and password"


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [" ".join(a.get_text(" ").split()) for a in soup.select(".govuk-error-summary__list a")]


@pytest.fixture(scope="module")
def demo(app):
    with app.app_context():
        lines = load_demo_accounts()
    assert any(DEMO_TOTP_SECRET in line for line in lines)
    return {"email": demo_email("stockport", "manager"), "secret": DEMO_TOTP_SECRET,
            "slug": "stockport"}


class FixedClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def test_a_demo_officer_signs_in_with_password_and_code_and_sees_the_landing_page(client, demo):
    response = post_password(client, demo["slug"], demo["email"], DEMO_PASSWORD)
    assert response.status_code == 303
    assert post_code(client, demo["slug"], pyotp.TOTP(demo["secret"]).now()).status_code == 303
    page = client.get("/stockport/staff/")
    assert page.status_code == 200
    body = " ".join(BeautifulSoup(page.get_data(as_text=True), "html.parser").get_text(" ").split())
    assert "Signed in as Demo Manager" in body and "Your role: Manager" in body
    assert "Stockport" in body
    assert "Sign out" in body
    assert page.headers["Cache-Control"] == "no-store"


def test_the_cookie_holds_only_the_session_token(app, client):
    officer = make_officer(app, "stockport")
    sign_in(client, officer)
    with client.session_transaction() as flask_session:
        assert set(flask_session.keys()) <= {"staff_token", "csrf_token"}
        assert "staff_token" in flask_session
        assert str(officer["id"]) not in flask_session.values()


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/stockport/staff/")
    assert response.status_code in (302, 303)
    assert response.location.endswith("/stockport/staff/sign-in")
    assert client.get("/stockport/staff/sign-in").status_code == 200


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client):
    response = client.get("/stockport/staff/sign-in/code")
    assert response.status_code == 303
    assert response.location.endswith("/stockport/staff/sign-in")


def test_a_wrong_code_is_refused_with_an_error_beside_the_box(app, client):
    officer = make_officer(app, "stockport")
    assert post_password(client, "stockport", officer["email"]).status_code == 303
    response = post_code(client, "stockport", "000000" if pyotp.TOTP(officer["secret"]).now()
                         != "000000" else "111111")
    assert response.status_code == 200
    assert _errors(response) == ["Enter a correct code"]
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert client.get("/stockport/staff/").status_code == 303
    for bad in ("", "12345", "abcdef", "1234567", "\x00" * 6):
        response = post_code(client, "stockport", bad)
        assert response.status_code == 200
        assert len(_errors(response)) == 1
    # Still able to finish with the right code.
    response = post_code(client, "stockport", pyotp.TOTP(officer["secret"]).now())
    assert response.status_code == 303


@pytest.mark.parametrize("email, password", [
    ("nobody@stockport.test.invalid", PASSWORD),   # unknown user
    (None, "not-the-password"),                    # wrong password
])
def test_unknown_user_and_wrong_password_get_the_same_answer(app, client, email, password):
    officer = make_officer(app, "stockport")
    response = post_password(client, "stockport", email or officer["email"], password)
    assert response.status_code == 200
    assert _errors(response) == [GENERIC]
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_a_disabled_officer_gets_the_same_answer(app, client):
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_scope

    officer = make_officer(app, "stockport")
    with app.app_context(), tenant_scope(officer["tenant_id"]):
        db.session.get(StaffUser, officer["id"]).is_active = False
        db.session.commit()
    response = post_password(client, "stockport", officer["email"])
    assert _errors(response) == [GENERIC]


def test_another_councils_officer_cannot_sign_in_here(app, client):
    officer = make_officer(app, "liverpool")
    response = post_password(client, "stockport", officer["email"])
    assert response.status_code == 200
    assert _errors(response) == [GENERIC]


def test_empty_and_odd_input_gets_errors_not_a_500(client):
    response = post_password(client, "stockport", "", "")
    assert response.status_code == 200
    assert _errors(response) == ["Enter your email address", "Enter your password"]
    for email, password in [("x" * 5000, "y"), ("a\x00b@c.invalid", "p\x00"), ("é@ü.invalid", "ü" * 2000),
                            ("'; drop table staff_users; --", "x"), ("\u202e@x.invalid", "\t")]:
        response = post_password(client, "stockport", email, password)
        assert response.status_code == 200, email[:20]
        assert len(_errors(response)) >= 1


def test_ten_failures_lock_the_account_even_against_the_right_password(app, client):
    officer = make_officer(app, "stockport")
    for _ in range(10):
        assert _errors(post_password(client, "stockport", officer["email"], "wrong")) == [GENERIC]
    response = post_password(client, "stockport", officer["email"])
    assert response.status_code == 200
    assert _errors(response) == [GENERIC]


def test_wrong_codes_count_towards_the_lock(app, client):
    officer = make_officer(app, "stockport")
    right = pyotp.TOTP(officer["secret"]).now()
    wrong = "000000" if right != "000000" else "111111"
    assert post_password(client, "stockport", officer["email"]).status_code == 303
    for _ in range(9):
        assert post_code(client, "stockport", wrong).status_code == 200
    response = post_code(client, "stockport", wrong)  # the tenth failure locks the account
    assert response.status_code == 303
    assert response.location.endswith("/stockport/staff/sign-in")
    assert _errors(post_password(client, "stockport", officer["email"])) == [GENERIC]


def test_a_cookie_replayed_after_sign_out_is_refused(app, client):
    officer = make_officer(app, "stockport")
    sign_in(client, officer)
    with client.session_transaction() as flask_session:
        saved = dict(flask_session)
    response = sign_out(client, "stockport")
    assert response.status_code == 303
    assert client.get("/stockport/staff/").status_code == 303
    with client.session_transaction() as flask_session:
        flask_session.update(saved)  # the old cookie, played back
    response = client.get("/stockport/staff/")
    assert response.status_code == 303
    assert response.location.endswith("/stockport/staff/sign-in")


def test_sign_out_needs_the_csrf_token(app, client):
    officer = make_officer(app, "stockport")
    sign_in(client, officer)
    assert client.post("/stockport/staff/sign-out").status_code == 400
    assert client.get("/stockport/staff/").status_code == 200


def test_disabling_an_officer_ends_their_sessions(app, client):
    from portal.extensions import db
    from portal.models import StaffSession, StaffUser
    from portal.tenancy import tenant_scope

    officer = make_officer(app, "stockport")
    sign_in(client, officer)
    assert client.get("/stockport/staff/").status_code == 200
    with app.app_context(), tenant_scope(officer["tenant_id"]):
        db.session.get(StaffUser, officer["id"]).is_active = False
        db.session.commit()
        sessions = db.session.query(StaffSession).filter_by(user_id=officer["id"]).all()
        assert sessions and all(s.ended_at is not None for s in sessions)
    assert client.get("/stockport/staff/").status_code == 303


def test_another_councils_officer_gets_404_on_this_councils_back_office(app, client):
    officer = make_officer(app, "liverpool")
    sign_in(client, officer)
    assert client.get("/liverpool/staff/").status_code == 200
    assert client.get("/stockport/staff/").status_code == 404
    assert client.get("/no-such-council/staff/").status_code == 404


def test_idle_for_more_than_30_minutes_signs_out(app_with, checked_client, app):
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    timed = app_with(clock=clock)
    client = checked_client(timed.test_client())
    officer = make_officer(app, "stockport")
    sign_in(client, officer, at=clock.now)
    clock.advance(minutes=29)
    assert client.get("/stockport/staff/").status_code == 200
    clock.advance(minutes=29)  # active 29 minutes ago: still signed in
    assert client.get("/stockport/staff/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/stockport/staff/")
    assert response.status_code == 303
    assert response.location.endswith("/stockport/staff/sign-in")
    clock.advance(minutes=-31)  # the session has ended for good, whatever the clock says
    assert client.get("/stockport/staff/").status_code == 303


def test_twelve_hours_signs_out_however_active(app_with, checked_client, app):
    clock = FixedClock(datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc))
    timed = app_with(clock=clock)
    client = checked_client(timed.test_client())
    officer = make_officer(app, "stockport")
    sign_in(client, officer, at=clock.now)
    for _ in range(47):  # every 15 minutes for 11h45m
        clock.advance(minutes=15)
        assert client.get("/stockport/staff/").status_code == 200
    clock.advance(minutes=16)
    assert client.get("/stockport/staff/").status_code == 303


def test_the_code_is_checked_against_the_apps_clock(app_with, checked_client, app):
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    client = checked_client(app_with(clock=clock).test_client())
    officer = make_officer(app, "stockport")
    assert post_password(client, "stockport", officer["email"]).status_code == 303
    totp = pyotp.TOTP(officer["secret"])
    response = post_code(client, "stockport", totp.at(clock.now - timedelta(minutes=5)))
    assert _errors(response) == ["Enter a correct code"]
    assert post_code(client, "stockport", totp.at(clock.now - timedelta(seconds=30))).status_code == 303


def test_too_many_sign_in_posts_from_one_address_get_a_429(app_with, checked_client):
    limited = checked_client(app_with(extra={"staff_sign_in_limit": "3 per minute"}).test_client())
    statuses = [post_password(limited, "stockport", "x@y.invalid", "z").status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_code_is_accepted_once_only(app_with, checked_client, app):
    """Someone who saw a code over an officer's shoulder cannot use it again in its window."""
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, 5, tzinfo=timezone.utc))
    timed = app_with(clock=clock)
    client = checked_client(timed.test_client())
    officer = make_officer(app, "stockport")
    sign_in(client, officer, at=clock.now)
    sign_out(client, "stockport")
    seen = pyotp.TOTP(officer["secret"]).at(clock.now)
    clock.advance(minutes=0.25)  # still the same 30-second window
    assert post_password(client, "stockport", officer["email"]).status_code == 303
    response = post_code(client, "stockport", seen)
    assert response.status_code == 200
    assert "Enter a correct code" in response.get_data(as_text=True)
    clock.advance(minutes=0.5)  # the next window's code is fine
    response = post_code(client, "stockport", pyotp.TOTP(officer["secret"]).at(clock.now))
    assert response.status_code == 303 and response.location.endswith("/stockport/staff/")
