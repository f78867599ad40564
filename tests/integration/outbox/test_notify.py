"""The GOV.UK Notify sender (notifications-python-client) against a local HTTP server on
127.0.0.1 that speaks Notify's API shape: POST /v2/notifications/email with a JWT bearer token
(HS256, `iss` = service id, signed with the key's secret)."""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from portal.extensions import db
from portal.outbox import queue_acknowledgement
from portal.outbox.senders import NotifySender, OutboxConfigError, select_sender
from portal.outbox.worker import WorkerOptions, run
from tests.integration.outbox.conftest import queue_in, rows

TEMPLATE_ID = str(uuid.uuid4())


class FakeNotify:
    """Answers like Notify: 201 with the notification, or its error JSON. `script` lists the
    status codes to answer first (e.g. [500, 503]); after them, 201."""

    def __init__(self):
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.script: list[int] = []
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def _answer(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(payload)
                if self.path != "/v2/notifications/email":
                    return self._answer(404, _error(404, "NotFoundError", "Not found"))
                if not fake.authorised(self.headers.get("Authorization", "")):
                    return self._answer(403, _error(403, "AuthError",
                                                    "Invalid token: API key not found"))
                if fake.script:
                    status = fake.script.pop(0)
                    kind = {400: "BadRequestError", 429: "RateLimitError"}.get(status, "Exception")
                    return self._answer(status, _error(status, kind, "scripted failure"))
                return self._answer(201, {
                    "id": str(uuid.uuid4()), "reference": payload.get("reference"),
                    "content": {"subject": payload["personalisation"]["subject"],
                                "body": payload["personalisation"]["body"],
                                "from_email": "cme.portal@notifications.service.gov.uk"},
                    "uri": "/v2/notifications/x",
                    "template": {"id": payload["template_id"], "version": 1, "uri": "/t"}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def api_key(self, secret: str | None = None) -> str:
        return f"cme_portal_test-{self.service_id}-{secret or self.secret}"

    def authorised(self, header: str) -> bool:
        if not header.startswith("Bearer "):
            return False
        try:
            claims = jwt.decode(header[7:], self.secret, algorithms=["HS256"],
                                options={"require": ["iss", "iat"]})
        except jwt.PyJWTError:
            return False
        return claims["iss"] == self.service_id and abs(time.time() - claims["iat"]) <= 30


def _error(status: int, kind: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": kind, "message": message}]}


@pytest.fixture
def notify():
    fake = FakeNotify()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def notify_app(make_app, notify, *, secret=None, **changes):
    return make_app(notify_api_key=notify.api_key(secret), notify_template_id=TEMPLATE_ID,
                    notify_base_url=notify.url, **changes)


def queue(n=1):
    ids = [queue_in("stockport", queue_acknowledgement, to=f"p{i}@example.com",
                    reference=f"STK-2026-{i:06d}", form_title="CME referral", language="en",
                    urgent=False).message_id for i in range(n)]
    db.session.commit()
    return ids


def work(app, clock, **options) -> int:
    sender = select_sender(app.config["PORTAL_SETTINGS"])
    assert isinstance(sender, NotifySender)
    return run(sender, clock=clock, options=WorkerOptions(**options), once=True)


def test_a_message_goes_to_notify_as_a_generic_template(make_app, clock, notify):
    app = notify_app(make_app, notify)
    with app.app_context():
        [message_id] = queue()
        [row] = rows()
        subject, body = row.subject, row.body_text
        assert work(app, clock) == 1
        [row] = rows()
        assert (row.status, row.attempts) == ("sent", 1)
    [request] = notify.requests
    assert request == {"email_address": "p0@example.com", "template_id": TEMPLATE_ID,
                       "personalisation": {"subject": subject, "body": body},
                       "reference": message_id}


def test_a_bad_key_is_not_retried_forever(make_app, clock, notify):
    app = notify_app(make_app, notify, secret=str(uuid.uuid4()), outbox_max_attempts=3)
    with app.app_context():
        queue(2)
        for attempt in (1, 2):
            assert work(app, clock, max_attempts=3) == 0
            first, second = rows()
            assert (first.status, first.attempts, first.last_error) == ("pending", attempt,
                                                                        "notify:403")
            # A refused key refuses every message: the rest of the batch waits untried.
            assert (second.status, second.attempts) == ("pending", 0)
            clock.advance(hours=3)
        work(app, clock, max_attempts=3)
        assert [(r.status, r.attempts) for r in rows()][0] == ("dead", 3)
    assert len(notify.requests) == 3


def test_a_server_error_is_retried_until_notify_takes_it(make_app, clock, notify):
    notify.script = [500, 503]
    app = notify_app(make_app, notify)
    with app.app_context():
        [message_id] = queue()
        for code in ("notify:500", "notify:503"):
            assert work(app, clock) == 0
            [row] = rows()
            assert (row.status, row.last_error) == ("pending", code)
            clock.advance(hours=1)
        assert work(app, clock) == 1
        [row] = rows()
        assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    # Every try carried the same reference, so Notify's records show one message tried thrice.
    assert [r["reference"] for r in notify.requests] == [message_id] * 3


def test_a_rate_limit_is_retried(make_app, clock, notify):
    notify.script = [429]
    app = notify_app(make_app, notify)
    with app.app_context():
        queue()
        work(app, clock)
        assert rows()[0].last_error == "notify:429"
        clock.advance(hours=1)
        assert work(app, clock) == 1


def test_a_message_notify_refuses_for_good_is_dead_at_once(make_app, clock, notify):
    notify.script = [400]
    app = notify_app(make_app, notify)
    with app.app_context():
        queue()
        work(app, clock)
        [row] = rows()
        assert (row.status, row.attempts, row.last_error) == ("dead", 1, "notify:400")


def test_no_answer_from_notify_is_retried(make_app, clock, notify):
    app = make_app(notify_api_key=notify.api_key(), notify_template_id=TEMPLATE_ID,
                   notify_base_url="http://127.0.0.1:9")  # nothing listens on the discard port
    with app.app_context():
        queue()
        assert work(app, clock) == 0
        [row] = rows()
        assert (row.status, row.last_error) == ("pending", "notify:503")


def test_outside_production_notify_is_only_used_on_this_machine(make_app):
    app = make_app(notify_api_key="k-" + str(uuid.uuid4()) + "-" + str(uuid.uuid4()),
                   notify_template_id=TEMPLATE_ID)  # the real Notify API
    with pytest.raises(OutboxConfigError, match="never emails real people"):
        select_sender(app.config["PORTAL_SETTINGS"])
