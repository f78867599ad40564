"""`flask platform ...`: platform administrator accounts (see README)."""
from __future__ import annotations

import sys

import click
import pyotp
from flask.cli import AppGroup
from sqlalchemy import func, select


@click.group("platform", cls=AppGroup, help="Platform administrators (who manage councils "
                                            "and the directory, and see no child's data).")
def platform_cli() -> None:
    pass


@platform_cli.command("create-admin", help="Create a platform administrator and print the "
                                           "secret for their authenticator app.")
@click.option("--email", required=True, help="Their email address (they sign in with it).")
@click.option("--name", "display_name", required=True, help="Their name, as pages show it.")
@click.password_option("--password", help="At least 12 characters (asked for if not given).")
def create_admin(email: str, display_name: str, password: str) -> None:
    from portal.extensions import db
    from portal.models.platform import PlatformAdmin
    from portal.platform.sessions import hash_password

    email = email.strip()
    if "@" not in email or len(email) > 254:
        click.echo("Give an email address, like name@example.gov.uk.", err=True)
        sys.exit(1)
    if len(password) < 12:
        click.echo("The password must have at least 12 characters.", err=True)
        sys.exit(1)
    if db.session.scalar(select(PlatformAdmin.id)
                         .where(func.lower(PlatformAdmin.email) == email.lower())):
        click.echo("A platform administrator with this email address already exists.", err=True)
        sys.exit(1)
    secret = pyotp.random_base32()
    db.session.add(PlatformAdmin(email=email, display_name=display_name.strip()[:200],
                                 password_hash=hash_password(password), totp_secret=secret))
    db.session.commit()
    click.echo(f"Platform administrator {email} created. Sign in at /platform/sign-in.")
    click.echo(f"Add this secret to their authenticator app: {secret}")
