"""Every cell of the DfE return, on the census dates of 2025/26 and 2026/27, against counts
this test works out itself from a set of invented children of Stockport (made from a fixed
seed: sexes, ages, how long missing, reasons, outcomes, EHE starts from each type of school,
s.437(1) notices, school attendance orders). The expected counts use the plain rules: a
child's year group from their age on the 31 August before the school year, durations in days.
Also: COLLECT's checks on returns broken on purpose, the CSV's order and labels, the PDF read
back, the children behind a number, finalising and the movement warnings."""
from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

SLUG = "stockport"
UTC = timezone.utc
CENSUS_DATES = [date(2025, 10, 2), date(2026, 1, 15), date(2026, 5, 21),
                date(2026, 10, 1), date(2027, 1, 21), date(2027, 5, 20)]
CME = ["cme_moved_in_other_la", "cme_application_awaiting", "cme_unsuitable_ehe",
       "cme_mental_health", "cme_believed_moved_country", "cme_other", "cme_did_not_apply"]
EHE = ["ehe_mental_health", "ehe_philosophical", "ehe_lifestyle", "ehe_offered_not_accepted",
       "ehe_no_reason"]
TYPES = ["ey", "none", "lamain", "acad", "free", "ind", "spec", "ap", "pru", "ehe", "else_unk"]
BANDS = [(14, "under_2_weeks"), (28, "2_to_4_weeks"), (56, "4_to_8_weeks"),
         (84, "8_to_12_weeks"), (182, "12_to_26_weeks"), (364, "26_to_52_weeks")]


def _children(seed=2026, n=160):
    rng = random.Random(seed)
    made = []
    for index in range(n):
        opened = date(2024, 6, 1) + timedelta(days=rng.randrange(0, 1060))
        outcome = rng.choice([None, None, "back_in_school", "ehe", "ehe", "located_other_la",
                              "not_cme", "lost_s2s"])
        closed = opened + timedelta(days=rng.randrange(1, 300)) if outcome else None
        dob = (None if rng.random() < 0.05 else
               date(2008, 1, 1) + timedelta(days=rng.randrange(0, 365 * 15)))
        code = (rng.choice(EHE + [None]) if outcome == "ehe"
                else rng.choice(CME + [None, None]))
        if index % 37 == 5:
            code = "zz9"  # on no list
        made.append({
            "name": f"g{index:03d}", "opened": opened, "closed": closed, "outcome": outcome,
            "sex": rng.choice(["female", "male", "female", "male", None]), "dob": dob,
            "since": opened - timedelta(days=rng.choice([0, 3, 20, 40, 70, 100, 200, 400])),
            "code": code, "form": "ehe-notification" if rng.random() < 0.1 else "cme-referral",
            "school_type": rng.choice(TYPES + [None]) if outcome == "ehe" else None,
            "actions": [(rng.choice(["section_437_notice", "sao_issued", "sao_revoked",
                                     "returned_to_school"]),
                         opened + timedelta(days=rng.randrange(0, 400)))
                        for _ in range(rng.choice([0, 0, 0, 1, 2]))],
        })
    return made


CHILDREN = _children()


