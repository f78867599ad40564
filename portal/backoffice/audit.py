"""Back-office pages: the council administrator's audit question, "which cases did this
member of staff look at between these two times?".

The question is asked with GET (its parameters are a staff id and two times, never a child's
details), and asking it is itself recorded in the audit trail.
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import ValidationError

from forms import validators as v
from forms.registry import GovDateField, GovSelectField
from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.casework import cases as service
from portal.extensions import db
from portal.models.staff import StaffUser

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
FIELDS = ("user", "start_date", "start_time", "end_date", "end_time")


def _parse_time(value: str | None) -> time | None:
    match = TIME.match((value or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _check_time(form, field) -> None:
    if field.data and _parse_time(field.data) is None:
        raise ValidationError(_("Enter a time in 24-hour format, like 09:30 or 17:00"))


class AuditQueryForm(FlaskForm):
    class Meta:
        csrf = False  # a GET question: nothing is changed by it

    user = GovSelectField(_l("Member of staff"), validate_choice=False, validators=[
        v.Required(_l("Select a member of staff"))])
    start_date = GovDateField(_l("From: date"), validators=[
        v.Required(_l("Enter the date to search from"))])
    start_time = StringField(_l("From: time"), filters=[v.clean_text], validators=[
        v.Required(_l("Enter the time to search from")), _check_time])
    end_date = GovDateField(_l("To: date"), validators=[
        v.Required(_l("Enter the date to search to"))])
    end_time = StringField(_l("To: time"), filters=[v.clean_text], validators=[
        v.Required(_l("Enter the time to search to")), _check_time])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = db.session.scalars(select(StaffUser)  # this council's staff only (scoped)
                                   .order_by(StaffUser.display_name, StaffUser.email))
        self.user.choices = [(str(u.id), f"{u.display_name} ({u.email})") for u in staff]

    def moment(self, which: str) -> datetime | None:
        """The start or end as a UTC time (the form's times are the council's, in London).
        The end takes in the whole of its minute."""
        day = getattr(self, f"{which}_date").data
        clock = _parse_time(getattr(self, f"{which}_time").data)
        if day is None or clock is None:
            return None
        local = datetime.combine(day, clock, tzinfo=service.LONDON)
        if which == "end":
            local += timedelta(minutes=1) - timedelta(microseconds=1)
        return local.astimezone(timezone.utc)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self.moment("start"), self.moment("end")
        if start is not None and end is not None and end < start:
            self.end_date.errors = [*self.end_date.errors,
                                    _("The end of the search must be after its start")]
            valid = False
        return valid


@backoffice_bp.get("/audit", endpoint="audit_query")
@staff_required("council_admin")
def audit_query():
    asked = any(name in request.args or f"{name}-day" in request.args for name in FIELDS)
    form = AuditQueryForm(formdata=request.args if asked else None)
    rows, who = None, None
    if asked and form.validate():
        user_id = int(form.user.data)
        who = dict(form.user.choices).get(form.user.data)
        events = service.cases_seen_by(user_id, form.moment("start"), form.moment("end"))
        rows = [{"case_id": e.object_id, "at": service.in_london(e.at),
                 "what": service.audit_what(e.what)} for e in events]
        audit.record("search", "audit.case_views", "staff_user", user_id)
        db.session.commit()
    return render_template("backoffice/audit.html", form=form, rows=rows, who=who)
