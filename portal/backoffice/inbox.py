"""Back-office pages: the inbox, a submission (acknowledge, allocate, open or join a case) and
search.

Officers and managers work submissions; a manager allocates to anyone, an officer can take a
submission for themselves. Search is a POST so that what was searched for (a name, a date of
birth) never appears in a URL, a log line or the browser's history.
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.casework.inbox import STATUSES, VIEWS, Filters, inbox_page, state_of_due
from portal.casework.intake import (ActionRefused, acknowledge, allocate, get_case,
                                    get_submission, join_case, local_day, officer_or_none,
                                    open_case, staff_of_council)
from portal.extensions import db, htmx
from portal.tenancy import current_tenant

CASEWORKERS = ("officer", "manager")

STATUS_NAMES = {"new": _l("New"), "acknowledged": _l("Acknowledged"), "closed": _l("Closed")}
VIEW_NAMES = {"mine": _l("Allocated to me"), "unallocated": _l("Not allocated"),
              "open": _l("All open"), "closed": _l("Closed")}
DUE_NAMES = {"overdue": _l("Overdue"), "due_today": _l("Due today"), "due_soon": _l("Due soon"),
             "due": _l("Due")}
DUE_TAGS = {"overdue": "govuk-tag--red", "due_today": "govuk-tag--orange",
            "due_soon": "govuk-tag--yellow", "due": "govuk-tag--grey"}
REFUSALS = {
    "already_acknowledged": _l("This has already been acknowledged."),
    "closed": _l("This is closed: reopen its case first."),
    "unknown_team": _l("Select a team"),
    "unchanged": _l("It is already allocated to that team and officer."),
    "already_in_case": _l("This is already part of a case."),
}


def _today():
    return local_day(current_app.config["CLOCK"]())


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _filters() -> Filters:
    """The inbox filters from the query string; anything unknown is ignored, never an error."""
    args = request.args
    teams = {team.key for team in current_tenant.teams}
    view = args.get("view", "open")
    status = args.get("status") or None
    school = (args.get("school") or "").strip()
    return Filters(
        view=view if view in VIEWS else "open",
        team=args.get("team") if args.get("team") in teams else None,
        form=args.get("form") if args.get("form") in current_tenant.offered_forms else None,
        status=status if status in STATUSES else None,
        officer_id=_int_arg("officer"),
        school=school if school.isdigit() and len(school) == 7 else None,
        overdue=args.get("overdue") == "1",
        page=_int_arg("page") or 1)


def _form_titles() -> dict[str, str]:
    from portal.i18n import current_language

    language = current_language()
    forms = current_app.extensions["portal.forms"]
    return {slug: forms[(current_tenant.slug, slug)].title.get(language)
            for slug in current_tenant.offered_forms if (current_tenant.slug, slug) in forms}


def _team_names() -> dict[str, str]:
    from portal.i18n import current_language

    return {team.key: team.name.get(current_language()) for team in current_tenant.teams}


def _common() -> dict:
    staff = {user.id: user for user in staff_of_council(active_only=False)}
    return {"form_titles": _form_titles(), "team_names": _team_names(), "staff": staff,
            "status_names": STATUS_NAMES, "due_names": DUE_NAMES, "due_tags": DUE_TAGS,
            "today": _today(), "state_of_due": lambda due: state_of_due(due, _today(),
                                                                         current_tenant)}


@backoffice_bp.get("/inbox")
@staff_required(*CASEWORKERS)
def inbox():
    filters = _filters()
    page = inbox_page(filters, user_id=current_user.id, today=_today())
    context = {"filters": filters, "page": page, "view_names": VIEW_NAMES, "views": VIEWS,
               **_common()}
    if htmx and htmx.target == "inbox-results":
        return render_template("partials/_inbox_results.html", **context)
    return render_template("backoffice/inbox.html", **context)


# --- a submission --------------------------------------------------------------------------

class AllocateForm(FlaskForm):
    team = SelectField(_l("Team"), validate_choice=False,
                       validators=[InputRequired(_l("Select a team"))])
    officer = SelectField(_l("Officer"), validate_choice=False, validators=[Optional()])

    def validate_team(self, field) -> None:
        if field.data not in {team.key for team in current_tenant.teams}:
            raise ValidationError(_l("Select a team"))

    def validate_officer(self, field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Select an officer from the list"))

    def fill(self, submission) -> "AllocateForm":
        from portal.i18n import current_language

        self.team.choices = [(t.key, t.name.get(current_language())) for t in current_tenant.teams]
        self.officer.choices = [("", gettext("No officer yet"))] + [
            (str(u.id), u.display_name) for u in staff_of_council() if u.role in CASEWORKERS]
        if not self.is_submitted():
            self.team.data = submission.team_key
            self.officer.data = str(submission.officer_id or "")
        return self


class CaseChoiceForm(FlaskForm):
    case = RadioField(_l("Which case is this about?"),
                      validators=[InputRequired(_l("Select a case, or open a new one"))])


def _consent_form_class():
    """The council's consent decision on a home education notice (portal.casework.consent)."""
    from forms import validators as v
    from forms.registry import GovRadioField
    from portal.casework.consent import REASONS_LIMIT

    class ConsentForm(FlaskForm):
        consent_decision = GovRadioField(
            _l("The council's decision"),
            choices=[("granted", _l("The council consents to the child being educated at home")),
                     ("refused", _l("The council refuses its consent: the child stays on the school's roll"))],
            validate_choice=False,
            validators=[v.Required(_l("Select whether the council consents"))])
        consent_reasons = TextAreaField(
            _l("The council's reasons"), filters=[v.clean_text],
            validators=[v.Required(_l("Enter the council's reasons for its decision")),
                        v.MaxLength(REASONS_LIMIT)])
    return ConsentForm


