"""A school's statutory returns: the council's list of returns, a return's page (its columns
and CSV template), sending it as rows typed in the browser (works without JavaScript; htmx adds
a row in place) or as an uploaded CSV or Common Transfer File, and the confirmation.

Views read the input and call portal.returns (rows, csv_files, ctf, service). Nothing is stored
until every row of the return is valid. The school names itself by DfE number, as on the
single forms; a signed-in school user's details fill those fields when school accounts exist.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (Response, abort, current_app, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField

from forms.builder import ITEMS, make_field, serialise
from forms.registry import GovRadioField
from forms.schema import FormDefinition, Page, Repeat
from portal.access import public
from portal.extensions import db
from portal.limits import public_filing
from portal.i18n import current_language
from portal.models.school_return import SchoolReturn
from portal.public.council import council_bp
from portal.returns import csv_files, ctf, rows as row_checks
from portal.returns.service import file_return, references_of
from portal.tenancy import current_tenant, current_tenant_id
from portal.tenant_config.schema import LocalText

LONDON = ZoneInfo("Europe/London")
FILED_RETURN = "filed_return"
MAX_BROWSER_ROWS = 50
FILE_PROBLEM = 422


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _today() -> date:
    return _now().astimezone(LONDON).date()


def return_or_404(form_slug: str) -> FormDefinition:
    definition = current_app.extensions["portal.forms"].get((current_tenant.slug, form_slug))
    if definition is None or definition.bulk_school_page is None \
            or current_tenant.school_return(form_slug) is None:
        abort(404)
    return definition


def school_prefill() -> dict:
    """The school's details for the school fields: a signed-in school user's, when school
    accounts exist (issue 15, item 1); until then the school types them."""
    provider = current_app.extensions.get("portal.school_prefill")
    return provider() if provider else {}


def _school_fields(definition: FormDefinition) -> dict:
    locale, today = current_language(), _today()
    return {q.key: make_field(q, tenant=current_tenant, locale=locale, today=today, answers={})
            for q in definition.school_questions()}


def _rows_page(definition: FormDefinition) -> Page:
    """The pupils as an add-another page, drawn by partials/_repeat_items.html."""
    return Page.model_construct(
        key="pupils", title=LocalText(en="Pupils", cy="Disgyblion"), guidance=None, when=None,
        questions=definition.row_questions(),
        repeat=Repeat(min=1, max=MAX_BROWSER_ROWS,
                      item_label=LocalText(en="Pupil", cy="Disgybl"),
                      add_label=LocalText(en="Add another pupil", cy="Ychwanegu disgybl arall")))


def _rows_form_class(definition: FormDefinition):
    locale, today = current_language(), _today()
    row_fields = {q.key: make_field(q, tenant=current_tenant, locale=locale, today=today,
                                    answers={}) for q in definition.row_questions()}
    row_form = type("ReturnPupilForm", (Form,), row_fields)
    return type("ReturnRowsForm", (FlaskForm,), {
        **_school_fields(definition), "return_token": HiddenField(),
        ITEMS: FieldList(FormField(row_form), min_entries=0, max_entries=MAX_BROWSER_ROWS)})


def _upload_form_class(definition: FormDefinition):
    fields = {**_school_fields(definition), "return_token": HiddenField(),
              "file": FileField(_("Upload the return"))}
    if definition.ctf:
        fields["file_kind"] = GovRadioField(
            _("What kind of file is it?"),
            choices=[("csv", _("A CSV file made from the template")),
                     ("ctf", _("A Common Transfer File (CTF) from your management information "
                               "system"))], validate_choice=False)
        locale, today = current_language(), _today()
        for question in _ctf_questions(definition):
            fields[question.key] = make_field(question, tenant=current_tenant, locale=locale,
                                              today=today, answers={})
        fields["ctf_at_risk"] = GovRadioField(
            _("If it is a CTF: is any pupil in the file at risk of harm now?"),
            choices=[("no", _("No")), ("yes", _("Yes"))], validate_choice=False)
    return type("ReturnUploadForm", (FlaskForm,), fields)


def _ctf_questions(definition: FormDefinition):
    """What a CTF cannot say, asked once for the whole file (required only for a CTF)."""
    return [q.model_copy(update={"required": False}) for q in definition.row_questions()
            if q.key in definition.ctf_asks]


# --- the council's returns and one return's page ---------------------------------------------

@council_bp.get("/returns")
@public
def returns_list():
    forms = current_app.extensions["portal.forms"]
    items = [(item, forms[(current_tenant.slug, item.form)]) for item in current_tenant.returns]
    return render_template("public/returns_list.html", items=items)


@council_bp.get("/returns/<form_slug>")
@public
def return_start(form_slug: str):
    from forms.builder import choices_for

    definition = return_or_404(form_slug)
    locale, today = current_language(), _today()
    columns = [(q, dict(choices_for(q, current_tenant, locale, today))
                if q.type in ("yes_no", "radios", "select", "checkboxes") else None)
               for q in definition.row_questions()]
    return render_template("public/return_start.html", definition=definition,
                           config=current_tenant.school_return(form_slug), columns=columns)


@council_bp.get("/returns/<form_slug>/template.csv")
@public
def return_template(form_slug: str):
    definition = return_or_404(form_slug)
    return Response(csv_files.template_csv(definition), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{form_slug}-template.csv"'})


# --- rows in the browser ----------------------------------------------------------------------

def _rows_context(definition, form, status=200):
    return render_template("public/return_rows.html", definition=definition, form=form,
                           page=_rows_page(definition), questions=definition.row_questions(),
                           school_questions=definition.school_questions(),
                           database_down=status == 503), status


@council_bp.route("/returns/<form_slug>/rows", methods=["GET", "POST"])
@public_filing()
@public
def return_rows(form_slug: str):
    definition = return_or_404(form_slug)
    form_class = _rows_form_class(definition)
    if request.method == "GET":
        form = form_class(formdata=None, data={**school_prefill(),
                                               "return_token": secrets.token_urlsafe(32)})
        form[ITEMS].append_entry()
        return _rows_context(definition, form)
    form = form_class()
    action = request.form.get("action", "send")
    if action != "send":
        return _change_rows(definition, form, action)
    if not form.validate():
        return _rows_context(definition, form)
    school = {key: serialise(form[key].data) for key in
              (q.key for q in definition.school_questions())}
    pupils = [
        {name: serialise(sub.data) for name, sub in entry.form._fields.items()
         if sub.data not in (None, "", [])} for entry in form[ITEMS].entries]
    if _mark_duplicates(form, pupils):
        return _rows_context(definition, form)
    return _file(definition, school, pupils, list(range(1, len(pupils) + 1)), "rows",
                 form.return_token.data, lambda: _rows_context(definition, form, 503))


def _mark_duplicates(form, pupils: list[dict]) -> bool:
    """The same pupil twice: the error is beside the later one's first box."""
    seen: dict = {}
    found = False
    for number, answers in enumerate(pupils, start=1):
        key = row_checks.pupil_key(answers)
        if key in seen:
            box = form[ITEMS].entries[number - 1].form["upn" if key[0] == "upn"
                                                       else "child_first_name"]
            box.errors = [_("Pupil %(row)d is the same pupil as pupil %(first)d: list each "
                            "pupil once", row=number, first=seen[key])]
            found = True
        seen.setdefault(key, number)
    return found


