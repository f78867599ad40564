"""Flask commands: council files, demo data, translations."""
from __future__ import annotations

import re
import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.config import ROOT

DEMO_PASSWORD = "demo-only-Password-1"  # noqa: S105 - demo accounts never exist in production
# The second factor of every demo account: add it to an authenticator app (or run
# `python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"`) to get the sign-in code.
DEMO_TOTP_SECRET = "DEMOCMEPORTALTOTPSECRETFORDEMOS2"  # noqa: S105 - demo accounts only
DEMO_ROLES = (("officer", "Demo Officer"), ("manager", "Demo Manager"),
              ("council_admin", "Demo Council Administrator"))


def register_cli(app: Flask) -> None:
    app.cli.add_command(tenants_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(drafts_cli)
    app.cli.add_command(casework_cli)
    app.cli.add_command(retention_cli)
    from portal.outbox.cli import outbox_cli
    from portal.returns.cli import returns_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(returns_cli)
    from portal.platform.cli import platform_cli

    app.cli.add_command(platform_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(names_cli)


# --- councils ------------------------------------------------------------------------------

@click.group("tenants", cls=AppGroup, help="Council configuration files.")
def tenants_cli() -> None:
    pass


@tenants_cli.command("validate", help="Check every council file; exit 1 with the problems.")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None)
def tenants_validate(directory: str | None) -> None:
    from pathlib import Path

    from portal.directory import known_la_codes
    from portal.tenant_config import TenantConfigError, load_tenants

    root = Path(directory) if directory else current_app.config["PORTAL_SETTINGS"].tenants_dir
    try:
        loaded = load_tenants(root, known_la_codes=known_la_codes())
    except TenantConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for tenant in loaded.values():
        click.echo(f"ok  {tenant.slug:<20} {tenant.name.get('en')} (LA {tenant.dfe_code})")


@tenants_cli.command("deletion-readme",
                     help="Rewrite README.md's section on what a school must do before it may delete.")
def tenants_deletion_readme() -> None:
    from portal.casework.deletion_readme import rewrite
    from portal.tenancy import tenants

    changed = rewrite(ROOT / "README.md", tenants())
    click.echo("README.md updated" if changed else "README.md already up to date")


@tenants_cli.command("sync", help="Create or update the database row of every council.")
def tenants_sync() -> None:
    for line in sync_tenants():
        click.echo(line)


def sync_tenants() -> list[str]:
    from portal.extensions import db
    from portal.models import TenantRow
    from portal.tenancy import tenants

    lines = []
    for tenant in tenants().values():
        row = db.session.scalar(select(TenantRow).where(TenantRow.slug == tenant.slug))
        if row is None:
            row = TenantRow(slug=tenant.slug)
            db.session.add(row)
            lines.append(f"added   {tenant.slug}")
        else:
            lines.append(f"updated {tenant.slug}")
        row.name = tenant.name.get("en")
        row.dfe_code = tenant.dfe_code
        row.nation = tenant.nation
        row.reference_prefix = tenant.reference_prefix
    db.session.commit()
    return lines


# --- demo data -----------------------------------------------------------------------------

@click.group("demo", cls=AppGroup, help="Demo data for development. Refused in production.")
def demo_cli() -> None:
    pass


@demo_cli.command("load", help="Create the demo officer accounts of every council and print them.")
def demo_load() -> None:
    settings = current_app.config["PORTAL_SETTINGS"]
    if settings.is_production or not settings.demo_accounts:
        click.echo("Demo accounts are switched off here (production, or DEMO_ACCOUNTS=0).", err=True)
        sys.exit(1)
    from portal.casework.demo import load_demo_work

    for line in load_demo_accounts():
        click.echo(line)
    for line in load_demo_work():
        click.echo(line)


def demo_email(slug: str, role: str) -> str:
    return f"{role.replace('_', '-')}@{slug}.demo.invalid"


def load_demo_accounts() -> list[str]:
    from argon2 import PasswordHasher

    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    hasher = PasswordHasher()
    lines = ["Demo officer accounts (password for all: " + DEMO_PASSWORD + "; "
             "authenticator app secret for all: " + DEMO_TOTP_SECRET + "):"]
    for tenant in tenants().values():
        tenant_id = tenant_id_for(tenant.slug)
        if tenant_id is None:
            raise click.ClickException("Run `flask tenants sync` first.")
        with tenant_scope(tenant_id):
            for role, name in DEMO_ROLES:
                email = demo_email(tenant.slug, role)
                user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
                if user is None:
                    db.session.add(StaffUser(email=email, display_name=name, role=role,
                                             password_hash=hasher.hash(DEMO_PASSWORD),
                                             is_demo=True, totp_secret=DEMO_TOTP_SECRET))
                elif not user.totp_secret:
                    user.totp_secret = DEMO_TOTP_SECRET
                lines.append(f"  {tenant.slug:<18} {role:<14} {email}")
            db.session.commit()
    return lines


# --- a council's officers --------------------------------------------------------------

@click.group("staff", cls=AppGroup, help="A council's officer accounts.")
def staff_cli() -> None:
    pass


@staff_cli.command("invite", help="Add an officer to a council (its first administrator, say) "
                                  "and email them a one-time link to set up their account.")
@click.option("--council", "slug", required=True, help="The council's slug, e.g. stockport.")
@click.option("--email", required=True, help="Their email address.")
@click.option("--name", "display_name", required=True, help="Their name, as pages show it.")
@click.option("--role", type=click.Choice(["officer", "manager", "council_admin"]),
              default="council_admin", show_default=True)
def staff_invite(slug: str, email: str, display_name: str, role: str) -> None:
    from portal.auth import setup
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    tenant = tenants().get(slug)
    if tenant is None or tenant_id_for(slug) is None:
        raise click.ClickException(f"No council {slug!r} here: run `flask tenants sync` first.")
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise click.ClickException("Give an email address, like name@council.gov.uk.")
    with tenant_scope(tenant_id_for(slug)):
        if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
            raise click.ClickException("This council already has an officer with that email.")
        user = StaffUser(email=email, display_name=display_name.strip()[:200], role=role,
                         is_active=True, failed_attempts=0)
        db.session.add(user)
        db.session.flush()
        setup.issue_link(user, tenant=tenant)
        db.session.commit()
    click.echo(f"Added {email} to {slug} as {role}. The set-up link is on its way by email "
               "(the outbox worker sends it).")


# --- children's names ----------------------------------------------------------------------

@click.group("names", cls=AppGroup, help="The keys of children's names that the name search looks up.")
def names_cli() -> None:
    pass


@names_cli.command("rekey", help="Store again every submission's name keys as the code computes "
                                 "them now (after a change to portal/casework/names.py).")
def names_rekey() -> None:
    from portal.casework.names import rekey_names
    from portal.extensions import db

    with db.engine.begin() as connection:
        keyed = rekey_names(connection)
    click.echo(f"{keyed} submission(s) keyed again")


# --- drafts ----------------------------------------------------------------------------------

@click.group("drafts", cls=AppGroup, help="Answers in progress on the public forms.")
def drafts_cli() -> None:
    pass


@drafts_cli.command("purge", help="Delete every council's expired drafts (run it daily).")
def drafts_purge() -> None:
    from portal.extensions import db
    from portal.submissions.drafts import delete_expired
    from portal.tenancy import unscoped

    with unscoped():
        removed = delete_expired()
        db.session.commit()
    click.echo(f"{removed} expired draft(s) deleted")


@click.group("casework", cls=AppGroup, help="The back-office's scheduled work.")
def casework_cli() -> None:
    pass


@casework_cli.command("advance", help="Move cases on whose letter's reply deadline passed "
                      "with no reply (run it daily, early in the morning).")
def casework_advance() -> None:
    from flask import current_app

    from portal.casework.intake import local_day
    from portal.casework.letters import advance
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    today = local_day(current_app.config["CLOCK"]())
    total = 0
    for slug, tenant in sorted(tenants().items()):
        tenant_id = tenant_id_for(slug)
        if tenant_id is None or not tenant.letters:
            continue
        with tenant_scope(tenant_id):
            moved = advance(tenant, today)
            db.session.commit()
        total += moved
        if moved:
            click.echo(f"{slug}: {moved} case(s) moved on")
    click.echo(f"{total} case(s) moved on")
# --- retention -----------------------------------------------------------------------------

@click.group("retention", cls=AppGroup, help="Records kept past each council's retention "
                                              "period.")
def retention_cli() -> None:
    pass


@retention_cli.command("run", help="Anonymise every council's records past its retention "
                                   "period (run it daily). Logs counts, never a person.")
def retention_run() -> None:
    from flask import current_app

    from portal.casework.retention import run_retention
    from portal.tenancy import tenants

    for result in run_retention(tenants(), current_app.config["CLOCK"]()):
        click.echo(f"{result.slug}: {result.cases} case(s), {result.submissions} submission(s) "
                   f"anonymised (before {result.cutoff.isoformat()})")


# --- translations --------------------------------------------------------------------------

TRANSLATIONS = ROOT / "portal" / "translations"
POT = TRANSLATIONS / "messages.pot"
EXTRACT_ARGS = ("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
                "--sort-output", "--omit-header")


def _pybabel(*args: str) -> None:
    from pathlib import Path

    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), *args], check=True, cwd=ROOT)


@click.group("translations", cls=AppGroup, help="Extract, update, compile and check the Welsh catalogue.")
def translations_cli() -> None:
    pass


@translations_cli.command("extract")
def translations_extract() -> None:
    _pybabel(*EXTRACT_ARGS, "-o", str(POT), ".")


@translations_cli.command("update")
def translations_update() -> None:
    translations_extract.callback()  # type: ignore[misc]
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
             "--ignore-obsolete", "--width", "100")
    # The header's creation date is pinned: branches that each re-extract would otherwise all
    # change that one line and conflict on every merge.
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        text = po.read_text(encoding="utf-8")
        po.write_text(re.sub(r'"POT-Creation-Date: [^"]*\\n"', r'"POT-Creation-Date: 2026-12-04 00:00+0000\\n"',
                             text, count=1), encoding="utf-8")


@translations_cli.command("compile")
def translations_compile() -> None:
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


@translations_cli.command("check", help="Fail when the catalogue is stale or a string has no Welsh.")
def translations_check() -> None:
    from portal.translations_check import catalogue_problems

    problems = catalogue_problems()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("Welsh catalogue is complete and up to date.")
