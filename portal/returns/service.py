"""Filing a school's return: the school's details once, then every pupil row as its own
submission (referenced, routed and deadlined exactly as if filed alone, by
portal.submissions.store.add_submission), linked to the return, in ONE transaction. The views
here and the schools' API call this; nothing is stored unless every row is valid.

Emails: the school gets one acknowledgement with the return's reference (never a pupil's
name); each team that receives pupils gets one notice for the return; every urgent pupil
raises its own alert, as an urgent single notice would.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forms.schema import FormDefinition
from portal.extensions import db
from portal.models.school_return import SchoolReturn
from portal.models.submission import Submission
from portal.rules.returns import exemption_for, latest_period
from portal.casework.intake import on_filed_many
from portal.submissions.references import next_references
from portal.submissions.store import add_submission
from portal.tenant_config import Tenant

LONDON = ZoneInfo("Europe/London")
SOURCES = ("rows", "csv", "ctf", "none")  # none: nothing to report this period
LOST_PUPIL = "XXXXXXX"


@dataclass
class FiledReturn:
    school_return: SchoolReturn
    already_filed: bool
    references: list[str] = field(default_factory=list)


def row_token(return_token: str, number: int) -> str:
    return hashlib.sha256(f"{return_token}:{number}".encode()).hexdigest()


def find_return(token: str) -> SchoolReturn | None:
    return db.session.scalar(select(SchoolReturn).where(SchoolReturn.submission_token == token))


def references_of(school_return: SchoolReturn) -> list[str]:
    return list(db.session.scalars(select(Submission.reference).where(
        Submission.return_id == school_return.id).order_by(Submission.id)))


def _derived(definition: FormDefinition, answers: dict) -> dict:
    """What the deletion rules read from a single notice, said by a return's row."""
    if definition.slug == "deletion-return" or "destination_laestab" in answers:
        destination = answers.get("destination_laestab")
        if destination:
            answers["destination_known"] = "no" if destination == LOST_PUPIL else "yes"
    return answers


def file_return(*, definition: FormDefinition, tenant: Tenant, tenant_id: int, school: dict,
                rows: list[dict], numbers: list[int], source: str, token: str, language: str,
                now: datetime) -> FiledReturn:
    """Store the return and one submission per pupil not exempt, and commit; or return the
    return this token filed before. ``school`` and ``rows`` are already checked
    (portal.returns.rows)."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    existing = find_return(token)
    if existing is not None:
        return FiledReturn(existing, True, references_of(existing))
    local_now = now.astimezone(LONDON)
    config = tenant.school_return(definition.slug)
    calendar = tenant.calendar.school_calendar()
    period = latest_period(config.cadence, local_now.date(), calendar) if config else None
    terms = calendar.terms
    included: list[tuple[int, dict]] = []
    exempt: list[dict] = []
    for number, row in zip(numbers, rows):
        exemption = exemption_for(definition.exemption, row, school, terms)
        if exemption:
            exempt.append({"row": number, "exemption": exemption})
        else:
            included.append((number, row))
    # the return's reference, then its pupils' in the order of their rows: one statement
    allocated = next_references(db.session, tenant_id=tenant_id, prefix=tenant.reference_prefix,
                                year=local_now.year, count=len(included) + 1)
    school_return = SchoolReturn(
        reference=allocated[0],
        submission_token=token, form_slug=definition.slug,
        school_laestab=school["school_laestab"], sender_name=school.get("sender_name"),
        sender_email=school.get("sender_email"), source=source, received_at=now,
        period_key=period.key if period else None, pupil_count=0, exempt_rows=[])
    db.session.add(school_return)
    references: list[str] = []
    try:
        db.session.flush()
        teams: dict[str, object] = {}
        urgent_references: list[str] = []
        submissions, routes = [], []
        for (number, row), reference in zip(included, allocated[1:]):
            answers = _derived(definition, {**school, **row, "return_reference":
                                            school_return.reference})
            submission, route = add_submission(
                answers, definition=definition, tenant=tenant, tenant_id=tenant_id, now=now,
                token=row_token(token, number), language=language,
                return_id=school_return.id, reference=reference, filed=False)
            submissions.append(submission)
            routes.append(route)
            references.append(submission.reference)
            if submission.urgent:
                urgent_references.append(submission.reference)
        on_filed_many(submissions, tenant)
        _school_officer(submissions, routes, tenant, teams)
        school_return.pupil_count = len(references)
        school_return.exempt_rows = exempt
        _queue_emails(school_return, definition=definition, tenant=tenant, teams=teams,
                      urgent_references=urgent_references, language=language)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_return(token)
        if existing is None:
            raise
        return FiledReturn(existing, True, references_of(existing))
    return FiledReturn(school_return, False, references)


def _school_officer(submissions, routes, tenant: Tenant, teams: dict) -> None:
    """As for a single notice: the school's named officer (or team) takes each pupil the
    council's routing does not send elsewhere (portal.casework.school_officers); the officer
    gets one email for the return."""
    from portal.casework import school_officers
    from portal.outbox import queue_officer_allocation

    found: dict = {}
    given: dict[int, tuple] = {}
    for submission, route in zip(submissions, routes):
        key = (submission.school_laestab, route.rule_index)
        if key not in found:
            found[key] = school_officers.allocation_for(tenant, submission.school_laestab, route)
        allocation = found[key]
        if allocation is None:
            teams.setdefault(route.team.key, route.team)
            continue
        school_officers.allocate_on_filing(submission, tenant, allocation, notify=False)
        team = tenant.team(allocation.team_key)
        teams.setdefault(team.key, team)
        if allocation.officer is not None:
            given.setdefault(allocation.officer.id, (allocation.officer, []))[1].append(
                submission.reference)
    for officer, references in given.values():
        queue_officer_allocation(tenant=tenant, officer=officer, references=references)


def _queue_emails(school_return: SchoolReturn, *, definition: FormDefinition, tenant: Tenant,
                  teams: dict, urgent_references: list[str], language: str) -> None:
    from portal import outbox

    title = definition.title.get(language)
    if school_return.sender_email:
        outbox.queue_acknowledgement(
            tenant=tenant, to=school_return.sender_email, reference=school_return.reference,
            form_title=title, language=language, urgent=bool(urgent_references))
    for team in teams.values():
        outbox.queue_team_notification(tenant=tenant, team=team,
                                       reference=school_return.reference,
                                       urgent=bool(urgent_references), form_title=title)
    for reference in urgent_references:
        outbox.queue_urgent_alert(tenant=tenant, reference=reference)
