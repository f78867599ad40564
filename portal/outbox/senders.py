"""The ways an email leaves: SMTP, GOV.UK Notify, or (outside production) a local capture.

`select_sender(settings)` chooses by configuration:

- `NOTIFY_API_KEY` (with `NOTIFY_TEMPLATE_ID`): GOV.UK Notify. The template's subject is
  `((subject))` and its body `((body))`; our row's Message-ID goes as Notify's `reference`.
- else `SMTP_URL`: `smtp://host:25` (plain; only to this machine in production),
  `smtp+starttls://user:pass@host:587`, `smtps://user:pass@host:465`.
- else, outside production: the capture, files in `MAIL_CAPTURE_DIR` that `/_dev/mail` shows.
  In production there is no default: the app refuses to start (Settings.production_problems).

Outside production a real sender may only talk to this machine (127.0.0.1, ::1, localhost):
a development or test run never emails a real council.

A sender raises `SendFailure` with a short code (never an address or any text of the message):
`permanent` failures make the message dead at once (the server refused this message for good);
`service` failures mean the service itself is unavailable or refuses us (down, bad key), so the
worker stops the batch and backs off instead of failing every queued message in turn.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
SMTP_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_FROM_NAME = "Children missing education portal"


class OutboxConfigError(RuntimeError):
    """The email settings cannot work (or would email real people from a test run)."""


class SendFailure(Exception):
    def __init__(self, code: str, *, permanent: bool = False, service: bool = False):
        super().__init__(code)
        self.code = code[:120]
        self.permanent = permanent
        self.service = service


@dataclass(frozen=True)
class Envelope:
    """What a sender needs of an outbox row."""

    message_id: str
    to: str
    subject: str
    body_text: str
    body_html: str | None
    language: str
    reference: str | None

    @classmethod
    def of(cls, row) -> "Envelope":
        return cls(row.message_id, row.to_address, row.subject, row.body_text, row.body_html,
                   row.language, row.reference)


class Sender(Protocol):
    name: str

    def send(self, envelope: Envelope) -> None: ...


def build_mime(envelope: Envelope, mail_from: str, *, now: datetime | None = None) -> EmailMessage:
    """The RFC 5322 message: the row's Message-ID, so a repeated send is recognisable."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = envelope.to
    message["Subject"] = envelope.subject
    message["Message-ID"] = envelope.message_id
    message["Date"] = format_datetime(now or datetime.now(timezone.utc))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(envelope.body_text, charset="utf-8")
    if envelope.body_html:
        message.add_alternative(envelope.body_html, subtype="html", charset="utf-8")
    message["Content-Language"] = envelope.language  # after set_content, which clears Content-*
    return message


def default_from(settings) -> str:
    from portal.outbox import mail_domain

    if settings.mail_from:
        return settings.mail_from
    return formataddr((DEFAULT_FROM_NAME, f"no-reply@{mail_domain(settings)}"))


# --- SMTP -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpTarget:
    mode: str  # "plain", "starttls" or "tls"
    host: str
    port: int
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> "SmtpTarget":
        parts = urlsplit(url)
        if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
            raise OutboxConfigError("SMTP_URL must look like smtp://host:25, "
                                    "smtp+starttls://user:pass@host:587 or smtps://host:465")
        mode = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}[parts.scheme]
        return cls(mode, parts.hostname, parts.port or SMTP_SCHEMES[parts.scheme],
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)