@pytest.fixture(scope="module")
def stockport(reports_app):
    from portal.extensions import db
    from portal.models import Case, CaseAction, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    ids = {}
    with reports_app.app_context(), tenant_scope(tenant_id_for(SLUG)):
        for n, child in enumerate(CHILDREN):
            at = datetime.combine(child["opened"], datetime.min.time(), UTC) + timedelta(hours=10)
            closed = (datetime.combine(child["closed"], datetime.min.time(), UTC)
                      + timedelta(hours=10) if child["closed"] else None)
            row = Case(status="closed" if closed else "open", opened_at=at, closed_at=closed,
                       outcome_key=child["outcome"], child_first_name="Gen",
                       child_last_name=f"Child{n}", child_dob=child["dob"],
                       child_sex=child["sex"], missing_since=child["since"],
                       reason_code=child["code"], opened_from_form=child["form"],
                       previous_school_type=child["school_type"], urgent=False)
            db.session.add(row)
            db.session.flush()
            ids[child["name"]] = row.id
            db.session.add(Submission(
                reference=f"STK-{at.year}-{800000 + n:06d}", submission_token=f"gen-{n}",
                form_slug=child["form"], received_at=at, urgent=False, language="en",
                answers={}, child_first_name="Gen", child_last_name=f"Child{n}",
                child_dob=child["dob"], sender_name="Test", routing_reason="test",
                status="closed" if closed else "acknowledged", case_id=row.id))
            for kind, on in child["actions"]:
                db.session.add(CaseAction(case_id=row.id, kind=kind, taken_on=on))
        db.session.commit()
        db.session.remove()
    return ids


@pytest.fixture
def in_stockport(reports_app, stockport):
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    with reports_app.test_request_context("/"):
        with tenant_scope(tenant_id_for(SLUG)):
            yield tenants()[SLUG]
        db.session.remove()


# --- the counts, worked out here --------------------------------------------------------------

def _year_group(dob, census):
    if dob is None:
        return "unknown"
    year_start = census.year if census.month >= 9 else census.year - 1
    august = date(year_start, 8, 31)
    age = august.year - dob.year - ((august.month, august.day) < (dob.month, dob.day))
    if 4 <= age <= 15:
        return "reception" if age == 4 else f"year_{age - 4}"
    return "unknown"


def _band(since, census):
    days = (census - since).days
    if days < 0:
        return "unknown"
    return next((key for limit, key in BANDS if days < limit), "over_52_weeks")


def _cme_reason(child):
    if child["code"] in CME:
        return child["code"]
    if child["outcome"] == "located_other_la":
        return "cme_believed_moved_la"
    if child["outcome"] == "lost_s2s":
        return "cme_unknown"
    return "cme_not_recorded"


def _counts_as_cme(child):
    return child["form"] != "ehe-notification" and child["outcome"] != "not_cme"


def _open_at(child, day):
    return child["opened"] <= day and (child["closed"] is None or child["closed"] > day)


def expected(census, previous_census):
    figures = Counter()
    year_start = date(census.year if census.month >= 9 else census.year - 1, 9, 1)
    prev_first, prev_last = date(year_start.year - 1, 9, 1), year_start - timedelta(days=1)
    period_first = previous_census + timedelta(days=1)
    for child in CHILDREN:
        sex = child["sex"] or "unknown"
        if _counts_as_cme(child) and _open_at(child, census):
            figures["cme_census|Total|total"] += 1
            figures[f"cme_census|Sex|{sex}"] += 1
            figures[f"cme_census|Year group|{_year_group(child['dob'], census)}"] += 1
            figures[f"cme_census|Duration|{_band(child['since'], census)}"] += 1
            figures[f"cme_census|Reason|{_cme_reason(child)}"] += 1
        if (_counts_as_cme(child) and child["opened"] <= prev_last
                and (child["closed"] is None or child["closed"] >= prev_first)):
            figures["cme_previous_year|Total|total"] += 1
        if child["outcome"] == "ehe" and child["closed"] <= census:
            figures["ehe_census|Total|total"] += 1
            figures[f"ehe_census|Sex|{sex}"] += 1
            figures[f"ehe_census|Year group|{_year_group(child['dob'], census)}"] += 1
            reason = child["code"] if child["code"] in EHE else "ehe_unknown"
            figures[f"ehe_census|Reason|{reason}"] += 1
        if child["outcome"] == "ehe" and period_first <= child["closed"] <= census:
            figures["ehe_starts|Total|total"] += 1
            figures[f"ehe_starts|School type|{child['school_type'] or 'else_unk'}"] += 1
        returned = False
        for kind, on in child["actions"]:
            if period_first <= on <= census:
                if kind == "returned_to_school":
                    returned = True
                else:
                    figures[{"section_437_notice": "ehe_section_437",
                             "sao_issued": "ehe_sao_issued",
                             "sao_revoked": "ehe_sao_revoked"}[kind] + "|Total|total"] += 1
        if returned:
            figures["ehe_returns|Total|total"] += 1
    return figures