def _submission_or_404(submission_id: int):
    submission = get_submission(submission_id)
    if submission is None:
        abort(404)
    return submission


def _suggestions(submission):
    if submission.case_id is not None:
        return []
    try:
        from portal.casework.matching import suggest_cases
    except ImportError:  # pragma: no cover - being built
        return []
    return suggest_cases(submission)


def _case_form(submission, suggestions) -> CaseChoiceForm:
    form = CaseChoiceForm()
    form.case.choices = [(str(s.case.id), str(s.case.id)) for s in suggestions] + [
        ("new", gettext("Open a new case"))]
    return form


def _render_submission(submission, *, allocate_form=None, case_form=None, status=200,
                       refusal=None, consent_form=None):
    from portal.casework.activity import timeline_of_submission

    from forms.builder import choices_for
    from forms.journey import summary
    from portal.i18n import current_language

    suggestions = _suggestions(submission)
    definition = current_app.extensions["portal.forms"].get(
        (current_tenant.slug, submission.form_slug))
    sections = summary(definition, submission.answers, current_tenant) if definition else []
    from portal.casework.deletion import panel_for
    from portal.casework.school_deadlines import from_rows, results_of_submission

    school_deadlines = from_rows(current_tenant, results_of_submission(submission.id),
                                 {submission.id: submission.reference})
    from portal.casework import consent as consent_service

    consent = consent_service.request_for(submission, current_tenant)
    return render_template(
        "backoffice/submission.html", submission=submission, definition=definition,
        school_deadlines=school_deadlines,
        panel=panel_for(submission, current_tenant, today=_today()),
        allocate_form=allocate_form or AllocateForm(formdata=None).fill(submission),
        case_form=case_form or _case_form(submission, suggestions), suggestions=suggestions,
        case=get_case(submission.case_id) if submission.case_id else None,
        activities=timeline_of_submission(submission), refusal=refusal, sections=sections,
        choices=lambda q: dict(choices_for(q, current_tenant, current_language(), _today())),
        done=request.args.get("done"), consent=consent,
        consent_form=consent_form or _consent_form_class()(formdata=None),
        consent_may_decide=consent_service.may_decide(current_user, current_tenant),
        consent_schools=consent_service.schools_told(submission) if consent else [],
        consent_max=consent_service.REASONS_LIMIT, **_common()), status


@backoffice_bp.get("/submissions/<int:submission_id>")
@staff_required(*CASEWORKERS)
def submission(submission_id: int):
    item = _submission_or_404(submission_id)
    audit.record_view("submission.view", "submission", item.id)
    return _render_submission(item)


def _done(item, what: str):
    db.session.commit()
    return redirect(url_for("backoffice.submission", submission_id=item.id, done=what), code=303)


