"""Local officer sign-in: email and password, then a TOTP code; and signing out.

`/<council>/staff/sign-in` then `/<council>/staff/sign-in/code`. The council comes from the
URL and an officer can only sign in at their own council's address. An unknown email, a wrong
password, a disabled or locked account and another council's officer all get the same answer.
Ten failures (passwords or codes) lock the account.
"""
from __future__ import annotations

import re

import hmac

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError
from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.access import public, staff_required
from portal.auth.sessions import current_row, end_current_session, now, start_session
from portal.extensions import db, limiter
from portal.limits import sign_in_account
from portal.models import StaffUser
from portal.tenancy import council_blueprint, current_tenant_id

auth_bp = council_blueprint("auth", __name__, "/staff")

MAX_FAILED_ATTEMPTS = 10
SIGN_IN_LIMIT = "60 per minute"  # per address; Settings.extra["staff_sign_in_limit"] overrides
_hasher = PasswordHasher()
# Verified against when there is no account, so an unknown email takes as long as a known one.
_DUMMY_HASH = _hasher.hash("no account has this password")
_CODE = re.compile(r"^[0-9]{6}$")



def _sign_in_limit() -> str:
    return current_app.config["PORTAL_SETTINGS"].extra.get("staff_sign_in_limit", SIGN_IN_LIMIT)


def _printable(value: str | None) -> str | None:
    """Drop control characters and lone surrogates: they are never part of an email address,
    and the page must be able to show back what was typed."""
    if value is None:
        return None
    return "".join(c for c in value
                   if not (ord(c) < 32 or 0x7f <= ord(c) < 0xa0 or 0xd800 <= ord(c) <= 0xdfff))


class SignInForm(FlaskForm):
    email = StringField(_l("Email address"), filters=[_printable], validators=[
        InputRequired(_l("Enter your email address")),
        Length(max=254, message=_l("Enter a correct email address and password"))])
    password = PasswordField(_l("Password"), validators=[
        InputRequired(_l("Enter your password")),
        Length(max=1024, message=_l("Enter a correct email address and password"))])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_printable], validators=[
        InputRequired(_l("Enter the code from your authenticator app"))])

    def validate_code(self, field) -> None:
        field.data = "".join((field.data or "").split())
        if not _CODE.match(field.data):
            raise ValidationError(_l("Enter the 6-digit code from your authenticator app"))


# --- password ------------------------------------------------------------------------------

def _find_user(email: str) -> StaffUser | None:
    if not email or any(ord(c) < 32 or c == "\x7f" for c in email):
        return None
    # Scoped to the council in the URL: another council's officer is simply not found here.
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.lower()))


def _password_matches(user: StaffUser | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH,
                              password) and user is not None and bool(user.password_hash)
    except (Argon2Error, InvalidHashError, ValueError):
        return False


def _record_failure(user: StaffUser) -> None:
    user.failed_attempts = (user.failed_attempts or 0) + 1
    if user.failed_attempts >= MAX_FAILED_ATTEMPTS and user.locked_at is None:
        user.locked_at = now()
        current_app.logger.warning("Officer account %s locked after %s failed sign-in attempts.",
                                   user.id, user.failed_attempts)
    db.session.commit()


def _can_sign_in(user: StaffUser | None) -> bool:
    return user is not None and user.is_active and user.locked_at is None


@auth_bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@sign_in_account()
@public
def sign_in():
    if current_user.is_authenticated and current_user.tenant_id == current_tenant_id():
        return redirect(url_for("backoffice.home"), code=303)
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        user = _find_user(email)
        matches = _password_matches(user, form.password.data)
        if user is not None and not matches:
            _record_failure(user)
        if matches and _can_sign_in(user):
            if not user.totp_secret:
                form.email.errors = [gettext("Your account has no second factor set up. "
                                             "Ask your council's administrator to set it up.")]
            else:
                start_session(user, verified=False)
                db.session.commit()
                return redirect(url_for("auth.code"), code=303)
        else:
            form.email.errors = [gettext("Enter a correct email address and password")]
    form.password.data = ""
    return render_template("auth/sign_in.html", form=form)


# --- second factor -------------------------------------------------------------------------

@auth_bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def code():
    row = current_row(pending=True)
    if row is None or row.tenant_id != current_tenant_id():
        return redirect(url_for("auth.sign_in"), code=303)
    user = db.session.get(StaffUser, row.user_id)
    if not _can_sign_in(user) or not user.totp_secret:
        end_current_session()
        return redirect(url_for("auth.sign_in"), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        step = accepted_step(user, form.code.data, now())
        if step is not None:
            user.totp_last_step = step
            user.failed_attempts = 0
            user.last_sign_in_at = now()
            row.ended_at = now()  # the pending session gives way to a new, signed-in one
            start_session(user, verified=True)
            db.session.commit()
            return redirect(url_for("backoffice.home"), code=303)
        _record_failure(user)
        if user.locked_at is not None:
            end_current_session()
            return redirect(url_for("auth.sign_in"), code=303)
        form.code.errors = [gettext("Enter a correct code")]
    form.code.data = ""
    return render_template("auth/code.html", form=form)


def accepted_step(user: StaffUser, code: str, when) -> int | None:
    """The time step a code belongs to (now, or one step either side for a slow clock), if
    it is right and newer than the last code accepted: a code seen once is refused after."""
    totp = pyotp.TOTP(user.totp_secret)
    current = int(when.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code or "") \
                and step > (user.totp_last_step or -1):
            return step
    return None


# --- sign out ------------------------------------------------------------------------------

@auth_bp.post("/sign-out")
@staff_required()
def sign_out():
    end_current_session()
    return redirect(url_for("auth.sign_in"), code=303)


# Single sign-on with the council's identity provider: its routes join this blueprint.
from portal.auth import oidc  # noqa: E402,F401
# An officer sets up their account (password, authenticator app) through a one-time link.
from portal.auth import setup  # noqa: E402,F401
