"""An officer sets up their own account through a one-time link: a password, then the
authenticator app (TOTP) confirmed with a code. Only then can they sign in.

The council administrator adds an officer (portal.backoffice.users) with no password and no
second factor, and `issue_link` emails them `/<council>/staff/set-up/<token>`:

- the token is random (32 bytes); only its SHA-256 is kept (`StaffUser.setup_token_hash`);
- the link works for `LINK_LIFETIME` and once: finishing the set-up forgets the hash; a new
  link (a reset) replaces the old one, which stops working;
- step 1 chooses a password (`pending_password_hash`) and draws the authenticator secret
  (`pending_totp_secret`); both wait on the officer's row, never in the cookie, and change
  nothing that signing in reads;
- step 2 shows the secret (as text and as a QR code) and asks for the app's current code; a
  right code moves both into `password_hash` and `totp_secret` and the account is usable.

An unknown, used or expired link, or one of an account that has been disabled, gets one page
saying to ask the administrator for a new link. The token is looked up within the council in
the address, like every other page of it.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pyotp
import segno
from flask import current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import StopValidation, ValidationError

from forms import validators as v
from portal.access import public
from portal.auth import CodeForm, _hasher, _printable, accepted_step, auth_bp
from portal.auth.sessions import aware, now
from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.models import StaffUser
from portal.models.casework import AuditEvent
from portal.tenancy import current_tenant

LINK_LIFETIME = timedelta(hours=72)
MIN_PASSWORD = 12
MAX_PASSWORD = 256
SET_UP_LIMIT = "20 per minute"  # per address; Settings.extra["staff_set_up_limit"] overrides


def _set_up_limit() -> str:
    return current_app.config["PORTAL_SETTINGS"].extra.get("staff_set_up_limit", SET_UP_LIMIT)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_url(tenant, token: str) -> str:
    base = current_app.config["PORTAL_SETTINGS"].portal_base_url.rstrip("/")
    return f"{base}/{tenant.slug}/staff/set-up/{token}"


def sign_in_url(tenant) -> str:
    base = current_app.config["PORTAL_SETTINGS"].portal_base_url.rstrip("/")
    return f"{base}/{tenant.slug}/staff/sign-in"


# --- the administrator's side ----------------------------------------------------------------

def issue_link(user: StaffUser, *, tenant, reset: bool = False) -> None:
    """A new one-time link for `user`, emailed to them (in the caller's transaction). Any
    earlier link, and anything half set up with it, stops counting."""
    from portal.outbox import queue_email
    from portal.outbox import wording

    token = secrets.token_urlsafe(32)
    user.setup_token_hash = _sha256(token)
    user.setup_expires_at = now() + LINK_LIFETIME
    user.pending_password_hash = None
    user.pending_totp_secret = None
    languages = ["cy", "en"] if "cy" in tenant.languages else ["en"]
    parts = wording.officer_set_up(
        tenant, languages=languages, name=user.display_name, link=link_url(tenant, token),
        sign_in=sign_in_url(tenant), hours=int(LINK_LIFETIME.total_seconds() // 3600),
        reset=reset)
    queue_email(to=user.email, kind="other", template="officer_set_up", language=languages[0],
                tenant=tenant, context={"parts": parts})


def forget_link(user: StaffUser) -> None:
    """The link (and anything half set up with it) stops working."""
    user.setup_token_hash = None
    user.setup_expires_at = None
    user.pending_password_hash = None
    user.pending_totp_secret = None


def link_state(user: StaffUser) -> str | None:
    """For the administrator: "live", "expired" or None (no link outstanding)."""
    if user.setup_token_hash is None or user.setup_expires_at is None:
        return None
    return "live" if aware(user.setup_expires_at) > now() else "expired"


# --- the officer's side --------------------------------------------------------------------

def _user_of(token: str) -> StaffUser | None:
    """The officer (of the council in the address) whose live link this is, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(StaffUser).where(StaffUser.setup_token_hash == _sha256(token)))
    if user is None or not user.is_active or user.setup_expires_at is None \
            or aware(user.setup_expires_at) <= now():
        return None
    return user


