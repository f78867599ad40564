"""Reports read from a read replica when one is configured (`DATABASE_REPLICA_URL`).

The replica is a Flask-SQLAlchemy bind named `replica`. A view marked `@reads_from_replica`
sends its ORM and Core SELECTs there; everything it writes (the audit row of a report's view or
download) and any SELECT ... FOR UPDATE still goes to the primary. Without the setting every
query goes to the primary, as before. A replica lags the primary by a moment: fine for a
period's figures, never used for casework.
"""
from __future__ import annotations

from functools import wraps

from flask import g, has_request_context
from flask_sqlalchemy.session import Session as FlaskSession

REPLICA_BIND = "replica"


def reads_from_replica(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.portal_read_replica = True
        return view(*args, **kwargs)

    return wrapper


def _reading_from_replica() -> bool:
    return has_request_context() and bool(g.get("portal_read_replica"))


class RoutingSession(FlaskSession):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and clause is not None and not self._flushing \
                and _reading_from_replica() and getattr(clause, "is_select", False) \
                and getattr(clause, "_for_update_arg", None) is None:
            replica = self._db.engines.get(REPLICA_BIND)
            if replica is not None:
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
