"""Officer accounts, through HTTP as people would use them: the council administrator adds an
officer, the officer sets up a password and an authenticator app through the emailed one-time
link and signs in; disable, enable, unlock, reset and change of role; who may do any of it."""
from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
import segno
from bs4 import BeautifulSoup

from portal.config import ROOT
from tests.forms_driver import csrf_of
from tests.integration.auth.helpers import make_officer, post_password, sign_in

SLUG, OTHER = "stockport", "liverpool"
GOOD_PASSWORD = "correct horse battery staple"
NO_LIMITS = {"staff_sign_in_limit": "100000 per minute", "staff_set_up_limit": "100000 per minute"}


class FixedClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(timezone.utc).replace(microsecond=0))


@pytest.fixture
def portal(app_with, clock):
    return app_with(clock=clock, extra=NO_LIMITS)


@pytest.fixture
def admin(portal, checked_client, clock):
    """A council administrator of Stockport, signed in, and their browser."""
    officer = make_officer(portal, SLUG, role="council_admin")
    browser = checked_client(portal.test_client())
    sign_in(browser, officer, at=clock.now)
    return {**officer, "client": browser}


# --- helpers ---------------------------------------------------------------------------------

def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    return " ".join(soup_of(response).get_text(" ").split())


def errors_of(response) -> list[str]:
    return [" ".join(a.get_text(" ").split())
            for a in soup_of(response).select(".govuk-error-summary__list a")]


def post_form(client, page_url: str, url: str, data: dict):
    token = csrf_of(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def add_officer(admin: dict, *, name: str = "Ada Invented", email: str | None = None,
                role: str = "officer", slug: str = SLUG):
    email = f"ada-{uuid.uuid4().hex[:8]}@{slug}.test.invalid" if email is None else email
    response = post_form(admin["client"], f"/{slug}/staff/users/new", f"/{slug}/staff/users/new",
                         {"display_name": name, "email": email, "role": role})
    return response, email


def user_row(app, email: str, slug: str = SLUG):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.lower()))
        if user is not None:
            db.session.expunge(user)
        db.session.remove()
    return user


