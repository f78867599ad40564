"""Back-office pages: reports, registers and exports (officers and managers).

* ``/reports``: the dashboard of a period's figures, with charts drawn on the server (SVG)
  and a table of the numbers beside each; the period is chosen with GET parameters that are
  dates only, never a child's details. Without them: the current term to today, or the last
  three months in the holidays.
* ``/reports/<name>.csv``: the figures, the cases established in the period, the overdue cases.
* ``/reports/dfe-return`` (+ ``.csv``): the DfE's termly return at a census date, for councils
  in England; a council in Wales is told that it does not make this return.
* ``/reports/registers/<register>`` (+ ``.csv``): children out of provision, elective home
  education, lost pupils.
* ``/reports/board.pdf``: the period's report for the safeguarding board.
* ``/reports/cases.csv``: every case of the council, one row each, streamed.
* ``/reports/late-notices`` (+ ``.csv``): notices schools sent after the deadlines they own,
  by term and by school (portal.reports.late_notices).

Every page shown is audited as a view of a report, every download as an export. A bad period
or census date shows the GOV.UK error summary and the message beside the field (400), never a
500. Everything read goes through the council scoping.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError

from forms import validators as v
from forms.registry import GovDateField
from portal.access import staff_required
from portal.replica import reads_from_replica
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.extensions import db
from portal.i18n import current_language
from portal.reports import dfe_records, dfe_validation
from portal.reports import dfe_return as dfe
from portal.reports import reasons as dfe_reasons
from portal.reports.dfe_exports import cases_by_ids, dfe_return_pdf_bytes
from portal.reports import registers as registers_module
from portal.reports.board import board_pdf, charts_for
from portal.reports.casebook import LONDON
from portal.reports import case_export
from portal.reports.csv_export import csv_response, stream_csv, to_csv
from portal.reports.figures import overdue_cases, period_figures, period_rows
from portal.tenancy import current_tenant

REPORT_ROLES = ("officer", "manager")
#: The longest period the dashboard reports on (an annual report, with room to spare).
MAX_PERIOD_DAYS = 3 * 366
PERIOD_PARTS = tuple(f"{name}-{part}" for name in ("start", "end")
                     for part in ("day", "month", "year"))
CENSUS_PARTS = tuple(f"census-{part}" for part in ("day", "month", "year"))


def _today() -> date:
    return current_app.config["CLOCK"]().astimezone(LONDON).date()


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - one of the four is a real day


def default_period(today: date) -> tuple[date, date]:
    """The current term to today; in the holidays, the last three months to today."""
    term = current_tenant.calendar.term_on(today)
    if term is not None:
        return term.start, today
    return _months_before(today, 3) + timedelta(days=1), today


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET question: it changes nothing

    start = GovDateField(_l("From"), validators=[
        v.Required(_l("Enter the first day of the period"))])
    end = GovDateField(_l("To"), validators=[
        v.Required(_l("Enter the last day of the period"))])

    def validate_end(self, field) -> None:
        if field.data is None:
            return
        if field.data > _today():
            raise ValidationError(_("The last day of the period must be today or in the past"))
        if self.start.data is not None:
            if field.data < self.start.data:
                raise ValidationError(_("The last day of the period must be the same as or "
                                        "after the first day"))
            if (field.data - self.start.data).days >= MAX_PERIOD_DAYS:
                raise ValidationError(_("The period must be 3 years or shorter"))


def _period_form() -> tuple[PeriodForm, bool]:
    asked = any(part in request.args for part in PERIOD_PARTS)
    if asked:
        form = PeriodForm(formdata=request.args)
        return form, form.validate()
    first, last = default_period(_today())
    return PeriodForm(formdata=None, data={"start": first, "end": last}), True


def _period_args(form: PeriodForm) -> dict[str, int]:
    first, last = form.start.data, form.end.data
    return {"start-day": first.day, "start-month": first.month, "start-year": first.year,
            "end-day": last.day, "end-month": last.month, "end-year": last.year}


def _invalid(template: str, form, status: int = 400, **context):
    """The page again with the errors beside the fields and what was typed kept."""
    return render_template(template, form=form, invalid=True, registers=_register_links(),
                           **context), status


def _figures(form: PeriodForm):
    return period_figures(current_tenant, form.start.data, form.end.data, today=_today(),
                          language=current_language())


# --- the dashboard -------------------------------------------------------------------------

@backoffice_bp.get("/reports")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def reports():
    form, valid = _period_form()
    if not valid:
        return _invalid("backoffice/reports/dashboard.html", form)
    figures = _figures(form)
    audit.record_view("report.dashboard", "report", None)
    return render_template("backoffice/reports/dashboard.html", form=form, figures=figures,
                           charts=charts_for(figures), period_args=_period_args(form),
                           registers=_register_links())


def _register_links() -> list[tuple[str, str]]:
    return [(slug, str(registers_module.TITLES[slug])) for slug in registers_module.REGISTERS]


# --- the period's CSV files ----------------------------------------------------------------

CSV_REPORTS = ("figures", "established", "overdue")


def _csv_of(report: str, form: PeriodForm) -> tuple[list, list]:
    if report == "figures":
        figures = _figures(form)
        return [_("Section"), _("Figure"), _("Number")], period_rows(figures)
    if report == "established":
        figures = _figures(form)
        return ([_("Case"), _("Child"), _("Date"), _("Outcome"), _("How the child was found")],
                [(r.case_id, r.child_name, r.day, r.outcome, r.how)
                 for r in figures.established_rows])
    today = _today()
    from portal.reports.registers import stage_label

    return ([_("Case"), _("Child"), _("Date of birth"), _("Stage"), _("Due"),
             _("School days overdue")],
            [(c.id, " ".join(p for p in (c.child_first_name, c.child_last_name) if p),
              c.child_dob, stage_label(current_tenant, c.stage_key, current_language()),
              c.next_due_on, _school_days_late(c.next_due_on, today))
             for c in overdue_cases(today)])


def _school_days_late(due: date, today: date) -> int:
    from portal.reports.figures import days_between

    return days_between(current_tenant, "school_days", due, today)


def _period_csv(report: str):
    form, valid = _period_form()
    if not valid:
        return _invalid("backoffice/reports/dashboard.html", form)
    header, rows = _csv_of(report, form)
    audit.record("export", f"report.{report}.csv", "report", None)
    db.session.commit()
    name = f"{current_tenant.slug}-{report}-{form.start.data}-to-{form.end.data}.csv"
    return csv_response(to_csv(header, rows), name)


@backoffice_bp.get("/reports/figures.csv")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def report_figures_csv():
    return _period_csv("figures")


@backoffice_bp.get("/reports/established.csv")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def report_established_csv():
    return _period_csv("established")


@backoffice_bp.get("/reports/overdue.csv")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def report_overdue_csv():
    return _period_csv("overdue")


@backoffice_bp.get("/reports/cases.csv")
@staff_required(*REPORT_ROLES)
def report_cases_csv():
    """Every case of the council, written as it is sent (the audit row is committed first)."""
    audit.record("export", "report.cases.csv", "report", None)
    db.session.commit()
    name = f"{current_tenant.slug}-cases-{_today()}.csv"
    return csv_response(stream_csv(case_export.header(),
                                   case_export.case_rows(current_tenant, current_language())),
                        name)


# --- the board's PDF -----------------------------------------------------------------------

@backoffice_bp.get("/reports/board.pdf")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def report_board_pdf():
    form, valid = _period_form()
    if not valid:
        return _invalid("backoffice/reports/dashboard.html", form)
    figures = _figures(form)
    now = current_app.config["CLOCK"]().astimezone(LONDON)
    pdf = board_pdf(figures, charts_for(figures, prefix="board"), tenant=current_tenant,
                    generated=now, language=current_language())
    audit.record("export", "report.board.pdf", "report", None)
    db.session.commit()
    name = f"{current_tenant.slug}-board-report-{form.start.data}-to-{form.end.data}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# --- the DfE's termly return ---------------------------------------------------------------

def _census_list() -> str:
    return ", ".join(format_date(day, format="long") for day in dfe_reasons.census_dates())


class CensusForm(FlaskForm):
    class Meta:
        csrf = False

    census = GovDateField(_l("Census date"), validators=[
        v.Required(_l("Enter the census date"))])

    def validate_census(self, field) -> None:
        if field.data is None:
            return
        if field.data > _today():
            raise ValidationError(_("The census date must be today or in the past"))
        try:
            dfe_reasons.version_for(field.data)
        except dfe_reasons.UnknownCensusDate:
            raise ValidationError(_("The census date must be one of the DfE's census dates: "
                                    "%(dates)s", dates=_census_list())) from None


def _latest_census() -> date | None:
    past = [day for day in dfe_reasons.census_dates() if day <= _today()]
    return past[-1] if past else None


def _census_form() -> tuple[CensusForm, bool]:
    if any(part in request.args for part in CENSUS_PARTS):
        form = CensusForm(formdata=request.args)
        return form, form.validate()
    return CensusForm(formdata=None, data={"census": _latest_census()}), True


def _census_args(census: date) -> dict[str, int]:
    return {"census-day": census.day, "census-month": census.month, "census-year": census.year}


def _made_return(census: date):
    """The return at ``census``: as finalised when it was (stored, exact), else made now."""
    record = dfe_records.finalised(census)
    if record is not None:
        result = dfe.new_return(current_tenant, census)
        result.figures = dict(record.figures)
        return result, record
    return dfe.dfe_return(current_tenant, census, language=current_language()), None


def _problems(result, record):
    if record is not None:
        return []
    previous = dfe_records.last_before(result.census)
    return dfe_validation.check(result, previous.figures if previous else None,
                                share=current_tenant.dfe_return.movement_warning_share)


def _not_england(template: str = "backoffice/reports/dfe_return.html"):
    audit.record_view("report.dfe_return", "report", None)
    return render_template(template, form=None, england=False, result=None), 200


@backoffice_bp.get("/reports/dfe-return")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def dfe_return():
    template = "backoffice/reports/dfe_return.html"
    if current_tenant.nation != "england":
        return _not_england()
    form, valid = _census_form()
    if not valid or form.census.data is None:
        if not valid:
            return _invalid(template, form, england=True, result=None)
        return render_template(template, form=form, england=True, result=None)
    result, record = _made_return(form.census.data)
    problems = _problems(result, record)
    audit.record_view("report.dfe_return", "report", None)
    return render_template(template, form=form, england=True, result=result, record=record,
                           problems=problems, errors=dfe_validation.errors(problems),
                           queries=dfe_validation.queries(problems),
                           cells=result.cells(current_language()),
                           census_args=_census_args(result.census))


def _export_or_refusal(kind: str):
    """The return for a download, or the page saying why there is no file (never a partial
    one): a council in Wales, a date that is not a census date, or errors in the return."""
    template = "backoffice/reports/dfe_return.html"
    if current_tenant.nation != "england":
        return None, _not_england()
    form, valid = _census_form()
    if not valid or form.census.data is None:
        return None, _invalid(template, form, england=True, result=None)
    result, record = _made_return(form.census.data)
    problems = _problems(result, record)
    if dfe_validation.errors(problems):
        audit.record_view("report.dfe_return", "report", None)
        return None, (render_template(
            template, form=form, england=True, result=result, record=record, problems=problems,
            errors=dfe_validation.errors(problems), queries=dfe_validation.queries(problems),
            cells=result.cells(current_language()), census_args=_census_args(result.census),
            refused=kind), 409)
    return (result, record), None


@backoffice_bp.get("/reports/dfe-return.csv")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def dfe_return_csv():
    made, refusal = _export_or_refusal("csv")
    if refusal is not None:
        return refusal
    result, _record = made
    audit.record("export", "report.dfe_return.csv", "report", None)
    db.session.commit()
    name = f"{current_tenant.slug}-dfe-return-{result.census}.csv"
    return csv_response(to_csv(dfe.CSV_HEADER, dfe.return_rows(result)), name)


@backoffice_bp.get("/reports/dfe-return.pdf")
@staff_required(*REPORT_ROLES)
def dfe_return_pdf():
    made, refusal = _export_or_refusal("pdf")
    if refusal is not None:
        return refusal
    result, record = made
    pdf = dfe_return_pdf_bytes(result, record, tenant=current_tenant,
                               generated=current_app.config["CLOCK"](),
                               language=current_language())
    audit.record("export", "report.dfe_return.pdf", "report", None)
    db.session.commit()
    name = f"{current_tenant.slug}-dfe-return-{result.census}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@backoffice_bp.get("/reports/dfe-return/children")
@staff_required(*REPORT_ROLES)
def dfe_return_children():
    """The children behind one number of the return: the cell is named by its item, never
    by a child."""
    if current_tenant.nation != "england":
        abort(404)
    form, valid = _census_form()
    cell = request.args.get("cell", "")
    parts = cell.split("|")
    known = {f.figure for f in dfe.new_return(current_tenant, form.census.data).cells()} \
        if valid and form.census.data else set()
    if not valid or len(parts) != 3 or cell not in known:
        # no such number in the return: back to the return (its own errors show there)
        asked = {k: request.args[k] for k in CENSUS_PARTS if k in request.args}
        return redirect(url_for("backoffice.dfe_return", **asked), 303)
    result = dfe.new_return(current_tenant, form.census.data)
    ids = dfe.children_behind(current_tenant, result, *parts)
    cases = cases_by_ids(ids)
    label = next(c for c in result.cells(current_language()) if c.figure == cell)
    audit.record_view("report.dfe_return.children", "report", None)
    return render_template("backoffice/reports/dfe_return_children.html", cases=cases,
                           cell=label, result=result, census_args=_census_args(result.census))


class FinaliseForm(FlaskForm):
    census = HiddenField()


@backoffice_bp.post("/reports/dfe-return/finalise")
@staff_required(*REPORT_ROLES)
def dfe_return_finalise():
    """Store the return as final: refused while it has errors or a query has no note."""
    if current_tenant.nation != "england":
        abort(404)
    form = FinaliseForm()
    try:
        census = date.fromisoformat(form.census.data or "")
        dfe_reasons.version_for(census)
    except (ValueError, dfe_reasons.UnknownCensusDate):
        return redirect(url_for("backoffice.dfe_return"), 303)
    if not form.validate() or census > _today():
        return redirect(url_for("backoffice.dfe_return"), 303)
    template = "backoffice/reports/dfe_return.html"
    if dfe_records.finalised(census) is not None:
        return redirect(url_for("backoffice.dfe_return", **_census_args(census)), 303)
    result = dfe.dfe_return(current_tenant, census, language=current_language())
    problems = _problems(result, None)
    notes = {p.code: (request.form.get(f"note-{p.code}") or "").strip()[:2000]
             for p in dfe_validation.queries(problems)}
    missing = [code for code, note in notes.items() if not note]
    if dfe_validation.errors(problems) or missing:
        shown = CensusForm(formdata=None, data={"census": census})
        return render_template(template, form=shown, england=True, result=result, record=None,
                               problems=problems, errors=dfe_validation.errors(problems),
                               queries=dfe_validation.queries(problems), notes=notes,
                               missing_notes=missing, cells=result.cells(current_language()),
                               census_args=_census_args(census)), 400
    dfe_records.finalise(census, result.version.key, result.figures, notes, current_user.id)
    audit.record("change", "report.dfe_return.finalise", "report", None)
    db.session.commit()
    return redirect(url_for("backoffice.dfe_return", **_census_args(census)), 303)


# --- late notices ------------------------------------------------------------------------

@backoffice_bp.get("/reports/late-notices")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def late_notices():
    """Notices schools sent after the deadlines they own, by term and by school."""
    from portal.casework.cases import form_name
    from portal.reports.late_notices import late_notices as late

    report = late(current_tenant, current_language())
    audit.record_view("report.late_notices", "report", None)
    return render_template("backoffice/reports/late_notices.html", report=report,
                           form_name=form_name)


@backoffice_bp.get("/reports/late-notices.csv")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def late_notices_csv():
    from portal.reports.late_notices import late_notices as late

    report = late(current_tenant, current_language())
    audit.record("export", "report.late_notices.csv", "report", None)
    db.session.commit()
    return csv_response(to_csv([_("Term"), _("School"), _("School's DfE number"),
                                _("Reference"), _("Deadline"), _("Due"), _("Received"),
                                _("How late")], report.rows()),
                        f"{current_tenant.slug}-late-notices-{_today()}.csv")


# --- registers -----------------------------------------------------------------------------

#: The most rows a register page shows; the CSV has them all.
PAGE_ROWS = 1000


def _register(slug: str):
    return registers_module.register(slug, current_tenant, _today(), current_language())


def _register_page(slug: str):
    found = _register(slug)
    audit.record_view(f"report.register.{slug}", "report", None)
    return render_template("backoffice/reports/register.html", register=found,
                           rows=found.rows[:PAGE_ROWS], page_rows=PAGE_ROWS,
                           csv_endpoint=f"backoffice.register_csv_{slug.replace('-', '_')}")


def _register_csv(slug: str):
    found = _register(slug)
    audit.record("export", f"report.register.{slug}.csv", "report", None)
    db.session.commit()
    return csv_response(to_csv([str(c.label) for c in found.columns], found.table()),
                        f"{current_tenant.slug}-{slug}-{_today()}.csv")


def _add_register_routes(slug: str) -> None:
    name = slug.replace("-", "_")

    @staff_required(*REPORT_ROLES)
    @reads_from_replica
    def page():
        return _register_page(slug)

    @staff_required(*REPORT_ROLES)
    @reads_from_replica
    def download():
        return _register_csv(slug)

    backoffice_bp.add_url_rule(f"/reports/registers/{slug}", f"register_{name}", page,
                               methods=["GET"])
    backoffice_bp.add_url_rule(f"/reports/registers/{slug}.csv", f"register_csv_{name}",
                               download, methods=["GET"])


for _slug in registers_module.REGISTERS:
    _add_register_routes(_slug)


def register_endpoint(slug: str) -> str:
    return f"backoffice.register_{slug.replace('-', '_')}"


@backoffice_bp.app_template_global("register_url")
def register_url(slug: str) -> str:
    return url_for(register_endpoint(slug))
