"""The council administrator's officer accounts: `/<council>/staff/users`.

- the council's officers, with their role, status (active, locked, disabled, set-up pending)
  and last sign-in;
- add an officer: a name, an email address (one officer per address in a council, whatever
  its capitals) and a role. The account has no password and no second factor: the officer is
  emailed a one-time link to set them up (portal.auth.setup);
- one officer's page: disable (their sessions end at once, see portal.models.auth), enable,
  unlock, reset the password and second factor (their sessions end; a new set-up link is
  emailed), change the role. An administrator cannot disable, reset or demote themselves.

Every change is audited ("user.create", "user.disable", ...). Every lookup is a scoped select:
another council's officer is not found (404).
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField, StringField
from wtforms.validators import StopValidation

from forms import validators as v
from forms.registry import GovRadioField
from portal.access import staff_required
from portal.auth import setup
from portal.auth.sessions import now
from portal.backoffice import ROLE_NAMES, backoffice_bp
from portal.casework import audit
from portal.casework.cases import in_london, staff_names
from portal.extensions import db
from portal.models import ROLES, StaffIdentity, StaffSession, StaffUser
from portal.outbox import is_sendable_address
from portal.tenancy import current_tenant

ADMIN = "council_admin"

STATUS_NAMES = {"active": _l("Active"), "locked": _l("Locked"), "disabled": _l("Disabled"),
                "pending": _l("Set-up pending")}
STATUS_TAGS = {"active": "govuk-tag--green", "locked": "govuk-tag--red",
               "disabled": "govuk-tag--grey", "pending": "govuk-tag--yellow"}
ROLE_HINTS = {"officer": _l("Works the inbox and cases."),
              "manager": _l("What an officer does, and allocates work to teams and officers."),
              "council_admin": _l("Manages officer accounts and sees the audit trail. Does no "
                                  "casework.")}
DONE = {
    "created": _l("The officer has been added and emailed a link to set up their account."),
    "disabled": _l("The account has been disabled and its sessions have ended."),
    "enabled": _l("The account has been enabled."),
    "unlocked": _l("The account has been unlocked."),
    "reset": _l("The password and authenticator app have been reset, the officer has been "
                "signed out, and a new set-up link has been emailed to them."),
    "role": _l("The role has been changed."),
}
HISTORY = {"user.create": _l("Added"), "user.disable": _l("Disabled"),
           "user.enable": _l("Enabled"), "user.unlock": _l("Unlocked"),
           "user.reset": _l("Password and authenticator app reset, set-up link sent"),
           "user.role": _l("Role changed"), "user.set_up": _l("Account set up by the officer")}


# --- forms -------------------------------------------------------------------------------------

ROLE_CHOICES = [(role, ROLE_NAMES[role]) for role in ROLES]


class NewOfficerForm(FlaskForm):
    display_name = StringField(_l("Full name"), filters=[v.clean_text], validators=[
        v.Required(_l("Enter the officer's full name"))])
    email = StringField(_l("Email address"), filters=[v.clean_text], validators=[
        v.Required(_l("Enter the officer's email address"))])
    role = GovRadioField(_l("Role"), choices=ROLE_CHOICES, validators=[
        v.Required(_l("Select the officer's role"))])

    def validate_display_name(self, field) -> None:
        field.data = " ".join(field.data.split())
        if len(field.data) > 200:
            raise StopValidation(_l("The name must be 200 characters or fewer"))

    def validate_email(self, field) -> None:
        field.data = field.data.strip()
        if len(field.data) > 254:
            raise StopValidation(_l("The email address must be 254 characters or fewer"))
        if not v.EMAIL.match(field.data) or not is_sendable_address(field.data):
            raise StopValidation(_l("Enter an email address in the correct format, like "
                                    "name@example.com"))
        if _email_taken(field.data):
            raise StopValidation(_l("There is already an officer with this email address"))


class RoleForm(FlaskForm):
    role = GovRadioField(_l("Role"), choices=ROLE_CHOICES, validators=[
        v.Required(_l("Select a role"))])


class ActionForm(FlaskForm):
    """Disable, enable, unlock, reset: nothing to fill in. A refusal is shown beside the
    account's actions (the field is never rendered; its id is the actions' section)."""

    problem = HiddenField(id="account-actions")


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(StaffUser.id)
                             .where(func.lower(StaffUser.email) == email.lower())) is not None


# --- reading ---------------------------------------------------------------------------------

def _sso_linked(ids=None) -> set[int]:
    query = select(StaffIdentity.user_id)
    if ids is not None:
        query = query.where(StaffIdentity.user_id.in_(ids))
    return set(db.session.scalars(query))


def status_of(user: StaffUser, linked: set[int]) -> str:
    if not user.is_active:
        return "disabled"
    if user.locked_at is not None:
        return "locked"
    if not (user.password_hash and user.totp_secret) and user.id not in linked:
        return "pending"
    return "active"


def _officer_or_404(user_id: int) -> StaffUser:
    user = db.session.scalar(select(StaffUser).where(StaffUser.id == user_id))
    if user is None:
        abort(404)
    return user


@backoffice_bp.get("/users")
@staff_required(ADMIN)
def users():
    officers = list(db.session.scalars(select(StaffUser).order_by(
        func.lower(StaffUser.display_name), StaffUser.id)))
    linked = _sso_linked()
    rows = [{"user": user, "status": status_of(user, linked),
             "last_sign_in": in_london(user.last_sign_in_at)} for user in officers]
    return render_template("backoffice/users.html", rows=rows, role_names=ROLE_NAMES,
                           status_names=STATUS_NAMES, status_tags=STATUS_TAGS)


def render_officer(user: StaffUser, *, form: FlaskForm | None = None, role_form=None,
                   http_status: int = 200):
    linked = _sso_linked([user.id])
    events = audit.trail("user", user.id, limit=50)
    names = staff_names([event.user_id for event in events])
    history = [{"at": in_london(event.at), "who": names.get(event.user_id, ""),
                "what": HISTORY.get(event.what, event.what)} for event in events]
    action_error = None
    if isinstance(form, ActionForm) and form.problem.errors:
        action_error = form.problem.errors[0]
    return render_template(
        "backoffice/users_officer.html", officer=user, form=form,
        role_form=role_form or RoleForm(formdata=None, data={"role": user.role}),
        role_choices=ROLE_CHOICES, role_hints=ROLE_HINTS, role_names=ROLE_NAMES,
        status=status_of(user, linked), status_names=STATUS_NAMES, status_tags=STATUS_TAGS,
        sso_linked=user.id in linked, sso=current_tenant.sso is not None,
        link_state=setup.link_state(user), link_expires=in_london(user.setup_expires_at),
        last_sign_in=in_london(user.last_sign_in_at), own=user.id == current_user.id,
        history=history, action_error=action_error,
        done=DONE.get(request.args.get("done", ""))), http_status


@backoffice_bp.get("/users/<int:user_id>")
@staff_required(ADMIN)
def officer(user_id: int):
    return render_officer(_officer_or_404(user_id))


# --- adding an officer -----------------------------------------------------------------------

def _render_new(form: NewOfficerForm):
    return render_template("backoffice/users_new.html", form=form, role_choices=ROLE_CHOICES,
                           role_hints=ROLE_HINTS, sso=current_tenant.sso is not None,
                           hours=int(setup.LINK_LIFETIME.total_seconds() // 3600))


@backoffice_bp.route("/users/new", methods=["GET", "POST"])
@staff_required(ADMIN)
def new_officer():
    form = NewOfficerForm()
    if not form.validate_on_submit():
        return _render_new(form)
    user = StaffUser(email=form.email.data.lower(), display_name=form.display_name.data,
                     role=form.role.data, is_active=True, failed_attempts=0)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same address added a moment ago by someone else
        db.session.rollback()
        form.email.errors = [_("There is already an officer with this email address")]
        return _render_new(form)
    setup.issue_link(user, tenant=current_tenant)
    audit.record("change", "user.create", "user", user.id)
    db.session.commit()
    current_app.logger.info("Council administrator %s added officer account %s (%s).",
                            current_user.id, user.id, user.role)
    return redirect(url_for("backoffice.officer", user_id=user.id, done="created"), code=303)


# --- one officer's actions -------------------------------------------------------------------

def _done(user: StaffUser, what: str):
    return redirect(url_for("backoffice.officer", user_id=user.id, done=what), code=303)


def _refused(user: StaffUser, sentence: str):
    form = ActionForm()
    form.problem.errors = [sentence]
    return render_officer(user, form=form, http_status=409)


def _changed(user: StaffUser, what: str, done: str):
    audit.record("change", f"user.{what}", "user", user.id)
    db.session.commit()
    current_app.logger.info("Council administrator %s: user.%s on officer account %s.",
                            current_user.id, what, user.id)
    return _done(user, done)


def _end_sessions(user: StaffUser) -> None:
    db.session.execute(update(StaffSession)
                       .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
                       .values(ended_at=now())
                       .execution_options(synchronize_session=False))


@backoffice_bp.post("/users/<int:user_id>/disable")
@staff_required(ADMIN)
def disable_officer(user_id: int):
    user = _officer_or_404(user_id)
    if user.id == current_user.id:
        return _refused(user, _("You cannot disable your own account. Another council "
                                "administrator can."))
    if not user.is_active:
        return _done(user, "disabled")  # a second click
    user.is_active = False  # ends every session of theirs in the same flush
    setup.forget_link(user)
    return _changed(user, "disable", "disabled")


@backoffice_bp.post("/users/<int:user_id>/enable")
@staff_required(ADMIN)
def enable_officer(user_id: int):
    user = _officer_or_404(user_id)
    if user.is_active:
        return _done(user, "enabled")
    user.is_active = True
    return _changed(user, "enable", "enabled")


@backoffice_bp.post("/users/<int:user_id>/unlock")
@staff_required(ADMIN)
def unlock_officer(user_id: int):
    user = _officer_or_404(user_id)
    if user.locked_at is None and not user.failed_attempts:
        return _done(user, "unlocked")
    user.locked_at = None
    user.failed_attempts = 0
    return _changed(user, "unlock", "unlocked")


@backoffice_bp.post("/users/<int:user_id>/reset")
@staff_required(ADMIN)
def reset_officer(user_id: int):
    user = _officer_or_404(user_id)
    if user.id == current_user.id:
        return _refused(user, _("You cannot reset your own password and authenticator app. "
                                "Another council administrator can."))
    if not user.is_active:
        return _refused(user, _("This account is disabled. Enable it before sending a new "
                                "set-up link."))
    user.password_hash = None
    user.totp_secret = None
    user.totp_last_step = None
    user.failed_attempts = 0
    user.locked_at = None
    _end_sessions(user)
    setup.issue_link(user, tenant=current_tenant, reset=True)
    return _changed(user, "reset", "reset")


@backoffice_bp.post("/users/<int:user_id>/role")
@staff_required(ADMIN)
def change_role(user_id: int):
    user = _officer_or_404(user_id)
    form = RoleForm()
    if user.id == current_user.id:
        return _refused(user, _("You cannot change your own role. Another council "
                                "administrator can."))
    if not form.validate():
        return render_officer(user, form=form, role_form=form)
    if form.role.data == user.role:
        form.role.errors = [_("This is already the officer's role. Select a different role.")]
        return render_officer(user, form=form, role_form=form)
    before = user.role
    user.role = form.role.data
    current_app.logger.info("Officer account %s: role %s -> %s.", user.id, before, user.role)
    return _changed(user, "role", "role")