def emails_to(app, address: str, slug: str = SLUG) -> list:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        rows = list(db.session.scalars(select(OutboxMessage)
                                       .where(OutboxMessage.to_address == address)
                                       .order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


def audit_whats(app, user_id: int, slug: str = SLUG) -> list[str]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import AuditEvent
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        whats = list(db.session.scalars(select(AuditEvent.what).where(
            AuditEvent.object_type == "user", AuditEvent.object_id == user_id)
            .order_by(AuditEvent.id)))
        db.session.remove()
    return whats


def link_path(body: str) -> str:
    found = re.findall(r"https?://\S+?(/[a-z-]+/staff/set-up/[A-Za-z0-9_-]+)", body)
    assert len(set(found)) == 1, body
    return found[0]


def set_password(client, path: str, password: str, confirm: str | None = None):
    return post_form(client, path, path, {"password": password,
                                          "password_confirm": password if confirm is None
                                          else confirm})


def secret_on(page) -> str:
    return soup_of(page).select_one("#totp-secret").get_text().replace(" ", "").strip()


def enrol(client, path: str, code: str):
    return post_form(client, f"{path}/authenticator", f"{path}/authenticator", {"code": code})


def set_up_account(app, checked_client, clock, email: str) -> dict:
    """The officer opens the latest link emailed to them, chooses a password, enrols."""
    path = link_path(emails_to(app, email)[-1].body_text)
    browser = checked_client(app.test_client())
    assert set_password(browser, path, GOOD_PASSWORD).status_code == 303
    secret = secret_on(browser.get(f"{path}/authenticator"))
    assert enrol(browser, path, pyotp.TOTP(secret).at(clock.now)).status_code == 303
    clock.advance(seconds=30)  # the code used to enrol cannot also sign in
    return {"email": email, "secret": secret, "slug": SLUG, "path": path, "password": GOOD_PASSWORD}


def officer_sign_in(app, checked_client, clock, account: dict):
    browser = checked_client(app.test_client())
    response = post_password(browser, SLUG, account["email"], account["password"])
    assert response.status_code == 303, errors_of(response)
    response = post_form(browser, f"/{SLUG}/staff/sign-in/code", f"/{SLUG}/staff/sign-in/code",
                         {"code": pyotp.TOTP(account["secret"]).at(clock.now)})
    assert response.status_code == 303, errors_of(response)
    return browser


def act(admin: dict, user_id: int, action: str, data: dict | None = None, slug: str = SLUG):
    return post_form(admin["client"], f"/{slug}/staff/users", f"/{slug}/staff/users/{user_id}/{action}",
                     data or {})


# --- the whole flow --------------------------------------------------------------------------

def test_an_administrator_adds_an_officer_who_sets_up_the_account_and_signs_in(
        portal, admin, clock, checked_client):
    from portal.tenancy import tenants

    users = admin["client"].get(f"/{SLUG}/staff/users")
    assert users.status_code == 200
    assert soup_of(users).select_one("a.govuk-button").get_text(strip=True) == "Add an officer"
    form_page = admin["client"].get(f"/{SLUG}/staff/users/new")
    assert [r["value"] for r in soup_of(form_page).select("input[name=role]")] == \
        ["officer", "manager", "council_admin"]

    response, email = add_officer(admin, name="Ada Invented", email=None)
    assert response.status_code == 303
    page = admin["client"].get(response.location)
    assert "The officer has been added and emailed a link" in text_of(page)
    user = user_row(portal, email)
    assert user.display_name == "Ada Invented" and user.role == "officer" and user.is_active
    assert user.password_hash is None and user.totp_secret is None
    assert "Set-up pending" in text_of(admin["client"].get(f"/{SLUG}/staff/users"))
    assert "user.create" in audit_whats(portal, user.id)

    # The email: the link and nothing about anybody else.
    [message] = emails_to(portal, email)
    assert message.kind == "other" and message.status == "pending"
    assert message.subject.startswith("Set up your account")
    body = message.body_text
    path = link_path(body)
    assert path.startswith(f"/{SLUG}/staff/set-up/")
    token = path.rsplit("/", 1)[1]
    assert user.setup_token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert "Hello Ada Invented" in body and "72 hours" in body
    assert admin["email"] not in body and "Test Officer" not in body
    assert "You can also sign in with your" not in body  # Stockport has no single sign-on
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_id_for, tenant_scope
    from sqlalchemy import select
    with portal.app_context(), tenant_scope(tenant_id_for(SLUG)):
        others = [e for e in db.session.scalars(select(StaffUser.email)) if e != email]
        db.session.remove()
    assert others and not any(other in body for other in others)

    # Not usable yet.
    officer = checked_client(portal.test_client())
    assert errors_of(post_password(officer, SLUG, email, GOOD_PASSWORD)) == \
        ["Enter a correct email address and password"]

    # Step 1: the password, bad inputs first; nothing is stored for them.
    first = officer.get(path)
    assert first.status_code == 200
    assert soup_of(first).h1.get_text(strip=True) == "Create a password"
    for password, confirm, error, field in [
        ("", "", "Enter a password", "password"),
        ("short-one", "short-one", "Your password must be 12 characters or more", "password"),
        (GOOD_PASSWORD, GOOD_PASSWORD + "!", "The passwords do not match: enter the same "
         "password in both boxes", "password_confirm"),
        (email.upper(), email.upper(), "Your password must not be your email address", "password"),
        (GOOD_PASSWORD, "", "Enter your password again to confirm it", "password_confirm"),
    ]:
        response = set_password(officer, path, password, confirm)
        assert response.status_code == 200
        assert error in errors_of(response), (password, errors_of(response))
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html
        assert soup_of(response).title.get_text().startswith("Error:")
        assert GOOD_PASSWORD not in html  # a password is never shown back
        after = user_row(portal, email)
        assert after.pending_password_hash is None and after.password_hash is None
        assert after.pending_totp_secret is None
    response = set_password(officer, path, GOOD_PASSWORD)
    assert response.status_code == 303 and response.location.endswith(f"{path}/authenticator")

    # Step 2: the secret as text and as a QR code of the otpauth address; kept server-side.
    enrol_page = officer.get(f"{path}/authenticator")
    assert enrol_page.status_code == 200
    secret = secret_on(enrol_page)
    shown = soup_of(enrol_page).select_one("#totp-secret").get_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", shown), shown
    pending = user_row(portal, email)
    assert pending.pending_totp_secret == secret and pending.totp_secret is None
    assert pending.password_hash is None and pending.pending_password_hash
    with officer.session_transaction() as cookie:
        assert secret not in str(dict(cookie))
    with portal.app_context():
        council = tenants()[SLUG].display_name("en")
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=f"{council} CME portal")
    svg = soup_of(enrol_page).select_one(".portal-qr-code svg")
    expected = BeautifulSoup(segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff"), "html.parser").select("path")
    assert [p.get("d") for p in svg.select("path")] == [p.get("d") for p in expected]
    assert svg.get("role") == "img" and svg.title.get_text()
    assert officer.get(f"{path}/authenticator").get_data(as_text=True).count(shown) == 1
    assert secret_on(officer.get(f"{path}/authenticator")) == secret  # the same on reload

    totp = pyotp.TOTP(secret)
    wrong = "000000" if totp.at(clock.now) != "000000" else "111111"
    response = enrol(officer, path, wrong)
    assert response.status_code == 200
    assert errors_of(response) == ["Enter the code your authenticator app shows now"]
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert user_row(portal, email).pending_totp_secret == secret
    assert user_row(portal, email).totp_secret is None
    response = enrol(officer, path, "12ab")
    assert errors_of(response) == ["Enter the 6-digit code from your authenticator app"]

    response = enrol(officer, path, totp.at(clock.now))
    assert response.status_code == 303 and response.location.endswith(f"/{SLUG}/staff/set-up/finished")
    done = officer.get(response.location)
    assert "Your account is set up" in text_of(done)
    ready = user_row(portal, email)
    assert ready.totp_secret == secret and ready.password_hash
    assert ready.setup_token_hash is None and ready.pending_totp_secret is None
    assert ready.pending_password_hash is None
    assert "user.set_up" in audit_whats(portal, ready.id)

    # The link is used up.
    for url in (path, f"{path}/authenticator"):
        again = officer.get(url)
        assert again.status_code == 404
        assert "Ask your council's administrator for a new link" in text_of(again)
    reuse = post_form(officer, f"/{SLUG}/staff/sign-in", path,
                      {"password": "another good password",
                       "password_confirm": "another good password"})
    assert reuse.status_code == 404

    # The code just used to enrol cannot sign in; the next one can.
    assert post_password(officer, SLUG, email, GOOD_PASSWORD).status_code == 303
    replay = post_form(officer, f"/{SLUG}/staff/sign-in/code", f"/{SLUG}/staff/sign-in/code",
                       {"code": totp.at(clock.now)})
    assert errors_of(replay) == ["Enter a correct code"]
    clock.advance(seconds=30)
    browser = officer_sign_in(portal, checked_client, clock,
                              {"email": email, "secret": secret, "password": GOOD_PASSWORD})
    home = browser.get(f"/{SLUG}/staff/")
    assert home.status_code == 200 and "Signed in as Ada Invented" in text_of(home)
    assert "Active" in text_of(admin["client"].get(f"/{SLUG}/staff/users"))


def test_an_expired_link_is_refused(portal, admin, clock, checked_client):
    _response, email = add_officer(admin)
    path = link_path(emails_to(portal, email)[-1].body_text)
    officer = checked_client(portal.test_client())
    clock.advance(hours=71, minutes=59)
    assert officer.get(path).status_code == 200
    assert set_password(officer, path, GOOD_PASSWORD).status_code == 303
    clock.advance(minutes=1)  # 72 hours after it was sent
    for url in (path, f"{path}/authenticator"):
        page = officer.get(url)
        assert page.status_code == 404
        assert "Ask your council's administrator for a new link" in text_of(page)
    later = checked_client(portal.test_client())  # the first administrator's session timed out
    sign_in(later, make_officer(portal, SLUG, role="council_admin"), at=clock.now)
    assert "The set-up link has expired" in text_of(
        later.get(f"/{SLUG}/staff/users/{user_row(portal, email).id}"))


def test_unknown_links_and_another_councils_link_get_the_same_page(portal, admin, checked_client):
    _response, email = add_officer(admin)
    path = link_path(emails_to(portal, email)[-1].body_text)
    stranger = checked_client(portal.test_client())
    for url in (f"/{SLUG}/staff/set-up/not-a-real-token", f"/{SLUG}/staff/set-up/{'x' * 300}",
                path.replace(f"/{SLUG}/", f"/{OTHER}/")):
        page = stranger.get(url)
        assert page.status_code == 404
        assert "Ask your council's administrator for a new link" in text_of(page)


def test_a_set_up_link_is_rate_limited(app_with, admin, checked_client):
    limited = app_with(extra={"staff_set_up_limit": "3 per minute"})
    browser = checked_client(limited.test_client())
    codes = [browser.get(f"/{SLUG}/staff/set-up/guessed-token-{n}").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]


def test_add_an_officer_with_bad_input_shows_errors_and_stores_nothing(portal, admin):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import OutboxMessage, StaffUser
    from portal.tenancy import tenant_id_for, tenant_scope

    def counts():
        with portal.app_context(), tenant_scope(tenant_id_for(SLUG)):
            result = (db.session.scalar(select(func.count(StaffUser.id))),
                      db.session.scalar(select(func.count(OutboxMessage.id))))
            db.session.remove()
        return result

    _response, taken = add_officer(admin, name="Existing Invented")
    before = counts()
    for name, email, role, expected in [
        ("", "", "", ["Enter the officer's full name", "Enter the officer's email address",
                      "Select the officer's role"]),
        ("Bea Invented", "not-an-address", "officer",
         ["Enter an email address in the correct format, like name@example.com"]),
        ("Bea Invented", "two@x.invalid, three@x.invalid", "manager",
         ["Enter an email address in the correct format, like name@example.com"]),
        ("Bea Invented", taken.upper(), "manager",
         ["There is already an officer with this email address"]),
        ("Bea Invented", "bea@stockport.test.invalid", "platform_admin",
         ["Select one of the options"]),
        ("B" * 201, "bea@stockport.test.invalid", "officer",
         ["The name must be 200 characters or fewer"]),
    ]:
        response, _email = add_officer(admin, name=name, email=email, role=role)
        assert response.status_code == 200, (name, email)
        assert errors_of(response) == expected
        soup = soup_of(response)
        assert soup.select_one("#email")["value"] == email.strip()
        if role == "manager":
            assert soup.select_one("input[name=role][value=manager]").has_attr("checked")
    assert counts() == before


def test_disabling_an_officer_ends_their_live_session_and_a_replayed_cookie(
        portal, admin, clock, checked_client):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import StaffSession
    from portal.tenancy import tenant_id_for, tenant_scope

    _response, email = add_officer(admin, name="Cy Invented")
    account = set_up_account(portal, checked_client, clock, email)
    officer = officer_sign_in(portal, checked_client, clock, account)
    assert officer.get(f"/{SLUG}/staff/").status_code == 200
    with officer.session_transaction() as cookie:
        stolen = dict(cookie)
    user_id = user_row(portal, email).id

    response = act(admin, user_id, "disable")
    assert response.status_code == 303
    page = admin["client"].get(response.location)
    assert "The account has been disabled and its sessions have ended." in text_of(page)
    assert "Disabled" in text_of(page)
    assert "user.disable" in audit_whats(portal, user_id)

    refused = officer.get(f"/{SLUG}/staff/")
    assert refused.status_code == 303 and refused.location.endswith(f"/{SLUG}/staff/sign-in")
    replay = checked_client(portal.test_client())
    with replay.session_transaction() as cookie:
        cookie.update(stolen)
    assert replay.get(f"/{SLUG}/staff/").status_code == 303
    with portal.app_context(), tenant_scope(tenant_id_for(SLUG)):
        ended = [row.ended_at for row in db.session.scalars(
            select(StaffSession).where(StaffSession.user_id == user_id))]
        db.session.remove()
    assert ended and all(ended)
    assert errors_of(post_password(checked_client(portal.test_client()), SLUG, email,
                                   GOOD_PASSWORD)) == ["Enter a correct email address and password"]

    assert act(admin, user_id, "enable").status_code == 303
    assert "user.enable" in audit_whats(portal, user_id)
    clock.advance(seconds=30)
    assert officer_sign_in(portal, checked_client, clock, account).get(
        f"/{SLUG}/staff/").status_code == 200


def test_unlock_lets_a_locked_officer_sign_in_again(portal, admin, clock, checked_client):
    _response, email = add_officer(admin, name="Dee Invented")
    account = set_up_account(portal, checked_client, clock, email)
    guesser = checked_client(portal.test_client())
    for _ in range(10):
        post_password(guesser, SLUG, email, "not the password at all")
    assert user_row(portal, email).locked_at is not None
    assert "Locked" in text_of(admin["client"].get(f"/{SLUG}/staff/users"))
    user_id = user_row(portal, email).id
    response = act(admin, user_id, "unlock")
    assert response.status_code == 303
    assert "The account has been unlocked." in text_of(admin["client"].get(response.location))
    unlocked = user_row(portal, email)
    assert unlocked.locked_at is None and unlocked.failed_attempts == 0
    assert "user.unlock" in audit_whats(portal, user_id)
    assert officer_sign_in(portal, checked_client, clock, account).get(
        f"/{SLUG}/staff/").status_code == 200


def test_reset_signs_the_officer_out_and_sends_a_new_link(portal, admin, clock, checked_client):
    _response, email = add_officer(admin, name="Eve Invented")
    account = set_up_account(portal, checked_client, clock, email)
    officer = officer_sign_in(portal, checked_client, clock, account)
    user_id = user_row(portal, email).id

    response = act(admin, user_id, "reset")
    assert response.status_code == 303
    assert "a new set-up link has been emailed" in text_of(admin["client"].get(response.location))
    assert "user.reset" in audit_whats(portal, user_id)
    assert officer.get(f"/{SLUG}/staff/").status_code == 303
    reset = user_row(portal, email)
    assert reset.password_hash is None and reset.totp_secret is None
    first, second = emails_to(portal, email)
    assert "reset the password and the authenticator app" in second.body_text
    assert link_path(second.body_text) != account["path"]
    assert errors_of(post_password(checked_client(portal.test_client()), SLUG, email,
                                   GOOD_PASSWORD)) == ["Enter a correct email address and password"]

    again = set_up_account(portal, checked_client, clock, email)
    assert again["secret"] != account["secret"]
    assert officer_sign_in(portal, checked_client, clock, again).get(
        f"/{SLUG}/staff/").status_code == 200


def test_change_role_and_what_an_administrator_cannot_do_to_themselves(portal, admin):
    _response, email = add_officer(admin, name="Fay Invented")
    user_id = user_row(portal, email).id
    response = act(admin, user_id, "role", {"role": "manager"})
    assert response.status_code == 303
    assert "The role has been changed." in text_of(admin["client"].get(response.location))
    assert user_row(portal, email).role == "manager"
    assert "user.role" in audit_whats(portal, user_id)
    same = act(admin, user_id, "role", {"role": "manager"})
    assert same.status_code == 200
    assert errors_of(same) == ["This is already the officer's role. Select a different role."]
    assert errors_of(act(admin, user_id, "role", {})) == ["Select a role"]

    own = admin["id"]
    for action, data, sentence in [
        ("disable", {}, "You cannot disable your own account. Another council administrator can."),
        ("role", {"role": "officer"}, "You cannot change your own role. Another council "
                                      "administrator can."),
        ("reset", {}, "You cannot reset your own password and authenticator app. Another "
                      "council administrator can."),
    ]:
        response = act(admin, own, action, data)
        assert response.status_code == 409
        assert errors_of(response) == [sentence]
        assert 'href="#account-actions"' in response.get_data(as_text=True)
    me = user_row(portal, admin["email"])
    assert me.is_active and me.role == "council_admin" and me.password_hash
    assert admin["client"].get(f"/{SLUG}/staff/users").status_code == 200


def test_another_councils_administrator_and_other_roles_get_404(portal, admin, clock,
                                                                checked_client):
    _response, email = add_officer(admin, name="Gil Invented")
    user_id = user_row(portal, email).id
    pages = ["/users", "/users/new", f"/users/{user_id}"]
    actions = [f"/users/{user_id}/{action}" for action in
               ("disable", "enable", "unlock", "reset", "role")] + ["/users/new"]

    def refused_everywhere(browser, slug_signed_in: str) -> None:
        token = csrf_of(browser.get(f"/{slug_signed_in}/staff/").get_data(as_text=True))
        for slug in {SLUG, slug_signed_in}:
            for path in pages:
                if slug == slug_signed_in and path in ("/users", "/users/new") and slug != SLUG:
                    continue  # their own council's list: checked below
                assert browser.get(f"/{slug}/staff{path}").status_code == 404, (slug, path)
            for path in actions:
                if slug == slug_signed_in and path == "/users/new" and slug != SLUG:
                    continue
                response = browser.post(f"/{slug}/staff{path}",
                                        data={"csrf_token": token, "role": "council_admin",
                                              "display_name": "X", "email": "x@x.invalid"})
                assert response.status_code == 404, (slug, path)

    stranger = make_officer(portal, OTHER, role="council_admin")
    browser = checked_client(portal.test_client())
    sign_in(browser, stranger, at=clock.now)
    refused_everywhere(browser, OTHER)
    own_list = browser.get(f"/{OTHER}/staff/users")
    assert own_list.status_code == 200 and email not in own_list.get_data(as_text=True)

    for role in ("officer", "manager"):
        clock.advance(seconds=30)
        colleague = make_officer(portal, SLUG, role=role)
        browser = checked_client(portal.test_client())
        sign_in(browser, colleague, at=clock.now)
        refused_everywhere(browser, SLUG)
        menu = [a.get_text(strip=True) for a in
                soup_of(browser.get(f"/{SLUG}/staff/")).select(".govuk-service-navigation__link")]
        assert "Users" not in menu

    after = user_row(portal, email)
    assert after.is_active and after.role == "officer" and after.setup_token_hash
    assert len(emails_to(portal, email)) == 1
    menu = [a.get_text(strip=True) for a in soup_of(admin["client"].get(f"/{SLUG}/staff/"))
            .select(".govuk-service-navigation__link")]
    assert "Users" in menu


def test_the_email_mentions_the_council_account_where_there_is_single_sign_on(
        app_with, clock, checked_client, tmp_path):
    folder = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", folder)
    with open(folder / SLUG / "tenant.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[sso]\nissuer = "https://login.example.invalid/stockport"\n'
                   'client_id = "cme-portal"\nclient_secret_env = "SSO_SECRET_UNSET_IN_TESTS"\n'
                   'display_name = "Stockport staff"\n')
    sso_portal = app_with(clock=clock, tenants_dir=folder, extra=NO_LIMITS)
    officer = make_officer(sso_portal, SLUG, role="council_admin")
    browser = checked_client(sso_portal.test_client())
    sign_in(browser, officer, at=clock.now)
    response, email = add_officer({"client": browser})
    assert response.status_code == 303
    body = emails_to(sso_portal, email)[-1].body_text
    assert "You can also sign in with your Stockport staff account" in body
    assert f"/{SLUG}/staff/sign-in" in body
    link_path(body)


def test_a_council_that_offers_welsh_sends_the_email_in_welsh_and_english(portal, clock,
                                                                          checked_client):
    from portal.tenancy import tenants

    with portal.app_context():
        welsh = next(slug for slug, tenant in tenants().items() if "cy" in tenant.languages)
    officer = make_officer(portal, welsh, role="council_admin")
    browser = checked_client(portal.test_client())
    sign_in(browser, officer, at=clock.now)
    response, email = add_officer({"client": browser}, slug=welsh)
    assert response.status_code == 303
    [message] = emails_to(portal, email, slug=welsh)
    assert message.language == "cy"
    assert "\n---\n" in message.body_text
