"""A submission's way into the back-office: filed (name keys, first deadline), acknowledged,
allocated, and opened as a case or joined to one."""
from __future__ import annotations

from portal.models.submission import Submission
from portal.tenant_config import Tenant


def on_filed(submission: Submission, tenant: Tenant) -> None:
    """Called in the filing transaction, once the submission has its id: index the child's
    names for search and set the first deadline (to acknowledge it)."""
    from portal.extensions import db

    db.session.flush()
    try:
        from portal.casework.names import index_submission_names
    except ImportError:  # pragma: no cover - being built
        index_submission_names = None
    if index_submission_names is not None:
        index_submission_names(submission)
