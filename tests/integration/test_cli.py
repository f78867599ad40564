"""The flask commands a council's IT team and a newcomer use."""
import shutil
from dataclasses import replace

import pytest
from sqlalchemy import select

from portal.config import ROOT, UnsafeConfiguration
from portal.extensions import db
from portal.models import StaffUser
from portal.tenancy import unscoped
from tests.conftest import make_settings


def test_tenants_validate_lists_every_council(app):
    result = app.test_cli_runner().invoke(args=["tenants", "validate"])
    assert result.exit_code == 0, result.output
    for slug in ("stockport", "rhondda-cynon-taf", "staffordshire", "liverpool", "southwark"):
        assert f"ok  {slug}" in result.output


def test_tenants_validate_names_the_file_and_key_of_a_mistake(app, tmp_path):
    broken = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", broken)
    toml = broken / "stockport" / "tenant.toml"
    toml.write_text(toml.read_text().replace('dfe_code = "356"', 'dfe_code = "35"'))
    result = app.test_cli_runner().invoke(args=["tenants", "validate", "--dir", str(broken)])
    assert result.exit_code == 1
    assert "stockport/tenant.toml" in result.output and "dfe_code" in result.output


def test_the_portal_will_not_start_with_a_broken_council_file(tmp_path, database_url):
    from portal import create_app
    from portal.tenant_config import TenantConfigError

    broken = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", broken)
    toml = broken / "liverpool" / "tenant.toml"
    toml.write_text(toml.read_text().replace("[contacts.cme]", "[contacts.cmee]", 1))
    with pytest.raises(TenantConfigError, match="liverpool/tenant.toml"):
        create_app(make_settings(database_url, tenants_dir=broken))


def test_demo_load_creates_three_accounts_per_council_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "officer@stockport.demo.invalid" in first.output
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context(), unscoped():
        demo = db.session.scalars(select(StaffUser).where(StaffUser.is_demo.is_(True))).all()
        assert len(demo) == 15
        assert all(u.password_hash and u.password_hash.startswith("$argon2") for u in demo)


def test_demo_work_is_filed_once_in_an_empty_database(database_url, tmp_path):
    """A newcomer's `make run` gives each council an inbox with an urgent referral on top."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.models import Submission
    from tests.conftest import make_settings, new_database

    with new_database(tmp_path) as url:
        fresh = create_app(make_settings(url))
        with fresh.app_context():
            upgrade()
            runner = fresh.test_cli_runner()
            assert runner.invoke(args=["tenants", "sync"]).exit_code == 0
            first = runner.invoke(args=["demo", "load"])
            assert first.exit_code == 0, first.output
            assert "invented submissions" in first.output
            runner.invoke(args=["demo", "load"])
            with unscoped():
                rows = db.session.scalars(select(Submission)).all()
            assert len(rows) == 5 * 4
            assert sum(row.urgent for row in rows) == 5
            assert all(row.child_first_name.startswith("Demo-") for row in rows)
            assert all(row.due_on is not None for row in rows)  # to acknowledge by
            db.session.remove()
            db.engine.dispose()


def test_production_refuses_to_start_while_demo_accounts_exist(app, database_url):
    from portal import create_app

    app.test_cli_runner().invoke(args=["demo", "load"])
    production = replace(make_settings(database_url), env="production",
                         secret_key="f3c9a1e07b5d4c2a9e8f7d6c5b4a39281706f5e4d3c2b1a0",
                         database_url="postgresql+psycopg://x@127.0.0.1:1/none",
                         demo_accounts=False, smtp_url="smtps://mail.internal:465",
                         portal_base_url="https://cme.example.gov.uk")
    # The database is unreachable here, so the start-up check cannot see any account...
    create_app(production)
    # ...on the suite's own database it finds the demo accounts and refuses.
    production = replace(production, database_url=database_url)
    if database_url.startswith("sqlite"):
        with pytest.raises(UnsafeConfiguration, match="SQLite"):
            create_app(production)
    else:
        with pytest.raises(UnsafeConfiguration, match="demo officer account"):
            create_app(production)


def test_staff_invite_adds_a_councils_first_administrator(app):
    """A council new to the portal gets its first administrator from the command line; they
    set up their account from the emailed link like any officer."""
    from portal.models import OutboxMessage
    from portal.tenancy import tenant_id_for, tenant_scope

    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "invite", "--council", "southwark", "--email",
                                 "First.Admin@Southwark.test.invalid", "--name", "First Admin"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["staff", "invite", "--council", "southwark", "--email",
                                "first.admin@southwark.test.invalid", "--name", "Twice"])
    assert again.exit_code != 0 and "already has an officer" in again.output
    unknown = runner.invoke(args=["staff", "invite", "--council", "atlantis", "--email",
                                  "a@b.invalid", "--name", "X"])
    assert unknown.exit_code != 0
    with app.app_context(), tenant_scope(tenant_id_for("southwark")):
        user = db.session.scalar(select(StaffUser).where(
            StaffUser.email == "first.admin@southwark.test.invalid"))
        assert user.role == "council_admin" and user.password_hash is None
        assert user.setup_token_hash
        email = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.to_address == "first.admin@southwark.test.invalid"))
        assert "/southwark/staff/set-up/" in email.body_text
        db.session.remove()
