"""The deployment's pieces in the application: readiness, the read replica for reports, the
shared rate-limit store's setting; and the files in deploy/ (hadolint on the Dockerfile, the
compose file's services)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import event

from portal.config import ROOT, Settings
from tests.integration.backoffice.helpers import make_officer, sign_in

DEPLOY = ROOT / "deploy"


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data(as_text=True).split() == ["database", "ok", "schema", "ok",
                                                       "rate_limits", "ok"]


def test_readyz_is_not_ready_before_the_migrations_have_run(app_with, tmp_path, checked_client):
    empty = app_with(database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = checked_client(empty.test_client()).get("/readyz")
    assert response.status_code == 503
    assert "schema failing" in response.get_data(as_text=True)
    assert "database ok" in response.get_data(as_text=True)


def test_readyz_is_not_ready_when_the_rate_limit_store_is_down(app_with, checked_client):
    # Nothing listens on port 1: the shared store is unreachable.
    broken = app_with(rate_limit_storage="redis://127.0.0.1:1/0")
    response = checked_client(broken.test_client()).get("/readyz")
    assert response.status_code == 503
    assert "rate_limits failing" in response.get_data(as_text=True)


def test_the_rate_limit_store_is_read_from_ratelimit_storage_url():
    settings = Settings.from_env({"RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/3"})
    assert settings.flask_config()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    older = Settings.from_env({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/4"})
    assert older.flask_config()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/4"


def test_reports_read_from_the_replica_and_write_their_audit_row_to_the_primary(
        app, app_with, database_url, checked_client):
    # The "replica" is the same database under a second engine: what matters is which
    # engine each statement goes through.
    reporting = app_with(database_replica_url=database_url)
    officer = make_officer(reporting, "southwark", role="officer")
    client = checked_client(reporting.test_client())
    sign_in(client, officer)
    seen: dict[str, list[str]] = {"replica": [], "primary": []}
    from portal.extensions import db

    with reporting.app_context():
        replica, primary = db.engines["replica"], db.engines[None]

    def recorder(name):
        def record(_conn, _cursor, statement, *_args):
            seen[name].append(statement.lstrip().split(None, 1)[0].upper())
        return record

    listeners = [(replica, recorder("replica")), (primary, recorder("primary"))]
    for engine, listener in listeners:
        event.listen(engine, "before_cursor_execute", listener)
    assert client.get("/southwark/staff/reports").status_code == 200
    assert client.get("/southwark/staff/reports/figures.csv").status_code == 200
    assert seen["replica"].count("SELECT") >= 3, seen
    assert "INSERT" not in seen["replica"] and "UPDATE" not in seen["replica"]
    assert "INSERT" in seen["primary"]  # the audit rows of the view and the download
    # Casework never reads from the replica.
    seen["replica"].clear()
    assert client.get("/southwark/staff/inbox").status_code == 200
    assert seen["replica"] == []
    for engine, listener in listeners:
        event.remove(engine, "before_cursor_execute", listener)


def test_without_a_replica_setting_there_is_no_replica_engine(app):
    from portal.extensions import db

    with app.app_context():
        assert "replica" not in db.engines


# --- deploy/ --------------------------------------------------------------------------------

def test_hadolint_passes_on_the_dockerfile():
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run([str(hadolint), "--config", str(DEPLOY / "hadolint.yaml"),
                             str(DEPLOY / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_dockerfile_that_runs_as_root(tmp_path):
    # The check can fail: the same config refuses an image whose last user is root.
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim-bookworm\nUSER root\nCMD [\"python\"]\n")
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run([str(hadolint), "--config", str(DEPLOY / "hadolint.yaml"),
                             str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "DL3002" in result.stdout


def test_the_dockerfile_runs_as_a_user_that_is_not_root():
    users = [line.split()[1] for line in (DEPLOY / "Dockerfile").read_text().splitlines()
             if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0", "0:0")


def test_compose_runs_app_servers_workers_postgres_and_redis_read_only():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"app", "worker", "postgres", "redis", "migrate"} <= set(services)
    for name in ("app", "worker"):
        service = services[name]
        assert service["read_only"] is True, name
        assert service["deploy"]["replicas"] >= 2, name
        env = service["environment"]
        assert env["RATELIMIT_STORAGE_URL"].startswith("redis://redis:"), name
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://"), name
        assert "DATABASE_REPLICA_URL" in env, name
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    assert "flask" in " ".join(services["worker"]["command"])
