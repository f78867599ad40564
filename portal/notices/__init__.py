"""Cross-border notices between councils.

An officer sends a notice from one of their council's cases (`service.send_notice`): the child
is believed to have moved into the other council's area, or arrived from it, or please confirm
whether the child is on a school roll or home educated there; with what is known and a date by
which a reply is wanted.

- To a council on the portal, the notice becomes a submission (form "cross-border-notice") in
  that council's inbox, routed by its own rules (`exchange.deliver`). Its acknowledgement and
  answers travel back onto the sender's notice and case (`exchange.relay_*`). The receiver sees
  the notice's own fields and nothing else of the sender's case.
- To a council not on the portal, an email goes to the directory's address with no child's
  details, only a link; the link opens the notice after a one-time code sent to the same
  address (`links`). It expires, can be revoked, and every opening is audited.

`portal.notices.exchange` is the one module that writes across two councils; it names the
other council with `tenant_scope(...)` and copies only the notice's own fields.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

FORM_SLUG = "cross-border-notice"

#: The sender's words for each direction (the stored values are the receiver's view, as the
#: cross-border-notice form has them).
DIRECTION_SENT = {
    "moved_into_your_area": _l("The child is believed to have moved into their area"),
    "moved_out_of_your_area": _l("The child is believed to have arrived here from their area"),
    "confirm_on_roll_or_ehe": _l("Please confirm whether the child is on a school roll or "
                                 "home educated in their area"),
}
#: The receiver's words for the same.
DIRECTION_RECEIVED = {
    "moved_into_your_area": _l("The child is believed to have moved into your area"),
    "moved_out_of_your_area": _l("The child is believed to have moved out of your area, into "
                                 "the sending council's"),
    "confirm_on_roll_or_ehe": _l("Please confirm whether the child is on a school roll or home "
                                 "educated in your area"),
}
ANSWER_LABELS = {
    "found_on_roll": _l("On roll at a school here"),
    "ehe": _l("Home educated here (elective home education)"),
    "not_known": _l("Not known here"),
    "still_looking": _l("Still looking"),
}
S2S_LABELS = {
    "uploaded_to_lost_pupils": _l("The child's record is on the lost pupils database"),
    "searched_not_found": _l("Searched it and did not find the child"),
    "not_checked": _l("Not checked"),
}
STEP_LABELS = {
    "sent": _l("Sent"),
    "delivered": _l("Arrived in their back-office"),
    "emailed": _l("Link emailed"),
    "code_sent": _l("Code emailed"),
    "opened": _l("Opened through the link"),
    "acknowledged": _l("Acknowledged"),
    "answered": _l("Answered"),
    "revoked": _l("Link withdrawn"),
    "new_link": _l("New link emailed"),
}


def label(mapping: dict, key: str | None) -> str:
    return str(mapping.get(key, key or ""))


def install(app) -> None:
    """Once per process: the acknowledgement relay and the reply-by deadline of cases."""
    from portal.notices import exchange
    from portal.notices.deadline import register

    exchange.install_acknowledgement_relay()
    register()
