"""Liveness and readiness, kept apart.

- `/healthz`: 200 and `ok` when the database answers, 503 otherwise, as shared/spec/interfaces.md
  fixes it. An orchestrator's liveness probe should not restart servers on it during a database
  outage: point liveness at the process (the gunicorn heartbeat) and readiness at `/readyz`.
- `/readyz` (readiness): this server should be sent traffic: the database answers and its
  schema is at this code's migration head, the rate-limit store answers, and the read replica
  (when one is configured) answers. A 503 names which check failed, never why in detail.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.config import ROOT

_HEADS_KEY = "portal.migration_heads"


def _migration_heads() -> set[str]:
    heads = current_app.extensions.get(_HEADS_KEY)
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(ROOT / "migrations"))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions[_HEADS_KEY] = heads
    return heads


def database_answers() -> bool:
    from portal.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False


def _schema_current() -> bool:
    from portal.extensions import db

    try:
        stored = {row[0] for row in db.session.execute(
            text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return stored == _migration_heads()


def _rate_limit_store() -> bool:
    from portal.extensions import limiter

    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - any failure of the store means not ready
        return False


def _replica() -> bool | None:
    from portal.extensions import db

    if "replica" not in (current_app.config.get("SQLALCHEMY_BINDS") or {}):
        return None
    try:
        with db.engines["replica"].connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


def readiness() -> dict[str, bool]:
    """Each check's result; the server is ready when every one is True."""
    checks = {"database": database_answers()}
    checks["schema"] = checks["database"] and _schema_current()
    checks["rate_limits"] = _rate_limit_store()
    replica = _replica()
    if replica is not None:
        checks["replica"] = replica
    return checks