@pytest.mark.parametrize("census", CENSUS_DATES, ids=str)
def test_every_cell_of_the_return(in_stockport, census):
    from portal.reports.dfe_return import dfe_return
    from portal.reports.reasons import previous_census

    result = dfe_return(in_stockport, census)
    want = expected(census, previous_census(census))
    assert result.figures["cme_census|Total|total"] > 5  # the set is not empty at this date
    for key, value in result.figures.items():
        assert value == want.get(key, 0), key
    assert {k for k, v in want.items() if v} <= set(result.figures)
    # the officer's lists: a code on no list, an unknown sex, an unknown year group
    counted = [c for c in CHILDREN if (_counts_as_cme(c) and _open_at(c, census))
               or (c["outcome"] == "ehe" and c["closed"] <= census)]
    assert len(result.unknown_codes) == sum(1 for c in counted if c["code"] == "zz9")
    assert len(result.unknown_sex) == sum(1 for c in counted if c["sex"] is None)
    assert len(result.unknown_year_group) == sum(
        1 for c in counted if _year_group(c["dob"], census) == "unknown")


def test_the_2026_27_return_uses_the_2025_26_lists(in_stockport):
    from portal.reports.dfe_return import dfe_return

    result = dfe_return(in_stockport, date(2026, 10, 1))
    assert result.version.key == "2026-27" and result.version.lists == "2025-26"
    assert result.period_first == date(2026, 5, 22)


# --- COLLECT's checks, on returns broken on purpose ------------------------------------------

@pytest.fixture
def spring_2026(in_stockport):
    from portal.reports.dfe_return import dfe_return

    return dfe_return(in_stockport, date(2026, 1, 15))


def _codes(problems):
    return {p.code: p.kind for p in problems}


def test_a_sound_return_has_no_errors_but_its_unknowns_are_queries(spring_2026):
    from portal.reports import dfe_validation

    spring_2026.unknown_codes = []
    problems = dfe_validation.check(spring_2026)
    assert dfe_validation.errors(problems) == []
    assert _codes(problems)["unknown_sex"] == "query"


@pytest.mark.parametrize("breakage, code", [
    (lambda f: f.__setitem__("cme_census|Sex|female", f["cme_census|Sex|female"] + 1),
     "sum:cme_census|Sex"),
    (lambda f: f.__setitem__("ehe_census|Reason|ehe_unknown", f["ehe_census|Reason|ehe_unknown"] - 1),
     "sum:ehe_census|Reason"),
    (lambda f: f.pop("cme_census|Duration|unknown"), "missing:cme_census|Duration|unknown"),
    (lambda f: f.__setitem__("ehe_sao_issued|Total|total", -1),
     "negative:ehe_sao_issued|Total|total"),
])
def test_each_error_is_caught(spring_2026, breakage, code):
    from portal.reports import dfe_validation

    breakage(spring_2026.figures)
    assert _codes(dfe_validation.check(spring_2026)).get(code) == "error"


def test_an_unknown_reason_code_is_an_error_naming_the_cases(spring_2026, stockport):
    from portal.reports import dfe_validation

    problem = next(p for p in dfe_validation.check(spring_2026) if p.code == "unknown_codes")
    assert problem.kind == "error"
    assert set(problem.case_ids) <= {stockport[c["name"]] for c in CHILDREN if c["code"] == "zz9"}


