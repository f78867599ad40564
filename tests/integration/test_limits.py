"""Limits that fit schools (issue 15, item 5): a school office files its notices from one address
without being locked out, while a robot, a hammered draft and a sign-in brute force are still
stopped. These tests run with the portal's own default limits, not the lifted ones the rest of
the suite uses (tests/conftest.py), each from an address of its own."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from portal.config import Settings
from portal.extensions import db
from portal.limits import TrustedProxies, parse_networks
from portal.models import Submission
from portal.tenancy import tenant_id_for, tenant_scope
from tests.forms_driver import Journey, csrf_of
from tests.integration.auth.helpers import make_officer, post_password

DEFAULTS = {name: getattr(Settings, name) for name in (
    "public_form_limit", "public_draft_limit", "public_address_ceiling")}
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _client(application, checked_client, address: str | None = None):
    client = checked_client(application.test_client())
    client.environ_base["REMOTE_ADDR"] = address or next(_addresses)
    return client


def _journey(application, client, slug="stockport", form="ehe-notification") -> Journey:
    return Journey(client, application.extensions["portal.tenants"][slug],
                   application.extensions["portal.forms"][(slug, form)])


def _count(application, slug: str) -> int:
    with application.app_context(), tenant_scope(tenant_id_for(slug)):
        return db.session.scalar(select(func.count()).select_from(Submission))


def test_a_school_office_files_sixty_notices_in_an_hour_from_one_address(app_with,
                                                                         checked_client):
    """A secondary school's July leavers, one notice after another from one office PC."""
    application = app_with(**DEFAULTS)
    client = _client(application, checked_client)
    before = _count(application, "stockport")
    references = {_journey(application, client, form=form).complete()
                  for form, _ in zip(itertools.cycle(["ehe-notification", "change-to-register"]),
                                     range(60))}
    assert len(references) == 60
    assert _count(application, "stockport") == before + 60


def test_the_default_ceiling_lets_a_large_shared_office_start_two_hundred_notices(
        app_with, checked_client):
    application = app_with(**DEFAULTS)
    client = _client(application, checked_client)
    html = client.get("/stockport/forms/ehe-notification").get_data(as_text=True)
    statuses = {client.post("/stockport/forms/ehe-notification",
                            data={"csrf_token": csrf_of(html)}).status_code for _ in range(200)}
    assert statuses == {303}


