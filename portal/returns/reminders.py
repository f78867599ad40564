"""Which schools have sent each of the council's periodic returns, and reminders to those that
have not (``flask returns remind``, run daily).

A return with a cadence (monthly, termly, every N school days; tenant.toml ``[[returns]]``) is
for the period portal.rules.returns.latest_period gives on the day it is sent, and is due by
that period's due day. Once the due day has passed, each school of the return's list
(``remind_schools``, or every school in ``[[schools]]``) with no return for that period is
reminded once, at the address it sent its last return from. A school with no address known is
listed on the back-office page for an officer to chase: nobody is forgotten because no email
could be sent. Returns sent "as things happen" (``on_event``) have no period and no reminder.

Set-based: one query for the returns received and one for the reminders sent, whatever the
number of schools.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models.school_return import ReturnReminder, SchoolReturn
from portal.rules.returns import Period, latest_period
from portal.tenant_config import Tenant
from portal.tenant_config.schema import SchoolReturnConfig


@dataclass
class SchoolState:
    laestab: str
    name: str
    received: SchoolReturn | None = None
    reminded_at: datetime | None = None
    address_known: bool = False


@dataclass
class ReturnState:
    config: SchoolReturnConfig
    period: Period | None
    overdue: bool
    schools: list[SchoolState] = field(default_factory=list)

    @property
    def missing(self) -> list[SchoolState]:
        return [school for school in self.schools if school.received is None]


def periodic(tenant: Tenant) -> list[SchoolReturnConfig]:
    return [config for config in tenant.returns if config.cadence.kind != "on_event"]


def _schools(tenant: Tenant, config: SchoolReturnConfig) -> list[tuple[str, str]]:
    names = {school.laestab: school.name for school in tenant.schools}
    laestabs = config.remind_schools or [school.laestab for school in tenant.schools]
    return sorted(((laestab, names.get(laestab, laestab)) for laestab in laestabs),
                  key=lambda pair: pair[1].casefold())


def _last_addresses(laestabs: set[str]) -> dict[str, str]:
    """The address each school sent its latest return from (any return of this council)."""
    if not laestabs:
        return {}
    rows = db.session.execute(
        select(SchoolReturn.school_laestab, SchoolReturn.sender_email)
        .where(SchoolReturn.school_laestab.in_(laestabs), SchoolReturn.sender_email.is_not(None))
        .order_by(SchoolReturn.received_at)).all()
    return {laestab: email for laestab, email in rows if email}


def states(tenant: Tenant, today: date) -> list[ReturnState]:
    """Each periodic return of the council: its latest period, and every school's state."""
    calendar = tenant.calendar.school_calendar()
    found = [(config, latest_period(config.cadence, today, calendar)) for config in periodic(tenant)]
    wanted = {(config.form, period.key) for config, period in found if period is not None}
    received: dict[tuple[str, str, str], SchoolReturn] = {}
    reminded: dict[tuple[str, str, str], datetime] = {}
    if wanted:
        forms = {form for form, _key in wanted}
        keys = {key for _form, key in wanted}
        for row in db.session.scalars(select(SchoolReturn).where(
                SchoolReturn.form_slug.in_(forms), SchoolReturn.period_key.in_(keys))
                .order_by(SchoolReturn.received_at)):
            received.setdefault((row.form_slug, row.period_key, row.school_laestab), row)
        for row in db.session.scalars(select(ReturnReminder).where(
                ReturnReminder.form_slug.in_(forms), ReturnReminder.period_key.in_(keys))):
            reminded[(row.form_slug, row.period_key, row.school_laestab)] = row.sent_at
    everyone = {laestab for config, _p in found for laestab, _n in _schools(tenant, config)}
    addresses = _last_addresses(everyone)
    result = []
    for config, period in found:
        state = ReturnState(config, period, overdue=period is not None and today > period.due)
        if period is not None:
            for laestab, name in _schools(tenant, config):
                key = (config.form, period.key, laestab)
                state.schools.append(SchoolState(laestab, name, received.get(key),
                                                 reminded.get(key), laestab in addresses))
        result.append(state)
    return result


def send_reminders(tenant: Tenant, today: date, now: datetime) -> int:
    """Queue one reminder to each school whose return for the latest period is overdue and
    that has not been reminded for that period; return how many were queued. The caller
    commits (the reminders and their outbox rows together)."""
    from portal.outbox import queue_return_reminder

    queued = 0
    pending = [state for state in states(tenant, today) if state.overdue]
    addresses = _last_addresses({school.laestab for state in pending for school in state.missing})
    for state in pending:
        for school in state.missing:
            address = addresses.get(school.laestab)
            if school.reminded_at is not None or address is None:
                continue
            queue_return_reminder(tenant=tenant, to=address, label=state.config.label,
                                  form_slug=state.config.form, period=state.period,
                                  school_name=school.name)
            db.session.add(ReturnReminder(form_slug=state.config.form,
                                          school_laestab=school.laestab,
                                          period_key=state.period.key, sent_at=now))
            queued += 1
    return queued
