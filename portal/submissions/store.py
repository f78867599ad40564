"""Filing a submission: stored, referenced, routed and its emails queued in ONE transaction,
before the sender sees a reference. A repeat of the same final POST (double click, resubmit,
two tabs) finds the submission its one-time token already made."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from forms.journey import columns, is_urgent, prune
from forms.schema import FormDefinition
from portal.casework import school_officers
from portal.casework.intake import on_filed
from portal.extensions import db
from portal.models.submission import FormDraft, Submission
from portal.rules.deletion_grounds import ruleset_for
from portal.rules.deletion_readiness import DeletionPolicy, DeletionReadiness, deletion_readiness
from portal.submissions.references import next_reference
from portal.tenant_config import Tenant

LONDON = ZoneInfo("Europe/London")
FLAG_ANSWERS = ("looked_after", "child_protection_plan")


@dataclass(frozen=True)
class Filed:
    submission: Submission
    already_filed: bool


def received_in_london(submission: Submission) -> datetime:
    """When it arrived, on the council's clock (SQLite hands back a naive UTC time)."""
    received = submission.received_at
    if received.tzinfo is None:
        received = received.replace(tzinfo=timezone.utc)
    return received.astimezone(LONDON)


def find_by_token(token: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.submission_token == token))


def routing_flags(definition: FormDefinition, answers: dict, urgent: bool) -> tuple[str, ...]:
    """The flags routing rules match on: the form's own, and what the answers say."""
    flags = list(definition.routing_flags)
    if urgent:
        flags.append("urgent")
    groups = answers.get("risk_groups") or []
    for flag in FLAG_ANSWERS:
        if answers.get(flag) == "yes" or flag in groups:
            flags.append(flag)
    if answers.get("deletion_ground") == "home-education" or answers.get("home_educated") == "yes":
        flags.append("ehe")
    return tuple(dict.fromkeys(flags))


def readiness_for(definition: FormDefinition, answers: dict, tenant: Tenant,
                  today: date) -> DeletionReadiness | None:
    """For a deletion notice: the earliest day the school may delete, and on what condition."""
    if not answers.get("deletion_ground"):
        return None
    ruleset = ruleset_for(tenant.nation, today)
    ground = next((g for g in ruleset.grounds if g.key == answers.get("deletion_ground")), None)
    if ground is None:
        return None

    def day(key: str) -> date | None:
        value = answers.get(key)
        return date.fromisoformat(value) if value else None

    policy = DeletionPolicy(tenant.deletion.requires_cme_acknowledgement,
                            tenant.deletion.continuous_absence_school_days)
    return deletion_readiness(
        ground, today=today, calendar=tenant.calendar.school_calendar(), policy=policy,
        first_day_of_absence=day("first_day_of_absence"), leave_ended=day("leave_ended"),
        special_school=answers.get("special_school") == "yes",
        whereabouts_unknown=answers.get("destination_known") == "no")


def file_submission(draft: FormDraft, *, definition: FormDefinition, tenant: Tenant,
                    tenant_id: int, now: datetime) -> Filed:
    """Store the draft as a submission and commit, or return the one its token made before."""
    existing = find_by_token(draft.submission_token)
    if existing is not None:
        return Filed(existing, True)

    token = draft.submission_token
    answers = prune(definition, draft.answers, tenant)
    try:
        submission, route = add_submission(answers, definition=definition, tenant=tenant,
                                           tenant_id=tenant_id, now=now, token=token,
                                           language=draft.language)
        team = route.team
        allocation = school_officers.allocation_for(tenant, submission.school_laestab, route)
        if allocation is not None:  # the school's named officer (or team) takes it
            school_officers.allocate_on_filing(submission, tenant, allocation)
            team = tenant.team(allocation.team_key)
        _queue_emails(submission, definition=definition, tenant=tenant, team=team)
        db.session.delete(draft)
        db.session.commit()
    except (IntegrityError, StaleDataError):
        # Another request filed this token first: show its reference.
        db.session.rollback()
        existing = find_by_token(token)
        if existing is None:
            raise
        return Filed(existing, True)
    return Filed(submission, False)


def add_submission(answers: dict, *, definition: FormDefinition, tenant: Tenant, tenant_id: int,
                   now: datetime, token: str, language: str, return_id: int | None = None,
                   reference: str | None = None, filed: bool = True):
    """Reference, route, deadline and typed columns for one submission, added to the session
    (flushed, not committed): what filing a form does, and what a return does for each pupil.
    A repeated token fails here (at the flush) or at the caller's commit. A return gives the
    reference it allocated for all its pupils and runs on_filed_many itself (filed=False)."""
    urgent = is_urgent(definition, answers)
    local_now = now.astimezone(LONDON)
    readiness = readiness_for(definition, answers, tenant, local_now.date())
    typed = columns(definition, answers)
    route = tenant.route(definition.slug, laestab=typed.get("school_laestab"),
                         postcode=typed.get("postcode"),
                         flags=routing_flags(definition, answers, urgent))
    if reference is None:
        reference = next_reference(db.session, tenant_id=tenant_id,
                                   prefix=tenant.reference_prefix, year=local_now.year)
    submission = Submission(
        reference=reference, submission_token=token, form_slug=definition.slug,
        received_at=now, urgent=urgent, language=language, answers=answers,
        rules_version=ruleset_for(tenant.nation, local_now.date()).key,
        deletion_earliest=readiness.earliest if readiness else None,
        team_key=route.team.key, officer=route.officer,
        routing_reason=route.reason.get("en")[:300], return_id=return_id, **typed)
    db.session.add(submission)
    if filed:
        on_filed(submission, tenant)
    return submission, route


def _queue_emails(submission: Submission, *, definition: FormDefinition, tenant: Tenant,
                  team) -> None:
    """The acknowledgement to the sender (if they gave an address), the team's notice and,
    for an urgent submission, the duty alert: rows in the same transaction."""
    from portal import outbox

    if submission.sender_email:
        outbox.queue_acknowledgement(
            tenant=tenant, to=submission.sender_email, reference=submission.reference,
            form_title=definition.title.get(submission.language), language=submission.language,
            urgent=submission.urgent)
    outbox.queue_team_notification(tenant=tenant, team=team,
                                   reference=submission.reference, urgent=submission.urgent)
    if submission.urgent:
        outbox.queue_urgent_alert(tenant=tenant, reference=submission.reference)
