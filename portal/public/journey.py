"""The public form journeys: start, one page at a time, check your answers, send, confirmation
and the PDF receipt. Views read input, call forms/ and portal/submissions/, and render.

Addresses carry only the council, the form and the page: never an answer. Answers in progress
are in a server-side draft; the session cookie holds its token.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (Response, abort, current_app, redirect, render_template, request,
                   session, url_for)
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from forms.builder import ITEMS, build_page_form, choices_for, initial_data, page_answers
from forms.journey import (CHECK, first_incomplete_page, is_urgent, next_page_key,
                           page_by_key, previous_page_key, summary, visible_questions)
from forms.schema import FormDefinition, Page
from portal.access import public
from portal.extensions import db
from portal.limits import public_filing
from portal.i18n import current_language
from portal.models.submission import Submission
from portal.public.council import council_bp
from portal.rules.school_age import is_of_compulsory_school_age
from portal.submissions import drafts
from portal.submissions.store import file_submission, readiness_for, received_in_london
from portal.tenancy import current_tenant, current_tenant_id

LONDON = ZoneInfo("Europe/London")
FILED = "filed"
DATABASE_DOWN = 503


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _today() -> date:
    return _now().astimezone(LONDON).date()


def definition_or_404(form_slug: str) -> FormDefinition:
    definition = current_app.extensions["portal.forms"].get((current_tenant.slug, form_slug))
    if definition is None:
        abort(404)
    return definition


# --- start -----------------------------------------------------------------------------------

@council_bp.get("/forms/<form_slug>")
@public
def form_start(form_slug: str):
    definition = definition_or_404(form_slug)
    return render_template("public/form_start.html", definition=definition)


@council_bp.post("/forms/<form_slug>")
@public_filing(starts_a_notice=True)
@public
def form_begin(form_slug: str):
    definition = definition_or_404(form_slug)
    try:
        drafts.start_draft(current_tenant.slug, form_slug, current_language(), _now())
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return render_template("public/form_start.html", definition=definition,
                               database_down=True), DATABASE_DOWN
    return redirect(url_for("council.form_page", form_slug=form_slug,
                            page_key=definition.pages[0].key), 303)


def _draft_or_restart(form_slug: str):
    draft = drafts.current_draft(current_tenant.slug, form_slug, _now())
    if draft is None:
        return None, redirect(url_for("council.form_start", form_slug=form_slug), 303)
    return draft, None


# --- one page ----------------------------------------------------------------------------------

def _page_context(definition: FormDefinition, page: Page, answers: dict, form) -> dict:
    tenant = current_tenant
    back = previous_page_key(definition, page.key, answers, tenant)
    return {
        "definition": definition, "page": page, "form": form, "answers": answers,
        "questions": visible_questions(page, answers, tenant),
        "urgent": is_urgent(definition, answers),
        "back_url": url_for("council.form_page", form_slug=definition.slug, page_key=back)
        if back else url_for("council.form_start", form_slug=definition.slug),
        "changing": request.args.get("change") == "1",
    }


@council_bp.route("/forms/<form_slug>/<page_key>", methods=["GET", "POST"])
@public_filing()
@public
def form_page(form_slug: str, page_key: str):
    definition = definition_or_404(form_slug)
    page = page_by_key(definition, page_key)
    if page is None:
        abort(404)
    locale, today = current_language(), _today()
    try:
        draft, restart = _draft_or_restart(form_slug)
    except SQLAlchemyError:
        db.session.rollback()
        return _page_database_down(definition, page, locale, today)
    if restart:
        return restart
    answers = dict(draft.answers)
    form_class = build_page_form(definition, page, tenant=current_tenant, locale=locale,
                                 today=today, answers=answers)

    if request.method == "GET":
        form = form_class(formdata=None, data=initial_data(page, answers))
        if page.repeat and not form[ITEMS].entries:
            for _index in range(max(page.repeat.min, 1)):
                form[ITEMS].append_entry()
        return render_template("public/form_page.html",
                               **_page_context(definition, page, answers, form))

    form = form_class()
    action = request.form.get("action", "continue")
    if page.repeat and action != "continue":
        return _change_items(definition, page, form, answers, action)
    if not form.validate():
        return render_template("public/form_page.html",
                               **_page_context(definition, page, answers, form)), 200
    answers.update(page_answers(form, page))
    try:
        drafts.save_answers(draft, answers, _now(), locale)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return _page_database_down(definition, page, locale, today, form=form)
    if request.args.get("change") == "1" or first_incomplete_page(
            definition, answers, current_tenant) is None:
        target = first_incomplete_page(definition, answers, current_tenant) or CHECK
    else:
        target = next_page_key(definition, page.key, answers, current_tenant)
    if target == CHECK:
        return redirect(url_for("council.form_check", form_slug=form_slug), 303)
    return redirect(url_for("council.form_page", form_slug=form_slug, page_key=target), 303)


def _change_items(definition, page, form, answers, action):
    """Add another / remove on an add-another page: no validation, the page comes back."""
    entries = form[ITEMS]
    if action == "add" and len(entries.entries) < page.repeat.max:
        entries.append_entry()
    elif action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if index.isdigit() and int(index) < len(entries.entries) and len(entries.entries) > 1:
            kept = [e.data for i, e in enumerate(entries.entries) if i != int(index)]
            form = type(form)(formdata=None, data={ITEMS: kept})
    context = _page_context(definition, page, answers, form)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "items":
        return render_template("partials/_repeat_items.html", **context)
    return render_template("public/form_page.html", **context)


def _page_database_down(definition, page, locale, today, form=None):
    """Nothing could be saved: the page comes back with what was typed, and says so."""
    if form is None:
        form = build_page_form(definition, page, tenant=current_tenant, locale=locale,
                               today=today, answers={})()
    context = _page_context(definition, page, {}, form)
    return render_template("public/form_page.html", database_down=True, **context), \
        DATABASE_DOWN


# --- check your answers and send ------------------------------------------------------------

def _school_age_warning(definition: FormDefinition, answers: dict) -> bool:
    for key, (_page, question) in definition.all_questions().items():
        if question.school_age_warning and answers.get(key):
            if not is_of_compulsory_school_age(date.fromisoformat(answers[key]), _today()):
                return True
    return False


def _check_context(definition: FormDefinition, draft) -> dict:
    answers = draft.answers
    return {
        "definition": definition, "sections": summary(definition, answers, current_tenant),
        "urgent": is_urgent(definition, answers), "submission_token": draft.submission_token,
        "school_age_warning": _school_age_warning(definition, answers),
        "choices": lambda q: dict(choices_for(q, current_tenant, current_language(), _today())),
        "back_url": url_for("council.form_page", form_slug=definition.slug,
                            page_key=previous_page_key(definition, CHECK, answers,
                                                       current_tenant)),
    }


@council_bp.get("/forms/<form_slug>/check")
@public
def form_check(form_slug: str):
    definition = definition_or_404(form_slug)
    draft, restart = _draft_or_restart(form_slug)
    if restart:
        return restart
    missing = first_incomplete_page(definition, draft.answers, current_tenant)
    if missing:
        return redirect(url_for("council.form_page", form_slug=form_slug, page_key=missing), 303)
    return render_template("public/form_check.html", **_check_context(definition, draft))


@council_bp.post("/forms/<form_slug>/check")
@public_filing()
@public
def form_send(form_slug: str):
    definition = definition_or_404(form_slug)
    token = request.form.get("submission_token", "")
    try:
        draft = drafts.current_draft(current_tenant.slug, form_slug, _now())
        if draft is None or draft.submission_token != token:
            # A repeat of a POST that already filed (double click, back and resend).
            from portal.submissions.store import find_by_token

            filed = find_by_token(token) if token else None
            if filed is None or filed.form_slug != form_slug:
                return redirect(url_for("council.form_start", form_slug=form_slug), 303)
            reference = filed.reference
        else:
            missing = first_incomplete_page(definition, draft.answers, current_tenant)
            if missing:
                return redirect(url_for("council.form_page", form_slug=form_slug,
                                        page_key=missing), 303)
            filed = file_submission(draft, definition=definition, tenant=current_tenant,
                                    tenant_id=current_tenant_id(), now=_now())
            reference = filed.submission.reference
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("A submission could not be stored: database unavailable")
        return render_template("public/form_not_sent.html", definition=definition), \
            DATABASE_DOWN
    _remember_filed(form_slug, reference)
    drafts.forget_draft(current_tenant.slug, form_slug)
    return redirect(url_for("council.form_confirmation", form_slug=form_slug), 303)


def _remember_filed(form_slug: str, reference: str) -> None:
    filed = dict(session.get(FILED) or {})
    filed[drafts.draft_key(current_tenant.slug, form_slug)] = reference
    session[FILED] = filed


def _filed_submission(form_slug: str) -> Submission | None:
    reference = (session.get(FILED) or {}).get(drafts.draft_key(current_tenant.slug, form_slug))
    if not reference:
        return None
    return db.session.scalar(select(Submission).where(Submission.reference == reference))


# --- confirmation and receipt -------------------------------------------------------------

@council_bp.get("/forms/<form_slug>/confirmation")
@public
def form_confirmation(form_slug: str):
    definition = definition_or_404(form_slug)
    submission = _filed_submission(form_slug)
    if submission is None:
        return redirect(url_for("council.form_start", form_slug=form_slug), 303)
    readiness = readiness_for(definition, submission.answers, current_tenant,
                              received_in_london(submission).date())
    return render_template("public/form_confirmation.html", definition=definition,
                           submission=submission, readiness=readiness)


@council_bp.get("/forms/<form_slug>/receipt.pdf")
@public
def form_receipt(form_slug: str):
    from portal.documents.receipt import receipt_pdf

    definition = definition_or_404(form_slug)
    submission = _filed_submission(form_slug)
    if submission is None:
        abort(404)
    pdf = receipt_pdf(definition=definition, submission=submission, tenant=current_tenant)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="receipt-{submission.reference}.pdf"'})


# --- inline checks (htmx) ---------------------------------------------------------------------

@council_bp.post("/forms/check/<kind>")
@public_filing()
@public
def check_field(kind: str):
    """As a UPN or DfE number is typed: is it well formed, and which school is it?"""
    from forms import validators as checks
    from portal.rules.laestab import validate_laestab
    from portal.rules.upn import validate_upn

    # htmx sends the whole form; the box being typed in is named by HX-Trigger-Name.
    value = (request.form.get(request.headers.get("HX-Trigger-Name") or "") or "")[:20]
    if kind == "upn":
        result = validate_upn(value)
        ok, message = result.valid, None
        if not ok and value.strip():
            message = {"WRONG_LENGTH": checks.message("upn_length"),
                       "BAD_CHARACTERS": checks.message("upn_characters")}.get(
                result.error.name if result.error else "", checks.message("upn_check_letter"))
        school = None
    elif kind == "laestab":
        result = validate_laestab(value)
        ok = result.valid
        message = None if ok or not value.strip() else checks.message("laestab_length")
        school = current_tenant.school(result.normalised) if ok else None
    else:
        abort(404)
    return render_template("partials/_field_check.html", ok=ok and bool(value.strip()),
                           message=message, school=school, kind=kind)


@council_bp.app_template_filter("as_date")
def _as_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
