"""Each council's own definition of a child missing education drives its figures, its register
and the DfE return (portal.casework.cme_definition): Rhondda Cynon Taf counts a child after four
weeks out of education; Southwark after 20 school days, its checks and an Early Help home visit.
Before that the child is "at risk". A database of its own, with the cases below only.

Southwark's calendar: spring term 5 January to 27 March 2026, half term 16-20 February.
"""
from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

import pytest

from tests.conftest import make_settings, new_database

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
SOUTHWARK_CHECKS = ("roll_check", "systems_check", "housing", "letter")


def _at(year, month, day) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.cli import sync_tenants
    from portal.extensions import db
    from portal.models import Case, Enquiry, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    with new_database(tmp_path_factory.mktemp("cme-definition-db")) as url:
        app = create_app(make_settings(url), clock=lambda: NOW)
        ids: dict[str, int] = {}
        with app.app_context():
            upgrade()
            sync_tenants()

            def case(slug, prefix, name, since, *, closed=None, outcome=None, checks=(),
                     visit=None):
                with tenant_scope(tenant_id_for(slug)):
                    row = Case(status="closed" if closed else "open", opened_at=_at(*since),
                               child_first_name="Test", child_last_name=f"Child{name}",
                               missing_since=date(*since), closed_at=closed,
                               outcome_key=outcome)
                    db.session.add(row)
                    db.session.flush()
                    db.session.add(Submission(
                        reference=f"{prefix}-2026-{800000 + len(ids):06d}",
                        submission_token=secrets.token_hex(16), form_slug="cme-referral",
                        received_at=_at(*since), urgent=False, language="en",
                        answers={"first_day_of_absence": date(*since).isoformat()},
                        child_first_name="Test", child_last_name=f"Child{name}",
                        status="closed" if closed else "acknowledged", case_id=row.id))
                    for key, day in [*[(k, d) for k, d in checks], *([visit] if visit else [])]:
                        db.session.add(Enquiry(case_id=row.id, checklist_key=key, made_on=day,
                                               result="Checked (test)"))
                    db.session.commit()
                    ids[name] = row.id

            # RCT: out of education since Monday 2 March 2026: four weeks on 30 March
            case("rhondda-cynon-taf", "RCT", "rct", (2026, 3, 2))
            # Southwark A: out since 5 January; checks on 10 February; home visit 10 March
            case("southwark", "SWK", "a", (2026, 1, 5),
                 checks=[(k, date(2026, 2, 10)) for k in SOUTHWARK_CHECKS],
                 visit=("home_visit", date(2026, 3, 10)))
            # Southwark B: out since Monday 2 March; every check and the visit by 12 March;
            # its 20th school day out is Friday 27 March
            case("southwark", "SWK", "b", (2026, 3, 2),
                 checks=[(k, date(2026, 3, 12)) for k in SOUTHWARK_CHECKS],
                 visit=("home_visit", date(2026, 3, 12)))
            # Southwark C: out since 5 January, back in school on 5 February before any check
            case("southwark", "SWK", "c", (2026, 1, 5), closed=_at(2026, 2, 5),
                 outcome="back_in_school")
            # Southwark D: all the checks but no home visit yet
            case("southwark", "SWK", "d", (2026, 1, 5),
                 checks=[(k, date(2026, 2, 10)) for k in SOUTHWARK_CHECKS])
        app.config["IDS"] = ids
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def council(app):
    from contextlib import contextmanager

    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    @contextmanager
    def scoped(slug):
        with app.test_request_context("/"), tenant_scope(tenant_id_for(slug)):
            yield tenants()[slug]
            db.session.remove()

    return scoped


def _count(tenant, on):
    from sqlalchemy import func, select

    from portal.casework.cme_definition import at_risk_clause, counts_as_cme_clause
    from portal.extensions import db
    from portal.models import Case

    cme = db.session.scalar(select(func.count(Case.id)).where(counts_as_cme_clause(tenant, on)))
    risk = db.session.scalar(select(func.count(Case.id)).where(at_risk_clause(tenant, on)))
    return cme, risk