def test_a_figure_that_moved_more_than_the_set_share_is_a_query(spring_2026):
    from portal.reports import dfe_validation

    before = dict(spring_2026.figures)
    before["cme_census|Total|total"] = spring_2026.figures["cme_census|Total|total"] * 2
    found = _codes(dfe_validation.check(spring_2026, before, share=0.25))
    assert found["move:cme_census|Total|total"] == "query"
    same = _codes(dfe_validation.check(spring_2026, dict(spring_2026.figures), share=0.25))
    assert not any(code.startswith("move:") for code in same)


# --- the pages and files -----------------------------------------------------------------------

def _client(app):
    from tests.integration.reports.conftest import signed_in

    return signed_in(app, SLUG)


def _fix_the_codes(app):
    from portal.extensions import db
    from portal.models import Case
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(SLUG)):
        for case in db.session.query(Case).filter(Case.reason_code == "zz9"):
            case.reason_code = "cme_other"
        db.session.commit()
        db.session.remove()


def test_the_csv_pdf_children_and_finalising(reports_app, stockport):
    from pypdf import PdfReader

    from portal.reports import reasons

    client = _client(reports_app)
    census = {"census-day": "15", "census-month": "1", "census-year": "2026"}
    base = f"/{SLUG}/staff/reports/dfe-return"
    assert client.get(f"{base}.csv", query_string=census).status_code == 409  # "zz9" codes
    _fix_the_codes(reports_app)

    response = client.get(f"{base}.csv", query_string=census)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["census_date", "version", "measure", "breakdown_topic", "breakdown",
                       "value"]
    # the collection's order and the DfE's labels, as the data holds them
    want = [(item.en, item.topic, part.en) for item in reasons.items("2025-26")
            for part in reasons.breakdown(item.topic, "2025-26", measure=item.measure)]
    assert [(r[2], r[3], r[4]) for r in rows[1:]] == want
    total = next(r for r in rows if r[2].startswith("Children missing education at the census")
                 and r[3] == "Total")
    assert int(total[5]) == expected(date(2026, 1, 15), date(2025, 10, 2))["cme_census|Total|total"]

    pdf = client.get(f"{base}.pdf", query_string=census)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Reference date: 15 January 2026" in text
    assert "Unsuitable elective home education" in text
    assert "Signed off by" in text

    # the children behind a number: named by the cell, never by a child
    cell = "cme_census|Sex|female"
    page = client.get(f"{base}/children", query_string={**census, "cell": cell})
    assert page.status_code == 200
    listed = page.get_data(as_text=True).count("/staff/cases/")
    assert listed == expected(date(2026, 1, 15), date(2025, 10, 2))[cell]
    assert client.get(f"{base}/children",
                      query_string={**census, "cell": "nope|Total|x"}).status_code == 303

    # finalising needs a note on every query; then the stored figures are shown as sent
    from tests.forms_driver import csrf_of

    html = client.get(base, query_string=census).get_data(as_text=True)
    token = csrf_of(html)
    refused = client.post(f"{base}/finalise", data={"csrf_token": token, "census": "2026-01-15"})
    assert refused.status_code == 400
    assert "Enter a note on this query" in refused.get_data(as_text=True)
    notes = {"note-unknown_sex": "Asked the schools", "note-unknown_year_group": "Checking",
             "note-other_list_codes": "Reviewed"}
    done = client.post(f"{base}/finalise", data={"csrf_token": token, "census": "2026-01-15",
                                                 **notes})
    assert done.status_code == 303
    shown = client.get(base, query_string=census).get_data(as_text=True)
    assert "Finalised on" in shown


def test_exports_are_audited(reports_app):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import AuditEvent
    from portal.tenancy import tenant_id_for, tenant_scope

    with reports_app.app_context(), tenant_scope(tenant_id_for(SLUG)):
        what = set(db.session.scalars(select(AuditEvent.what)))
        db.session.remove()
    assert {"report.dfe_return.csv", "report.dfe_return.pdf", "report.dfe_return.children",
            "report.dfe_return.finalise"} <= what
