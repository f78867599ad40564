"""What happened to a submission or a case, for its timeline."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from portal.extensions import db
from portal.models.casework import Activity, Case
from portal.models.submission import Submission


def record_activity(kind: str, *, case: Case | None = None, submission: Submission | None = None,
                    **details) -> Activity:
    """Add an activity (who: the signed-in officer, if any; when: the app's clock)."""
    actor_id = None
    try:
        if current_user and current_user.is_authenticated:
            actor_id = current_user.id
    except Exception:  # outside a request
        actor_id = None
    activity = Activity(at=current_app.config["CLOCK"](), actor_id=actor_id, kind=kind,
                        case_id=case.id if case is not None else None,
                        submission_id=submission.id if submission is not None else None,
                        details=details)
    db.session.add(activity)
    return activity


def timeline_of_submission(submission: Submission) -> list[Activity]:
    """What happened to a submission (including what was recorded on it and its case at
    once, such as its allocation), newest first."""
    from sqlalchemy import select

    return list(db.session.scalars(
        select(Activity).where(Activity.submission_id == submission.id)
        .order_by(Activity.at.desc(), Activity.id.desc())))
