"""Panels: `/<council>/staff/panels`, a meeting's agenda, its PDF, and the decisions.

The panel and the meeting travel as query fields (``?panel=copp&meeting=2026-12-08``), never a
child's detail; with none, the council's first panel and its next meeting. The logic is in
portal.casework.panels.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from forms import validators as v
from forms.registry import GovRadioField
from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.backoffice.cases import CASE_ROLES
from portal.casework import audit
from portal.casework import panels as service
from portal.casework.intake import local_day
from portal.extensions import db
from portal.tenancy import current_tenant

OFF_THE_LIST = "off"


def _today() -> date:
    return local_day(current_app.config["CLOCK"]())


class DecisionForm(FlaskForm):
    case_id = HiddenField()
    decision = TextAreaField(_l("What did the panel decide?"), filters=[v.clean_text],
                             validators=[v.Required(_l("Enter what the panel decided")),
                                         v.MaxLength(service.TEXT_LIMIT)])
    actions = TextAreaField(_l("Actions, with who does each (optional)"),
                            filters=[v.clean_text], validators=[v.MaxLength(service.TEXT_LIMIT)])
    next_review = GovRadioField(_l("When does the case come back to the panel?"),
                                validate_choice=False, validators=[v.Required(
                                    _l("Select when the case comes back to the panel"))])

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.next_review.choices = [(day.isoformat(), _format(day)) for day in choices] + [
            (OFF_THE_LIST, _("It does not: take the case off the panel's list"))]


def _format(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, format="EEEE d MMMM yyyy")


def _meeting_arg(panel, today: date) -> date | None:
    """The meeting asked for, or the next one; None when the day asked for is not a meeting."""
    raw = request.values.get("meeting", "")
    if not raw:
        return service.next_meeting(panel, today)
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return day if service.is_meeting(panel, day) else None


def _panel_and_meeting():
    """(panel, meeting) from the query, or a redirect to the panels page."""
    panel = service.panel_of(current_tenant, request.values.get("panel")) if \
        request.values.get("panel") else (current_tenant.panels[0] if current_tenant.panels
                                          else None)
    if panel is None:
        return None, None, redirect(url_for("backoffice.panels"), 303)
    meeting = _meeting_arg(panel, _today())
    if meeting is None:
        return None, None, redirect(url_for("backoffice.panel_agenda", panel=panel.key), 303)
    return panel, meeting, None


@backoffice_bp.get("/panels")
@staff_required(*CASE_ROLES)
def panels():
    today = _today()
    listed = []
    for panel in current_tenant.panels:
        meeting = service.next_meeting(panel, today)
        listed.append({"panel": panel, "next": meeting,
                       "due": len(service.agenda(current_tenant, panel, meeting)),
                       "on_list": len(service.register(current_tenant, panel, today))})
    return render_template("backoffice/panels.html", listed=listed)


def _render_agenda(panel, meeting, *, failed: tuple[int, DecisionForm] | None = None,
                   status: int = 200):
    today = _today()
    items = service.agenda(current_tenant, panel, meeting)
    choices = service.review_choices(panel, meeting)
    forms = {}
    for item in items:
        if failed is not None and failed[0] == item.case_id:
            forms[item.case_id] = failed[1]
        else:
            form = DecisionForm(formdata=None, choices=choices,
                                data={"case_id": str(item.case_id)})
            form.decision.id = f"decision-{item.case_id}"
            form.actions.id = f"actions-{item.case_id}"
            form.next_review.id = f"next-review-{item.case_id}"
            forms[item.case_id] = form
    previous = service.previous_meeting(panel, today)
    audit.record_view("panel.agenda", "panel", None)
    return render_template(
        "backoffice/panel_agenda.html", panel=panel, meeting=meeting, items=items, forms=forms,
        form=failed[1] if failed else None, held=meeting <= today, today=today,
        previous=previous, upcoming=service.next_meeting(panel, today),
        stages={s.key: s.label for s in current_tenant.workflow.stages},
        recorded=request.args.get("recorded")), status


@backoffice_bp.get("/panels/agenda")
@staff_required(*CASE_ROLES)
def panel_agenda():
    panel, meeting, elsewhere = _panel_and_meeting()
    if elsewhere:
        return elsewhere
    return _render_agenda(panel, meeting)


@backoffice_bp.get("/panels/agenda.pdf")
@staff_required(*CASE_ROLES)
def panel_agenda_pdf():
    from portal.documents.panel_agenda import agenda_pdf

    panel, meeting, elsewhere = _panel_and_meeting()
    if elsewhere:
        return elsewhere
    items = service.agenda(current_tenant, panel, meeting)
    audit.record("export", "panel.agenda_pdf", "panel", None)
    db.session.commit()
    return Response(agenda_pdf(current_tenant, panel, meeting, items), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{panel.key}-{meeting.isoformat()}.pdf"',
                             "Cache-Control": "no-store"})


@backoffice_bp.post("/panels/decision")
@staff_required(*CASE_ROLES)
def panel_decision():
    panel, meeting, elsewhere = _panel_and_meeting()
    if elsewhere:
        return elsewhere
    try:
        case_id = int(request.form.get("case_id", ""))
    except ValueError:
        abort(404)
    form = DecisionForm(choices=service.review_choices(panel, meeting))
    form.decision.id, form.actions.id = f"decision-{case_id}", f"actions-{case_id}"
    form.next_review.id = f"next-review-{case_id}"
    if not form.validate():
        if not any(item.case_id == case_id for item in service.agenda(current_tenant, panel,
                                                                      meeting)):
            abort(404)
        return _render_agenda(panel, meeting, failed=(case_id, form))
    review = None if form.next_review.data == OFF_THE_LIST else \
        date.fromisoformat(form.next_review.data)
    try:
        service.record_decision(current_tenant, panel, meeting, case_id,
                                decision=form.decision.data, actions=form.actions.data or "",
                                next_review_on=review, today=_today(),
                                user_id=current_user.id, at=current_app.config["CLOCK"]())
    except service.PanelRefused as refused:
        if not any(item.case_id == case_id for item in service.agenda(current_tenant, panel,
                                                                      meeting)):
            abort(404)
        form.decision.errors = [str(refused)]
        return _render_agenda(panel, meeting, failed=(case_id, form))
    db.session.commit()
    return redirect(url_for("backoffice.panel_agenda", panel=panel.key,
                            meeting=meeting.isoformat(), recorded="1",
                            _anchor=f"case-{case_id}"), 303)
