"""A case's letters to the family and its tasks: `/<council>/staff/cases/<id>/letters/...`.

Create a letter from the council's templates (in the family's language), download its PDF,
record that it was sent (when and how: its reply deadline starts), record the family's reply,
and mark the task done that the council's next step set when no reply came. The logic is in
portal.casework.letters; the forms show on the case page.
"""
from __future__ import annotations

from flask import Response, abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from forms import validators as v
from forms.registry import GovDateField, GovRadioField
from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.backoffice.cases import (CASE_ROLES, DONE, FORMS, _closed, _done, _refused,
                                     case_or_404, render_case)
from portal.casework import audit
from portal.casework import cases as service
from portal.casework import letters
from portal.extensions import db
from portal.tenancy import current_tenant

LANGUAGE_NAMES = {"en": _l("English"), "cy": _l("Welsh")}


class LetterForm(FlaskForm):
    letter_template = GovRadioField(_l("Which letter?"), validate_choice=False,
                                    validators=[v.Required(_l("Select a letter"))])
    letter_language = GovRadioField(_l("Which language does the family prefer?"),
                                    validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter_template.choices = [(t.key, service.label(t.name))
                                        for t in current_tenant.letters]
        self.letter_language.choices = [(code, LANGUAGE_NAMES[code])
                                        for code in current_tenant.languages]

    def validate_letter_language(self, field) -> None:
        if len(current_tenant.languages) > 1 and not field.data:
            raise ValidationError(_("Select the language the family prefers"))


class SentForm(FlaskForm):
    sent_how = GovRadioField(_l("How was it sent?"), validate_choice=False,
                             validators=[v.Required(_l("Select how the letter was sent"))])
    sent_on = GovDateField(_l("When was it sent?"), validators=[
        v.Required(_l("Enter the date the letter was sent"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_how.choices = list(letters.SENT_HOW_NAMES.items())

    def validate_sent_on(self, field) -> None:
        if field.data and field.data > service.today():
            raise ValidationError(_("The date the letter was sent must be today or in the past"))


class ReplyForm(FlaskForm):
    reply_note = TextAreaField(_l("What did the family say?"), filters=[v.clean_text],
                               validators=[v.Required(_l("Enter what the family said")),
                                           v.MaxLength(service.TEXT_LIMIT)])


class TaskForm(FlaskForm):
    task_note = TextAreaField(_l("What was done? (optional)"), filters=[v.clean_text],
                              validators=[v.MaxLength(service.TEXT_LIMIT)])


FORMS.update({"letter": LetterForm, "letter_sent": SentForm, "letter_reply": ReplyForm,
              "task_done": TaskForm})
DONE.update({"letter": _l("The letter has been created: download it, send it, then record "
                          "that it was sent."),
             "letter_sent": _l("The letter has been recorded as sent. The family's reply is "
                               "due by the date shown."),
             "letter_reply": _l("The family's reply has been recorded."),
             "task_done": _l("The task has been marked as done.")})


def _letter_or_404(case, letter_id: int):
    letter = letters.get_letter(case, letter_id)
    if letter is None:
        abort(404)
    return letter


@backoffice_bp.post("/cases/<int:case_id>/letters")
@staff_required(*CASE_ROLES)
def case_letter(case_id: int):
    case = case_or_404(case_id)
    if case.status != service.OPEN:
        return _closed(case)
    form = LetterForm()
    if not form.validate():
        return render_case(case, failed=("letter", form))
    preferred = form.letter_language.data or current_tenant.languages[0]
    try:
        letters.create(case, current_tenant, form.letter_template.data, preferred)
    except letters.LetterRefused:
        return _refused(case, "letter", form, form.letter_template, _("Select a letter"))
    db.session.commit()
    return _done(case, "letter")


@backoffice_bp.get("/cases/<int:case_id>/letters/<int:letter_id>/letter.pdf")
@staff_required(*CASE_ROLES)
def case_letter_pdf(case_id: int, letter_id: int):
    from portal.documents.letter import letter_pdf

    case = case_or_404(case_id)
    letter = _letter_or_404(case, letter_id)
    audit.record("export", "case.letter_pdf", "case", case.id)
    db.session.commit()
    return Response(letter_pdf(case, letter, tenant=current_tenant),
                    mimetype="application/pdf", headers={
                        "Content-Disposition": f'attachment; filename="letter-{letter.id}.pdf"',
                        "Cache-Control": "no-store"})


@backoffice_bp.post("/cases/<int:case_id>/letters/<int:letter_id>/sent")
@staff_required(*CASE_ROLES)
def case_letter_sent(case_id: int, letter_id: int):
    case = case_or_404(case_id)
    letter = _letter_or_404(case, letter_id)
    if case.status != service.OPEN:
        return _closed(case)
    if letter.sent_on is not None:
        return _done(case, "letter_sent")  # a second click
    form = SentForm()
    if not form.validate():
        return render_case(case, failed=("letter_sent", form))
    letters.record_sent(case, current_tenant, letter, sent_on=form.sent_on.data,
                        how=form.sent_how.data, today=service.today())
    db.session.commit()
    return _done(case, "letter_sent")


@backoffice_bp.post("/cases/<int:case_id>/letters/<int:letter_id>/reply")
@staff_required(*CASE_ROLES)
def case_letter_reply(case_id: int, letter_id: int):
    case = case_or_404(case_id)
    letter = _letter_or_404(case, letter_id)
    if case.status != service.OPEN:
        return _closed(case)
    if letter.replied_at is not None:
        return _done(case, "letter_reply")
    form = ReplyForm()
    if not form.validate():
        return render_case(case, failed=("letter_reply", form))
    try:
        letters.record_reply(case, current_tenant, letter, form.reply_note.data, service.today())
    except (letters.LetterRefused, service.CaseRefused):
        return _refused(case, "letter_reply", form, form.reply_note,
                        _("Record that the letter was sent first"))
    db.session.commit()
    return _done(case, "letter_reply")


@backoffice_bp.post("/cases/<int:case_id>/tasks/<int:task_id>/done")
@staff_required(*CASE_ROLES)
def case_task_done(case_id: int, task_id: int):
    case = case_or_404(case_id)
    task = letters.get_task(case, task_id)
    if task is None:
        abort(404)
    if case.status != service.OPEN:
        return _closed(case)
    if task.done_at is not None:
        return _done(case, "task_done")
    form = TaskForm()
    if not form.validate():
        return render_case(case, failed=("task_done", form))
    letters.complete_task(case, current_tenant, task, form.task_note.data or "", service.today())
    db.session.commit()
    return _done(case, "task_done")
