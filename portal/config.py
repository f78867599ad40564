"""Typed settings read from the environment.

Every setting the portal reads comes through `Settings.from_env()`. In production
(`PORTAL_ENV=production`) unsafe defaults are refused with a message that names the setting.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"
WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "password", "development", "test"}
MIN_SECRET_LENGTH = 32


class UnsafeConfiguration(RuntimeError):
    """Raised when a production start would run with an unsafe setting."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "Refusing to start in production:\n" + "\n".join(f"- {p}" for p in problems)
        )


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from exc


def _networks(env: Mapping[str, str], name: str) -> str:
    """A comma-separated list of addresses or networks (``10.0.0.0/8, 127.0.0.1``), checked."""
    from portal.limits import parse_networks

    raw = (env.get(name) or "").strip()
    try:
        parse_networks(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name}: {exc}") from exc
    return raw


def _limit(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate limit such as ``250 per hour``, refused at start-up rather than at the first
    request when it cannot be read."""
    from limits import parse_many

    raw = (env.get(name) or "").strip() or default
    try:
        parse_many(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a rate such as '250 per hour', not {raw!r}") from exc
    return raw


def _smtp_in_clear(url: str) -> bool:
    """A plain smtp:// URL to anywhere but this machine (a local relay may take plain SMTP)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme == "smtp" and parts.hostname not in {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = ""
    database_url: str = f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
    # A read replica of the database for the reports (portal/replica.py); none: the primary.
    database_replica_url: str | None = None
    tenants_dir: Path = ROOT / "tenants"
    smtp_url: str | None = None
    demo_accounts: bool = True
    rate_limit_storage: str = "memory://"
    rate_limit_key_prefix: str = ""
    public_search_limit: str = "120 per minute"
    # Notices started per address: a large school's or trust's shared office files 200+ an hour.
    public_form_limit: str = "250 per hour"
    # Every POST of one draft (one notice, one return being typed): portal/limits.py.
    public_draft_limit: str = "200 per hour"
    # Every public form POST from one address, whatever the draft: a ceiling for robots only.
    public_address_ceiling: str = "5000 per hour"
    session_cookie_secure: bool = False
    trusted_proxies: int = 0
    # The proxies whose X-Forwarded-For names the client (portal.limits.TrustedProxies).
    trusted_proxy_addresses: str = ""
    # Email (portal.outbox): SMTP_URL or GOV.UK Notify; outside production, a local capture.
    notify_api_key: str | None = None
    notify_template_id: str | None = None
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    mail_from: str | None = None
    mail_capture_dir: Path = INSTANCE_DIR / "mail"
    portal_base_url: str = "http://127.0.0.1:5000"
    outbox_max_attempts: int = 8
    extra: dict = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        portal_env = (env.get("PORTAL_ENV") or "development").strip().lower()
        production = portal_env == "production"
        secret = env.get("SECRET_KEY") or ""
        if not secret and not production:
            # A fresh random key per process is fine for development and tests.
            secret = secrets.token_hex(32)
        return cls(
            env=portal_env,
            secret_key=secret,
            database_url=env.get("DATABASE_URL") or cls.database_url,
            database_replica_url=env.get("DATABASE_REPLICA_URL") or None,
            tenants_dir=Path(env.get("TENANTS_DIR") or cls.tenants_dir),
            smtp_url=env.get("SMTP_URL") or None,
            demo_accounts=_bool(env.get("DEMO_ACCOUNTS"), default=not production),
            # RATELIMIT_STORAGE_URL (redis://...): one store shared by every app server;
            # RATELIMIT_STORAGE_URI is the older name.
            rate_limit_storage=(env.get("RATELIMIT_STORAGE_URL") or env.get("RATELIMIT_STORAGE_URI")
                                or cls.rate_limit_storage),
            rate_limit_key_prefix=env.get("RATELIMIT_KEY_PREFIX") or "",
            public_search_limit=_limit(env, "PUBLIC_SEARCH_LIMIT", cls.public_search_limit),
            public_form_limit=_limit(env, "PUBLIC_FORM_LIMIT", cls.public_form_limit),
            public_draft_limit=_limit(env, "PUBLIC_DRAFT_LIMIT", cls.public_draft_limit),
            public_address_ceiling=_limit(env, "PUBLIC_ADDRESS_CEILING",
                                          cls.public_address_ceiling),
            session_cookie_secure=_bool(env.get("SESSION_COOKIE_SECURE"), default=production),
            trusted_proxies=_int(env, "TRUSTED_PROXIES", 0),
            trusted_proxy_addresses=_networks(env, "TRUSTED_PROXY_ADDRESSES"),
            notify_api_key=env.get("NOTIFY_API_KEY") or None,
            notify_template_id=env.get("NOTIFY_TEMPLATE_ID") or None,
            notify_base_url=env.get("NOTIFY_BASE_URL") or cls.notify_base_url,
            mail_from=env.get("MAIL_FROM") or None,
            mail_capture_dir=Path(env.get("MAIL_CAPTURE_DIR") or cls.mail_capture_dir),
            portal_base_url=(env.get("PORTAL_BASE_URL") or cls.portal_base_url).rstrip("/"),
            outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", 8),
        )

    def production_problems(self) -> list[str]:
        """What makes this configuration unsafe for production (empty when it is safe)."""
        problems: list[str] = []
        if not self.secret_key:
            problems.append("SECRET_KEY is not set. Set it to a random value of at least "
                            f"{MIN_SECRET_LENGTH} characters.")
        elif len(self.secret_key) < MIN_SECRET_LENGTH or self.secret_key.lower() in WEAK_SECRETS \
                or len(set(self.secret_key)) < 8:
            problems.append(f"SECRET_KEY is too weak. Use a random value of at least "
                            f"{MIN_SECRET_LENGTH} characters.")
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL points at SQLite. Production needs PostgreSQL "
                            "(postgresql+psycopg://...).")
        if self.demo_accounts:
            problems.append("DEMO_ACCOUNTS is on. Demo officer accounts must never exist in "
                            "production: unset DEMO_ACCOUNTS.")
        if not (self.smtp_url or self.notify_api_key):
            problems.append("No email sender is configured, so no email would leave. Set SMTP_URL "
                            "(smtp+starttls://user:pass@host:587 or smtps://host:465) or "
                            "NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID.")
        elif self.smtp_url and not self.notify_api_key and _smtp_in_clear(self.smtp_url):
            problems.append("SMTP_URL sends mail unencrypted to another machine. Use "
                            "smtp+starttls://... or smtps://... (plain smtp:// only to 127.0.0.1).")
        elif self.notify_api_key and not self.notify_template_id:
            problems.append("NOTIFY_API_KEY is set but NOTIFY_TEMPLATE_ID is not: give the id of "
                            "the Notify template whose subject is ((subject)) and body ((body)).")
        if not self.portal_base_url.startswith("https://") or "127.0.0.1" in self.portal_base_url:
            problems.append("PORTAL_BASE_URL is not the portal's public https:// address; emails "
                            "link to it.")
        return problems

    def check(self) -> None:
        if self.is_production:
            problems = self.production_problems()
            if problems:
                raise UnsafeConfiguration(problems)

    def flask_config(self) -> dict:
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "SQLALCHEMY_BINDS": ({"replica": self.database_replica_url}
                                 if self.database_replica_url else {}),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.session_cookie_secure,
            "SESSION_COOKIE_NAME": "portal_session",
            "WTF_CSRF_TIME_LIMIT": 60 * 60 * 4,
            "RATELIMIT_STORAGE_URI": self.rate_limit_storage,
            "RATELIMIT_KEY_PREFIX": self.rate_limit_key_prefix,
            "RATELIMIT_HEADERS_ENABLED": True,
            "BABEL_DEFAULT_LOCALE": "en",
            # Times are shown on the councils' clock (format_datetime), stored in UTC.
            "BABEL_DEFAULT_TIMEZONE": "Europe/London",
            "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "portal" / "translations"),
            "SEND_FILE_MAX_AGE_DEFAULT": 3600,
            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
            # A school's return file (CSV or CTF) may be larger: 1,500 pupils' CTF is ~3 MB.
            # Anything bigger gets the friendly 413 page (portal/errors.py).
            "RETURN_UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
        }
