"""A council's back-office at `/<council>/staff/`: the landing page, the inbox and search
(inbox.py), submissions and cases (cases.py), the audit trail (audit.py), and the
administrator's list of emails the outbox could not deliver (here)."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.access import staff_required
from portal.tenancy import council_blueprint

ROLE_NAMES = {"officer": _l("Officer"), "manager": _l("Manager"),
              "council_admin": _l("Council administrator")}

backoffice_bp = council_blueprint("backoffice", __name__, "/staff")


@backoffice_bp.app_template_filter("govuk_option")
def govuk_option(pair, selected) -> dict:
    """A (value, text) choice as a GOV.UK select item, selected when it is `selected`."""
    value, text = pair[0], pair[1]
    return {"value": value, "text": text, "selected": str(value) == str(selected or "")}



@backoffice_bp.app_template_filter("radio_item")
def radio_item(pair, checked) -> dict:
    """A (value, text) choice as a GOV.UK radio item, checked when it is `checked`."""
    return {"value": pair[0], "text": pair[1], "checked": str(pair[0]) == str(checked or "")}


@backoffice_bp.get("/")
@staff_required()
def home():
    from portal.casework.inbox import tab_counts

    role = ROLE_NAMES.get(current_user.role, current_user.role)
    counts = tab_counts(current_user.id) if current_user.role in ("officer", "manager") else None
    return render_template("backoffice/home.html", role=role, counts=counts)


KIND_NAMES = {"acknowledgement": _l("Acknowledgement to the sender"),
              "team_notification": _l("Notice to a team"),
              "urgent_alert": _l("Urgent alert to the duty address"),
              "officer_allocation": _l("New work to a school's named officer"),
              "referrer_outcome": _l("The outcome to the sender"),
              "secure_message": _l("Secure message to a social worker or lead professional"),
              "return_reminder": _l("Reminder to a school of a return not received")}


@backoffice_bp.get("/emails")
@staff_required("council_admin")
def undelivered_emails():
    """Emails the outbox gave up on, for the council administrator to retry. Only the kind,
    the reference and the error are shown: never an address or a body."""
    from portal.outbox.service import dead_messages

    return render_template("backoffice/undelivered_emails.html", messages=dead_messages(),
                           kind_names=KIND_NAMES, retried=request.args.get("retried"))


@backoffice_bp.post("/emails/<int:message_id>/retry")
@staff_required("council_admin")
def retry_email(message_id: int):
    from portal.extensions import db
    from portal.outbox.service import NotDead, retry_message

    try:
        message = retry_message(message_id)
    except NotDead:
        message = None
    if message is None:
        abort(404)
    db.session.commit()
    current_app.logger.info("Council administrator %s retried outbox message %s",
                            current_user.id, message_id)
    return redirect(url_for("backoffice.undelivered_emails", retried=1), code=303)


# The back-office's pages, a module each; importing them registers their routes.
from portal.backoffice import (audit, cases, inbox, letters, notices,  # noqa: E402,F401
                                panels, reports, returns, school_officers, users)
