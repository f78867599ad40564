"""Letters to a child's family from a case and what follows them.

An officer creates a letter from one of the council's `[[letters]]` (a PDF, in the family's
language; both languages for a council that offers Welsh, the family's first), records that it
was sent and how, and its reply deadline starts: the letter's `reply_threshold` counted on the
council's calendar from the day it was sent. A reply recorded, or the deadline passing with none
(`advance`, run daily by `flask casework advance`), moves the case on: the council's
`on_no_reply` task for a team, and its stage. The threshold's `met_by` names the event
(`letter_answered`) that then meets it, so nothing stays overdue once it is done; an open task
is a deadline of the case until it is marked done.

Every change records an Activity (the case timeline) and an AuditEvent. Nothing commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.casework import audit
from portal.casework.activity import record_activity
from portal.extensions import db
from portal.models.casework import Case, Enquiry
from portal.models.letters import SENT_HOW, CaseTask, Letter
from portal.models.submission import Submission
from portal.tenant_config import Tenant
from portal.tenant_config.schema import LetterTemplate, Threshold
from portal.i18n import Translated as _Translated

ANSWERED_EVENT = "letter_answered"
TASK_EVENT = "task_due"
SENT_HOW_NAMES = {"post": _l("By post"), "hand": _l("Delivered by hand"),
                  "email": _l("By email")}


class LetterRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason




TASK_LABEL = _Translated(_l("A task set when a letter had no reply"))
TASK_SOURCE = _Translated(_l("The council's next step after its letter to the family"))


def _user_id() -> int | None:
    from flask_login import current_user

    return getattr(current_user, "id", None)


# --- reading -----------------------------------------------------------------------------------

def letters_of(case: Case) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.case_id == case.id)
                                   .order_by(Letter.created_at, Letter.id)))


def tasks_of(case: Case) -> list[CaseTask]:
    return list(db.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id)
                                   .order_by(CaseTask.created_at, CaseTask.id)))


def get_letter(case: Case, letter_id: int) -> Letter | None:
    return db.session.scalar(select(Letter).where(Letter.id == letter_id,
                                                  Letter.case_id == case.id))


def get_task(case: Case, task_id: int) -> CaseTask | None:
    return db.session.scalar(select(CaseTask).where(CaseTask.id == task_id,
                                                    CaseTask.case_id == case.id))


def preferred_language(case: Case, tenant: Tenant) -> str:
    """The family's language: the language of the newest form about the child that a parent
    or carer could have chosen (any form, as the portal records it)."""
    language = db.session.scalar(select(Submission.language).where(
        Submission.case_id == case.id).order_by(Submission.received_at.desc()).limit(1))
    return language if language in tenant.languages else tenant.languages[0]


def languages_for(tenant: Tenant, preferred: str) -> list[str]:
    """A Welsh council's letters are bilingual, the family's language first."""
    if "cy" not in tenant.languages:
        return ["en"]
    return ["cy", "en"] if preferred == "cy" else ["en", "cy"]


# --- the reply deadline ------------------------------------------------------------------------

def reply_by(tenant: Tenant, template: LetterTemplate, sent_on: date) -> date:
    from portal.casework.deadlines import due_date

    threshold: Threshold = tenant.threshold(template.reply_threshold)
    return due_date(tenant, threshold, sent_on)[0]


# --- actions -----------------------------------------------------------------------------------

def create(case: Case, tenant: Tenant, template_key: str, preferred: str) -> Letter:
    if case.status != "open":
        raise LetterRefused("closed")
    template = tenant.letter(template_key)
    if template is None:
        raise LetterRefused("unknown_letter")
    if preferred not in tenant.languages:
        raise LetterRefused("unknown_language")
    letter = Letter(case_id=case.id, template_key=template.key,
                    languages=" ".join(languages_for(tenant, preferred)),
                    created_by_id=_user_id())
    db.session.add(letter)
    db.session.flush()
    record_activity("letter", case=case, letter_id=letter.id, letter=template.key,
                    step="created", languages=letter.languages)
    audit.record("change", "case.letter", "case", case.id)
    return letter


def record_sent(case: Case, tenant: Tenant, letter: Letter, *, sent_on: date, how: str,
                today: date) -> date:
    """The letter went out (how, which day): its reply deadline starts and, where the council's
    checklist has the letter, that item is done (an enquiry)."""
    if letter.sent_on is not None:
        raise LetterRefused("already_sent")
    if how not in SENT_HOW:
        raise LetterRefused("unknown_how")
    if sent_on > today:
        raise LetterRefused("future")
    template = tenant.letter(letter.template_key)
    letter.sent_on, letter.sent_how, letter.sent_by_id = sent_on, how, _user_id()
    letter.reply_by = reply_by(tenant, template, sent_on)
    if template.checklist_key:
        db.session.add(Enquiry(case_id=case.id, checklist_key=template.checklist_key,
                               made_on=sent_on, made_by_id=_user_id(),
                               result=f"{template.name.en}: sent ({how}); reply by "
                                      f"{letter.reply_by.isoformat()}"))
    record_activity("letter", case=case, letter_id=letter.id, letter=template.key, step="sent",
                    how=how, reply_by=letter.reply_by.isoformat())
    audit.record("change", "case.letter_sent", "case", case.id)
    _refresh(case, tenant, today)
    return letter.reply_by


def record_reply(case: Case, tenant: Tenant, letter: Letter, note: str, today: date) -> None:
    from portal.casework.cases import _clean, now

    if letter.sent_on is None:
        raise LetterRefused("not_sent")
    if letter.replied_at is not None:
        raise LetterRefused("already_replied")
    letter.replied_at = now()
    letter.reply_note = _clean(note)
    record_activity("letter", case=case, letter_id=letter.id, letter=letter.template_key,
                    step="replied", note=letter.reply_note)
    audit.record("change", "case.letter_reply", "case", case.id)
    _refresh(case, tenant, today)


def complete_task(case: Case, tenant: Tenant, task: CaseTask, note: str, today: date) -> None:
    from portal.casework.cases import _clean, now

    if task.done_at is not None:
        raise LetterRefused("already_done")
    task.done_at, task.done_by_id = now(), _user_id()
    task.done_note = _clean(note) if note and note.strip() else None
    record_activity("task", case=case, task_id=task.id, task=task.name_en, step="done",
                    note=task.done_note)
    audit.record("change", "case.task_done", "case", case.id)
    _refresh(case, tenant, today)


def _follow_up_team(tenant: Tenant, case: Case, template: LetterTemplate) -> str:
    follow = template.on_no_reply
    if follow.route_form:
        decision = tenant.route(follow.route_form, postcode=case.postcode)
        if decision.rule_index is not None:
            return decision.team.key
    return follow.team


def advance(tenant: Tenant, today: date) -> int:
    """Every letter of the council whose reply deadline has passed with no reply: the next step
    is set (a task for the team, the stage), once. Returns how many letters moved on."""
    from portal.casework.cases import now
    from portal.casework.deadlines import due_date

    waiting = list(db.session.scalars(select(Letter).where(
        Letter.sent_on.is_not(None), Letter.replied_at.is_(None),
        Letter.followed_up_at.is_(None), Letter.reply_by < today)))
    moved = 0
    for letter in waiting:
        case = db.session.scalar(select(Case).where(Case.id == letter.case_id))
        template = tenant.letter(letter.template_key)
        if case is None or case.status != "open" or template is None:
            continue
        letter.followed_up_at = now()
        follow = template.on_no_reply
        if follow is not None:
            threshold = Threshold(key="task", label=follow.task, days=follow.days,
                                  unit=follow.unit, from_event="task_set",
                                  source=template.source)
            task = CaseTask(case_id=case.id, letter_id=letter.id, name_en=follow.task.en,
                            name_cy=follow.task.cy, team_key=_follow_up_team(tenant, case, template),
                            due_on=due_date(tenant, threshold, today)[0])
            db.session.add(task)
            db.session.flush()
            record_activity("task", case=case, task_id=task.id, task=task.name_en, step="set",
                            team=task.team_key, letter_id=letter.id,
                            reply_by=letter.reply_by.isoformat())
            if follow.stage and case.stage_key != follow.stage:
                case.stage_key = follow.stage
                record_activity("stage", case=case, stage=follow.stage)
            audit.record("change", "case.letter_follow_up", "case", case.id)
        _refresh(case, tenant, today)
        moved += 1
    return moved


def _refresh(case: Case, tenant: Tenant, today: date) -> None:
    from portal.casework.cases import refresh_next_due

    refresh_next_due(case, today, tenant=tenant)


# --- the case's events (portal.casework.deadlines) ---------------------------------------------

def letter_events(case) -> dict[str, date]:
    """`letter_answered` once the newest sent letter has a reply or its next step was set;
    `task_due`, the earliest open task's due date."""
    case_id = getattr(case, "id", None)
    if case_id is None or not has_app_context():
        return {}
    from portal.casework.deadlines import _as_date

    events: dict[str, date] = {}
    newest = db.session.execute(
        select(Letter.replied_at, Letter.followed_up_at).where(
            Letter.case_id == case_id, Letter.sent_on.is_not(None))
        .order_by(Letter.sent_on.desc(), Letter.id.desc()).limit(1)).first()
    if newest is not None and (newest.replied_at or newest.followed_up_at):
        events[ANSWERED_EVENT] = _as_date(newest.replied_at or newest.followed_up_at)
    due = db.session.scalar(select(CaseTask.due_on).where(
        CaseTask.case_id == case_id, CaseTask.done_at.is_(None))
        .order_by(CaseTask.due_on).limit(1))
    if due is not None:
        events[TASK_EVENT] = due
    return events


def register() -> None:
    from portal.casework import deadlines

    deadlines.DATED_DEADLINES[TASK_EVENT] = (TASK_LABEL, TASK_SOURCE, None)
    if letter_events not in deadlines.CASE_EVENT_SOURCES:
        deadlines.CASE_EVENT_SOURCES.append(letter_events)


@dataclass(frozen=True)
class LetterView:
    letter: Letter
    template: LetterTemplate | None
    state: str  # "draft", "waiting", "replied", "followed_up"


def views(case: Case, tenant: Tenant) -> list[LetterView]:
    out = []
    for letter in letters_of(case):
        state = ("draft" if letter.sent_on is None else "replied" if letter.replied_at
                 else "followed_up" if letter.followed_up_at else "waiting")
        out.append(LetterView(letter, tenant.letter(letter.template_key), state))
    return out
