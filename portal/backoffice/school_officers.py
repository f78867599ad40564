"""The school -> named officer table, kept by the council administrator:
`/<council>/staff/school-officers`.

- the table, with the open reallocation offers on top, and an import from a CSV file (every row
  checked; any problem and nothing is stored, each problem named with its line);
- one school's row: change its officer or team (with a note), and its history;
- an offer: when a school's officer changes and open work of the school is still with the
  previous one, the administrator (or a manager) chooses to move it or leave it. Never silent.

The logic is in portal.casework.school_officers; these views read input and render.
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import StopValidation

from forms import validators as v
from forms.registry import GovRadioField, GovSelectField
from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.casework import school_officers as table
from portal.casework.cases import in_london, staff_names, team_name
from portal.extensions import db
from portal.tenancy import current_tenant

ADMIN = "council_admin"


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"))


class RowForm(FlaskForm):
    school_name = StringField(_l("School name"), filters=[v.clean_text], validators=[
        v.Required(_l("Enter the school's name"))])
    officer = GovSelectField(_l("Named officer"), choices=[])
    team = GovSelectField(_l("Team"), choices=[], validators=[v.Required(_l("Select a team"))])
    note = TextAreaField(_l("Why (optional)"), filters=[v.clean_text])

    def validate_school_name(self, field) -> None:
        if len(field.data) > 200:
            raise StopValidation(_l("The school's name must be 200 characters or fewer"))

    def validate_note(self, field) -> None:
        if field.data and len(field.data) > 500:
            raise StopValidation(_l("The note must be 500 characters or fewer"))


class OfferForm(FlaskForm):
    decision = GovRadioField(_l("What should happen to this work?"),
                             choices=[("move", _l("Move it to the new officer")),
                                      ("leave", _l("Leave it where it is"))],
                             validators=[v.Required(_l("Select whether to move the work"))])


def _names_for(changes) -> dict[int, str]:
    ids = set()
    for change in changes:
        ids.update({change.by_id, change.old_officer_id, change.new_officer_id})
    return staff_names(i for i in ids if i)


def _render_table(form: ImportForm, problems=None, status: int = 200, result=None):
    rows = table.rows()
    names = staff_names(row.officer_id for row in rows if row.officer_id)
    offers = table.open_offers()
    schools = {row.laestab: row.school_name for row in rows}
    offer_rows = [{"change": change, "count": table.count_open_work(change),
                   "school": schools.get(change.laestab, change.laestab)} for change in offers]
    return render_template("backoffice/school_officers.html", form=form, rows=rows,
                           names=names, problems=problems or [], offers=offer_rows,
                           team_name=lambda key: team_name(current_tenant, key),
                           result=result, columns=table.COLUMNS), status


@backoffice_bp.get("/school-officers")
@staff_required(ADMIN)
def school_officers():
    audit.record_view("school_officer.list", "school_officer", None)
    db.session.commit()
    return _render_table(ImportForm(formdata=None))


@backoffice_bp.post("/school-officers/import")
@staff_required(ADMIN)
def import_school_officers():
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_table(form, status=400)
    upload = request.files.get(form.file.name)
    if upload is None or not upload.filename:
        form.file.errors = [_("Select a CSV file")]
        return _render_table(form, status=400)
    data = upload.read(table.MAX_BYTES + 1)
    values, problems = table.parse_csv(data, current_tenant)
    if problems:
        form.file.errors = [_("The file has problems, listed below: nothing was changed")
                            if any(p.line for p in problems) else problems[0].message]
        return _render_table(form, problems=[p for p in problems if p.line], status=400)
    result = table.import_rows(values)
    db.session.commit()
    return redirect(url_for("backoffice.school_officers", added=result.added,
                            changed=result.changed, unchanged=result.unchanged), code=303)


def _row_or_404(laestab: str):
    row = table.row_for(laestab)
    if row is None:
        abort(404)
    return row


def _row_form(row, formdata=None) -> RowForm:
    form = RowForm(formdata=formdata, data=None if formdata is not None else {
        "school_name": row.school_name, "officer": str(row.officer_id or ""),
        "team": row.team_key})
    form.officer.choices = [("", _("No named officer: the team"))] + [
        (str(user.id), user.display_name) for user in table.staff_for_choices()]
    form.team.choices = [(team.key, team_name(current_tenant, team.key))
                         for team in current_tenant.teams]
    return form


def _render_row(row, form: RowForm, status: int = 200):
    changes = table.history(row.laestab)
    return render_template("backoffice/school_officer.html", row=row, form=form,
                           changes=changes, names=_names_for(changes), in_london=in_london,
                           team_name=lambda key: team_name(current_tenant, key)), status


@backoffice_bp.get("/school-officers/<laestab>")
@staff_required(ADMIN)
def school_officer(laestab: str):
    row = _row_or_404(laestab)
    audit.record_view("school_officer.view", "school_officer", row.id)
    db.session.commit()
    return _render_row(row, _row_form(row))


@backoffice_bp.post("/school-officers/<laestab>")
@staff_required(ADMIN)
def edit_school_officer(laestab: str):
    row = _row_or_404(laestab)
    form = _row_form(row, formdata=request.form)
    if not form.validate_on_submit():
        return _render_row(row, form, status=400)
    officer_id = int(form.officer.data) if form.officer.data else None
    change = table.edit_row(laestab, school_name=form.school_name.data, officer_id=officer_id,
                            team_key=form.team.data, note=form.note.data or None)
    db.session.commit()
    if change is not None and change.offer is None:
        return redirect(url_for("backoffice.school_officer_offer", change_id=change.id), code=303)
    return redirect(url_for("backoffice.school_officer", laestab=laestab,
                            saved=1 if change else 0), code=303)


def _change_or_404(change_id: int):
    change = table.get_change(change_id)
    if change is None:
        abort(404)
    return change


def _render_offer(change, form: OfferForm, status: int = 200):
    work = table.open_work(change) if change.offer is None else []
    row = table.row_for(change.laestab)
    return render_template("backoffice/school_officer_offer.html", change=change, form=form,
                           work=work, row=row, names=_names_for([change]),
                           team_name=lambda key: team_name(current_tenant, key)), status


@backoffice_bp.get("/school-officers/offers/<int:change_id>")
@staff_required(ADMIN, "manager")
def school_officer_offer(change_id: int):
    change = _change_or_404(change_id)
    audit.record_view("school_officer.offer", "school_officer_change", change.id)
    db.session.commit()
    return _render_offer(change, OfferForm(formdata=None))


@backoffice_bp.post("/school-officers/offers/<int:change_id>/decision")
@staff_required(ADMIN, "manager")
def settle_school_officer_offer(change_id: int):
    change = _change_or_404(change_id)
    form = OfferForm()
    if change.offer is not None:
        return redirect(url_for("backoffice.school_officer_offer", change_id=change.id), code=303)
    if not form.validate_on_submit():
        return _render_offer(change, form, status=400)
    moved = table.settle(change, current_tenant, move=form.decision.data == "move")
    db.session.commit()
    return redirect(url_for("backoffice.school_officer_offer", change_id=change.id,
                            moved=moved), code=303)
