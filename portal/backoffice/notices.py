"""Back-office pages of cross-border notices: the list of notices sent and received, sending
one from a case, a sent notice (its steps, its link for a council not on the portal), and a
notice received from another council (acknowledge it, answer it).

Officers and managers work them. Every lookup is a scoped select: another council's notice is
not found (404). The one place that writes to another council is portal.notices.exchange.
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.extensions import db
from portal.i18n import current_language
from portal.notices import ANSWER_LABELS, STEP_LABELS, label
from portal.notices import links
from portal.notices import service
from portal.notices.display import notice_rows
from portal.notices.forms import AnswerForm, SendNoticeForm
from portal.tenancy import current_tenant, current_tenant_id

CASEWORKERS = ("officer", "manager")


@backoffice_bp.app_template_global("notices_of_case")
def notices_of_case(case) -> list:
    """For the case page: the notices sent from this case, newest first."""
    return service.notices_of_case(case.id)


@backoffice_bp.app_template_filter("split_lines")
def split_lines(text) -> list[str]:
    return str(text or "").splitlines() or [""]


@backoffice_bp.app_template_global("notice_answer_label")
def notice_answer_label(key: str | None) -> str:
    return label(ANSWER_LABELS, key)


@backoffice_bp.app_template_global("notice_reply_state")
def notice_reply_state(notice) -> str | None:
    return service.reply_state(notice)


# --- the list ----------------------------------------------------------------------------------

@backoffice_bp.get("/notices")
@staff_required(*CASEWORKERS)
def notices():
    return render_template("backoffice/notices/list.html", sent=service.sent_notices(),
                           received=service.received_notices(), today=service.today(),
                           state_of=service.reply_state, in_london=service.in_london,
                           answer_label=lambda key: label(ANSWER_LABELS, key))


# --- sending -------------------------------------------------------------------------------

def _case_or_404(case_id: int):
    from portal.casework.cases import get_case

    case = get_case(case_id)
    if case is None:
        abort(404)
    return case


def _councils() -> list[tuple[str, str]]:
    from portal.directory import directory

    language = current_language()
    choices = [("", _("Select a council"))]
    for entry in directory():
        if entry.code == current_tenant.dfe_code:
            continue
        name = entry.authority.display_name(language)
        if entry.on_portal:
            text = _("%(council)s (on the portal)", council=name)
        elif entry.cme_email:
            text = _("%(council)s (by email)", council=name)
        else:
            text = _("%(council)s (no contact address yet)", council=name)
        choices.append((entry.code, text))
    return choices


def _send_form(**kwargs) -> SendNoticeForm:
    language = current_language()
    slug = current_tenant.slug
    return SendNoticeForm(
        today=service.today(), councils=_councils(),
        risk_groups=[(value, text.get(language))
                     for value, text in service.option_labels("risk_groups", slug)],
        s2s=[(value, text.get(language))
             for value, text in service.option_labels("s2s_status", slug)], **kwargs)


def _warnings(form: SendNoticeForm) -> dict[str, str]:
    """An LA code the directory does not know: a warning beside the field, never a refusal."""
    from portal.directory import laestab_la_code_unknown, upn_la_code_unknown

    found = {}
    if form.upn.data and not form.upn.errors and upn_la_code_unknown(form.upn.data):
        found["upn"] = _("The local authority code in this UPN is not one we know. Check it.")
    if form.school_laestab.data and not form.school_laestab.errors \
            and laestab_la_code_unknown(form.school_laestab.data):
        found["school_laestab"] = _("The local authority code in this DfE number is not one we "
                                    "know. Check it.")
    return found


def _render_send(case, form, status=200):
    return render_template("backoffice/notices/send.html", case=case, form=form,
                           warnings=_warnings(form) if form.errors else {},
                           max_text=service.TEXT_LIMIT), status


@backoffice_bp.route("/cases/<int:case_id>/notices/new", methods=["GET", "POST"])
@staff_required(*CASEWORKERS)
def new_notice(case_id: int):
    case = _case_or_404(case_id)
    if request.method == "GET":
        form = _send_form(formdata=None, data={
            "send_token": service.new_send_token(),
            "child_first_name": case.child_first_name or "",
            "child_last_name": case.child_last_name or "",
            "child_dob": case.child_dob, "upn": case.upn or "", "postcode": case.postcode or ""})
        if case.status != "open":
            form.to_council.errors = [_("This case is closed. Reopen it before you send a "
                                        "notice.")]
            return _render_send(case, form, 409)
        audit.record_view("case.view", "case", case.id)
        return _render_send(case, form)
    form = _send_form()
    token = (form.send_token.data or "")[:64]
    earlier = service.notice_by_token(token) if token else None
    if earlier is not None:  # a second click, or the page sent again
        return redirect(url_for("backoffice.sent_notice", notice_id=earlier.id, done="sent"),
                        code=303)
    if case.status != "open":
        form.validate()
        form.to_council.errors = [_("This case is closed. Reopen it before you send a notice.")]
        return _render_send(case, form, 409)
    if not form.validate():
        return _render_send(case, form, 400)
    try:
        to = service.destination(form.to_council.data, own_code=current_tenant.dfe_code)
    except service.NoticeRefused as refused:
        if refused.reason == "no_address":
            from portal.directory import local_authority

            name = local_authority(form.to_council.data).display_name(current_language())
            form.to_council.errors = [_(
                "We do not have a children missing education contact address for %(council)s. "
                "Ask the portal's administrator to add it.", council=name)]
        elif refused.reason == "own_council":
            form.to_council.errors = [_("Select another council: you cannot send a notice to "
                                        "your own")]
        else:
            form.to_council.errors = [_("Select the council to send the notice to")]
        return _render_send(case, form, 400)
    answers = _answers(form)
    try:
        notice = service.send_notice(
            case, answers, to=to, reply_by=form.reply_by.data,
            urgent=form.at_risk_now.data == "yes", tenant=current_tenant._get_current_object(),
            tenant_id=current_tenant_id(), officer=current_user,
            send_token=token or service.new_send_token())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = service.notice_by_token(token) if token else None
        if earlier is None:
            raise
        notice = earlier
    current_app.logger.info("Officer %s sent notice %s (%s).", current_user.id, notice.id,
                            notice.channel)
    return redirect(url_for("backoffice.sent_notice", notice_id=notice.id, done="sent"),
                    code=303)


def _answers(form: SendNoticeForm) -> dict:
    """The notice's own fields, under the keys of the cross-border-notice form."""
    def iso(value):
        return value.isoformat() if value else None

    return {
        "at_risk_now": form.at_risk_now.data,
        "sending_council": current_tenant.name.get("en"),
        "sender_name": current_user.display_name,
        "sender_role": (form.sender_role.data or "").strip(),
        "sender_email": current_user.email,
        "sender_phone": (form.sender_phone.data or "").strip(),
        "direction": form.direction.data,
        "child_first_name": form.child_first_name.data.strip(),
        "child_last_name": form.child_last_name.data.strip(),
        "other_names": (form.other_names.data or "").strip(),
        "child_dob": iso(form.child_dob.data),
        "upn": form.upn.data or "",
        "last_address": form.last_address.data.strip(),
        "postcode": form.postcode.data or "",
        "new_address": (form.new_address.data or "").strip(),
        "new_postcode": form.new_postcode.data or "",
        "last_school_name": (form.last_school_name.data or "").strip(),
        "school_laestab": form.school_laestab.data or "",
        "last_attendance": iso(form.last_attendance.data),
        "what_is_known": form.what_is_known.data.strip(),
        "actions_taken": (form.actions_taken.data or "").strip(),
        "risk_groups": list(form.risk_groups.data or []),
        "s2s_status": form.s2s_status.data,
        "reply_by": iso(form.reply_by.data),
    }


