"""Which sender the settings choose; production refuses to start without a real one; SMTP with
STARTTLS and with TLS, logging in, against aiosmtpd with a certificate made here."""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from dataclasses import replace

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from portal.config import Settings, UnsafeConfiguration
from portal.extensions import db
from portal.outbox import queue_acknowledgement
from portal.outbox.senders import (CaptureSender, OutboxConfigError, SmtpSender, SmtpTarget,
                                   select_sender)
from portal.outbox.worker import WorkerOptions, run
from tests.integration.outbox.conftest import SmtpServer, queue_in, rows

GOOD_SECRET = "f3c9a1e07b5d4c2a9e8f7d6c5b4a39281706f5e4d3c2b1a0"
PG = "postgresql+psycopg://portal@db.internal/portal"


def production(**env) -> Settings:
    return Settings.from_env({"PORTAL_ENV": "production", "SECRET_KEY": GOOD_SECRET,
                              "DATABASE_URL": PG, "PORTAL_BASE_URL": "https://cme.example.gov.uk",
                              **env})


# --- settings ---------------------------------------------------------------------------------

def test_the_email_settings_are_read_from_the_environment():
    settings = Settings.from_env({"SMTP_URL": "smtp://127.0.0.1:2525", "NOTIFY_API_KEY": "k",
                                  "NOTIFY_TEMPLATE_ID": "t", "NOTIFY_BASE_URL": "http://127.0.0.1:1",
                                  "PORTAL_BASE_URL": "https://cme.example.gov.uk/",
                                  "OUTBOX_MAX_ATTEMPTS": "5", "MAIL_FROM": "CME <cme@example.gov.uk>",
                                  "MAIL_CAPTURE_DIR": "/tmp/x"})
    assert (settings.smtp_url, settings.notify_api_key, settings.notify_template_id) == (
        "smtp://127.0.0.1:2525", "k", "t")
    assert settings.portal_base_url == "https://cme.example.gov.uk"
    assert settings.outbox_max_attempts == 5
    assert str(settings.mail_capture_dir) == "/tmp/x"
    defaults = Settings.from_env({})
    assert defaults.outbox_max_attempts == 8
    assert defaults.smtp_url is None and defaults.notify_api_key is None


@pytest.mark.parametrize("env, expected", [
    ({}, "No email sender is configured"),
    ({"NOTIFY_API_KEY": "key"}, "NOTIFY_TEMPLATE_ID is not"),
    ({"SMTP_URL": "smtp://mail.internal:25"}, "unencrypted"),
    ({"SMTP_URL": "smtps://mail.internal", "PORTAL_BASE_URL": "http://cme.example.gov.uk"},
     "PORTAL_BASE_URL"),
    ({"SMTP_URL": "smtps://mail.internal", "PORTAL_BASE_URL": ""}, "PORTAL_BASE_URL"),
])
def test_production_refuses_to_start_without_a_real_sender(env, expected):
    with pytest.raises(UnsafeConfiguration, match=expected):
        production(**env).check()


@pytest.mark.parametrize("env", [
    {"SMTP_URL": "smtp+starttls://u:p@mail.internal:587"},
    {"SMTP_URL": "smtps://mail.internal"},
    {"SMTP_URL": "smtp://127.0.0.1:25"},  # a relay on the same machine
    {"NOTIFY_API_KEY": "key", "NOTIFY_TEMPLATE_ID": "template"},
])
def test_production_starts_with_a_real_sender(env):
    production(**env).check()


# --- choosing a sender ------------------------------------------------------------------------

def test_outside_production_with_nothing_set_mail_is_captured(tmp_path):
    settings = replace(Settings.from_env({}), mail_capture_dir=tmp_path)
    assert isinstance(select_sender(settings), CaptureSender)


def test_an_smtp_url_on_this_machine_is_used_outside_production():
    sender = select_sender(Settings.from_env({"SMTP_URL": "smtp://localhost:2525"}))
    assert isinstance(sender, SmtpSender) and sender.target.port == 2525