def test_rct_counts_a_child_only_after_four_weeks(app, council):
    from portal.casework.cme_definition import case_cme_status
    from portal.models import Case
    from portal.extensions import db
    from portal.reports.dfe_return import cme_count_at
    from portal.reports.figures import period_figures

    with council("rhondda-cynon-taf") as rct:
        early = period_figures(rct, date(2026, 3, 1), date(2026, 3, 29), today=date(2026, 4, 1))
        assert (early.cme_at_end, early.at_risk_at_end, early.cme_went_missing) == (0, 1, 0)
        later = period_figures(rct, date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 4, 1))
        assert (later.cme_at_end, later.at_risk_at_end, later.cme_went_missing) == (1, 0, 1)
        assert _count(rct, date(2026, 3, 29)) == (0, 1)
        assert _count(rct, date(2026, 3, 30)) == (1, 0)
        assert cme_count_at(rct, date(2026, 3, 29)) == 0
        assert cme_count_at(rct, date(2026, 3, 30)) == 1
        case = db.session.get(Case, app.config["IDS"]["rct"])
        status = case_cme_status(case, date(2026, 3, 29), tenant=rct)
        assert not status.counts and status.met_on == date(2026, 3, 30)
        assert case_cme_status(case, date(2026, 3, 30), tenant=rct).counts


def test_southwark_counts_a_child_only_after_20_school_days_checks_and_a_home_visit(app, council):
    from portal.casework.cme_definition import case_cme_status
    from portal.extensions import db
    from portal.models import Case
    from portal.reports.dfe_return import cme_count_at
    from portal.reports.figures import period_figures

    ids = app.config["IDS"]
    with council("southwark") as southwark:
        february = period_figures(southwark, date(2026, 2, 1), date(2026, 2, 28),
                                  today=date(2026, 4, 1))
        # A and D have been out over 20 school days with the checks done, but no home visit;
        # C went back to school before it ever counted: never a child missing education
        assert february.cme_at_end == 0
        assert february.at_risk_at_end == 2
        assert (february.cme_stopped, february.established_total) == (0, 0)

        march = period_figures(southwark, date(2026, 3, 1), date(2026, 3, 26),
                               today=date(2026, 4, 1))
        assert (march.cme_at_end, march.cme_went_missing) == (1, 1)  # A, from its visit
        assert march.at_risk_at_end == 2  # B (19 school days out), D (no visit)
        end_of_term = period_figures(southwark, date(2026, 3, 1), date(2026, 3, 27),
                                     today=date(2026, 4, 1))
        assert (end_of_term.cme_at_end, end_of_term.at_risk_at_end) == (2, 1)

        assert _count(southwark, date(2026, 3, 9)) == (0, 3)
        assert _count(southwark, date(2026, 3, 10)) == (1, 2)
        assert _count(southwark, date(2026, 3, 26)) == (1, 2)
        assert _count(southwark, date(2026, 3, 27)) == (2, 1)
        assert cme_count_at(southwark, date(2026, 3, 26)) == 1
        assert cme_count_at(southwark, date(2026, 3, 27)) == 2

        d = case_cme_status(db.session.get(Case, ids["d"]), date(2026, 3, 27), tenant=southwark)
        assert not d.counts and d.days_met and d.checks_missing == ("home_visit",)
        b = case_cme_status(db.session.get(Case, ids["b"]), date(2026, 3, 26), tenant=southwark)
        assert not b.counts and not b.days_met and b.days_met_on == date(2026, 3, 27)
        assert b.checks_missing == ()


def test_a_council_without_a_definition_counts_every_open_case(app, council):
    from portal.casework.cme_definition import at_risk_clause, cme_cutoff

    with council("stockport") as stockport:
        assert stockport.cme_definition is None
        assert cme_cutoff(stockport, date(2026, 3, 2)) == date(2026, 3, 2)
        assert str(at_risk_clause(stockport, date(2026, 3, 2))) == "false"


def test_the_day_out_of_education_comes_from_the_forms():
    from portal.casework.cme_definition import missing_since_from_answers, note_missing_since
    from portal.models import Case

    assert missing_since_from_answers({"last_attendance": "2026-03-06"}) == date(2026, 3, 7)
    assert missing_since_from_answers({"last_attendance": "2026-03-06",
                                       "first_day_of_absence": "2026-03-02"}) == date(2026, 3, 2)
    assert missing_since_from_answers({"first_day_of_absence": "not a date"}) is None
    case = Case()
    note_missing_since(case, {}, today=date(2026, 3, 20), fresh=True)
    assert case.missing_since == date(2026, 3, 20)
    note_missing_since(case, {"first_day_of_absence": "2026-03-02"}, today=date(2026, 3, 25))
    assert case.missing_since == date(2026, 3, 2)
    note_missing_since(case, {"first_day_of_absence": "2026-03-10"}, today=date(2026, 3, 25))
    assert case.missing_since == date(2026, 3, 2)
