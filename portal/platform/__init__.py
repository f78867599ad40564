"""The platform administrator's pages at `/platform/`: sign in (password, then a TOTP code),
the councils on the portal, and the directory of every local authority in England and Wales,
whose CME contact addresses they edit (each change kept with who made it and when).

A platform administrator manages councils and sees no child's data: nothing here reads a
council's rows (no `TenantOwned` model is imported), and they are not an officer of any
council, so every council back-office page sends them to that council's sign-in page.
Accounts are made with `flask platform create-admin` (see README).
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from forms import validators as v
from portal.access import public
from portal.extensions import db, limiter
from portal.limits import sign_in_account
from portal.models.platform import PlatformAdmin
from portal.platform.sessions import (MAX_FAILED_ATTEMPTS, accepted_step, current_admin,
                                      current_row, end_current_session, now, password_matches,
                                      platform_admin_required, start_session)

platform_bp = Blueprint("platform", __name__, url_prefix="/platform")

SIGN_IN_LIMIT = "30 per minute"
_CODE = re.compile(r"^[0-9]{6}$")


def _sign_in_limit() -> str:
    return current_app.config["PORTAL_SETTINGS"].extra.get("platform_sign_in_limit",
                                                           SIGN_IN_LIMIT)


@platform_bp.context_processor
def _platform_context() -> dict:
    return {"platform_admin": current_admin()}


# --- sign in -------------------------------------------------------------------------------

class SignInForm(FlaskForm):
    email = StringField(_l("Email address"), filters=[v.clean_text], validators=[
        InputRequired(_l("Enter your email address")),
        Length(max=254, message=_l("Enter a correct email address and password"))])
    password = PasswordField(_l("Password"), validators=[
        InputRequired(_l("Enter your password")),
        Length(max=1024, message=_l("Enter a correct email address and password"))])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[v.clean_text], validators=[
        InputRequired(_l("Enter the code from your authenticator app"))])

    def validate_code(self, field) -> None:
        field.data = "".join((field.data or "").split())
        if not _CODE.match(field.data):
            raise ValidationError(_l("Enter the 6-digit code from your authenticator app"))


def _find(email: str) -> PlatformAdmin | None:
    if not email:
        return None
    return db.session.scalar(select(PlatformAdmin)
                             .where(func.lower(PlatformAdmin.email) == email.lower()))


def _usable(admin: PlatformAdmin | None) -> bool:
    return admin is not None and admin.is_active and admin.locked_at is None


def _failed(admin: PlatformAdmin) -> None:
    admin.failed_attempts = (admin.failed_attempts or 0) + 1
    if admin.failed_attempts >= MAX_FAILED_ATTEMPTS and admin.locked_at is None:
        admin.locked_at = now()
        current_app.logger.warning("Platform administrator %s locked after %s failed attempts.",
                                   admin.id, admin.failed_attempts)
    db.session.commit()


@platform_bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@sign_in_account("platform_sign_in_account_limit")
@public
def sign_in():
    if current_admin() is not None:
        return redirect(url_for("platform.home"), code=303)
    form = SignInForm()
    if form.validate_on_submit():
        admin = _find(form.email.data.strip())
        matches = password_matches(admin, form.password.data)
        if admin is not None and not matches:
            _failed(admin)
        if matches and _usable(admin) and admin.totp_secret:
            start_session(admin, verified=False)
            db.session.commit()
            return redirect(url_for("platform.code"), code=303)
        form.email.errors = [_("Enter a correct email address and password")]
    form.password.data = ""
    return render_template("platform/sign_in.html", form=form)


@platform_bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def code():
    row = current_row(pending=True)
    if row is None:
        return redirect(url_for("platform.sign_in"), code=303)
    admin = db.session.get(PlatformAdmin, row.admin_id)
    if not _usable(admin) or not admin.totp_secret:
        end_current_session()
        return redirect(url_for("platform.sign_in"), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        step = accepted_step(admin, form.code.data, now())
        if step is not None:
            admin.totp_last_step = step
            admin.failed_attempts = 0
            admin.last_sign_in_at = now()
            row.ended_at = now()
            start_session(admin, verified=True)
            db.session.commit()
            return redirect(url_for("platform.home"), code=303)
        _failed(admin)
        if admin.locked_at is not None:
            end_current_session()
            return redirect(url_for("platform.sign_in"), code=303)
        form.code.errors = [_("Enter a correct code")]
    form.code.data = ""
    return render_template("auth/code.html", form=form, code_endpoint="platform.code",
                           start_endpoint="platform.sign_in")


@platform_bp.post("/sign-out")
@platform_admin_required
def sign_out():
    if not FlaskForm().validate_on_submit():
        abort(400)
    end_current_session()
    return redirect(url_for("platform.sign_in"), code=303)


# --- councils and the directory ------------------------------------------------------------

@platform_bp.get("/")
@platform_admin_required
def home():
    from portal.directory import local_authority
    from portal.models.tenant import TenantRow
    from portal.tenancy import tenants

    in_database = set(db.session.scalars(select(TenantRow.slug)))
    councils = [{"tenant": tenant, "authority": local_authority(tenant.dfe_code),
                 "synced": tenant.slug in in_database}
                for tenant in sorted(tenants().values(), key=lambda t: t.name.get("en"))]
    return render_template("platform/home.html", councils=councils)


NATION_NAMES = {"england": _l("England"), "wales": _l("Wales")}


@platform_bp.get("/directory")
@platform_admin_required
def directory_page():
    from portal.directory import NATIONS, directory, local_authorities

    nation = request.args.get("nation") if request.args.get("nation") in NATIONS else None
    text = (request.args.get("q") or "").strip()[:100]
    entries = directory(nation=nation, text=text)
    return render_template("platform/directory.html", entries=entries, nation=nation, q=text,
                           total=len(local_authorities()), nation_names=NATION_NAMES,
                           with_address=sum(1 for e in entries if e.cme_email))


class ContactForm(FlaskForm):
    cme_email = StringField(_l("Children missing education contact email address"),
                            filters=[v.clean_text],
                            validators=[v.MaxLength(254), v.check_email])
    note = TextAreaField(_l("Why are you changing it?"), filters=[v.clean_text], validators=[
        v.Required(_l("Say why you are changing the address, for example where you found "
                      "the new one")), v.MaxLength(500)])

    def validate_cme_email(self, field) -> None:
        from portal.outbox import is_sendable_address

        if field.data and not is_sendable_address(field.data):
            raise ValidationError(v.message("email"))


def _authority_or_404(code: str):
    from portal.directory import entry

    found = entry(code) if re.fullmatch(r"[0-9]{3}", code or "") else None
    if found is None:
        abort(404)
    return found


@platform_bp.route("/directory/<code>", methods=["GET", "POST"])
@platform_admin_required
def contact(code: str):
    from portal.directory import NoChange, set_contact

    found = _authority_or_404(code)
    if request.method == "GET":
        form = ContactForm(formdata=None, data={"cme_email": found.cme_email or ""})
        return _render_contact(found, form)
    form = ContactForm()
    if not form.validate():
        return _render_contact(found, form, 400)
    admin = current_admin()
    try:
        set_contact(code, form.cme_email.data, admin_id=admin.id, note=form.note.data,
                    now=now())
    except NoChange:
        db.session.rollback()
        form.cme_email.errors = [_("This is the address the directory already has. Change it, "
                                   "or go back.")]
        return _render_contact(found, form, 400)
    db.session.commit()
    current_app.logger.info("Platform administrator %s changed the directory address of LA %s.",
                            admin.id, code)
    return redirect(url_for("platform.contact", code=code, done=1), code=303)


def _render_contact(found, form, status: int = 200):
    from portal.directory import contact_history
    from portal.notices.service import in_london

    history = contact_history(found.code)
    names = dict(db.session.execute(select(PlatformAdmin.id, PlatformAdmin.display_name)
                                    .where(PlatformAdmin.id.in_({h.admin_id for h in history
                                                                 if h.admin_id}))).all()) \
        if history else {}
    return render_template("platform/contact.html", entry=found, form=form, history=history,
                           names=names, in_london=in_london, nation_names=NATION_NAMES,
                           done=request.args.get("done") == "1"), status
