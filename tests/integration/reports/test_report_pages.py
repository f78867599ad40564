"""The report pages, downloads and registers as an officer uses them: what they show, the CSV
and PDF files opened and read, who may see them, bad periods, and the audit trail."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from bs4 import BeautifulSoup

from tests.integration.reports.conftest import signed_in
from tests.integration.reports.dataset import NOW

FEBRUARY = {"start-day": "1", "start-month": "2", "start-year": "2026",
            "end-day": "28", "end-month": "2", "end-year": "2026"}
BASE = "/liverpool/staff/reports"


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _table(soup, table_id) -> dict[str, str]:
    table = soup.find("table", id=table_id)
    return {row.th.get_text(" ", strip=True): row.td.get_text(" ", strip=True)
            for row in table.tbody.find_all("tr")}


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _audit(app, user_id) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import AuditEvent
    from portal.tenancy import unscoped

    with app.app_context(), unscoped():
        rows = db.session.execute(select(AuditEvent.action, AuditEvent.what, AuditEvent.object_type)
                                  .where(AuditEvent.user_id == user_id)
                                  .order_by(AuditEvent.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


# --- the dashboard -------------------------------------------------------------------------

def test_the_dashboard_shows_the_periods_figures_with_charts_and_tables(reports_app):
    client = signed_in(reports_app)
    response = client.get(BASE, query_string=FEBRUARY)
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == "Reports"
    assert "From 1 February 2026 to 28 February 2026" in soup.get_text(" ")
    cme = _table(soup, "cme-figures")
    assert cme["Missing education at the start of the period"] == "9"
    assert cme["Went missing in the period"] == "4"
    assert cme["Stopped being missing in the period"] == "5"
    assert cme["Missing education at the end of the period"] == "8"
    assert cme["Whereabouts not known at the end of the period"] == "6"
    today = _table(soup, "today-figures")
    assert today["Open cases past a council deadline"] == "2"
    # four charts, each an accessible image with a title and a description listing the bars,
    # and no style attribute (the page checker fails on one)
    charts = soup.find_all("svg")
    assert len(charts) == 4
    for chart in charts:
        assert chart["role"] == "img"
        assert chart.title and chart.desc
        assert not chart.find(style=True)
    reasons = next(c for c in charts if "primary reason" in c.title.get_text().lower())
    assert "Believed to have moved to another local authority: 2" in reasons.desc.get_text()
    # beside each chart, a table of the same numbers
    tables = {t.caption.get_text(strip=True): t for t in soup.find_all("table")}
    reason_table = tables[reasons.title.get_text(strip=True)]
    assert "Believed to have moved to another local authority" in reason_table.get_text(" ")
    # the menu leads here
    menu = soup.find(class_="govuk-service-navigation")
    assert "Reports" in menu.find("a", href=BASE).get_text()


def test_the_default_period_is_the_current_term_to_today(reports_app):
    client = signed_in(reports_app)
    soup = _soup(client.get(BASE))
    # Liverpool's spring term started on 5 January 2026; today is 20 March 2026
    assert "From 5 January 2026 to 20 March 2026" in soup.get_text(" ")
    assert soup.find("input", id="start-day")["value"] == "5"
    assert soup.find("input", id="end-month")["value"] == "3"


def test_in_the_holidays_the_default_period_is_the_last_three_months(reports_app):
    with reports_app.test_request_context("/liverpool/staff/reports"):
        from portal.backoffice.reports import default_period
        from portal.tenancy import set_request_tenant, tenants

        set_request_tenant(tenants()["liverpool"])
        # 2 April 2026 is in the Easter holidays: no term
        assert default_period(date(2026, 4, 2)) == (date(2026, 1, 3), date(2026, 4, 2))
        assert default_period(date(2026, 2, 3)) == (date(2026, 1, 5), date(2026, 2, 3))


@pytest.mark.parametrize("args, field, message", [
    ({**FEBRUARY, "end-day": "1", "end-month": "1"}, "end",
     "The last day of the period must be the same as or after the first day"),
    ({**FEBRUARY, "start-day": "30"}, "start", "Enter a real date, for example 27 3 2012"),
    ({**FEBRUARY, "end-day": "31", "end-month": "2"}, "end",
     "Enter a real date, for example 27 3 2012"),
    ({**FEBRUARY, "start-year": "1926"}, "end", "The period must be 3 years or shorter"),
    ({**FEBRUARY, "start-year": "99999"}, "start", "Enter a real date, for example 27 3 2012"),
    ({**FEBRUARY, "end-year": "2027"}, "end",
     "The last day of the period must be today or in the past"),
    ({**FEBRUARY, "start-day": ""}, "start", "The date must include a day, a month and a year"),
    ({"start-day": "", "start-month": "", "start-year": "", "end-day": "", "end-month": "",
      "end-year": ""}, "start", "Enter the first day of the period"),
    ({**FEBRUARY, "start-day": "x", "start-month": "=1+1"}, "start",
     "Enter a real date, for example 27 3 2012"),
])
def test_a_bad_period_gets_a_govuk_error_and_keeps_what_was_typed(reports_app, args, field,
                                                                    message):
    client = signed_in(reports_app)
    for url in (BASE, f"{BASE}/figures.csv", f"{BASE}/board.pdf"):
        response = client.get(url, query_string=args)
        assert response.status_code == 400, (url, response.status_code)
        soup = _soup(response)
        assert soup.title.get_text(strip=True).startswith("Error: Reports")
        summary = soup.find(class_="govuk-error-summary")
        assert message in summary.get_text(" ")
        assert summary.find("a")["href"] == f"#{field}-day"
        error = soup.find(id=f"{field}-error")
        assert message in error.get_text(" ")
        typed = soup.find("input", id=f"{field}-year")["value"]
        assert typed == args[f"{field}-year"]


# --- CSV and PDF ---------------------------------------------------------------------------

def test_the_figures_csv_holds_every_figure(reports_app):
    client = signed_in(reports_app)
    response = client.get(f"{BASE}/figures.csv", query_string=FEBRUARY)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "liverpool-figures-2026-02-01-to-2026-02-28.csv" in response.headers[
        "Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["Section", "Figure", "Number"]
    figures = {(section, figure): value for section, figure, value in rows[1:]}
    assert figures[("Children missing education",
                    "Missing education at the end of the period")] == "8"
    assert figures[("Primary reason (missing at the end of the period)",
                    "Believed to have moved to another local authority")] == "2"
    assert figures[("Whereabouts or education established in the period", "Total")] == "4"
    assert figures[("Notifications received in the period", "Schools")] == "3"
    assert figures[("Acknowledge a new notification", "Done late")] == "1"
    assert figures[("Allocate a new notification to an officer", "Median time taken")] == "1.5"
    assert figures[("Today", "Urgent open cases")] == "2"


def test_the_established_and_overdue_csvs_list_the_cases(reports_app, ids):
    client = signed_in(reports_app)
    rows = _csv(client.get(f"{BASE}/established.csv", query_string=FEBRUARY))
    assert rows[0] == ["Case", "Child", "Date", "Outcome", "How the child was found"]
    assert [row[0] for row in rows[1:]] == [str(ids[c]) for c in ("c02", "c08", "c04", "c14")]
    assert rows[1][2:] == ["2026-02-10", "Back in school",
                           "Capita One checked for another education provider or home education"]
    overdue = _csv(client.get(f"{BASE}/overdue.csv"))
    assert [(row[0], row[4]) for row in overdue[1:]] == [(str(ids["c11"]), "2026-03-10"),
                                                         (str(ids["c12"]), "2026-03-19")]
    # 10 March to 20 March: 11, 12, 13, 16, 17, 18, 19, 20 March
    assert overdue[1][5] == "8"


def test_every_case_downloads_streamed_one_row_each_without_the_childs_details(reports_app,
                                                                            ids, monkeypatch):
    from portal.reports import csv_export

    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 4)  # 18 cases: several chunks
    client = signed_in(reports_app)
    page = client.get(BASE)
    assert "/reports/cases.csv" in page.get_data(as_text=True)
    response = client.get(f"{BASE}/cases.csv", buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 3
    body = b"".join(chunks)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Case", "Opened", "Status", "Stage", "Team", "Urgent",
                       "DfE reason code", "Whereabouts known", "Outcome", "Closed"]
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Case
    from portal.tenancy import tenant_id_for, unscoped

    with reports_app.app_context(), unscoped():
        liverpool = db.session.scalars(select(Case.id).where(
            Case.tenant_id == tenant_id_for("liverpool"))).all()
        names = db.session.execute(select(Case.child_first_name, Case.child_last_name)).all()
        db.session.remove()
    # every case of the council once, none of another council's (c19 Southwark, c20 RCT)
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(liverpool)
    assert ids["c19"] not in liverpool and ids["c20"] not in liverpool and len(liverpool) >= 18
    by_id = {int(row[0]): row for row in rows[1:]}
    c02 = by_id[ids["c02"]]
    assert (c02[2], c02[8], c02[9][:10]) == ("Closed", "Back in school", "2026-02-10")
    assert by_id[ids["c01"]][6:8] == ["cme_believed_moved_la", "no"]
    text = body.decode("utf-8-sig")
    for first, last in names:
        assert f"{first} {last}" not in text and (not last or last not in text)


def test_the_board_pdf_opens_and_holds_the_figures_and_charts(reports_app):
    from pypdf import PdfReader

    client = signed_in(reports_app)
    response = client.get(f"{BASE}/board.pdf", query_string=FEBRUARY)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    text = " ".join(text.split())
    assert "report for the safeguarding board" in text
    assert "From 1 February 2026 to 28 February 2026" in text
    assert "Missing education at the end of the period 8" in text
    assert "Went missing in the period 4" in text
    assert "Believed to have moved to another local authority 2" in text
    assert "Unsuitable elective home education" in text
    assert "Liverpool City Council" in text
    # the charts are drawn (vector paths), not left out: a page has more than text on it
    assert len(reader.pages) >= 2


# --- the DfE return ------------------------------------------------------------------------

def test_the_dfe_return_page_at_a_census_date_and_its_errors_block_the_files(reports_app, ids):
    client = signed_in(reports_app)
    census = {"census-day": "15", "census-month": "1", "census-year": "2026"}
    response = client.get(f"{BASE}/dfe-return", query_string=census)
    assert response.status_code == 200
    soup = _soup(response)
    rows = {(r.find_all("td")[0].get_text(strip=True), r.find_all("td")[1].get_text(strip=True)):
            r.find_all("td")[2].get_text(strip=True)
            for r in soup.find("table", id="dfe-return-table").tbody.find_all("tr")}
    assert rows[("Children missing education at the census date", "Total")] == "6"
    assert rows[("Children missing education at the census date",
                 "Reason: Unsuitable elective home education")] == "1"
    assert rows[("Children in elective home education at the census date", "Total")] == "2"
    # c14's code "XYZ" is on no DfE list: an error, with a link to the case to put it right
    errors = soup.find(id="dfe-errors").find_next("ul").get_text(" ")
    assert "reason code that is on none of the DfE's lists" in errors
    assert soup.find("a", href=f"/liverpool/staff/cases/{ids['c14']}")
    assert "Download the return (CSV)" not in soup.get_text(" ")
    for url in (f"{BASE}/dfe-return.csv", f"{BASE}/dfe-return.pdf"):
        refused = client.get(url, query_string=census)
        assert refused.status_code == 409
        assert refused.mimetype == "text/html"
        assert "No file was made: the return has errors" in _soup(refused).get_text(" ")


def test_the_dfe_return_defaults_to_the_last_census_date_and_refuses_bad_dates(reports_app):
    client = signed_in(reports_app)
    soup = _soup(client.get(f"{BASE}/dfe-return"))
    assert "At the end of 15 January 2026" in soup.get_text(" ")
    for census, message in (({"census-day": "31", "census-month": "2", "census-year": "2026"},
                             "Enter a real date"),
                            ({"census-day": "21", "census-month": "5", "census-year": "2026"},
                             "The census date must be today or in the past"),
                            ({"census-day": "14", "census-month": "1", "census-year": "2026"},
                             "The census date must be one of the DfE's census dates"),
                            ({"census-day": "", "census-month": "", "census-year": ""},
                             "Enter the census date")):
        for url in (f"{BASE}/dfe-return", f"{BASE}/dfe-return.csv", f"{BASE}/dfe-return.pdf"):
            response = client.get(url, query_string=census)
            assert response.status_code == 400
            assert response.mimetype == "text/html"
            assert message in _soup(response).find(class_="govuk-error-summary").get_text(" ")


def test_a_welsh_council_is_told_it_does_not_make_the_dfe_return(reports_app):
    client = signed_in(reports_app, "rhondda-cynon-taf")
    for url in ("/rhondda-cynon-taf/staff/reports/dfe-return",
                "/rhondda-cynon-taf/staff/reports/dfe-return.csv",
                "/rhondda-cynon-taf/staff/reports/dfe-return.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/html"  # no file
        assert "This council is in Wales, so it does not make this return" in \
            response.get_data(as_text=True)
    dashboard = client.get("/rhondda-cynon-taf/staff/reports").get_data(as_text=True)
    assert "DfE termly return" not in dashboard


# --- registers -----------------------------------------------------------------------------

def test_the_children_out_of_provision_register(reports_app, ids):
    """Liverpool's register is its panel's list (portal.casework.panels): the open cases at the
    stages the panel takes (tracking, the panel's own) or lost, not every open case."""
    client = signed_in(reports_app)
    response = client.get(f"{BASE}/registers/children-out-of-provision")
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == "Children Out of Provision Panel"
    rows = soup.find("table").tbody.find_all("tr")
    assert len(rows) == 3  # c01 c12 c18; not c05 c09 c11 c13 (open, at no panel stage)
    first = rows[0].get_text(" ", strip=True)
    assert f"Case {ids['c18']}" in first and "Urgent" in first  # urgent first
    text = soup.get_text(" ")
    assert "Children Out of Provision Panel (every fortnight)" in text  # c12's stage
    table = _csv(client.get(f"{BASE}/registers/children-out-of-provision.csv"))
    header = table[0]
    assert header[:4] == ["Case", "Child", "Date of birth", "Urgent"]
    assert header[-1] == "Next review at the panel"
    by_case = {row[0]: dict(zip(header, row)) for row in table[1:]}
    assert set(by_case) == {str(ids[c]) for c in ("c01", "c12", "c18")}
    c12 = by_case[str(ids["c12"])]
    assert (c12["Last action"], c12["Last action on"]) == ("Case details changed", "2026-01-20")
    assert c12["Stage"] == "Children Out of Provision Panel (every fortnight)"
    # Not yet seen by the panel: each comes to its next meeting, Tuesday 24 March 2026.
    assert {row["Next review at the panel"] for row in by_case.values()} == {"2026-03-24"}


def test_the_elective_home_education_register(reports_app, ids):
    client = signed_in(reports_app)
    assert client.get(f"{BASE}/registers/elective-home-education").status_code == 200
    table = _csv(client.get(f"{BASE}/registers/elective-home-education.csv"))
    header = table[0]
    assert header == ["Case", "Child", "Date of birth", "Home educated since",
                      "Parents and carers", "Address", "Postcode", "School left",
                      "Who provides the education", "Roughly how much education",
                      "Primary reason"]
    rows = [dict(zip(header, row)) for row in table[1:]]
    assert [row["Case"] for row in rows] == [str(ids[c]) for c in ("c17", "c07", "c08")]
    c07 = rows[1]
    assert c07["Parents and carers"] == "Pat Testparent (Mother); Lee Testparent"
    assert c07["Address"] == "1 Test Street Liverpool"
    assert c07["Postcode"] == "L1 1AA"
    assert c07["School left"] == "Test Primary School"
    assert c07["Who provides the education"] == "Parent with a tutor"
    assert c07["Roughly how much education"] == "About 20 hours a week"
    assert c07["Primary reason"] == "Philosophical or preferential"
    assert c07["Home educated since"] == "2025-09-30"
    assert rows[2]["Parents and carers"] == "Not recorded"  # c08 came from a CME referral
    assert rows[2]["Primary reason"] == "Unknown"


def test_the_lost_pupils_register(reports_app, ids):
    client = signed_in(reports_app)
    assert client.get(f"{BASE}/registers/lost-pupils").status_code == 200
    table = _csv(client.get(f"{BASE}/registers/lost-pupils.csv"))
    assert table[1] == [str(ids["c06"]), "Lost Child06", "2014-05-01", "A341200110001",
                        table[1][4], "L4 0TH", "2026-02-25", "", ""]  # closed before lost cases stayed open
    assert table[1][4].endswith("(3412008)")
    assert len(table) == 2


def test_csv_cells_cannot_run_as_formulas():
    from portal.reports.csv_export import to_csv

    body = to_csv(["a", "b"], [["=HYPERLINK(\"x\")", "+1"], ["-2", "@SUM(A1)"], ["ok", -3],
                               ["\tx", "Ffion Ap Siôn"]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "'+1"]
    assert rows[2] == ["'-2", "'@SUM(A1)"]
    assert rows[3] == ["ok", "-3"]  # a number stays a number
    assert rows[4] == ["'\tx", "Ffion Ap Siôn"]


# --- who may see them, and the audit trail -------------------------------------------------

REPORT_URLS = [BASE, f"{BASE}/figures.csv", f"{BASE}/established.csv", f"{BASE}/overdue.csv",
               f"{BASE}/cases.csv",
               f"{BASE}/board.pdf", f"{BASE}/dfe-return", f"{BASE}/dfe-return.csv",
               *[f"{BASE}/registers/{slug}{ext}" for slug in
                 ("children-out-of-provision", "elective-home-education", "lost-pupils")
                 for ext in ("", ".csv")]]


def test_the_council_administrator_and_other_councils_get_404(reports_app):
    admin = signed_in(reports_app, role="council_admin")
    stranger = signed_in(reports_app, "southwark", role="manager")
    for url in REPORT_URLS:
        assert admin.get(url).status_code == 404, url
        assert stranger.get(url).status_code == 404, url
    manager = signed_in(reports_app, role="manager")
    for url in REPORT_URLS:
        # the DfE return's CSV is refused (409) while the data set's return has an error
        assert manager.get(url).status_code == (409 if url.endswith("dfe-return.csv")
                                                else 200), url


COPP_CME = 9  # the "Missing education" column of the children out of provision CSV


def test_another_councils_report_shows_only_its_own_cases(reports_app, ids):
    client = signed_in(reports_app, "southwark")
    rows = _csv(client.get("/southwark/staff/reports/registers/children-out-of-provision.csv"))
    assert [row[0] for row in rows[1:]] == [str(ids["c19"])]
    soup = _soup(client.get("/southwark/staff/reports", query_string=FEBRUARY))
    # Southwark's definition (checks and a home visit) is not met by c19 yet: at risk
    figures = _table(soup, "cme-figures")
    assert figures["Missing education at the end of the period"] == "0"
    assert figures["At risk of missing education at the end of the period (the definition not met yet)"] == "1"
    assert "Early Help home visit" in soup.select_one("#cme-definition").get_text()
    assert rows[0][COPP_CME] == "Missing education"
    assert rows[1][COPP_CME].startswith("At risk")


def test_views_and_downloads_are_audited_without_personal_data(reports_app):
    from tests.integration.auth.helpers import make_officer, sign_in
    from tests.conftest import CheckedClient

    officer = make_officer(reports_app, "liverpool")
    client = CheckedClient(reports_app.test_client())
    sign_in(client, officer, at=NOW)
    client.get(BASE, query_string=FEBRUARY)
    client.get(f"{BASE}/figures.csv", query_string=FEBRUARY)
    client.get(f"{BASE}/board.pdf", query_string=FEBRUARY)
    client.get(f"{BASE}/dfe-return")
    client.get(f"{BASE}/registers/elective-home-education")
    client.get(f"{BASE}/registers/lost-pupils.csv")
    client.get(f"{BASE}/cases.csv")
    assert _audit(reports_app, officer["id"]) == [
        ("view", "report.dashboard", "report"),
        ("export", "report.figures.csv", "report"),
        ("export", "report.board.pdf", "report"),
        ("view", "report.dfe_return", "report"),
        ("view", "report.register.elective-home-education", "report"),
        ("export", "report.register.lost-pupils.csv", "report"),
        ("export", "report.cases.csv", "report"),
    ]


def test_the_registers_next_step_is_the_case_pages_first_deadline(in_liverpool):
    """The register works out next steps in bulk; each must be what the case page shows."""
    from sqlalchemy import select

    from portal.casework import cases as casework
    from portal.casework import deadlines
    from portal.extensions import db
    from portal.models import Case
    from portal.reports.registers import children_out_of_provision

    today = NOW.date()
    register = children_out_of_provision(in_liverpool, today, "en")
    shown = {row["case_id"]: (row["next_step"], row["next_step_due"], row["state_key"])
             for row in register.rows}
    panel_stages = set(in_liverpool.panels[0].criteria.stages)
    for case in db.session.scalars(select(Case).where(Case.status == "open")):
        if case.id not in shown:  # the register is the panel's list
            assert case.stage_key not in panel_stages and case.lost_on is None, case.id
            continue
        events = deadlines.case_events(case, casework.submissions_of(case),
                                       casework.enquiries_of(case))
        found = deadlines.deadlines_for(in_liverpool, events, today, owners=("council",))
        expected = ((found[0].label.get("en"), found[0].due, found[0].state) if found
                    else ("No deadline", None, None))
        assert shown[case.id] == expected, case.id


def test_a_welsh_council_reads_its_reasons_in_welsh(reports_app):
    client = signed_in(reports_app, "rhondda-cynon-taf")
    query = {**FEBRUARY, "lang": "cy"}
    soup = _soup(client.get("/rhondda-cynon-taf/staff/reports", query_string=query))
    assert soup.html["lang"] == "cy"
    assert "Credir ei fod wedi symud i awdurdod lleol arall" in soup.get_text(" ")  # c20
    rows = _csv(client.get("/rhondda-cynon-taf/staff/reports/figures.csv", query_string=query))
    assert any("Credir ei fod wedi symud i awdurdod lleol arall" in row for row in rows)
