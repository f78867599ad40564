"""Development only: the emails the capture sender kept, at /_dev/mail.

Registered by the app factory only outside production (and each view answers 404 in
production regardless). The pages are a developer's tool, so their few words are not in the
Welsh catalogue.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from portal.access import dev_only
from portal.outbox.capture import MailCapture

dev_mail_bp = Blueprint("dev_mail", __name__, url_prefix="/_dev/mail")


def _capture() -> MailCapture:
    return MailCapture(current_app.config["PORTAL_SETTINGS"].mail_capture_dir)


@dev_mail_bp.get("/")
@dev_only
def index():
    from portal.outbox.worker import status_counts

    return render_template("dev/mail_index.html", mails=_capture().latest(200),
                           counts=status_counts(),
                           directory=current_app.config["PORTAL_SETTINGS"].mail_capture_dir)


@dev_mail_bp.get("/<name>")
@dev_only
def show(name: str):
    mail = _capture().read(name)
    if mail is None:
        abort(404)
    paragraphs = [block.split("\n") for block in mail.body.strip().split("\n\n") if block.strip()]
    return render_template("dev/mail_message.html", mail=mail, paragraphs=paragraphs)
