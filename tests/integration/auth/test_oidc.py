"""Single sign-on with a council's OpenID Connect provider.

A real provider runs on 127.0.0.1 (tests/integration/auth/oidc_provider.py). The browser's part
is played by the Flask test client for the portal and `requests` for the provider: the portal's
redirect is followed to the provider over real HTTP, and the provider's redirect back is given
to the test client.

Stockport and Liverpool are given an `[sso]` section (both with this provider, as two councils
sharing one identity provider would be) in a copy of the council files; Staffordshire has one
whose secret is not set; Southwark has none.
"""
from __future__ import annotations

import logging
import shutil
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from portal import create_app
from portal.config import ROOT
from tests.conftest import make_settings
from tests.integration.auth.helpers import make_officer, sign_out
from tests.integration.auth.oidc_provider import FakeProvider

REFUSED = "We could not sign you in with your council account"
SECRETS = {"PORTAL_TEST_SSO_SECRET_STOCKPORT": "stockport-" + uuid.uuid4().hex,
           "PORTAL_TEST_SSO_SECRET_LIVERPOOL": "liverpool-" + uuid.uuid4().hex}
UNSET_SECRET = "PORTAL_TEST_SSO_SECRET_NEVER_SET"
CLIENTS = {"stockport": ("portal-stockport", "PORTAL_TEST_SSO_SECRET_STOCKPORT",
                         "Stockport Council account"),
           "liverpool": ("portal-liverpool", "PORTAL_TEST_SSO_SECRET_LIVERPOOL",
                         "Liverpool City Council account"),
           "staffordshire": ("portal-staffordshire", UNSET_SECRET,
                             "Staffordshire County Council account")}


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def provider():
    server = FakeProvider().start()
    for slug, (client_id, env, _label) in CLIENTS.items():
        server.add_client(client_id, SECRETS.get(env, "never-used"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sso_tenants_dir(provider, tmp_path_factory):
    """The five councils' files, three of them with an [sso] section."""
    folder = tmp_path_factory.mktemp("sso") / "tenants"
    shutil.copytree(ROOT / "tenants", folder)
    for slug, (client_id, env, label) in CLIENTS.items():
        with open(folder / slug / "tenant.toml", "a", encoding="utf-8") as toml:
            toml.write(f'\n[sso]\nissuer = "{provider.issuer}"\nclient_id = "{client_id}"\n'
                       f'client_secret_env = "{env}"\ndisplay_name = "{label}"\n')
    return folder


@pytest.fixture(scope="module")
def sso_env():
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SECRETS.items():
            patch.setenv(name, value)
        patch.delenv(UNSET_SECRET, raising=False)
        yield


@pytest.fixture(scope="module")
def sso_app(app, database_url, sso_tenants_dir, sso_env):
    return create_app(make_settings(database_url, tenants_dir=sso_tenants_dir,
                                    extra={"staff_sign_in_limit": "100000 per minute"}))


@pytest.fixture
def visitor(sso_app, checked_client, provider):
    provider.reset()
    return checked_client(sso_app.test_client())


# --- helpers -------------------------------------------------------------------------------

def start(client, slug: str) -> str:
    response = client.get(f"/{slug}/staff/sign-in/sso")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.location


def at_provider(authorize_url: str) -> str:
    """The provider's answer, as a browser would follow it: the callback path and query."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    back = urlsplit(response.headers["Location"])
    assert back.path.endswith("/staff/sign-in/sso/callback")
    return f"{back.path}?{back.query}"


def sso_sign_in(client, slug: str):
    return client.get(at_provider(start(client, slug)))


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser")
                    .get_text(" ").split())


def signed_in(client, slug: str) -> bool:
    page = client.get(f"/{slug}/staff/")
    return page.status_code == 200 and "Signed in as" in text_of(page)


def assert_refused(client, response, slug: str, sso_app, officer: dict | None = None) -> None:
    assert response.status_code == 403
    assert REFUSED in text_of(response)
    assert "sign in with your email address and password" in text_of(response)
    with client.session_transaction() as cookie:
        assert "staff_token" not in cookie and "sso_flow" not in cookie
    assert not signed_in(client, slug)
    if officer is not None:
        assert sessions_of(sso_app, officer) == 0


def sessions_of(app, officer: dict) -> int:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import StaffSession
    from portal.tenancy import tenant_scope

    with app.app_context(), tenant_scope(officer["tenant_id"]):
        count = db.session.scalar(select(func.count()).select_from(StaffSession)
                                  .where(StaffSession.user_id == officer["id"]))
        db.session.remove()
    return count


def identities_of(app, officer: dict) -> list[tuple[str, str, object]]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import StaffIdentity
    from portal.tenancy import tenant_scope

    with app.app_context(), tenant_scope(officer["tenant_id"]):
        rows = [(i.issuer, i.subject, i.last_used_at) for i in db.session.scalars(
            select(StaffIdentity).where(StaffIdentity.user_id == officer["id"]))]
        db.session.remove()
    return rows


def update_officer(app, officer: dict, **values) -> None:
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_scope

    with app.app_context(), tenant_scope(officer["tenant_id"]):
        user = db.session.get(StaffUser, officer["id"])
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()
        db.session.remove()


def new_subject() -> str:
    return "subject-" + uuid.uuid4().hex


# --- the sign-in page and the start --------------------------------------------------------

def test_the_sign_in_page_offers_the_councils_account_where_it_has_one(visitor):
    page = BeautifulSoup(visitor.get("/stockport/staff/sign-in").get_data(as_text=True),
                         "html.parser")
    button = page.select_one("a.govuk-button#sso-sign-in")
    assert " ".join(button.get_text().split()) == "Sign in with Stockport Council account"
    assert button["href"] == "/stockport/staff/sign-in/sso"
    assert page.find("input", attrs={"name": "password"}) is not None  # the password stays
    # No [sso]: no button. An [sso] whose secret is not set: no button either.
    for slug in ("southwark", "staffordshire"):
        page = visitor.get(f"/{slug}/staff/sign-in").get_data(as_text=True)
        assert "sso-sign-in" not in page and "/sign-in/sso" not in page


def test_start_sends_the_officer_to_the_provider_with_state_nonce_and_pkce(visitor, provider):
    url = urlsplit(start(visitor, "stockport"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == "portal-stockport"
    assert query["response_type"] == "code"
    assert query["scope"].split() == ["openid", "email", "profile"]
    assert query["redirect_uri"] == "http://localhost/stockport/staff/sign-in/sso/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert "code_verifier" not in query
    # A second start gets a new state and nonce.
    again = {k: v[0] for k, v in parse_qs(urlsplit(start(visitor, "stockport")).query).items()}
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]


def test_a_council_without_single_sign_on_answers_404(visitor):
    assert visitor.get("/southwark/staff/sign-in/sso").status_code == 404
    assert visitor.get("/southwark/staff/sign-in/sso/callback?code=x&state=y").status_code == 404


def test_a_missing_client_secret_makes_single_sign_on_unavailable_and_says_so_in_the_log(
        visitor, caplog):
    with caplog.at_level(logging.WARNING):
        response = visitor.get("/staffordshire/staff/sign-in/sso")
    assert response.status_code == 503
    assert REFUSED in text_of(response)
    assert any(UNSET_SECRET in r.getMessage() and "staffordshire" in r.getMessage()
               for r in caplog.records)


# --- signing in ----------------------------------------------------------------------------

def test_an_officer_signs_in_with_the_council_account_and_again_after_their_email_changes(
        sso_app, app, visitor, provider, caplog):
    officer = make_officer(app, "stockport")
    subject = new_subject()
    provider.will_sign_in(subject, officer["email"].upper(), name="Test Officer")
    with caplog.at_level(logging.INFO):
        response = sso_sign_in(visitor, "stockport")
    assert response.status_code == 303
    assert response.location.endswith("/stockport/staff/")
    page = visitor.get("/stockport/staff/")
    assert page.status_code == 200
    assert "Signed in as Test Officer" in text_of(page) and "Your role: Officer" in text_of(page)
    assert visitor.get("/stockport/staff/").status_code == 200  # the session lasts
    with visitor.session_transaction() as cookie:
        assert set(cookie.keys()) <= {"staff_token", "csrf_token"}
    [(issuer, linked_subject, last_used)] = identities_of(app, officer)
    assert (issuer, linked_subject) == (provider.issuer, subject) and last_used is not None
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert officer["email"].lower() not in logged.lower() and "code=" not in logged

    sign_out(visitor, "stockport")
    assert not signed_in(visitor, "stockport")
    # The provider now gives another (even unverified) email: the subject alone finds them.
    provider.will_sign_in(subject, "renamed-" + officer["email"], email_verified=False)
    response = sso_sign_in(visitor, "stockport")
    assert response.status_code == 303 and response.location.endswith("/stockport/staff/")
    assert signed_in(visitor, "stockport")
    [(_issuer, _subject, used_again)] = identities_of(app, officer)
    assert used_again >= last_used


def test_a_signed_in_session_needs_no_code_but_ends_on_sign_out(app, visitor, provider):
    officer = make_officer(app, "stockport")
    provider.will_sign_in(new_subject(), officer["email"])
    assert sso_sign_in(visitor, "stockport").status_code == 303
    assert visitor.get("/stockport/staff/sign-in/code").status_code == 303  # nothing pending
    with visitor.session_transaction() as cookie:
        token = cookie["staff_token"]
    sign_out(visitor, "stockport")
    with visitor.session_transaction() as cookie:
        cookie["staff_token"] = token  # a replayed cookie
    assert not signed_in(visitor, "stockport")


# --- the ID token and the state ------------------------------------------------------------

@pytest.mark.parametrize("fault", ["bad_issuer", "bad_audience", "bad_nonce", "expired",
                                   "bad_signature", "unknown_key"])
def test_an_id_token_that_fails_a_check_is_refused(sso_app, app, visitor, provider, fault,
                                                  caplog):
    officer = make_officer(app, "stockport")
    provider.will_sign_in(new_subject(), officer["email"])
    provider.fault = fault
    with caplog.at_level(logging.WARNING):
        response = sso_sign_in(visitor, "stockport")
    assert_refused(visitor, response, "stockport", sso_app, officer)
    assert identities_of(app, officer) == []
    assert any("Single sign-on refused at council stockport" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("change", ["tampered", "missing", "other_flow", "replayed", "no_flow"])
def test_a_callback_whose_state_does_not_match_is_refused(sso_app, app, visitor, checked_client,
                                                          provider, change, caplog):
    officer = make_officer(app, "stockport")
    provider.will_sign_in(new_subject(), officer["email"])
    callback = at_provider(start(visitor, "stockport"))
    path, query = callback.split("?", 1)
    params = {k: v[0] for k, v in parse_qs(query).items()}
    client = visitor
    if change == "tampered":
        params["state"] = params["state"][:-4] + "AAAA"
    elif change == "missing":
        del params["state"]
    elif change == "other_flow":
        start(visitor, "stockport")  # a newer sign-in in another tab replaced this one
    elif change == "replayed":
        assert visitor.get(callback).status_code == 303
        sign_out(visitor, "stockport")
    elif change == "no_flow":
        client = checked_client(sso_app.test_client())  # another visitor
    tokens_before = provider.token_requests
    with caplog.at_level(logging.WARNING):
        response = client.get(f"{path}?{urlencode(params)}")
    assert_refused(client, response, "stockport", sso_app,
                   None if change == "replayed" else officer)
    assert provider.token_requests == tokens_before  # the code was never even sent
    logged = "\n".join(r.getMessage() for r in caplog.records)
    original_state = parse_qs(query)["state"][0]
    assert params["code"] not in logged and original_state not in logged


def test_the_provider_saying_no_is_refused(sso_app, visitor, provider):
    # No one signs in at the provider (e.g. the officer cancelled): it answers access_denied.
    response = sso_sign_in(visitor, "stockport")
    assert_refused(visitor, response, "stockport", sso_app)


# --- who may sign in -----------------------------------------------------------------------

def test_an_unknown_subject_with_no_officer_of_that_email_is_refused(sso_app, visitor, provider):
    provider.will_sign_in(new_subject(), f"nobody-{uuid.uuid4().hex[:8]}@stockport.test.invalid")
    assert_refused(visitor, sso_sign_in(visitor, "stockport"), "stockport", sso_app)


def test_an_unverified_email_is_not_enough_to_link(sso_app, app, visitor, provider):
    officer = make_officer(app, "stockport")
    provider.will_sign_in(new_subject(), officer["email"], email_verified=False)
    assert_refused(visitor, sso_sign_in(visitor, "stockport"), "stockport", sso_app, officer)
    assert identities_of(app, officer) == []


def test_a_second_subject_cannot_take_over_an_officer_already_linked(sso_app, app, visitor,
                                                                     provider):
    officer = make_officer(app, "stockport")
    first = new_subject()
    provider.will_sign_in(first, officer["email"])
    assert sso_sign_in(visitor, "stockport").status_code == 303
    sign_out(visitor, "stockport")
    provider.will_sign_in(new_subject(), officer["email"])  # someone else, same email
    assert_refused(visitor, sso_sign_in(visitor, "stockport"), "stockport", sso_app)
    assert [s for _i, s, _u in identities_of(app, officer)] == [first]


@pytest.mark.parametrize("when", ["first_time", "already_linked"])
@pytest.mark.parametrize("state", [{"is_active": False}, "locked"], ids=["disabled", "locked"])
def test_a_disabled_or_locked_officer_is_refused(sso_app, app, visitor, provider, when, state):
    from datetime import datetime, timezone

    values = state if isinstance(state, dict) else {"locked_at": datetime.now(timezone.utc)}
    officer = make_officer(app, "stockport")
    subject = new_subject()
    provider.will_sign_in(subject, officer["email"])
    if when == "already_linked":
        assert sso_sign_in(visitor, "stockport").status_code == 303
        sign_out(visitor, "stockport")
    update_officer(app, officer, **values)
    provider.will_sign_in(subject, officer["email"])
    response = sso_sign_in(visitor, "stockport")
    assert response.status_code == 403 and REFUSED in text_of(response)
    assert not signed_in(visitor, "stockport")
    assert sessions_of(sso_app, officer) == (1 if when == "already_linked" else 0)


def test_another_councils_identity_does_not_sign_in_here(sso_app, app, visitor, provider):
    """Liverpool shares Stockport's provider: a Stockport officer's identity finds no one at
    Liverpool's address, even where Liverpool has an officer with the same email."""
    officer = make_officer(app, "stockport")
    subject = new_subject()
    provider.will_sign_in(subject, officer["email"])
    assert sso_sign_in(visitor, "stockport").status_code == 303
    sign_out(visitor, "stockport")

    provider.will_sign_in(subject, officer["email"])
    assert_refused(visitor, sso_sign_in(visitor, "liverpool"), "liverpool", sso_app)

    # The same person also has a Liverpool account under the same email: still refused, as
    # the identity belongs to their Stockport account.
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_scope

    namesake = make_officer(app, "liverpool")
    with app.app_context(), tenant_scope(namesake["tenant_id"]):
        db.session.get(StaffUser, namesake["id"]).email = officer["email"]
        db.session.commit()
        db.session.remove()
    provider.will_sign_in(subject, officer["email"])
    assert_refused(visitor, sso_sign_in(visitor, "liverpool"), "liverpool", sso_app, namesake)
    assert identities_of(app, namesake) == []
    assert [s for _i, s, _u in identities_of(app, officer)] == [subject]

    # And a Stockport session does not open Liverpool's back-office.
    provider.will_sign_in(subject, officer["email"])
    assert sso_sign_in(visitor, "stockport").status_code == 303
    assert visitor.get("/liverpool/staff/").status_code in (303, 404)


def test_the_callback_is_rate_limited(app, database_url, sso_tenants_dir, sso_env, provider,
                                      checked_client):
    limited = create_app(make_settings(database_url, tenants_dir=sso_tenants_dir,
                                       extra={"staff_sign_in_limit": "3 per minute"}))
    client = checked_client(limited.test_client())
    statuses = [client.get("/stockport/staff/sign-in/sso/callback?code=x&state=y").status_code
                for _ in range(4)]
    assert statuses == [403, 403, 403, 429]


# --- the council file ----------------------------------------------------------------------

@pytest.mark.parametrize("lines, key, words", [
    ('issuer = "http://login.example.com"', "sso.issuer", "https://"),
    ('issuer = "https://login.example.com?tenant=1"', "sso.issuer", "no ? or #"),
    ('client_secret_env = "hunter2-is-my-secret"', "sso.client_secret_env", "NAME of an environment variable"),
    ('client_secret = "s3cret"', "sso", "never write the client secret in this file"),
    ('scopes = "email profile"', "sso.scopes", '"openid"'),
])
def test_a_wrong_sso_section_is_named_in_the_council_file_check(tmp_path, lines, key, words):
    from portal.tenant_config.loader import TenantConfigError, load_tenants

    folder = tmp_path / "tenants"
    folder.mkdir()
    shutil.copytree(ROOT / "tenants" / "stockport", folder / "stockport")
    section = {"issuer": '"https://login.example.com/directory/v2.0"',
               "client_id": '"portal"', "client_secret_env": '"SSO_SECRET_STOCKPORT"',
               "display_name": '"Stockport Council account"'}
    name = lines.split(" = ")[0]
    section.pop(name, None)
    body = "".join(f"{k} = {v}\n" for k, v in section.items()) + lines + "\n"
    with open(folder / "stockport" / "tenant.toml", "a", encoding="utf-8") as toml:
        toml.write("\n[sso]\n" + body)
    with pytest.raises(TenantConfigError) as raised:
        load_tenants(folder)
    [problem] = raised.value.problems
    assert problem.key == key and words in problem.message, str(problem)
    assert "s3cret" not in str(raised.value)