def test_a_hammered_draft_is_stopped_and_the_next_notice_is_not(app_with, checked_client):
    application = app_with(**{**DEFAULTS, "public_draft_limit": "5 per hour"})
    client = _client(application, checked_client)
    trip = _journey(application, client)
    page = trip.start()
    html = client.get(page).get_data(as_text=True)
    statuses = [client.post(page, data={"csrf_token": csrf_of(html)}).status_code
                for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429  # 200: the page's own errors
    refused = client.post(page, data={"csrf_token": csrf_of(html)})
    assert refused.status_code == 429 and "too many attempts" in refused.get_data(as_text=True)
    # A new notice is a new draft: the office carries on.
    fresh = _journey(application, client)
    first = fresh.start()
    html = client.get(first).get_data(as_text=True)
    answered = client.post(first, data={"csrf_token": csrf_of(html),
                                        **fresh.page_fields(first.rsplit("/", 1)[1])})
    assert answered.status_code == 303


def test_every_draft_from_one_address_meets_the_ceiling_and_another_address_does_not(
        app_with, checked_client):
    application = app_with(**{**DEFAULTS, "public_address_ceiling": "6 per hour"})
    robot = _client(application, checked_client)
    html = robot.get("/stockport/forms/ehe-notification").get_data(as_text=True)
    statuses = [robot.post("/stockport/forms/ehe-notification",
                           data={"csrf_token": csrf_of(html)}).status_code for _ in range(7)]
    assert statuses == [303] * 6 + [429]
    other = _client(application, checked_client)
    assert _journey(application, other).start()


def test_a_sign_in_brute_force_from_one_address_is_throttled(app_with, checked_client):
    application = app_with()  # the lifted limits, but for the one per address
    application.config["PORTAL_SETTINGS"].extra.pop("staff_sign_in_limit")
    client = _client(application, checked_client)
    statuses = [post_password(client, "stockport", f"guess{n}@school.invalid", "x").status_code
                for n in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_a_sign_in_brute_force_at_one_account_from_many_addresses_is_throttled(
        app_with, checked_client, app):
    application = app_with()
    application.config["PORTAL_SETTINGS"].extra.pop("staff_sign_in_account_limit")
    officer = make_officer(app, "stockport")
    statuses = []
    for n in range(6):
        client = _client(application, checked_client)
        # Case changes are the same account.
        email = officer["email"].upper() if n % 2 else officer["email"]
        statuses.append(post_password(client, "stockport", email, f"wrong{n}").status_code)
    assert statuses == [200] * 5 + [429]
    # Another officer is not locked out by the attack on a colleague.
    colleague = make_officer(app, "stockport")
    client = _client(application, checked_client)
    assert post_password(client, "stockport", colleague["email"]).status_code == 303


def test_a_right_password_does_not_count_against_the_account(app_with, checked_client, app):
    application = app_with()
    application.config["PORTAL_SETTINGS"].extra.pop("staff_sign_in_account_limit")
    officer = make_officer(app, "stockport")
    for _ in range(7):
        client = _client(application, checked_client)
        assert post_password(client, "stockport", officer["email"]).status_code == 303


def test_x_forwarded_for_counts_only_through_a_named_proxy(app_with, checked_client):
    """Behind the council's proxy every school has its own count; a visitor who sends the
    header itself, not through the proxy, cannot choose a fresh address for each request."""
    proxied = app_with(**{**DEFAULTS, "public_address_ceiling": "2 per hour",
                          "trusted_proxy_addresses": "203.0.113.10/32"})
    start = "/stockport/forms/ehe-notification"

    def post(client, forwarded):
        html = client.get(start).get_data(as_text=True)
        return client.post(start, data={"csrf_token": csrf_of(html)},
                           headers={"X-Forwarded-For": forwarded}).status_code

    through_proxy = _client(proxied, checked_client, "203.0.113.10")
    assert [post(through_proxy, f"192.0.2.{n}") for n in range(1, 6)] == [303] * 5
    assert [post(through_proxy, "192.0.2.99") for _ in range(3)] == [303, 303, 429]

    direct = _client(proxied, checked_client)
    assert [post(direct, f"192.0.2.{n}") for n in range(10, 13)] == [303, 303, 429]


@pytest.mark.parametrize(("remote", "forwarded", "client"), [
    ("203.0.113.10", "192.0.2.1", "192.0.2.1"),
    ("203.0.113.10", "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the client cannot prepend
    ("203.0.113.10", "192.0.2.1, 10.1.2.3", "192.0.2.1"),  # two proxies of ours
    ("203.0.113.10", "10.1.2.3", "203.0.113.10"),  # only proxies: keep the address seen
    ("203.0.113.10", "not-an-address", "203.0.113.10"),
    ("203.0.113.10", "", "203.0.113.10"),
    ("198.51.100.7", "192.0.2.1", "198.51.100.7"),  # not through a proxy: ignored
    ("2001:db8::5", "192.0.2.1", "192.0.2.1"),
])
def test_the_client_address_is_the_last_one_no_proxy_of_ours_added(remote, forwarded, client):
    proxies = TrustedProxies(None, parse_networks("203.0.113.10, 10.0.0.0/8, 2001:db8::/32"))
    assert proxies.client(remote, forwarded) == client


def test_settings_refuse_a_proxy_list_or_a_limit_they_cannot_read():
    with pytest.raises(RuntimeError, match="TRUSTED_PROXY_ADDRESSES: 'ten.0.0.1'"):
        Settings.from_env({"TRUSTED_PROXY_ADDRESSES": "10.0.0.1, ten.0.0.1"})
    with pytest.raises(RuntimeError, match="PUBLIC_DRAFT_LIMIT must be a rate"):
        Settings.from_env({"PUBLIC_DRAFT_LIMIT": "lots"})
    settings = Settings.from_env({"TRUSTED_PROXY_ADDRESSES": "10.0.0.0/8"})
    assert settings.trusted_proxy_addresses == "10.0.0.0/8"
    assert Settings.from_env({}).public_form_limit == "250 per hour"
