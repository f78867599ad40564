"""Proof that the portal scales out on one machine (PostgreSQL and Redis, both real):

two gunicorn app servers (deploy/gunicorn.conf.py) on two free loopback ports and three
`flask outbox work` processes share one database and one Redis. Sixteen clients send 500
submissions through the public form, each request of a journey going to the other server in
turn (the draft and the CSRF session must hold across servers). Then:

- every submission is stored once (500 rows, 500 references, each the one its client saw);
- every email in the outbox reaches the loopback SMTP server exactly once (counted by
  Message-ID);
- one worker is killed with SIGKILL in the middle of a batch, while the SMTP server holds one
  of its messages: the rest of its batch is taken by the others when its lease runs out, and
  nothing is lost or doubled (the message in hand was not accepted, so its repeat is its only
  copy);
- a rate limit reached on one server holds on the other (one store in Redis).

Only on PostgreSQL (several workers need FOR UPDATE SKIP LOCKED); CI runs it in the PG suite.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from portal.config import ROOT
from tests.conftest import POSTGRES_SERVER, REQUIRE_POSTGRES, make_settings, new_database
from tests.forms_driver import Journey
from tests.integration.outbox.conftest import SmtpServer, free_port

pytestmark = pytest.mark.skipif(not POSTGRES_SERVER, reason="the scale-out test runs on PostgreSQL")

REDIS = ("127.0.0.1", 6379)
SUBMISSIONS = 500
CLIENTS = 16
SLUGS = ["stockport", "rhondda-cynon-taf", "staffordshire", "liverpool", "southwark"]
FORM = "ehe-notification"
BIN = Path(sys.executable).parent


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class HttpClient:
    """The test client's interface over real HTTP, alternating between servers request by
    request: a journey starts on one server and goes on on the other."""

    def __init__(self, bases: list[str], offset: int):
        self.session = requests.Session()
        self.bases = bases
        self.turn = offset
        self.posted: list[tuple[str, dict]] = []

    def _base(self) -> str:
        self.turn += 1
        return self.bases[self.turn % len(self.bases)]

    def get(self, path, **_kwargs):
        return _Response(self.session.get(self._base() + path, allow_redirects=False, timeout=30))

    def post(self, path, data=None, **_kwargs):
        self.posted.append((path, dict(data or {})))
        return _Response(self.session.post(self._base() + path, data=data, allow_redirects=False,
                                           timeout=30))


class _Response:
    def __init__(self, response: requests.Response):
        self.status_code = response.status_code
        location = response.headers.get("Location")
        self.location = urlsplit(location)._replace(scheme="", netloc="").geturl() \
            if location else None
        self._text = response.text
        self.headers = response.headers

    def get_data(self, as_text=False):
        return self._text if as_text else self._text.encode()


def _env(database_url: str, smtp_url: str, prefix: str, **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"NOTIFY_API_KEY", "SMTP_URL", "PORTAL_ENV", "MAIL_FROM"}}
    env.update({
        "DATABASE_URL": database_url, "TENANTS_DIR": str(ROOT / "tenants"),
        "PORTAL_ENV": "development", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
        # Every server signs sessions with one key, as a deployment must.
        "SECRET_KEY": "scale-out-test-" + prefix + "-0123456789abcdef",
        "SMTP_URL": smtp_url, "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": prefix, "PUBLIC_FORM_LIMIT": "100000 per hour",
        "PUBLIC_ADDRESS_CEILING": "1000000 per hour",
        "PUBLIC_SEARCH_LIMIT": "5 per minute", "DEMO_ACCOUNTS": "0", **extra})
    return env


def _wait_until_ready(base: str, process: subprocess.Popen, timeout: float = 180) -> None:
    # A loaded 2-core machine takes a while to start gunicorn and import the app: wait long,
    # and say which readiness check was failing if it never comes up.
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"app server at {base} exited: {process.stderr.read()[-2000:]}")
        try:
            answer = requests.get(base + "/readyz", timeout=5)
            if answer.status_code == 200:
                return
            last = f"{answer.status_code}: {answer.text.strip()}"
        except requests.RequestException as error:
            last = type(error).__name__
        time.sleep(0.5)
    raise AssertionError(f"app server at {base} never became ready (last /readyz: {last})")


class KillingInbox:
    """Counts what the SMTP server accepts; once, mid-run, it SIGKILLs the worker whose
    message it is holding (found from the connection's port in /proc), refuses that message
    (the dead worker never reads a reply) and notes the rest of that worker's batch."""

    def __init__(self, database_url: str, after: int):
        self.after = after
        self.dsn = make_url(database_url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        self.workers: list[subprocess.Popen] = []
        self.accepted: Counter = Counter()
        self.lock = threading.Lock()
        self.killed: int | None = None
        self.in_hand: str | None = None
        self.rest_of_batch: list[int] = []

    async def handle_DATA(self, server, session, envelope):
        from email import policy
        from email.parser import BytesParser

        message_id = str(BytesParser(policy=policy.default).parsebytes(envelope.content)[
            "Message-ID"])
        with self.lock:
            if self.killed is None and sum(self.accepted.values()) >= self.after:
                unfinished = self._unfinished_batch(message_id)
                pid = _pid_with_connection(session.peer[1], [w.pid for w in self.workers])
                if pid is not None and len(unfinished) >= 2:
                    os.kill(pid, signal.SIGKILL)
                    self.killed, self.in_hand, self.rest_of_batch = pid, message_id, unfinished
                    return "451 4.3.0 Try again later"
            self.accepted[message_id] += 1
        return "250 Message accepted for delivery"

    def _unfinished_batch(self, message_id: str) -> list[int]:
        """The rows claimed with this one (one claim gives its rows one lease) not yet sent."""
        with psycopg.connect(self.dsn) as conn:
            return [row[0] for row in conn.execute(
                "SELECT id FROM outbox_messages WHERE status = 'sending' AND claimed_until = "
                "(SELECT claimed_until FROM outbox_messages WHERE message_id = %s)",
                (message_id,))]


def _pid_with_connection(peer_port: int, pids: list[int]) -> int | None:
    """Which of `pids` holds the TCP connection whose local port is `peer_port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == peer_port:
                    inodes.add(fields[9])
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
        except OSError:
            continue
    return None


@pytest.fixture
def database(tmp_path):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.cli import sync_tenants
    from portal.extensions import db

    with new_database(tmp_path) as url:
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
            sync_tenants()
            db.engine.dispose()
        yield url, app


def _record_journeys(app, bases: list[str]) -> tuple[dict, list[str]]:
    """One journey per council through the form driver (which reads each page); the pages'
    answers it posted are replayed by the other clients, so the 500 journeys cost the servers
    what they cost people, not the driver's work of reading each page again."""
    recorded, references = {}, []
    for number, slug in enumerate(SLUGS):
        tenant = app.extensions["portal.tenants"][slug]
        client = HttpClient(bases, number)
        references.append(
            Journey(client, tenant, app.extensions["portal.forms"][(slug, FORM)]).complete())
        recorded[slug] = [(path, {k: v for k, v in data.items()
                                  if k not in ("csrf_token", "submission_token")})
                          for path, data in client.posted[1:-1]]  # not the start, not the send
    return recorded, references


def _submit(recorded, bases: list[str], number: int) -> str:
    """A journey by a new visitor (its own cookies), its requests alternating between the
    servers: start, every page's answers, check your answers, send, confirmation."""
    from tests.forms_driver import REFERENCE, TOKEN, csrf_of

    slug = SLUGS[number % len(SLUGS)]
    client = HttpClient(bases, number)
    base = f"/{slug}/forms/{FORM}"
    token = csrf_of(client.get(base).get_data(as_text=True))  # one CSRF token per session
    assert client.post(base, data={"csrf_token": token}).status_code == 303
    for path, fields in recorded[slug]:
        response = client.post(path, data={"csrf_token": token, **fields})
        assert response.status_code == 303, (path, response.status_code)
    check = client.get(base + "/check").get_data(as_text=True)
    sent = client.post(base + "/check", data={"csrf_token": token,
                                              "submission_token": TOKEN.search(check).group(1)})
    assert sent.status_code == 303, sent.status_code
    return REFERENCE.search(client.get(sent.location).get_data(as_text=True)).group(1)


def test_two_app_servers_and_three_workers_store_and_send_everything_once(database, tmp_path):
    if not _redis_up():
        if REQUIRE_POSTGRES:
            pytest.fail("Redis is not running on 127.0.0.1:6379 (CI needs it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    database_url, app = database
    prefix = f"scale-{uuid.uuid4().hex[:8]}"
    inbox = KillingInbox(database_url, after=SUBMISSIONS // 2)
    smtp = SmtpServer()
    smtp.inbox = inbox
    smtp.start()
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    env = _env(database_url, smtp.url, prefix)
    servers = [subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
                       "GUNICORN_LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for port in ports]
    workers = [subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "outbox", "work", "--poll", "0.2", "--lease", "3",
         "--batch", "10"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL) for _ in range(3)]
    inbox.workers = workers
    try:
        for base, server in zip(bases, servers):
            _wait_until_ready(base, server)

        # The rate limit is one across servers: 5 searches a minute from this address.
        statuses = [requests.get(f"{bases[i % 2]}/?q=stock", timeout=10).status_code
                    for i in range(5)]
        assert statuses == [200] * 5
        assert requests.get(f"{bases[1]}/?q=stock", timeout=10).status_code == 429
        assert requests.get(f"{bases[0]}/?q=stock", timeout=10).status_code == 429

        started = time.monotonic()
        recorded, references = _record_journeys(app, bases)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            references += pool.map(lambda n: _submit(recorded, bases, n),
                                   range(SUBMISSIONS - len(SLUGS)))
        submitted_in = time.monotonic() - started

        with psycopg.connect(inbox.dsn) as conn:
            stored = conn.execute("SELECT reference FROM submissions").fetchall()
            assert sorted(r[0] for r in stored) == sorted(references)
            assert len(set(references)) == SUBMISSIONS

            # Every email is sent: wait for the outbox to drain.
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                states = dict(conn.execute(
                    "SELECT status, count(*) FROM outbox_messages GROUP BY status").fetchall())
                if set(states) == {"sent"}:
                    break
                time.sleep(0.3)
            assert set(states) == {"sent"}, states
            queued = [r[0] for r in conn.execute("SELECT message_id FROM outbox_messages")]
        assert len(queued) >= 2 * SUBMISSIONS  # the sender's acknowledgement and the team's
        with inbox.lock:
            accepted = Counter(inbox.accepted)
        assert set(accepted) == set(queued), "an email was lost or one nobody queued arrived"
        assert max(accepted.values()) == 1, [m for m, n in accepted.items() if n > 1]

        # The kill happened mid-batch, and what it left behind was sent by the others.
        assert inbox.killed is not None, "no worker was killed"
        victim = next(w for w in workers if w.pid == inbox.killed)
        assert victim.wait(timeout=5) == -signal.SIGKILL
        assert len(inbox.rest_of_batch) >= 2
        assert accepted[inbox.in_hand] == 1
        print(f"\n{SUBMISSIONS} submissions from {CLIENTS} clients over 2 servers in "
              f"{submitted_in:.1f} s; {len(queued)} emails sent once each; worker {victim.pid} "
              f"killed with {len(inbox.rest_of_batch)} messages of its batch unfinished")
    finally:
        for process in servers + workers:
            if process.poll() is None:
                process.terminate()
        for process in servers + workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