class SmtpSender:
    name = "smtp"

    def __init__(self, url: str, mail_from: str, *, timeout: float = 30,
                 ssl_context: ssl.SSLContext | None = None):
        self.target = SmtpTarget.parse(url)
        self.mail_from = mail_from
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        t = self.target
        if t.mode == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(t.host, t.port, timeout=self.timeout,
                                                  context=self.ssl_context)
        else:
            smtp = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if t.mode == "starttls":
                smtp.starttls(context=self.ssl_context)
                smtp.ehlo()
            if t.username:
                smtp.login(t.username, t.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, envelope: Envelope) -> None:
        message = build_mime(envelope, self.mail_from)
        envelope_from = parseaddr(self.mail_from)[1] or self.mail_from
        try:
            smtp = self._connect()
            try:
                smtp.send_message(message, from_addr=envelope_from, to_addrs=[envelope.to])
            finally:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    smtp.close()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            code = max(codes) if codes else 550
            raise SendFailure(f"smtp:recipient:{code}", permanent=code >= 500) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPHeloError,
                smtplib.SMTPAuthenticationError) as exc:
            raise SendFailure(f"smtp:{type(exc).__name__}:{exc.smtp_code}", service=True) from None
        except smtplib.SMTPDataError as exc:
            raise SendFailure(f"smtp:data:{exc.smtp_code}", permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailure(f"smtp:{exc.smtp_code}", service=True) from None
        except smtplib.SMTPNotSupportedError:
            raise SendFailure("smtp:starttls-not-supported", service=True) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS, disconnected
            raise SendFailure(f"smtp:{type(exc).__name__}", service=True) from None


# --- GOV.UK Notify ----------------------------------------------------------------------------

class NotifySender:
    name = "notify"

    def __init__(self, api_key: str, template_id: str, *,
                 base_url: str = "https://api.notifications.service.gov.uk", timeout: float = 20):
        from notifications_python_client.notifications import NotificationsAPIClient

        # The client logs each failed request with Notify's error message, which can quote
        # what it was sent; our worker logs the status code itself.
        logging.getLogger("notifications_python_client").setLevel(logging.CRITICAL)
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        self.template_id = template_id

    def send(self, envelope: Envelope) -> None:
        from notifications_python_client.errors import APIError

        try:
            self.client.send_email_notification(
                email_address=envelope.to, template_id=self.template_id,
                personalisation={"subject": envelope.subject, "body": envelope.body_text},
                reference=envelope.message_id)
        except APIError as exc:
            status = exc.status_code
            if status in (400, 404):  # this message can never be sent as it is
                raise SendFailure(f"notify:{status}", permanent=True) from None
            # 403 (bad key or clock), 429 (rate limit), 5xx, and no answer (503): the service.
            raise SendFailure(f"notify:{status}", service=True) from None
        except Exception as exc:  # noqa: BLE001 - e.g. a malformed answer
            raise SendFailure(f"notify:{type(exc).__name__}", service=True) from None


# --- the capture (development) ----------------------------------------------------------------

class CaptureSender:
    """Keeps each message as a file that `/_dev/mail` shows. Never leaves this machine."""

    name = "capture"

    def __init__(self, directory: Path, mail_from: str):
        from portal.outbox.capture import MailCapture

        self.capture = MailCapture(directory)
        self.mail_from = mail_from

    def send(self, envelope: Envelope) -> None:
        try:
            self.capture.store(build_mime(envelope, self.mail_from))
        except OSError as exc:
            raise SendFailure(f"capture:{type(exc).__name__}", service=True) from None


# --- choosing ---------------------------------------------------------------------------------

def select_sender(settings, *, ssl_context: ssl.SSLContext | None = None) -> Sender:
    """The sender the settings ask for; see the module's docstring."""
    mail_from = default_from(settings)
    if settings.notify_api_key:
        if not settings.notify_template_id:
            raise OutboxConfigError("NOTIFY_API_KEY is set but NOTIFY_TEMPLATE_ID is not.")
        _only_here_outside_production(settings, urlsplit(settings.notify_base_url).hostname,
                                      "NOTIFY_BASE_URL")
        return NotifySender(settings.notify_api_key, settings.notify_template_id,
                            base_url=settings.notify_base_url)
    if settings.smtp_url:
        target = SmtpTarget.parse(settings.smtp_url)
        _only_here_outside_production(settings, target.host, "SMTP_URL")
        return SmtpSender(settings.smtp_url, mail_from, ssl_context=ssl_context)
    if settings.is_production:
        raise OutboxConfigError("No email sender is configured: set SMTP_URL or NOTIFY_API_KEY.")
    return CaptureSender(settings.mail_capture_dir, mail_from)


def _only_here_outside_production(settings, host: str | None, name: str) -> None:
    if not settings.is_production and host not in LOOPBACK:
        raise OutboxConfigError(
            f"{name} points at {host!r}, another machine, but PORTAL_ENV is not production. "
            "Outside production the portal never emails real people: point it at a mail "
            "catcher on 127.0.0.1, or unset it to use the capture at /_dev/mail.")
