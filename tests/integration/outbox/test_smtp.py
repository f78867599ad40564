"""The outbox against a real SMTP server on loopback (aiosmtpd): it arrives, it waits while the
server is down, it survives a killed worker, and two workers never send one message twice."""
from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.outbox import queue_acknowledgement, queue_team_notification, queue_urgent_alert
from portal.outbox.senders import SmtpSender
from portal.outbox.worker import WorkerOptions, process_batch, run
from tests.integration.outbox.conftest import (
    ON_POSTGRES, council, count_by_status, queue_in, rows, start_worker)

FROM = "CME portal <no-reply@cme-portal.invalid>"


def queue_acks(n: int, slug: str = "stockport", prefix: str = "STK") -> list[str]:
    ids = []
    for i in range(n):
        message = queue_in(slug, queue_acknowledgement, to=f"sender{i}@example.com",
                           reference=f"{prefix}-2026-{i + 1:06d}", form_title="CME referral",
                           language="en", urgent=False)
        ids.append(message.message_id)
    db.session.commit()
    return ids


def send_due(server_url: str, clock, **options) -> int:
    return run(SmtpSender(server_url, FROM, timeout=5), clock=clock,
               options=WorkerOptions(**options), once=True)


def test_an_acknowledgement_arrives_with_its_reference_and_message_id(outbox_app, clock,
                                                                       smtp_server):
    with outbox_app.app_context():
        message = queue_in("stockport", queue_acknowledgement, to="parent@example.com",
                           reference="STK-2026-000123", form_title="Children missing education referral",
                           language="en", urgent=False)
        message_id = message.message_id
        db.session.commit()
        assert send_due(smtp_server.url, clock) == 1
        [row] = rows()
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert row.sent_at is not None

    [received] = smtp_server.inbox.messages
    assert received["Message-ID"] == message_id
    assert received["To"] == "parent@example.com"
    assert "STK-2026-000123" in received["Subject"]
    body = received.get_content()
    assert "STK-2026-000123" in body
    assert "Children missing education referral" in body
    assert "0161 474 2300" in body  # Stockport's CME contact
    assert received["Content-Language"] == "en"


def test_all_three_messages_of_an_urgent_submission_arrive(outbox_app, clock, smtp_server):
    with outbox_app.app_context():
        staffordshire = council("staffordshire")
        decision = staffordshire.route("cme-referral", postcode="WS11 1AB", flags={"urgent"})
        queue_in("staffordshire", queue_acknowledgement, to="school@example.com",
                 reference="STF-2026-000007", form_title="CME referral", language="en",
                 urgent=True)
        queue_in("staffordshire", queue_team_notification, team=decision.team,
                 reference="STF-2026-000007", urgent=True)
        queue_in("staffordshire", queue_urgent_alert, reference="STF-2026-000007")
        db.session.commit()
        assert send_due(smtp_server.url, clock) == 3

    to = {str(m["To"]): m for m in smtp_server.inbox.messages}
    assert set(to) == {"school@example.com", decision.team.email, "cme.duty@staffordshire.example"}
    assert "First Response" in to["school@example.com"].get_content()
    assert "Urgent" in to[decision.team.email]["Subject"]
    assert "http://127.0.0.1:5000/staffordshire/staff/" in to[decision.team.email].get_content()


def test_with_the_server_down_messages_wait_and_arrive_once_it_is_back(outbox_app, clock,
                                                                       smtp_down):
    with outbox_app.app_context():
        message_ids = queue_acks(3)
        start = clock()
        assert send_due(smtp_down.url, clock) == 0
        waiting = rows()
        assert {row.status for row in waiting} == {"pending"}
        # The first tried and failed; the rest of the batch waits with it, untried.
        assert [row.attempts for row in waiting] == [1, 0, 0]
        assert waiting[0].last_error.startswith("smtp:")
        for row in waiting:
            retry_at = row.next_attempt_at.replace(tzinfo=start.tzinfo)
            assert retry_at >= start + timedelta(seconds=15)  # back-off: half of 30 s at least

        # Not yet due: the worker leaves them alone.
        clock.advance(seconds=5)
        assert send_due(smtp_down.url, clock) == 0
        assert [row.attempts for row in rows()] == [1, 0, 0]

        smtp_down.start()
        clock.advance(minutes=2)
        assert send_due(smtp_down.url, clock) == 3
        assert count_by_status() == {"sent": 3}
    assert smtp_down.inbox.by_message_id() == {mid: 1 for mid in message_ids}


