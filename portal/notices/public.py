"""The pages a council not on the portal opens through the link in a notice's email:
`/<sending council>/notices/<token>`.

1. The link's page asks to email a one-time code to the address the notice went to (a POST: an
   email scanner that fetches the link sends nothing and opens nothing).
2. The code page takes the 6-digit code: five wrong codes lock the link.
3. With the right code the notice opens, for a short while, in this browser only; every opening
   is audited in the sending council. The recipient can acknowledge it and answer.

An unknown token is a 404; an expired or withdrawn link says so (410); a locked one too (403).
The token is a random id, not personal data; nothing of the child is in any address.
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.access import public
from portal.extensions import db, limiter
from portal.notices import ANSWER_LABELS, label, links, service
from portal.notices.forms import CodeForm, LinkAnswerForm
from portal.tenancy import council_blueprint, current_tenant

notice_link_bp = council_blueprint("notice_link", __name__, "/notices")

CODE_LIMIT = "30 per hour"   # per address; Settings.extra["notice_code_limit"] overrides
OPEN_LIMIT = "120 per hour"


def _code_limit() -> str:
    return current_app.config["PORTAL_SETTINGS"].extra.get("notice_code_limit", CODE_LIMIT)


def _open_limit() -> str:
    return current_app.config["PORTAL_SETTINGS"].extra.get("notice_open_limit", OPEN_LIMIT)


def _state_or_stop(token: str) -> links.LinkState:
    state = links.find(token)
    if state.link is None or state.notice is None:
        abort(404)
    return state


def _stopped(state: links.LinkState):
    """The page for a link that no longer opens anything."""
    status = 403 if state.problem == "locked" else 410
    links.forget_access()
    return render_template("public/notice_closed.html", problem=state.problem,
                           notice=state.notice), status


def _masked(address: str) -> str:
    """n•••@example.gov.uk: enough for the recipient to know which mailbox to look in."""
    local, _, domain = (address or "").partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


@notice_link_bp.get("/<token>")
@limiter.limit(_open_limit)
@public
def start(token: str):
    state = _state_or_stop(token)
    if state.problem:
        return _stopped(state)
    if links.has_access(state.link):
        done = {"acknowledged": _("Thank you. The council that sent the notice can see that "
                                  "you have received it."),
                "answered": _("Thank you. Your answer has been sent to the council that sent "
                              "the notice.")}.get(request.args.get("done", ""))
        return _render_notice(state, LinkAnswerForm(formdata=None), done=done)
    return render_template("public/notice_start.html", token=token, notice=state.notice,
                           address=_masked(state.link.to_address), form=None)


@notice_link_bp.post("/<token>/send-code")
@limiter.limit(_code_limit)
@public
def send_code(token: str):
    state = _state_or_stop(token)
    if state.problem:
        return _stopped(state)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not links.send_code(state.link, state.notice, tenant=current_tenant._get_current_object()):
        db.session.rollback()
        return render_template("public/notice_start.html", token=token, notice=state.notice,
                               address=_masked(state.link.to_address), form=None,
                               too_many=True), 429
    db.session.commit()
    return redirect(url_for("notice_link.code", token=token), code=303)


@notice_link_bp.route("/<token>/code", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
@public
def code(token: str):
    state = _state_or_stop(token)
    if state.problem:
        return _stopped(state)
    form = CodeForm()
    if request.method == "POST" and form.validate():
        result = links.check_code(state.link, form.code.data)
        db.session.commit()
        if result == "ok":
            return redirect(url_for("notice_link.start", token=token), code=303)
        if result == "locked":
            return _stopped(links.LinkState(state.link, state.notice, "locked"))
        form.code.errors = [_("The code has expired. Ask for a new code.") if result == "expired"
                            else _("Enter the code we emailed to you: this one is not right")]
        form.code.data = ""
        return render_template("public/notice_code.html", token=token, form=form,
                               notice=state.notice), 400
    status = 400 if request.method == "POST" else 200
    form.code.data = ""
    return render_template("public/notice_code.html", token=token, form=form,
                           notice=state.notice), status


def _render_notice(state: links.LinkState, form, status: int = 200, done: str | None = None):
    """The notice itself, for a browser that entered the right code. Every opening is
    audited in the sending council."""
    from portal.notices.display import notice_rows

    links.record_opening(state.link, state.notice)
    db.session.commit()
    notice = state.notice
    return render_template(
        "public/notice_view.html", notice=notice, token=request.view_args["token"], form=form,
        rows=notice_rows(notice.answers, current_tenant.slug, received=True),
        answer_label=lambda key: label(ANSWER_LABELS, key), done=done,
        replies=service.replies_of(notice), in_london=service.in_london), status


def _with_access(token: str) -> links.LinkState | None:
    state = _state_or_stop(token)
    if state.problem or not links.has_access(state.link):
        return None
    return state


@notice_link_bp.post("/<token>/acknowledge")
@limiter.limit(_open_limit)
@public
def acknowledge(token: str):
    state = _with_access(token)
    if state is None:
        return redirect(url_for("notice_link.start", token=token), code=303)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if service.record_acknowledgement(state.notice, at=service.now(), by=state.notice.to_name,
                                      tenant=current_tenant._get_current_object()):
        db.session.commit()
    return redirect(url_for("notice_link.start", token=token, done="acknowledged"), code=303)


@notice_link_bp.post("/<token>/reply")
@limiter.limit(_open_limit)
@public
def reply(token: str):
    state = _with_access(token)
    if state is None:
        return redirect(url_for("notice_link.start", token=token), code=303)
    form = LinkAnswerForm()
    if not form.validate():
        return _render_notice(state, form, status=400)
    found = form.answer.data == "found_on_roll"
    by = ", ".join(part for part in ((form.responder_name.data or "").strip(),
                                     (form.responder_phone.data or "").strip(),
                                     state.notice.to_name) if part)
    service.record_reply(state.notice, via="link", answer=form.answer.data,
                         school_name=(form.school_name.data or "").strip() if found else None,
                         school_laestab=(form.school_laestab.data or None) if found else None,
                         details=(form.details.data or "").strip() or None, by_name=by,
                         tenant=current_tenant._get_current_object())
    db.session.commit()
    return redirect(url_for("notice_link.start", token=token, done="answered"), code=303)
