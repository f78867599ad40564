"""Shared fixtures.

The database is built by running the migrations, never by create_all(). By default the suite
runs on a SQLite file in a temporary folder; with TEST_POSTGRES_URL set (a PostgreSQL server
URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) it creates a database with
a unique name on that server, runs everything there and drops it afterwards.
"""
from __future__ import annotations

import logging
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import ROOT, Settings
from tests.pagecheck import check_page

POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


def pytest_report_header(config) -> list[str]:
    return [f"database: {'PostgreSQL' if POSTGRES_SERVER else 'SQLite (set TEST_POSTGRES_URL to run on PostgreSQL)'}"]


def pytest_configure(config) -> None:
    if REQUIRE_POSTGRES and not POSTGRES_SERVER:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set.")


@contextmanager
def new_database(tmp_dir: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a uniquely named PostgreSQL database dropped after."""
    if not POSTGRES_SERVER:
        yield f"sqlite:///{tmp_dir / f'portal-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"cme_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    with new_database(tmp_path_factory.mktemp("db")) as url:
        yield url


def make_settings(database_url: str, **changes) -> Settings:
    base = Settings.from_env({"DATABASE_URL": database_url,
                              "TENANTS_DIR": str(ROOT / "tenants")})
    from dataclasses import replace
    # One address (127.0.0.1) sends every test's requests: the limits are tested on their own.
    limits = {key: "100000 per hour" for key in (
        "public_form_limit", "public_search_limit", "public_draft_limit", "public_address_ceiling")}
    extra = {key: "100000 per minute" for key in (
        "staff_sign_in_limit", "staff_set_up_limit", "platform_sign_in_limit",
        "staff_sign_in_account_limit", "platform_sign_in_account_limit",
        "notice_code_limit", "notice_open_limit")}
    extra.update(changes.pop("extra", {}))
    return replace(base, **{**limits, **changes, "extra": {**base.extra, **extra}})


@pytest.fixture(scope="session")
def app(database_url):
    """The portal, on a database built by its migrations, with the five councils synced."""
    from flask_migrate import upgrade

    from portal.cli import sync_tenants

    application = create_app(make_settings(database_url))
    with application.app_context():
        upgrade()
        sync_tenants()
    return application


@pytest.fixture
def app_with(database_url, app):
    """Build another app on the same database, with other settings or a fixed clock."""

    def build(clock=None, **changes):
        kwargs = {"clock": clock} if clock else {}
        url = changes.pop("database_url", database_url)
        return create_app(make_settings(url, **changes), **kwargs)

    return build


# What the whole suite has sent and received: the canary test (tests/integration/
# test_zz_canary.py) checks that no child's details ever appear in any of it.
SEEN: dict[str, list[str]] = {"urls": [], "cookies": [], "logs": []}


class _RecordEverything(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            SEEN["logs"].append(self.format(record))
        except Exception:  # noqa: BLE001 - a record that cannot be formatted holds nothing
            pass


@pytest.fixture(scope="session", autouse=True)
def record_every_log_line():
    handler = _RecordEverything(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logging.getLogger().addHandler(handler)
    yield
    logging.getLogger().removeHandler(handler)


class CheckedClient:
    """A test client that runs the page checker on every HTML page it fetches, and records
    every address it asks for and every cookie it is given."""

    def __init__(self, flask_client):
        self._client = flask_client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def _checked(self, response, url):
        SEEN["urls"].append(str(url))
        if response.location:
            SEEN["urls"].append(response.location)
        SEEN["cookies"].extend(response.headers.getlist("Set-Cookie"))
        if response.mimetype == "text/html" and not response.headers.get("HX-Request"):
            body = response.get_data(as_text=True)
            if body.lstrip().lower().startswith("<!doctype html"):
                check_page(body, url=url)
        return response

    def get(self, url, *args, **kwargs):
        return self._checked(self._client.get(url, *args, **kwargs), url)

    def post(self, url, *args, **kwargs):
        return self._checked(self._client.post(url, *args, **kwargs), url)


@pytest.fixture
def client(app) -> CheckedClient:
    return CheckedClient(app.test_client())


@pytest.fixture
def checked_client():
    return CheckedClient


def pytest_sessionfinish(session, exitstatus) -> None:
    """In CI (REQUIRE_BROWSER=1) a skipped or unrun browser test fails the run."""
    if os.environ.get("REQUIRE_BROWSER") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    not_run = [r for key in ("skipped", "xfailed") for r in reporter.stats.get(key, [])
               if "tests/browser" in str(getattr(r, "nodeid", ""))]
    if not_run:
        reporter.write_line(f"FAILED: {len(not_run)} browser test(s) did not run in CI.", red=True)
        session.exitstatus = 1
