"""Back-office pages: a case (its summary, deadlines, checklist, forms to work it, its
submissions and timeline), its PDF summary and its audit trail.

Officers and managers work cases; the council administrator sees only the audit trail. Every
look at a case is audited; every change goes through portal.casework.cases and is committed
once, whole. Another council's case is not found (404): every lookup is a scoped select.
"""
from __future__ import annotations


from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from forms import validators as v
from forms.registry import GovDateField, GovRadioField, GovSelectField
from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.casework import cases as service
from portal.casework import letters as letter_service
from portal.extensions import db
from portal.models.casework import Case
from portal.tenancy import current_tenant

#: Who works cases. The council administrator sees only their audit trail.
CASE_ROLES = ("officer", "manager")
AUDIT_ROLES = ("manager", "council_admin")
OTHER_ENQUIRY = "_other"  # never a checklist key: those start with a letter
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]

DONE = {
    "note": _l("The note has been added."),
    "enquiry": _l("The enquiry has been recorded."),
    "stage": _l("The stage has been changed."),
    "outcome": _l("The outcome has been recorded."),
    "closed": _l("The outcome has been recorded and the case is closed."),
    "reopened": _l("The case has been reopened."),
    "details": _l("The case details have been saved."),
}


# --- forms (field names differ between forms: they share one page) -----------------------

def _required(sentence):
    return v.Required(sentence)


class NoteForm(FlaskForm):
    note_text = TextAreaField(_l("Add a note"), filters=[v.clean_text], validators=[
        _required(_l("Enter the note")), v.MaxLength(service.TEXT_LIMIT)])