def _change_rows(definition, form, action):
    """Add another pupil / remove one: no validation, the page comes back (htmx: the rows)."""
    entries = form[ITEMS]
    if action == "add" and len(entries.entries) < MAX_BROWSER_ROWS:
        entries.append_entry()
    elif action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if index.isdigit() and int(index) < len(entries.entries) and len(entries.entries) > 1:
            kept = [e.data for i, e in enumerate(entries.entries) if i != int(index)]
            data = {key: form[key].data for key in form._fields if key not in (ITEMS,
                                                                              "csrf_token")}
            form = type(form)(formdata=None, data={**data, ITEMS: kept})
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "items":
        return render_template("partials/_repeat_items.html", form=form,
                               page=_rows_page(definition),
                               questions=definition.row_questions())
    return _rows_context(definition, form)


# --- a CSV or CTF file ------------------------------------------------------------------------

def _upload_context(definition, form, status=200, row_errors=None):
    return render_template("public/return_upload.html", definition=definition, form=form,
                           school_questions=definition.school_questions(),
                           ctf_questions=_ctf_questions(definition) if definition.ctf else [],
                           row_errors=row_errors or [], database_down=status == 503,
                           column_letter=csv_files.column_letter), status


@council_bp.route("/returns/<form_slug>/upload", methods=["GET", "POST"])
@public_filing()
@public
def return_upload(form_slug: str):
    definition = return_or_404(form_slug)
    form_class = _upload_form_class(definition)
    if request.method == "GET":
        return _upload_context(definition, form_class(formdata=None, data={
            **school_prefill(), "return_token": secrets.token_urlsafe(32),
            "file_kind": "csv"}))
    request.max_content_length = current_app.config["RETURN_UPLOAD_MAX_BYTES"]
    form = form_class()
    valid = form.validate()
    upload = request.files.get("file")
    kind = form.file_kind.data if definition.ctf else "csv"
    if definition.ctf and kind not in ("csv", "ctf"):
        form.file_kind.errors = [_("Select what kind of file it is")]
        valid = False
    if upload is None or not upload.filename:
        form.file.errors = [_("Select the file of the return")]
        valid = False
    if kind == "ctf" and form.ctf_at_risk.data not in ("yes", "no"):
        form.ctf_at_risk.errors = [_("Select yes if any pupil in the file is at risk of harm "
                                     "now")]
        valid = False
    if kind == "ctf":
        for question in definition.row_questions():
            if question.key in definition.ctf_asks and not form[question.key].data:
                form[question.key].errors = [question.required_error.get(current_language())]
                valid = False
    if kind == "ctf" and form.ctf_at_risk.data == "yes":
        form.ctf_at_risk.errors = [_(
            "If a pupil is at risk of harm now, phone the council's safeguarding contact now, "
            "then send that pupil in a CSV or on the rows page, answering yes for them")]
        valid = False
    if not valid:
        return _upload_context(definition, form, FILE_PROBLEM if form.file.errors else 200)
    content = upload.read()
    if kind == "ctf":
        read = ctf.read_ctf(content)
        shared = {q.key: form[q.key].data for q in _ctf_questions(definition)}
        numbered = [(n, {**row, **shared, "at_risk_now": "no"}) for n, row in read.rows]
    else:
        read = csv_files.read_csv(content, definition)
        numbered = read.rows
    problems = list(read.errors)
    checked = None
    if not problems:
        checker = row_checks.RowChecker(definition, current_tenant, current_language(),
                                        _today())
        checked = row_checks.check_rows(checker, numbered)
        problems = checked.errors
    if problems:
        form.file.errors = [_("The file has %(count)d problems. Nothing was sent: correct them "
                              "and upload the file again", count=len(problems))
                            if len(problems) != 1 else
                            _("The file has a problem. Nothing was sent: correct it and upload "
                              "the file again")]
        return _upload_context(definition, form, FILE_PROBLEM, problems)
    school = {q.key: serialise(form[q.key].data) for q in definition.school_questions()}
    return _file(definition, school, checked.rows, checked.numbers, kind,
                 form.return_token.data, lambda: _upload_context(definition, form, 503))


