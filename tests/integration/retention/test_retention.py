"""The retention job with a frozen clock, on a database of its own (the clock is years ahead
of every other test's rows): what is past each council's period is anonymised, what is not
stays whole, registers are kept six years, the log holds counts and no one's details."""
from __future__ import annotations

import logging
import shutil
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ROOT
from portal.extensions import db
from portal.models import Case, Enquiry, NameKey, Submission
from portal.rules.retention import kept_until_start_of, years_before
from portal.tenancy import tenant_id_for, tenant_scope
from tests.conftest import make_settings, new_database
from tests.integration.backoffice.helpers import make_submission

NOW = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def retention_app(tmp_path_factory):
    """Southwark keeps closed work two years here; every other council the default six."""
    from flask_migrate import upgrade

    from portal.cli import sync_tenants

    folder = tmp_path_factory.mktemp("retention")
    tenants = folder / "tenants"
    shutil.copytree(ROOT / "tenants", tenants)
    toml = tenants / "southwark" / "tenant.toml"
    toml.write_text(toml.read_text() + "\n[retention]\nyears_after_closure = 2\n")
    with new_database(folder) as url:
        app = create_app(make_settings(url, tenants_dir=tenants), clock=lambda: NOW)
        with app.app_context():
            upgrade()
            sync_tenants()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _case_with(app, slug: str, *, closed: str | None, form: str = "cme-referral",
               received: str = "2022-01-10", first: str = "Retentia") -> dict:
    made = make_submission(app, slug, form_slug=form, received_at=at(received), first=first,
                           last="Oldcase", dob=date(2012, 5, 1), upn="A123456789012",
                           postcode="SE1 1AA")
    with app.app_context(), tenant_scope(made["tenant_id"]):
        case = Case(status="closed" if closed else "open", opened_at=at(received),
                    closed_at=at(closed) if closed else None, child_first_name=first,
                    child_last_name="Oldcase", child_dob=date(2012, 5, 1), postcode="SE1 1AA")
        db.session.add(case)
        db.session.flush()
        db.session.add(Enquiry(case_id=case.id, made_on=at(received).date(),
                               result=f"Spoke to {first}'s aunt"))
        submission = db.session.get(Submission, made["id"])
        submission.case_id = case.id
        db.session.commit()
        made["case_id"] = case.id
        db.session.remove()
    return made


def _state(app, made: dict) -> dict:
    with app.app_context(), tenant_scope(made["tenant_id"]):
        submission = db.session.get(Submission, made["id"])
        case = db.session.get(Case, made["case_id"]) if made.get("case_id") else None
        state = {
            "reference": submission.reference, "first": submission.child_first_name,
            "sender": submission.sender_email, "answers": submission.answers,
            "anonymised": submission.anonymised_at is not None,
            "keys": db.session.scalar(select(func.count()).select_from(NameKey)
                                      .where(NameKey.submission_id == made["id"])),
            "case_first": case.child_first_name if case else None,
            "case_status": case.status if case else None,
            "enquiries": [e.result for e in db.session.scalars(
                select(Enquiry).where(Enquiry.case_id == made["case_id"]))]
            if case else [],
        }
        db.session.remove()
    return state


def test_the_dates_of_a_retention_period():
    assert years_before(date(2026, 1, 15), 6) == date(2020, 1, 15)
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert kept_until_start_of(date(2026, 1, 15), 2) == datetime(2024, 1, 15, tzinfo=timezone.utc)


def test_retention_anonymises_what_is_past_each_councils_period(retention_app, caplog):
    app = retention_app
    # Southwark (two years after closure here): the cutoff is 15 January 2024.
    old = _case_with(app, "southwark", closed="2023-06-01", first="Retentia")
    recent = _case_with(app, "southwark", closed="2024-06-01", first="Recentia")
    still_open = _case_with(app, "southwark", closed=None, received="2015-03-01",
                            first="Openia")
    # A register's record (change-to-register) received in 2023: kept six years from then,
    # with its case, even though the case closed more than two years ago.
    register = _case_with(app, "southwark", closed="2023-06-01", form="change-to-register",
                          received="2023-05-01", first="Registra")
    # A submission in no case and no longer open work, received in 2022.
    loose = make_submission(app, "southwark", received_at=at("2022-02-01"), first="Loosia")
    with app.app_context(), tenant_scope(loose["tenant_id"]):
        db.session.get(Submission, loose["id"]).status = "closed"
        db.session.commit()
        db.session.remove()
    # Stockport keeps six years: its case closed in 2023 is kept whole.
    stockport = _case_with(app, "stockport", closed="2023-06-01", first="Stockia")

    caplog.set_level(logging.INFO, logger="portal.retention")
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "southwark: 1 case(s), 2 submission(s) anonymised (before 2024-01-15)" in result.output
    assert "stockport: 0 case(s), 0 submission(s) anonymised (before 2020-01-15)" in result.output

    gone = _state(app, old)
    assert gone["anonymised"] and gone["first"] is None and gone["sender"] is None
    assert gone["answers"] == {} and gone["keys"] == 0
    assert gone["case_first"] is None and gone["case_status"] == "closed"
    assert gone["enquiries"] == [""]
    assert gone["reference"] == old["reference"]  # the figures still count it
    loose_state = _state(app, loose)
    assert loose_state["anonymised"] and loose_state["first"] is None

    for kept, first in ((recent, "Recentia"), (still_open, "Openia"),
                        (register, "Registra"), (stockport, "Stockia")):
        state = _state(app, kept)
        assert not state["anonymised"] and state["first"] == first, first
        assert state["case_first"] == first and state["keys"] > 0, first
        assert state["enquiries"] == [f"Spoke to {first}'s aunt"], first

    # The log says what was done, by council and count, and names no one.
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.retention"]
    assert any("council southwark: 1 case(s) and 2 submission(s) anonymised" in line
               for line in lines), lines
    for line in lines:
        for name in ("Retentia", "Oldcase", "Loosia", "SE1 1AA", "A123456789012",
                     "sender@school.test.invalid"):
            assert name not in line

    # Run again: nothing more to do.
    again = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "southwark: 0 case(s), 0 submission(s) anonymised" in again.output


def test_a_council_cannot_keep_registers_less_than_six_years():
    from pydantic import ValidationError

    from portal.tenant_config.schema import Retention

    with pytest.raises(ValidationError):
        Retention(register_years=5)
    assert Retention().years_after_closure == 6 and Retention().register_years == 6