def test_back_off_grows_between_failures(outbox_app, clock, smtp_down):
    with outbox_app.app_context():
        queue_acks(1)
        gaps = []
        for _ in range(4):
            before = clock()
            send_due(smtp_down.url, clock)
            [row] = rows()
            gaps.append((row.next_attempt_at.replace(tzinfo=before.tzinfo) - before).total_seconds())
            clock.advance(hours=2)
        assert [round(g) for g in gaps] == sorted(round(g) for g in gaps)
        assert 15 <= gaps[0] <= 30 and 120 <= gaps[3] <= 240


def test_after_n_failures_a_message_is_dead_and_retry_revives_it(make_app, clock, smtp_down):
    app = make_app(outbox_max_attempts=3)
    with app.app_context():
        queue_acks(1)
        for _ in range(3):
            send_due(smtp_down.url, clock, max_attempts=3)
            clock.advance(hours=2)
        [row] = rows()
        row_id = row.id
        assert (row.status, row.attempts) == ("dead", 3)
        assert send_due(smtp_down.url, clock, max_attempts=3) == 0  # dead stays dead

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "dead"])
    assert listed.exit_code == 0, listed.output
    assert "stockport" in listed.output and "STK-2026-000001" in listed.output
    assert "smtp:" in listed.output and "acknowledgement" in listed.output
    assert "sender0@example.com" not in listed.output

    assert runner.invoke(args=["outbox", "retry", "999999"]).exit_code == 1
    revived = runner.invoke(args=["outbox", "retry", str(row_id)])
    assert revived.exit_code == 0, revived.output
    again = runner.invoke(args=["outbox", "retry", str(row_id)])
    assert again.exit_code == 1 and "not dead" in again.output

    smtp_down.start()
    with app.app_context():
        [row] = rows()
        assert (row.status, row.attempts) == ("pending", 0)
        assert send_due(smtp_down.url, clock, max_attempts=3) == 1
        assert count_by_status() == {"sent": 1}


def test_a_recipient_refused_for_good_is_dead_at_once(outbox_app, clock, smtp_server):
    smtp_server.inbox.refuse_recipients_with = "550 5.1.1 No such mailbox"
    with outbox_app.app_context():
        queue_acks(2)
        send_due(smtp_server.url, clock)
        assert [(r.status, r.attempts, r.last_error) for r in rows()] == [
            ("dead", 1, "smtp:recipient:550"), ("dead", 1, "smtp:recipient:550")]


def test_the_worker_logs_no_address_subject_or_body(outbox_app, clock, smtp_down, caplog):
    caplog.set_level("DEBUG")
    with outbox_app.app_context():
        queue_in("southwark", queue_acknowledgement, to="private.person@example.com",
                 reference="SWK-2026-000001", form_title="CME referral", language="en",
                 urgent=True)
        db.session.commit()
        [row] = rows()
        subject, body, message_id = row.subject, row.body_text, row.message_id
        send_due(smtp_down.url, clock)
        smtp_down.start()
        clock.advance(hours=1)
        send_due(smtp_down.url, clock)
    # Our own log lines (aiosmtpd's "mail.log" is the test server's, not the portal's).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))
    assert message_id in logged and "sent" in logged
    assert "private.person" not in logged
    assert subject not in logged
    assert not any(line in logged for line in body.splitlines() if len(line) > 20)


# --- real worker processes ---------------------------------------------------------------------

