"""Fixtures for the outbox tests: a database of their own, a real SMTP server on loopback
(aiosmtpd), a fake clock, and a worker run as a real `flask outbox work` process.

The outbox is one queue across councils and a worker takes every due row, so these tests use
their own database (built by the migrations, like the suite's) rather than the shared one:
another test's queued emails never land in these tests' inboxes.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select

from portal import create_app
from portal.config import ROOT
from portal.extensions import db
from portal.models import OutboxMessage
from portal.tenancy import tenant_id_for, tenant_scope, tenants, unscoped
from tests.conftest import POSTGRES_SERVER, make_settings, new_database

ON_POSTGRES = bool(POSTGRES_SERVER)


# --- the database ------------------------------------------------------------------------------

@pytest.fixture(scope="package")
def outbox_database(tmp_path_factory):
    from flask_migrate import upgrade

    from portal.cli import sync_tenants

    with new_database(tmp_path_factory.mktemp("outbox-db")) as url:
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
            sync_tenants()
            db.engine.dispose()
        yield url


class FakeClock:
    """The app's and the worker's clock, moved on by hand."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="package")
def _package_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clock(_package_clock) -> FakeClock:
    _package_clock.now = datetime.now(timezone.utc)
    return _package_clock


@pytest.fixture(scope="package")
def _default_app(outbox_database, tmp_path_factory, _package_clock):
    app = create_app(make_settings(outbox_database,
                                   mail_capture_dir=tmp_path_factory.mktemp("mail")),
                     clock=_package_clock)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(_default_app, outbox_database, tmp_path, clock):
    """The portal on the outbox tests' database (with the fake clock); with settings changed,
    a new app. The outbox table and the capture folder start empty for every test."""
    built = []

    def build(*, real_clock: bool = False, **changes):
        if not changes and not real_clock:
            return _default_app
        changes.setdefault("mail_capture_dir", tmp_path / "mail")
        app = create_app(make_settings(outbox_database, **changes),
                         **({} if real_clock else {"clock": clock}))
        built.append(app)
        return app

    with _default_app.app_context(), unscoped():
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        db.session.remove()
    shutil.rmtree(_default_app.config["PORTAL_SETTINGS"].mail_capture_dir, ignore_errors=True)
    yield build
    with _default_app.app_context():
        db.session.remove()
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def outbox_app(make_app):
    return make_app()


def council(slug: str):
    return tenants()[slug]


def queue_in(slug: str, fn, **kwargs) -> OutboxMessage:
    """Queue one message for a council outside a request, as a worker or the CLI would."""
    with tenant_scope(tenant_id_for(slug)):
        message = fn(tenant=council(slug), **kwargs)
        db.session.flush()  # the tenancy hook checks new rows against the council in scope
        return message


def rows() -> list[OutboxMessage]:
    with unscoped():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return list(found)


def count_by_status() -> dict[str, int]:
    with unscoped():
        return dict(db.session.execute(select(OutboxMessage.status, func.count())
                                       .group_by(OutboxMessage.status)).all())


# --- a real SMTP server on loopback --------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    delay: float = 0.0
    refuse_recipients_with: str | None = None  # e.g. "550 5.1.1 No such mailbox"
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients_with:
            return self.refuse_recipients_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def by_message_id(self) -> Counter:
        with self.lock:
            return Counter(str(m["Message-ID"]) for m in self.messages)


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self, port: int | None = None, **controller_options):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.options = controller_options
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.inbox.count() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.inbox.count()} of {count} messages arrived")
            time.sleep(0.02)


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down():
    """A port where no SMTP server listens (yet): start() it to bring the server up."""
    server = SmtpServer()
    yield server
    server.stop()


# --- a worker as a real process --------------------------------------------------------------

FLASK = str(Path(sys.executable).with_name("flask"))


def worker_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"NOTIFY_API_KEY", "SMTP_URL", "PORTAL_ENV", "MAIL_FROM"}}
    env.update({"DATABASE_URL": database_url, "TENANTS_DIR": str(ROOT / "tenants"),
                "PORTAL_ENV": "development", "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1", **extra})
    return env


def start_worker(database_url: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([FLASK, "--app", "wsgi", "outbox", "work", *args], cwd=ROOT,
                            env=worker_env(database_url, **env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
