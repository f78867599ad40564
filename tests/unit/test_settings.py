"""Production refuses unsafe settings, and says which."""
import pytest

from portal.config import Settings, UnsafeConfiguration

GOOD_SECRET = "f3c9a1e07b5d4c2a9e8f7d6c5b4a39281706f5e4d3c2b1a0"
PG = "postgresql+psycopg://portal@db.internal/portal"


MAIL = {"SMTP_URL": "smtp+starttls://portal:pw@mail.internal:587",
        "PORTAL_BASE_URL": "https://cme.example.gov.uk"}


def production(**env):
    return Settings.from_env({"PORTAL_ENV": "production", **MAIL, **env})


def test_a_safe_production_configuration_starts():
    production(SECRET_KEY=GOOD_SECRET, DATABASE_URL=PG).check()


@pytest.mark.parametrize("env, expected", [
    ({"DATABASE_URL": PG}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "changeme", "DATABASE_URL": PG}, "SECRET_KEY is too weak"),
    ({"SECRET_KEY": "a" * 40, "DATABASE_URL": PG}, "SECRET_KEY is too weak"),
    ({"SECRET_KEY": "short-but-random-9f8e", "DATABASE_URL": PG}, "SECRET_KEY is too weak"),
    ({"SECRET_KEY": GOOD_SECRET}, "DATABASE_URL points at SQLite"),
    ({"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": "sqlite:////tmp/x.db"}, "DATABASE_URL points at SQLite"),
    ({"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": PG, "DEMO_ACCOUNTS": "1"}, "DEMO_ACCOUNTS is on"),
])
def test_production_refuses_unsafe_settings(env, expected):
    with pytest.raises(UnsafeConfiguration) as refused:
        production(**env).check()
    assert expected in str(refused.value)


def test_every_problem_is_listed_at_once():
    with pytest.raises(UnsafeConfiguration) as refused:
        production(DEMO_ACCOUNTS="yes").check()
    assert len(refused.value.problems) == 3


def test_development_needs_no_settings():
    settings = Settings.from_env({})
    settings.check()
    assert settings.database_url.startswith("sqlite:///")
    assert len(settings.secret_key) >= 32
    assert settings.demo_accounts is True


def test_a_bad_number_is_reported_by_name():
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be a whole number"):
        Settings.from_env({"TRUSTED_PROXIES": "one"})