def _wait(process, timeout: float = 60) -> tuple[str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except Exception:
        process.kill()
        raise
    return out, err


def test_a_worker_killed_mid_batch_loses_nothing(make_app, outbox_database, smtp_server):
    app = make_app(real_clock=True)
    smtp_server.inbox.delay = 0.15
    with app.app_context():
        message_ids = queue_acks(24)

    worker = start_worker(outbox_database, "--batch", "24", "--poll", "0.2", "--lease", "2",
                          SMTP_URL=smtp_server.url)
    try:
        smtp_server.wait_for(3)
    finally:
        worker.send_signal(signal.SIGKILL)
        _wait(worker)
    assert worker.returncode == -signal.SIGKILL

    with app.app_context():
        stranded = count_by_status().get("sending", 0)
        db.session.remove()
    assert stranded > 0, "the worker was meant to die in the middle of its batch"
    smtp_server.inbox.delay = 0

    time.sleep(2.2)  # the dead worker's leases run out
    second = start_worker(outbox_database, "--once", "--batch", "24", "--lease", "30",
                          SMTP_URL=smtp_server.url)
    out, err = _wait(second)
    assert second.returncode == 0, err

    received = smtp_server.inbox.by_message_id()
    assert set(received) == set(message_ids)  # every message arrived at least once
    assert all(count in (1, 2) for count in received.values())
    with app.app_context():
        assert count_by_status() == {"sent": 24}
    assert "example.com" not in err  # no addresses in the worker's log


def test_a_worker_stops_cleanly_on_sigterm(make_app, outbox_database, smtp_server):
    app = make_app(real_clock=True)
    smtp_server.inbox.delay = 0.2
    with app.app_context():
        queue_acks(10)
    worker = start_worker(outbox_database, "--batch", "10", "--poll", "0.2",
                          SMTP_URL=smtp_server.url)
    smtp_server.wait_for(1)
    worker.send_signal(signal.SIGTERM)
    out, err = _wait(worker, timeout=20)
    assert worker.returncode == 0, err
    assert "outbox worker stopped" in err
    with app.app_context():
        counts = count_by_status()
    # What it had claimed but not sent went back to the queue, not stranded under a lease.
    assert "sending" not in counts
    assert counts.get("sent", 0) == smtp_server.inbox.count() < 10
    assert counts["pending"] == 10 - counts["sent"]


@pytest.mark.skipif(not ON_POSTGRES, reason="several workers need PostgreSQL (FOR UPDATE SKIP "
                    "LOCKED); on SQLite one worker runs. Set TEST_POSTGRES_URL.")
def test_two_workers_on_postgresql_never_send_one_message_twice(make_app, outbox_database,
                                                                 smtp_server):
    app = make_app(real_clock=True)
    smtp_server.inbox.delay = 0.03
    with app.app_context():
        message_ids = queue_acks(60)
    workers = [start_worker(outbox_database, "--once", "--batch", "5",
                            SMTP_URL=smtp_server.url) for _ in range(2)]
    logs = [_wait(worker) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], logs
    assert smtp_server.inbox.by_message_id() == {mid: 1 for mid in message_ids}
    with app.app_context():
        assert count_by_status() == {"sent": 60}
    sent_by = [err.count(": sent (attempt") for _, err in logs]
    assert sum(sent_by) == 60


def test_process_batch_marks_claimed_rows_sending_with_a_lease(outbox_app, clock, smtp_server):
    """What a killed worker leaves behind is what the next one recovers: leased rows."""
    from portal.outbox.worker import claim

    with outbox_app.app_context():
        queue_acks(3)
        claimed = claim(clock(), WorkerOptions(batch=2, lease=timedelta(seconds=60)))
        assert len(claimed) == 2
        assert [(r.status, r.attempts) for r in rows()] == [("sending", 1), ("sending", 1),
                                                            ("pending", 0)]
        # Within the lease nobody else takes them...
        assert claim(clock(), WorkerOptions(batch=5, lease=timedelta(seconds=60))) == [rows()[2].id]
        # ...after it, they are due again.
        clock.advance(seconds=61)
        result = process_batch(SmtpSender(smtp_server.url, FROM), clock=clock,
                               options=WorkerOptions(batch=5))
        assert result.sent == 3
        assert [r.attempts for r in rows()] == [2, 2, 2]