class EnquiryForm(FlaskForm):
    enquiry_item = GovSelectField(_l("Which enquiry did you make?"), validate_choice=False,
                                  validators=[_required(_l("Select the enquiry you made"))])
    enquiry_date = GovDateField(_l("When did you make it?"), validators=[
        _required(_l("Enter the date you made the enquiry"))])
    enquiry_result = TextAreaField(_l("What did it find?"), filters=[v.clean_text], validators=[
        _required(_l("Enter what the enquiry found")), v.MaxLength(service.TEXT_LIMIT)])
    enquiry_located = GovRadioField(_l("Did this find the child?"), choices=YES_NO,
                                    validate_choice=False, validators=[
        _required(_l("Select yes if this enquiry found the child or where they are"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enquiry_item.choices = [
            *[(item.key, service.label(item.label)) for item in current_tenant.checklist],
            (OTHER_ENQUIRY, _("Other enquiry"))]

    def validate_enquiry_date(self, field) -> None:
        if field.data and field.data > service.today():
            raise ValidationError(_("The date of the enquiry must be today or in the past"))


class StageForm(FlaskForm):
    stage = GovRadioField(_l("Change the stage"), validate_choice=False,
                          validators=[_required(_l("Select a stage"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = [(s.key, service.label(s.label))
                              for s in current_tenant.workflow.stages]


class OutcomeForm(FlaskForm):
    outcome = GovRadioField(_l("Outcome"), validate_choice=False,
                            validators=[_required(_l("Select an outcome"))])
    outcome_confirm = BooleanField(_l("I have checked that this is the right outcome"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(o.key, service.label(o.label))
                                for o in current_tenant.workflow.outcomes]

    def validate_outcome_confirm(self, field) -> None:
        if not field.data:
            raise StopValidation(_("Confirm that you have checked the outcome"))


class ReopenForm(FlaskForm):
    reopen_reason = TextAreaField(_l("Why are you reopening the case?"), filters=[v.clean_text],
                                  validators=[_required(_l("Enter why you are reopening the case")),
                                              v.MaxLength(service.TEXT_LIMIT)])




class DetailsForm(FlaskForm):
    """The DfE's reason (coded lists kept as data: portal/data/dfe_return/) and
    whether the council knows where the child is, for the termly return."""
    reason_code = SelectField(_l("Main reason the child is missing education (optional)"),
                              validate_choice=False)
    whereabouts = GovRadioField(_l("Does the council know where the child is?"), choices=YES_NO,
                                validate_choice=False, validators=[
        _required(_l("Select yes if the council knows where the child is"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.i18n import current_language
        from portal.reports.reasons import cme_reasons, ehe_reasons

        language = current_language()
        self.reason_code.choices = [("", _("Not recorded yet"))] + [
            (reason.code, reason.label(language)) for reason in cme_reasons()] + [
            (reason.code, _("Home education: %(reason)s", reason=reason.label(language)))
            for reason in ehe_reasons()]

    def validate_reason_code(self, field) -> None:
        field.data = (field.data or "").strip().lower()
        if field.data and field.data not in {code for code, _label in field.choices}:
            raise ValidationError(_("Select a reason from the list"))


FORMS = {"note": NoteForm, "enquiry": EnquiryForm, "stage": StageForm, "outcome": OutcomeForm,
         "reopen": ReopenForm, "details": DetailsForm}


# --- the page -----------------------------------------------------------------------------

def case_or_404(case_id: int) -> Case:
    case = service.get_case(case_id)
    if case is None:
        abort(404)
    return case


def _blank_forms(case: Case) -> dict[str, FlaskForm]:
    yes_no = {True: "yes", False: "no", None: None}
    data = {"stage": {"stage": case.stage_key},
            "details": {"reason_code": case.reason_code or "",
                        "whereabouts": yes_no[case.whereabouts_known]}}
    return {name: form_class(formdata=None, data=data.get(name))
            for name, form_class in FORMS.items()}


def _panels_here(tenant, case: Case, today):
    """The panels whose list the case is on, with its next review (portal.casework.panels)."""
    if not tenant.panels or case.status != service.OPEN:
        return []
    from portal.casework.panels import panels_of_case

    return panels_of_case(tenant, case.id, today)


def render_case(case: Case, *, failed: tuple[str, FlaskForm] | None = None, status: int = 200):
    """The case page (after an audit row saying who looked at it), with a form that failed
    validation, if any, showing its errors and what was typed."""
    audit.record_view("case.view", "case", case.id)
    tenant = current_tenant
    forms = _blank_forms(case)
    if failed is not None:
        forms[failed[0]] = failed[1]
    submissions = service.submissions_of(case)
    enquiries = service.enquiries_of(case)
    today = service.today()
    council_deadlines, other_deadlines = service.deadlines_of(case, submissions, enquiries,
                                                               today)
    school_deadlines = service.school_deadlines_of(case, submissions, enquiries, today)
    names = service.staff_names([case.officer_id, case.closed_by_id, case.opened_by_id])
    outcome = service.outcome_of(tenant, case.outcome_key)
    return render_template(
        "backoffice/case.html", case=case, forms=forms,
        form=failed[1] if failed is not None else None,
        submissions=submissions, checklist=service.checklist_state(case),
        timeline=service.timeline(case), deadlines=council_deadlines,
        other_deadlines=other_deadlines, school_deadlines=school_deadlines,
        late_notices=[r for r in school_deadlines if r.state == "late"], today=today,
        panels_here=_panels_here(tenant, case, today),
        names=names,
        stage=service.stage_label(tenant, case.stage_key),
        outcome=service.label(outcome.label) if outcome else "",
        outcome_names={o.key: service.label(o.label) for o in tenant.workflow.outcomes},
        team=service.team_name(tenant, case.team_key),
        by_school=case.officer_id is not None and any(
            s.allocated_by_school and s.officer_id == case.officer_id for s in submissions),
        opened=service.in_london(case.opened_at), closed=service.in_london(case.closed_at),
        form_name=service.form_name, in_london=service.in_london,
        checklist_label=lambda key: service.checklist_label(tenant, key),
        done=DONE.get(request.args.get("done", "")),
        can_see_audit=current_user.role in AUDIT_ROLES, max_text=service.TEXT_LIMIT,
        letters=letter_service.views(case, tenant), tasks=letter_service.tasks_of(case),
        sent_how_names=letter_service.SENT_HOW_NAMES,
        team_label=lambda key: service.team_name(tenant, key),
        preferred_language=letter_service.preferred_language(case, tenant)), status


@backoffice_bp.get("/cases/<int:case_id>", endpoint="case")
@staff_required(*CASE_ROLES)
def case_page(case_id: int):
    return render_case(case_or_404(case_id))


def _done(case: Case, what: str):
    return redirect(url_for("backoffice.case", case_id=case.id, done=what), code=303)


def _closed(case: Case):
    """A change posted to a closed case (an old page, a second click): 409, and the page
    says to reopen it first."""
    form = ReopenForm(formdata=None)
    form.reopen_reason.errors = [_("This case is closed. To change it, reopen it first and "
                                   "say why.")]
    return render_case(case, failed=("reopen", form), status=409)


def _refused(case: Case, name: str, form: FlaskForm, field, sentence: str):
    db.session.rollback()
    field.errors = [sentence]
    return render_case(case, failed=(name, form))


@backoffice_bp.post("/cases/<int:case_id>/notes")
@staff_required(*CASE_ROLES)
def case_note(case_id: int):
    case = case_or_404(case_id)
    if case.status != service.OPEN:
        return _closed(case)
    form = NoteForm()
    if not form.validate():
        return render_case(case, failed=("note", form))
    service.add_note(case, form.note_text.data)
    db.session.commit()
    return _done(case, "note")


@backoffice_bp.post("/cases/<int:case_id>/enquiries")
@staff_required(*CASE_ROLES)
def case_enquiry(case_id: int):
    case = case_or_404(case_id)
    if case.status != service.OPEN:
        return _closed(case)
    form = EnquiryForm()
    if not form.validate():
        return render_case(case, failed=("enquiry", form))
    key = None if form.enquiry_item.data == OTHER_ENQUIRY else form.enquiry_item.data
    try:
        service.add_enquiry(case, key, form.enquiry_date.data, form.enquiry_result.data,
                            form.enquiry_located.data == "yes")
    except service.CaseRefused:
        return _refused(case, "enquiry", form, form.enquiry_item,
                        _("Select the enquiry you made"))
    db.session.commit()
    return _done(case, "enquiry")


@backoffice_bp.post("/cases/<int:case_id>/stage")
@staff_required(*CASE_ROLES)
def case_stage(case_id: int):
    case = case_or_404(case_id)
    if case.status != service.OPEN:
        return _closed(case)
    form = StageForm()
    if not form.validate():
        return render_case(case, failed=("stage", form))
    try:
        service.set_stage(case, form.stage.data)
    except service.CaseRefused as refused:
        return _refused(case, "stage", form, form.stage,
                        _("The case is already at this stage: select another stage")
                        if refused.reason == "unchanged" else _("Select a stage"))
    db.session.commit()
    return _done(case, "stage")


@backoffice_bp.post("/cases/<int:case_id>/outcome")
@staff_required(*CASE_ROLES)
def case_outcome(case_id: int):
    case = case_or_404(case_id)
    form = OutcomeForm()
    if case.status != service.OPEN:
        if form.outcome.data and form.outcome.data == case.outcome_key:
            return _done(case, "closed")  # a second click on the same outcome
        return _closed(case)
    if not form.validate():
        return render_case(case, failed=("outcome", form))
    try:
        closed = service.close_case(case, form.outcome.data)
    except service.CaseRefused as refused:
        if refused.reason == "lost_needs_located":
            return _refused(case, "outcome", form, form.outcome, _(
                "This child is lost (on the lost pupils database, S2S): only an outcome that "
                "says where the child is can close the case"))
        return _refused(case, "outcome", form, form.outcome, _("Select an outcome"))
    db.session.commit()
    return _done(case, "closed" if closed else "outcome")


@backoffice_bp.post("/cases/<int:case_id>/reopen")
@staff_required(*CASE_ROLES)
def case_reopen(case_id: int):
    case = case_or_404(case_id)
    if case.status == service.OPEN:
        return _done(case, "reopened")  # already open: a second click
    form = ReopenForm()
    if not form.validate():
        return render_case(case, failed=("reopen", form))
    service.reopen(case, form.reopen_reason.data)
    db.session.commit()
    return _done(case, "reopened")


@backoffice_bp.post("/cases/<int:case_id>/details")
@staff_required(*CASE_ROLES)
def case_details(case_id: int):
    case = case_or_404(case_id)
    if case.status != service.OPEN:
        return _closed(case)
    form = DetailsForm()
    if not form.validate():
        return render_case(case, failed=("details", form))
    try:
        service.set_details(case, form.reason_code.data or None,
                            form.whereabouts.data == "yes")
    except service.CaseRefused:
        return _refused(case, "details", form, form.reason_code,
                        _("Change the reason code or the whereabouts before you save"))
    db.session.commit()
    return _done(case, "details")


# --- the PDF summary and the audit trail --------------------------------------------------

@backoffice_bp.get("/cases/<int:case_id>/summary.pdf")
@staff_required(*CASE_ROLES)
def case_summary_pdf(case_id: int):
    from portal.documents.case_summary import case_summary_pdf as make_pdf

    case = case_or_404(case_id)
    audit.record("export", "case.pdf", "case", case.id)
    db.session.commit()
    pdf = make_pdf(case, tenant=current_tenant)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="case-{case.id}-summary.pdf"',
        "Cache-Control": "no-store"})


@backoffice_bp.get("/cases/<int:case_id>/audit")
@staff_required(*AUDIT_ROLES)
def case_audit(case_id: int):
    """Who viewed and changed the case, and when. It shows no child's details, so the council
    administrator may see it too."""
    case = case_or_404(case_id)
    events = audit.trail("case", case.id)
    names = service.staff_names(e.user_id for e in events)
    rows = [{"who": names.get(e.user_id, _("Unknown")), "at": service.in_london(e.at),
             "what": service.audit_what(e.what)} for e in events]
    return render_template("backoffice/case_audit.html", case=case, rows=rows)