@backoffice_bp.post("/submissions/<int:submission_id>/acknowledge")
@staff_required(*CASEWORKERS)
def acknowledge_submission(submission_id: int):
    item = _submission_or_404(submission_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        acknowledge(item, current_tenant)
    except ActionRefused as refused:
        db.session.rollback()
        return _render_submission(item, status=409, refusal=REFUSALS[refused.reason])
    return _done(item, "acknowledged")


@backoffice_bp.post("/submissions/<int:submission_id>/allocate")
@staff_required("manager")
def allocate_submission(submission_id: int):
    item = _submission_or_404(submission_id)
    form = AllocateForm().fill(item)
    if not form.validate_on_submit():
        return _render_submission(item, allocate_form=form, status=400)
    officer = officer_or_none(int(form.officer.data)) if form.officer.data else None
    try:
        allocate(item, current_tenant, team_key=form.team.data, officer=officer)
    except ActionRefused as refused:
        db.session.rollback()
        form.team.errors = [str(REFUSALS[refused.reason])]
        return _render_submission(item, allocate_form=form, status=409)
    return _done(item, "allocated")


@backoffice_bp.post("/submissions/<int:submission_id>/take")
@staff_required(*CASEWORKERS)
def take_submission(submission_id: int):
    """An officer takes a submission for themselves, in its current team."""
    item = _submission_or_404(submission_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        allocate(item, current_tenant, team_key=item.team_key, officer=current_user._get_current_object())
    except ActionRefused as refused:
        db.session.rollback()
        return _render_submission(item, status=409, refusal=REFUSALS[refused.reason])
    return _done(item, "allocated")


@backoffice_bp.post("/submissions/<int:submission_id>/case")
@staff_required(*CASEWORKERS)
def case_for_submission(submission_id: int):
    item = _submission_or_404(submission_id)
    suggestions = _suggestions(item)
    form = _case_form(item, suggestions)
    if not form.validate_on_submit():
        return _render_submission(item, case_form=form, status=400)
    try:
        if form.case.data == "new":
            case = open_case(item)
        else:
            case = get_case(int(form.case.data))
            if case is None:
                abort(404)
            join_case(item, case)
    except ActionRefused as refused:
        db.session.rollback()
        return _render_submission(item, status=409, refusal=REFUSALS[refused.reason])
    db.session.commit()
    return redirect(url_for("backoffice.case", case_id=case.id), code=303)


@backoffice_bp.post("/submissions/<int:submission_id>/deletion-condition")
@staff_required(*CASEWORKERS)
def record_deletion_condition(submission_id: int):
    """Record one condition of the council's deletion rule (its own audited action)."""
    from portal.casework.deletion import RecordRefused, record

    item = _submission_or_404(submission_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        record(item, current_tenant, condition=request.form.get("condition", ""),
               party=request.form.get("party") or None, user=current_user)
    except RecordRefused as refused:
        db.session.rollback()
        return _render_submission(item, status=409 if refused.reason == "already" else 403,
                                  refusal=DELETION_REFUSALS[refused.reason])
    return _done(item, "deletion_recorded")


@backoffice_bp.post("/submissions/<int:submission_id>/consent")
@staff_required(*CASEWORKERS)
def record_consent_decision(submission_id: int):
    """Record the council's consent decision on a home education notice (its own audited
    action, by a role the council names in [deletion.recorders] la_consent)."""
    from portal.casework.consent import ConsentRefused, decide

    item = _submission_or_404(submission_id)
    form = _consent_form_class()()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _render_submission(item, status=400, consent_form=form)
    try:
        decide(item, current_tenant, decision=form.consent_decision.data,
               reasons=form.consent_reasons.data, user=current_user)
    except ConsentRefused as refused:
        db.session.rollback()
        status = {"already": 409, "role": 403, "not_needed": 409}.get(refused.reason, 400)
        return _render_submission(item, status=status, refusal=CONSENT_REFUSALS[refused.reason])
    return _done(item, "consent_recorded")


CONSENT_REFUSALS = {
    "not_needed": _l("This notice does not need the council's consent."),
    "already": _l("The council's decision has been recorded already."),
    "role": _l("Your role cannot record the council's consent decision: the council names who may."),
    "invalid": _l("Select the decision and enter the reasons."),
}


DELETION_REFUSALS = {
    "not_a_deletion": _l("This form is not a deletion notice."),
    "not_asked": _l("The council's policy does not ask for that on this ground."),
    "already": _l("That has been recorded already."),
    "role": _l("Your role cannot record that: the council names who may."),
}


# --- search --------------------------------------------------------------------------------

class SearchForm(FlaskForm):
    q = StringField(_l("Reference, UPN, date of birth, postcode or name"),
                    filters=[lambda value: value.strip() if isinstance(value, str) else value],
                    validators=[DataRequired(_l("Enter a reference, UPN, date of birth, postcode or name")),
        Length(max=200, message=_l("Search must be 200 characters or fewer"))])
    page = IntegerField(validators=[Optional()])
    searched = HiddenField()


@backoffice_bp.route("/search", methods=["GET", "POST"])
@staff_required(*CASEWORKERS)
def search():
    from portal.casework.search import parse_query, search_submissions

    form = SearchForm()
    results, total, query = None, 0, None
    page = 1
    if request.method == "POST" and form.validate_on_submit():
        # The audit row first: committing after the search would expire the results and
        # reload each one with its own query.
        audit.record("search", "submission.search", "submission", None)
        db.session.commit()
        query = parse_query(form.q.data)
        page = max(1, min(form.page.data or 1, 1000))
        results, total = search_submissions(query, limit=25, offset=(page - 1) * 25)
    pages = max(1, -(-total // 25))
    return render_template("backoffice/search.html", form=form, results=results, total=total,
                           query=query, page=page, pages=pages, **_common())