# --- nothing to report this period -------------------------------------------------------------

def _none_form_class(definition: FormDefinition):
    return type("ReturnNoneForm", (FlaskForm,), {
        **_school_fields(definition), "return_token": HiddenField(),
        "confirm": BooleanField(_("No pupil of our school needs to be on this return for the "
                                  "period"))})


def _none_context(definition, form, period, status=200):
    return render_template("public/return_none.html", definition=definition, form=form,
                           config=current_tenant.school_return(definition.slug), period=period,
                           school_questions=definition.school_questions(),
                           database_down=status == 503), status


@council_bp.route("/returns/<form_slug>/none", methods=["GET", "POST"])
@public_filing()
@public
def return_none(form_slug: str):
    """A return with no pupils, for a return the council asks for at set times: the school
    says it has nobody to report, and is not reminded (portal.returns.reminders)."""
    from portal.rules.returns import latest_period

    definition = return_or_404(form_slug)
    config = current_tenant.school_return(form_slug)
    period = latest_period(config.cadence, _today(), current_tenant.calendar.school_calendar())
    if period is None:
        abort(404)
    form_class = _none_form_class(definition)
    if request.method == "GET":
        return _none_context(definition, form_class(formdata=None, data={
            **school_prefill(), "return_token": secrets.token_urlsafe(32)}), period)
    form = form_class()
    valid = form.validate()
    if not form.confirm.data:
        form.confirm.errors = [_("Confirm that no pupil of your school needs to be on this "
                                 "return")]
        valid = False
    if not valid:
        return _none_context(definition, form, period)
    school = {q.key: serialise(form[q.key].data) for q in definition.school_questions()}
    return _file(definition, school, [], [], "none", form.return_token.data,
                 lambda: _none_context(definition, form, period, 503))


# --- filing and the confirmation ---------------------------------------------------------------

def _file(definition, school, pupils, numbers, source, token, database_down):
    if not token or len(token) > 64:
        abort(400)
    try:
        filed = file_return(definition=definition, tenant=current_tenant,
                            tenant_id=current_tenant_id(), school=school, rows=pupils,
                            numbers=numbers, source=source, token=token,
                            language=current_language(), now=_now())
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("A return could not be stored: database unavailable")
        return database_down()
    session[FILED_RETURN] = filed.school_return.reference
    return redirect(url_for("council.return_sent", form_slug=definition.slug), 303)


@council_bp.get("/returns/<form_slug>/sent")
@public
def return_sent(form_slug: str):
    definition = return_or_404(form_slug)
    reference = session.get(FILED_RETURN)
    school_return = db.session.scalar(select(SchoolReturn).where(
        SchoolReturn.reference == reference, SchoolReturn.form_slug == form_slug)) \
        if reference else None
    if school_return is None:
        return redirect(url_for("council.return_start", form_slug=form_slug), 303)
    return render_template("public/return_sent.html", definition=definition,
                           school_return=school_return,
                           references=references_of(school_return))