def test_outside_production_a_real_mail_server_is_refused():
    with pytest.raises(OutboxConfigError, match="never emails real people"):
        select_sender(Settings.from_env({"SMTP_URL": "smtp+starttls://smtp.example.gov.uk"}))


def test_production_sends_through_the_configured_server():
    sender = select_sender(production(SMTP_URL="smtps://mail.internal"))
    assert isinstance(sender, SmtpSender) and sender.target.mode == "tls"


@pytest.mark.parametrize("url, expected", [
    ("smtp://127.0.0.1:2525", ("plain", "127.0.0.1", 2525, None, None)),
    ("smtp+starttls://user%40council:p%2Fw@mail.example:587",
     ("starttls", "mail.example", 587, "user@council", "p/w")),
    ("smtp+starttls://mail.example", ("starttls", "mail.example", 587, None, None)),
    ("smtps://u:p@mail.example", ("tls", "mail.example", 465, "u", "p")),
])
def test_smtp_urls(url, expected):
    target = SmtpTarget.parse(url)
    assert (target.mode, target.host, target.port, target.username, target.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_a_wrong_smtp_url_is_explained(url):
    with pytest.raises(OutboxConfigError, match="SMTP_URL must look like"):
        SmtpTarget.parse(url)


# --- TLS and logging in, for real --------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, and a client context that trusts only it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"portal", b"s3cret/pw")
    return AuthResult(success=ok)


def _send_one(app, clock, sender) -> None:
    with app.app_context():
        queue_in("stockport", queue_acknowledgement, to="parent@example.com",
                 reference="STK-2026-000321", form_title="CME referral", language="en",
                 urgent=False)
        db.session.commit()
        run(sender, clock=clock, options=WorkerOptions(), once=True)


def test_starttls_and_login(outbox_app, clock, certificate):
    server_context, client_context = certificate
    server = SmtpServer(tls_context=server_context, require_starttls=True,
                        authenticator=_authenticator, auth_require_tls=True).start()
    try:
        sender = SmtpSender(f"smtp+starttls://portal:s3cret%2Fpw@127.0.0.1:{server.port}",
                            "CME portal <no-reply@cme-portal.invalid>", timeout=5,
                            ssl_context=client_context)
        _send_one(outbox_app, clock, sender)
        with outbox_app.app_context():
            assert [r.status for r in rows()] == ["sent"]
        assert "STK-2026-000321" in server.inbox.messages[0]["Subject"]
    finally:
        server.stop()


def test_a_wrong_password_keeps_the_message_waiting(outbox_app, clock, certificate):
    server_context, client_context = certificate
    server = SmtpServer(tls_context=server_context, require_starttls=True,
                        authenticator=_authenticator, auth_require_tls=True).start()
    try:
        sender = SmtpSender(f"smtp+starttls://portal:wrong@127.0.0.1:{server.port}",
                            "no-reply@cme-portal.invalid", timeout=1, ssl_context=client_context)
        _send_one(outbox_app, clock, sender)
        with outbox_app.app_context():
            [row] = rows()
            # smtplib tries PLAIN then LOGIN; aiosmtpd answers 535, then stalls the second try.
            assert row.status == "pending"
            assert row.last_error in ("smtp:SMTPAuthenticationError:535",
                                      "smtp:SMTPServerDisconnected", "smtp:TimeoutError")
        assert server.inbox.messages == []
    finally:
        server.stop()


def test_a_certificate_that_is_not_trusted_is_refused(outbox_app, clock, certificate):
    server_context, _ = certificate
    server = SmtpServer(tls_context=server_context, require_starttls=True).start()
    try:
        sender = SmtpSender(f"smtp+starttls://127.0.0.1:{server.port}",
                            "no-reply@cme-portal.invalid", timeout=5)  # the system's CAs
        _send_one(outbox_app, clock, sender)
        with outbox_app.app_context():
            [row] = rows()
            assert (row.status, row.last_error) == ("pending", "smtp:SSLCertVerificationError")
        assert server.inbox.messages == []
    finally:
        server.stop()