# --- a sent notice -------------------------------------------------------------------------

def _outgoing_or_404(notice_id: int):
    notice = service.get_outgoing(notice_id)
    if notice is None:
        abort(404)
    return notice


@backoffice_bp.get("/notices/sent/<int:notice_id>")
@staff_required(*CASEWORKERS)
def sent_notice(notice_id: int):
    notice = _outgoing_or_404(notice_id)
    audit.record_view("notice.view", "case", notice.case_id)
    link = service.current_link(notice) if notice.channel == "email" else None
    done = {"sent": _("The notice has been sent."),
            "revoked": _("The link has been withdrawn. It opens nothing now."),
            "new_link": _("A new link has been emailed. The old one opens nothing now.")
            }.get(request.args.get("done", ""))
    return render_template(
        "backoffice/notices/sent.html", notice=notice, rows=notice_rows(
            notice.answers, current_tenant.slug, received=False),
        steps=service.steps_of(notice), replies=service.replies_of(notice), link=link,
        link_state=_link_state(link), state=service.reply_state(notice),
        in_london=service.in_london, answer_label=lambda key: label(ANSWER_LABELS, key),
        step_labels=STEP_LABELS, done=done)


def _link_state(link) -> str | None:
    if link is None:
        return None
    if link.revoked_at is not None:
        return "revoked"
    if service.aware(link.expires_at) <= service.now():
        return "expired"
    if link.locked_at is not None:
        return "locked"
    return "active"


