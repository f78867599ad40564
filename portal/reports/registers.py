"""The council's registers, as they stand today:

* **Children out of provision** (Liverpool's fortnightly panel pack): every open case with its
  stage, team and officer, its last action and its next step (the earliest council deadline).
  Urgent cases first, then by when the next step is due.
* **Elective home education**: every child home educated now (a case closed with an outcome
  that counts as home education, not reopened since), with what the children not in school
  registers will hold (Children's Wellbeing and Schools Act 2026, new ss.436B-436G of the
  Education Act 1996, not yet in force): the child, the parents, the address, who provides the
  education and roughly how much time it takes, from the parent's notice
  (``ehe-notification``). When that duty starts, the register is this list.
* **Lost pupils (S2S)**: every case closed because the child was not found and is on the
  lost pupils database.

Each register is a list of rows with the same columns in the page, the CSV and the tests.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from portal.casework import cme_definition
from portal.extensions import db
from portal.models.casework import Activity, Case, Enquiry
from portal.models.submission import Submission
from portal.reports import reasons
from portal.reports.casebook import Casebook, aware, london_day
from portal.tenant_config.schema import Tenant

REGISTERS = ("children-out-of-provision", "elective-home-education", "lost-pupils")
TITLES = {
    "children-out-of-provision": _l("Children out of provision"),
    "elective-home-education": _l("Elective home education register"),
    "lost-pupils": _l("Lost pupils on the S2S database"),
}
SUMMARIES = {
    "children-out-of-provision": _l(
        "Every open case with its stage, last action and next step, urgent cases first, then "
        "by when the next step is due. Use it as the pack for a children out of provision "
        "panel."),
    "elective-home-education": _l(
        "Every child the council knows to be home educated now: a case closed as home "
        "education and not reopened. It holds what a children not in school register will "
        "hold: the child, the parents, the address, who provides the education and roughly "
        "how much."),
    "lost-pupils": _l(
        "Every child not found and recorded on the lost pupils database (S2S): open cases "
        "re-checked until the child is located, soonest re-check first, then cases closed as "
        "lost before."),
}
#: The parent's notice answers the EHE register reads (forms/definitions/ehe-notification.yaml).
EHE_FORM = "ehe-notification"
#: Roughly how much education: read when the notice asks it (a council's added question).
EHE_TIME_ANSWERS = ("education_hours", "education_time")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy text
    #: False: the page shows it inside another column (the CSV has it on its own)
    page: bool = True


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    summary: str
    columns: list[Column]
    rows: list[dict[str, Any]]

    def table(self) -> list[list[Any]]:
        return [[row.get(column.key) for column in self.columns] for row in self.rows]


def stage_label(tenant: Tenant, key: str | None, language: str) -> str:
    stage = next((s for s in tenant.workflow.stages if s.key == key), None)
    return stage.label.get(language) if stage else (key or "")


def _staff_names(ids) -> dict[int, str]:
    from portal.models.staff import StaffUser

    ids = sorted({i for i in ids if i is not None})
    names: dict[int, str] = {}
    for index in range(0, len(ids), 900):
        names.update(dict(db.session.execute(
            select(StaffUser.id, StaffUser.display_name)
            .where(StaffUser.id.in_(ids[index:index + 900]))).all()))
    return names


# --- children out of provision -------------------------------------------------------------

COPP_COLUMNS = [
    Column("case", _l("Case")), Column("child", _l("Child")),
    Column("dob", _l("Date of birth")), Column("urgent", _l("Urgent")),
    Column("opened", _l("Open since")), Column("stage", _l("Stage")),
    Column("team", _l("Team")), Column("officer", _l("Officer")),
    Column("whereabouts", _l("Whereabouts known")),
    Column("cme", _l("Missing education")),
    Column("last_action", _l("Last action")),
    Column("last_action_on", _l("Last action on"), page=False),
    Column("next_step", _l("Next step")),
    Column("next_step_due", _l("Next step due"), page=False),
    Column("next_step_state", _l("Next step state"), page=False),
]
STATES = {"overdue": _l("Overdue"), "due_today": _l("Due today"), "due_soon": _l("Due soon"),
          "due": _l("Due")}


def _rows_by_case(query) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for row in db.session.execute(query):
        found[row.case_id].append(row)
    return found


class _NextSteps:
    """The earliest council deadline of a case (what deadlines.deadlines_for puts first),
    remembering each threshold's due day per event day and each due day's state: a register
    asks it of every open case, and they share their days."""

    def __init__(self, tenant: Tenant, today: date):
        from portal.casework import deadlines

        self.deadlines, self.tenant, self.today = deadlines, tenant, today
        self.thresholds = [t for t in tenant.thresholds if t.owner == "council"]
        self.due: dict[tuple[str, date], date] = {}
        self.states: dict[date, str] = {}

    def __call__(self, events: dict[str, date]):
        """(label, due day, state) of the earliest council deadline, or None: the first of
        deadlines.deadlines_for (the council's thresholds in the file's order, then the
        deadlines a record dates, the earliest due day first)."""
        best = None
        for threshold in self.thresholds:
            if threshold.from_event not in events:
                continue
            if self.deadlines.MET_BY.get(threshold.key) in events:
                continue
            key = (threshold.key, events[threshold.from_event])
            if key not in self.due:
                self.due[key] = self.deadlines.due_date(self.tenant, threshold, key[1])[0]
            if best is None or self.due[key] < best[1]:
                best = (threshold.label, self.due[key])
        for key, (label, _source, _from) in self.deadlines.DATED_DEADLINES.items():
            if key in events:
                due = self.deadlines._as_date(events[key])
                if best is None or due < best[1]:
                    best = (label, due)
        if best is None:
            return None
        due = best[1]
        if due not in self.states:
            self.states[due] = self.deadlines.state_of(self.tenant, due, self.today)
        return best[0], due, self.states[due]


def children_out_of_provision(tenant: Tenant, today: date, language: str) -> Register:
    from portal.casework import deadlines
    from portal.casework.cases import ACTIVITY_TITLES

    open_ids = select(Case.id).where(Case.status == "open")
    cases = db.session.execute(
        select(Case.id, Case.status, Case.opened_at, Case.officer_id, Case.whereabouts_known,
               Case.child_first_name, Case.child_last_name, Case.child_dob, Case.urgent,
               Case.stage_key, Case.team_key).where(Case.status == "open")).all()
    # A council whose panel keeps this register (Liverpool's Children Out of Provision Panel):
    # the children the panel has on its list, with their next review, not every open case.
    panel = next((p for p in tenant.panels if p.keeps_register == "children-out-of-provision"), None)
    reviews: dict[int, date | None] = {}
    columns, title, summary = COPP_COLUMNS, TITLES["children-out-of-provision"], \
        SUMMARIES["children-out-of-provision"]
    if panel is not None:
        from portal.casework import panels

        reviews = {item.case_id: item.review_on for item in panels.register(tenant, panel, today)}
        cases = [case for case in cases if case.id in reviews]
        columns = COPP_COLUMNS + [Column("next_review", _l("Next review at the panel"))]
        title = panel.name.get(language)
        summary = _l("The children the panel has on its list now, each with the meeting it "
                     "next reviews them at: open cases that meet the panel's criteria, and "
                     "those it set a review for. Use it as the pack for the panel.")
    submissions = _rows_by_case(
        select(Submission.case_id, Submission.received_at, Submission.acknowledged_at,
               Submission.officer_id, Submission.allocated_at, Submission.answers)
        .where(Submission.case_id.in_(open_ids)))
    enquiries = _rows_by_case(
        select(Enquiry.case_id, Enquiry.made_on, Enquiry.checklist_key)
        .where(Enquiry.case_id.in_(open_ids)))
    last: dict[int, tuple] = {}
    for case_id, kind, at, act_id in db.session.execute(
            select(Activity.case_id, Activity.kind, Activity.at, Activity.id)
            .where(Activity.case_id.in_(open_ids))):
        moment = (aware(at), act_id)
        if case_id not in last or moment > last[case_id][0]:
            last[case_id] = (moment, kind)
    counted = set(db.session.scalars(
        select(Case.id).where(cme_definition.counts_as_cme_clause(tenant, today))))
    cme_words = {True: str(_l("Yes")), False: str(_l("At risk: the council's definition is not met yet"))}
    names = _staff_names(case.officer_id for case in cases)
    yes_no = {True: str(_l("Yes")), False: str(_l("No")), None: str(_l("Not recorded"))}
    not_set, not_allocated = str(_l("Not set")), str(_l("Not allocated"))
    no_deadline = str(_l("No deadline"))
    states = {key: str(text) for key, text in STATES.items()}
    titles = {kind: str(title) for kind, title in ACTIVITY_TITLES.items()}
    stages = {s.key: s.label.get(language) for s in tenant.workflow.stages}
    teams = {t.key: t.name.get(language) for t in tenant.teams}
    next_step = _NextSteps(tenant, today)
    rows = []
    for case in cases:
        events = deadlines.case_events(case, submissions.get(case.id, []),
                                       enquiries.get(case.id, []))
        step = next_step(events)
        action = last.get(case.id)
        rows.append({
            "case_id": case.id,
            "case": case.id,
            "child": " ".join(p for p in (case.child_first_name, case.child_last_name) if p),
            "dob": case.child_dob,
            "urgent": bool(case.urgent),
            "opened": london_day(case.opened_at),
            "stage": stages.get(case.stage_key, case.stage_key) or not_set,
            "team": teams.get(case.team_key, case.team_key) or not_allocated,
            "officer": names.get(case.officer_id) or not_allocated,
            "whereabouts": yes_no[case.whereabouts_known],
            "cme": cme_words[case.id in counted],
            "last_action": titles.get(action[1], action[1]) if action else "",
            "last_action_on": london_day(action[0][0]) if action else None,
            "next_step": step[0].get(language) if step else no_deadline,
            "next_step_due": step[1] if step else None,
            "next_step_state": states[step[2]] if step else "",
            "state_key": step[2] if step else None,
            "next_review": reviews.get(case.id),
            "_sort": (not case.urgent, step[1] if step else date.max, case.id),
        })
    rows.sort(key=lambda row: row.pop("_sort"))
    return Register("children-out-of-provision", str(title), str(summary), columns, rows)


# --- elective home education ----------------------------------------------------------------

EHE_COLUMNS = [
    Column("case", _l("Case")), Column("child", _l("Child")),
    Column("dob", _l("Date of birth")), Column("since", _l("Home educated since")),
    Column("parents", _l("Parents and carers")), Column("address", _l("Address")),
    Column("postcode", _l("Postcode")), Column("school_left", _l("School left")),
    Column("educated_by", _l("Who provides the education")),
    Column("time", _l("Roughly how much education")),
    Column("reason", _l("Primary reason")),
]


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def elective_home_education(tenant: Tenant, today: date, language: str,
                            book: Casebook | None = None) -> Register:
    from portal.reports.casebook import end_of_day

    moment = end_of_day(today)
    book = book or Casebook.load(tenant, since=moment)
    spells = sorted(book.ehe_at(moment), key=lambda s: (s.start, s.case.id))
    wanted = {spell.case.id for spell in spells}
    notices: dict[int, list] = defaultdict(list)
    if wanted:
        for row in db.session.execute(
                select(Submission.case_id, Submission.answers)
                .where(Submission.form_slug == EHE_FORM, Submission.case_id.is_not(None))
                .order_by(Submission.received_at, Submission.id)):
            if row.case_id in wanted:
                notices[row.case_id].append(row)
    not_recorded = str(_l("Not recorded"))
    rows = []
    for spell in spells:
        case = spell.case
        answers: dict[str, Any] = {}
        for notice in notices.get(case.id, []):  # the newest notice's answers win
            answers.update({k: v for k, v in (notice.answers or {}).items() if v not in (None, "")})
        parents = "; ".join(
            _text(p.get("parent_name")) + (f" ({_text(p['parent_relationship'])})"
                                           if p.get("parent_relationship") else "")
            for p in answers.get("parents") or [] if isinstance(p, dict) and p.get("parent_name"))
        time_given = next((answers[k] for k in EHE_TIME_ANSWERS if answers.get(k)), None)
        recorded, _known = book.details_at(case, moment)
        rows.append({
            "case_id": case.id,
            "case": case.id,
            "child": case.child_name,
            "dob": case.child_dob,
            "since": london_day(spell.start),
            "parents": parents or not_recorded,
            "address": _text(answers.get("address_line")) or not_recorded,
            "postcode": answers.get("postcode") or case.postcode or not_recorded,
            "school_left": _text(answers.get("school_name")) or not_recorded,
            "educated_by": _text(answers.get("education_provider")) or not_recorded,
            "time": _text(time_given) or not_recorded,
            "reason": reasons.reason(reasons.ehe_code_for(recorded)).label(language),
        })
    return Register("elective-home-education", str(TITLES["elective-home-education"]),
                    str(SUMMARIES["elective-home-education"]), EHE_COLUMNS, rows)


# --- lost pupils ---------------------------------------------------------------------------

LOST_COLUMNS = [
    Column("case", _l("Case")), Column("child", _l("Child")),
    Column("dob", _l("Date of birth")), Column("upn", _l("Unique pupil number (UPN)")),
    Column("last_school", _l("Last school")), Column("postcode", _l("Last known postcode")),
    Column("closed", _l("Closed on")),
    Column("lost_on", _l("Lost since (case open)")),
    Column("recheck", _l("Next re-check due")),
]


def lost_pupils(tenant: Tenant, today: date, language: str) -> Register:
    from portal.reports.casebook import dfe_outcome_of

    keys = [o.key for o in tenant.workflow.outcomes if dfe_outcome_of(tenant, o.key) == "lost_s2s"]
    # Lost children are open cases with the lost status (portal.casework.lost); cases closed
    # as lost before that rule stay listed.
    lost = select(Case.id).where(or_(
        and_(Case.status == "closed", Case.outcome_key.in_(keys)),
        and_(Case.status == "open", Case.lost_on.is_not(None))))
    cases = db.session.execute(
        select(Case.id, Case.child_first_name, Case.child_last_name, Case.child_dob, Case.upn,
               Case.postcode, Case.closed_at, Case.lost_on, Case.recheck_due_on)
        .where(Case.id.in_(lost))
        .order_by(Case.lost_on.is_(None), Case.recheck_due_on, Case.closed_at, Case.id)).all()
    submissions = _rows_by_case(
        select(Submission.case_id, Submission.school_laestab, Submission.answers)
        .where(Submission.case_id.in_(lost)).order_by(Submission.received_at, Submission.id))
    not_recorded = str(_l("Not recorded"))
    rows = []
    for case in cases:
        school = ""
        for submission in submissions.get(case.id, []):  # the newest that names a school
            answers = submission.answers or {}
            laestab = submission.school_laestab
            known = tenant.school(laestab) if laestab else None
            name = known.name if known else _text(answers.get("school_name")
                                                   or answers.get("last_school_name"))
            if name or laestab:
                school = f"{name} ({laestab})" if name and laestab else (name or laestab)
        rows.append({
            "case_id": case.id,
            "case": case.id,
            "child": " ".join(p for p in (case.child_first_name, case.child_last_name) if p),
            "dob": case.child_dob,
            "upn": case.upn or not_recorded,
            "last_school": school or not_recorded,
            "postcode": case.postcode or not_recorded,
            "closed": london_day(case.closed_at),
            "lost_on": case.lost_on,
            "recheck": case.recheck_due_on,
        })
    return Register("lost-pupils", str(TITLES["lost-pupils"]), str(SUMMARIES["lost-pupils"]),
                    LOST_COLUMNS, rows)


BUILDERS = {
    "children-out-of-provision": children_out_of_provision,
    "elective-home-education": elective_home_education,
    "lost-pupils": lost_pupils,
}


def register(name: str, tenant: Tenant, today: date, language: str) -> Register:
    """One register by its name in the address (KeyError for an unknown one)."""
    return BUILDERS[name](tenant, today, language)
