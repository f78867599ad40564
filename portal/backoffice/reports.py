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

Every page shown is audited as a view of a report, every download as an export. A bad period
or census date shows the GOV.UK error summary and the message beside the field (400), never a
500. Everything read goes through the council scoping.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from forms import validators as v
from forms.registry import GovDateField
from portal.access import staff_required
from portal.replica import reads_from_replica
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.extensions import db
from portal.i18n import current_language
from portal.reports import dfe_return as dfe
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


class CensusForm(FlaskForm):
    class Meta:
        csrf = False

    census = GovDateField(_l("Census date"), validators=[
        v.Required(_l("Enter the census date"))])

    def validate_census(self, field) -> None:
        if field.data is not None and field.data > _today():
            raise ValidationError(_("The census date must be today or in the past"))


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

def _census_form() -> tuple[CensusForm, bool]:
    if any(part in request.args for part in CENSUS_PARTS):
        form = CensusForm(formdata=request.args)
        return form, form.validate()
    return CensusForm(formdata=None, data={"census": _today()}), True


@backoffice_bp.get("/reports/dfe-return")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def dfe_return():
    template = "backoffice/reports/dfe_return.html"
    if current_tenant.nation != "england":
        audit.record_view("report.dfe_return", "report", None)
        return render_template(template, form=None, england=False, result=None)
    form, valid = _census_form()
    if not valid:
        return _invalid(template, form, england=True, result=None)
    result = dfe.dfe_return(current_tenant, form.census.data, language=current_language())
    audit.record_view("report.dfe_return", "report", None)
    census = form.census.data
    return render_template(template, form=form, england=True, result=result,
                           census_args={"census-day": census.day, "census-month": census.month,
                                        "census-year": census.year})


@backoffice_bp.get("/reports/dfe-return.csv")
@staff_required(*REPORT_ROLES)
@reads_from_replica
def dfe_return_csv():
    if current_tenant.nation != "england":
        abort(404)
    form, valid = _census_form()
    if not valid:
        return _invalid("backoffice/reports/dfe_return.html", form, england=True, result=None)
    result = dfe.dfe_return(current_tenant, form.census.data, language=current_language())
    audit.record("export", "report.dfe_return.csv", "report", None)
    db.session.commit()
    header = [_("Section"), _("Code"), _("Item"), _("Number")]
    name = f"{current_tenant.slug}-dfe-return-{form.census.data}.csv"
    return csv_response(to_csv(header, dfe.return_rows(result)), name)


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