def _dead_link():
    return render_template("auth/set_up_link_not_working.html",
                           hours=int(LINK_LIFETIME.total_seconds() // 3600)), 404


class PasswordForm(FlaskForm):
    """The GOV.UK password pattern: one password, typed twice, at least 12 characters."""

    password = PasswordField(_l("Create a password"), validators=[
        v.Required(_l("Enter a password"))])
    password_confirm = PasswordField(_l("Confirm your password"), validators=[
        v.Required(_l("Enter your password again to confirm it"))])

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email_address = email

    def validate_password(self, field) -> None:
        password = field.data or ""
        if len(password) < MIN_PASSWORD:
            raise StopValidation(_l("Your password must be 12 characters or more"))
        if len(password) > MAX_PASSWORD:
            raise StopValidation(_l("Your password must be 256 characters or fewer"))
        if password.strip().casefold() == self.email_address.strip().casefold():
            raise StopValidation(_l("Your password must not be your email address"))

    def validate_password_confirm(self, field) -> None:
        if not self.password.errors and field.data != self.password.data:
            raise ValidationError(_l("The passwords do not match: enter the same password "
                                     "in both boxes"))


class ConfirmCodeForm(CodeForm):
    code = StringField(_l("Code from your authenticator app"), filters=[_printable], validators=[
        v.Required(_l("Enter the 6-digit code from your authenticator app"))])


@auth_bp.route("/set-up/<token>", methods=["GET", "POST"])
@limiter.limit(_set_up_limit)
@public
def set_up(token: str):
    """Step 1: choose a password."""
    user = _user_of(token)
    if user is None:
        return _dead_link()
    form = PasswordForm(email=user.email)
    if form.validate_on_submit():
        user.pending_password_hash = _hasher.hash(form.password.data)
        if not user.pending_totp_secret:
            user.pending_totp_secret = pyotp.random_base32()
        db.session.commit()
        return redirect(url_for("auth.set_up_authenticator", token=token), code=303)
    form.password.data = form.password_confirm.data = ""
    return render_template("auth/set_up_password.html", form=form, token=token,
                           email=user.email)


def _qr_svg(uri: str) -> Markup:
    """The otpauth address as an inline SVG QR code: no style attributes (the CSP forbids
    them), a title for screen readers."""
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff", svgclass="portal-qr",
        lineclass=None, title=str(_l("QR code for your authenticator app")))
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@auth_bp.route("/set-up/<token>/authenticator", methods=["GET", "POST"])
@limiter.limit(_set_up_limit)
@public
def set_up_authenticator(token: str):
    """Step 2: add the portal to an authenticator app and confirm it with a code."""
    user = _user_of(token)
    if user is None:
        return _dead_link()
    if not user.pending_password_hash or not user.pending_totp_secret:
        return redirect(url_for("auth.set_up", token=token), code=303)
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        moment = now()
        step = accepted_step(SimpleNamespace(totp_secret=user.pending_totp_secret,
                                             totp_last_step=None), form.code.data, moment)
        if step is not None:
            user.password_hash = user.pending_password_hash
            user.totp_secret = user.pending_totp_secret
            user.totp_last_step = step  # this code cannot also sign in
            user.failed_attempts = 0
            user.locked_at = None
            forget_link(user)
            db.session.add(AuditEvent(at=moment, user_id=user.id, action="change",
                                      what="user.set_up", object_type="user",
                                      object_id=user.id))
            db.session.commit()
            current_app.logger.info("Officer account %s set up.", user.id)
            return redirect(url_for("auth.set_up_done"), code=303)
        form.code.errors = [_l("Enter the code your authenticator app shows now")]
    form.code.data = ""
    issuer = f"{current_tenant.display_name(current_language())} CME portal"
    uri = pyotp.TOTP(user.pending_totp_secret).provisioning_uri(name=user.email,
                                                                issuer_name=issuer)
    return render_template("auth/set_up_authenticator.html", form=form, token=token,
                           qr=_qr_svg(uri), secret=_grouped(user.pending_totp_secret))


@auth_bp.get("/set-up/finished")
@public
def set_up_done():
    return render_template("auth/set_up_done.html")