def _check_csrf() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@backoffice_bp.post("/notices/sent/<int:notice_id>/revoke")
@staff_required(*CASEWORKERS)
def revoke_notice_link(notice_id: int):
    notice = _outgoing_or_404(notice_id)
    _check_csrf()
    link = service.current_link(notice)
    if link is None:
        abort(404)
    if links.revoke(link, by_id=current_user.id):
        service.record_step(notice, "revoked")
        audit.record("change", "notice.revoke_link", "notice", notice.id)
        db.session.commit()
    return redirect(url_for("backoffice.sent_notice", notice_id=notice.id, done="revoked"),
                    code=303)


@backoffice_bp.post("/notices/sent/<int:notice_id>/new-link")
@staff_required(*CASEWORKERS)
def new_notice_link(notice_id: int):
    notice = _outgoing_or_404(notice_id)
    _check_csrf()
    if notice.channel != "email":
        abort(404)
    links.reissue(notice, service.current_link(notice),
                  tenant=current_tenant._get_current_object(), by_id=current_user.id)
    audit.record("change", "notice.new_link", "notice", notice.id)
    db.session.commit()
    return redirect(url_for("backoffice.sent_notice", notice_id=notice.id, done="new_link"),
                    code=303)


# --- a notice received from another council ------------------------------------------------

def _incoming_or_404(incoming_id: int):
    incoming = service.get_incoming(incoming_id)
    submission = service.submission_of(incoming) if incoming is not None else None
    if incoming is None or submission is None:
        abort(404)
    return incoming, submission


def _render_received(incoming, submission, form=None, status=200, done=None):
    from portal.casework.activity import timeline_of_submission

    audit.record_view("notice.view", "submission", submission.id)
    officer = None
    if submission.acknowledged_by_id:
        officer = service.staff_names([submission.acknowledged_by_id]).get(
            submission.acknowledged_by_id)
    from portal.casework.intake import staff_of_council

    language = current_language()
    return render_template(
        "backoffice/notices/received.html", incoming=incoming, submission=submission,
        staff={user.id: user for user in staff_of_council(active_only=False)},
        team_names={team.key: team.name.get(language) for team in current_tenant.teams},
        rows=notice_rows(submission.answers, current_tenant.slug, received=True),
        form=form or AnswerForm(formdata=None), in_london=service.in_london,
        acknowledged_by=officer, answer_label=lambda key: label(ANSWER_LABELS, key),
        history=[a for a in timeline_of_submission(submission)],
        state=service.reply_state(incoming), done=done), status


@backoffice_bp.get("/notices/received/<int:incoming_id>")
@staff_required(*CASEWORKERS)
def received_notice(incoming_id: int):
    incoming, submission = _incoming_or_404(incoming_id)
    done = {"acknowledged": _("Acknowledged. The sending council can see it."),
            "answered": _("Your answer has been sent to the council that sent the notice.")
            }.get(request.args.get("done", ""))
    return _render_received(incoming, submission, done=done)


@backoffice_bp.post("/notices/received/<int:incoming_id>/acknowledge")
@staff_required(*CASEWORKERS)
def acknowledge_notice(incoming_id: int):
    incoming, submission = _incoming_or_404(incoming_id)
    _check_csrf()
    if submission.acknowledged_at is None:
        service.acknowledge_incoming(incoming, submission,
                                     current_tenant._get_current_object())
        db.session.commit()
    return redirect(url_for("backoffice.received_notice", incoming_id=incoming.id,
                            done="acknowledged"), code=303)


@backoffice_bp.post("/notices/received/<int:incoming_id>/answer")
@staff_required(*CASEWORKERS)
def answer_notice(incoming_id: int):
    incoming, submission = _incoming_or_404(incoming_id)
    form = AnswerForm()
    if not form.validate():
        return _render_received(incoming, submission, form=form, status=400)
    service.answer_incoming(
        incoming, submission, tenant=current_tenant._get_current_object(), officer=current_user,
        answer=form.answer.data,
        school_name=(form.school_name.data or "").strip() if form.answer.data == "found_on_roll"
        else None,
        school_laestab=form.school_laestab.data or None if form.answer.data == "found_on_roll"
        else None,
        details=(form.details.data or "").strip() or None)
    db.session.commit()
    return redirect(url_for("backoffice.received_notice", incoming_id=incoming.id,
                            done="answered"), code=303)
