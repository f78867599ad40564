"""A notice's reply-by date is a deadline of the sender's case: shown with the case's other
deadlines, overdue once it has passed without an answer, and counted in the case's next due
date (so the case sorts and filters as overdue in the inbox).

portal.casework.deadlines knows no notice: it offers `DATED_DEADLINES` (a deadline whose date
a record sets) and `CASE_EVENT_SOURCES` (functions that add a case's events), and this module
registers one of each.
"""
from __future__ import annotations

from datetime import date

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from portal.i18n import Translated as _Translated

EVENT = "notice_reply_by"
SENT_EVENT = "notice_sent"




LABEL = _Translated(_l("Reply wanted to a notice sent to another council"))
SOURCE = _Translated(_l("The reply-by date given when the notice was sent"))


def reply_events(case) -> dict[str, date]:
    """The earliest reply-by date among the case's notices that have no answer yet, and the
    day that notice was sent."""
    case_id = getattr(case, "id", None)
    if case_id is None or not has_app_context():
        return {}
    from portal.casework.deadlines import _as_date
    from portal.extensions import db
    from portal.models.notice import OutgoingNotice

    row = db.session.execute(
        select(OutgoingNotice.reply_by, OutgoingNotice.sent_at)
        .where(OutgoingNotice.case_id == case_id, OutgoingNotice.answered_at.is_(None),
               OutgoingNotice.reply_by.is_not(None))
        .order_by(OutgoingNotice.reply_by, OutgoingNotice.id).limit(1)).first()
    if row is None:
        return {}
    return {EVENT: row.reply_by, SENT_EVENT: _as_date(row.sent_at)}


def register() -> None:
    from portal.casework import deadlines

    deadlines.DATED_DEADLINES[EVENT] = (LABEL, SOURCE, SENT_EVENT)
    if reply_events not in deadlines.CASE_EVENT_SOURCES:
        deadlines.CASE_EVENT_SOURCES.append(reply_events)
