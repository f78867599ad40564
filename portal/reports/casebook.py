"""What every report reads: a council's cases as *episodes* (the spans of time a case was
open), and what was recorded on a case at a given moment.

A case is open from the moment it was opened until an outcome closes it; reopening it starts
another episode. The timeline (``Activity`` rows of kind ``outcome`` with ``closed`` and
``reopened``) says when; a case that was never reopened is one episode, from ``opened_at`` to
``closed_at``, whatever its activities say (so rows loaded in bulk, with no timeline, count
too).

Times
-----
Every moment is a time-zone-aware UTC datetime; a day is a day in Europe/London. "At" a moment
``t`` a case is open when its episode started before ``t`` and had not ended before ``t``. A
report "at the end of" a day uses midnight at the end of that day (:func:`end_of_day`); a period
is the days from its first to its last, both included: ``[start_of_day(first),
end_of_day(last))``. So the children missing at the start of a period, plus those who went
missing in it, less those found in it, are the children missing at its end.

Who counts as missing education
-------------------------------
Where the council has its own definition (``[cme_definition]``: days missing, checks, a home
visit; portal.casework.cme_definition) an episode counts only from the day the definition is
met (``Episode.cme_from``); before that the child is "at risk of missing education", and an
episode that ended before it was met never counted. Otherwise an episode counts as a child missing education unless it ended with an outcome that counts as
"not missing education" (``not_cme``), or it is the first episode of a case opened from a
parent's notice of home education (``ehe-notification``): that child is home educated, not
missing. A case reopened after such a notice does count (the DfE's reason "Unsuitable elective
home education"). An episode that ended with an outcome that counts as ``ehe`` starts a spell
of elective home education that lasts until the case is reopened.

Every query here goes through the council scoping of portal.tenancy: only the current
council's rows are ever read.
"""
from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from portal.extensions import db
from portal.models.casework import Activity, Case
from portal.models.submission import Submission
from portal.casework import cme_definition
from portal.reports import reasons
from portal.tenant_config.schema import COMMON_OUTCOMES, Tenant

LONDON = ZoneInfo("Europe/London")
EHE_FORM = "ehe-notification"
CHUNK = 900  # ids per IN (...) list: well under SQLite's limit on parameters


# --- time ----------------------------------------------------------------------------------

def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in Europe/London, as UTC."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(timezone.utc)


def end_of_day(day: date) -> datetime:
    """Midnight at the end of ``day`` in Europe/London, as UTC."""
    return start_of_day(day + timedelta(days=1))


_DAYS: dict[int, date] = {}


def london_day(moment: datetime | None) -> date | None:
    """The day in Europe/London of a moment. London's offset from UTC changes only on the
    hour, so the day is remembered per hour since the epoch: reports ask this of every row."""
    moment = aware(moment)
    if moment is None:
        return None
    hour = int(moment.timestamp()) // 3600
    day = _DAYS.get(hour)
    if day is None:
        if len(_DAYS) > 200_000:
            _DAYS.clear()
        day = _DAYS[hour] = moment.astimezone(LONDON).date()
    return day


def dfe_outcome_of(tenant: Tenant, outcome_key: str | None) -> str | None:
    """Which of the product's common outcomes a council's outcome counts as, or None."""
    if not outcome_key:
        return None
    for outcome in tenant.workflow.outcomes:
        if outcome.key == outcome_key:
            return outcome.dfe_outcome or (outcome.key if outcome.key in COMMON_OUTCOMES else None)
    return outcome_key if outcome_key in COMMON_OUTCOMES else None


# --- the rows ------------------------------------------------------------------------------

CASE_COLUMNS = (Case.id, Case.status, Case.opened_at, Case.closed_at, Case.outcome_key,
                Case.reason_code, Case.whereabouts_known, Case.stage_key, Case.team_key,
                Case.officer_id, Case.urgent, Case.next_due_on, Case.child_first_name,
                Case.child_last_name, Case.child_dob, Case.upn, Case.postcode, Case.child_sex,
                Case.previous_school_type, Case.lost_on, Case.recheck_due_on)


@dataclass(slots=True)
class CaseRow:
    id: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    outcome_key: str | None
    reason_code: str | None
    whereabouts_known: bool | None
    stage_key: str | None
    team_key: str | None
    officer_id: int | None
    urgent: bool
    next_due_on: date | None
    child_first_name: str | None
    child_last_name: str | None
    child_dob: date | None
    upn: str | None
    postcode: str | None
    child_sex: str | None = None
    previous_school_type: str | None = None
    lost_on: date | None = None  # "lost, posted to S2S" (a status of the open case)
    recheck_due_on: date | None = None

    @property
    def child_name(self) -> str:
        return " ".join(part for part in (self.child_first_name, self.child_last_name) if part)


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    case_id: int
    form_slug: str
    received_at: datetime
    answers: dict[str, Any]  # only the answers the reports read


@dataclass(slots=True)
class Episode:
    case: CaseRow
    index: int  # 0: the case's first episode
    start: datetime
    end: datetime | None
    outcome_key: str | None  # the council's outcome that ended it
    dfe_outcome: str | None
    previous_dfe_outcome: str | None  # the outcome of the episode before it
    counts_as_cme: bool = True
    #: When the episode starts to count as CME under the council's definition (its start
    #: when the council has none; None: not met yet, or never while it was open).
    cme_from: datetime | None = None

    def open_at(self, moment: datetime) -> bool:
        return self.start < moment and (self.end is None or self.end >= moment)

    # -- as a child missing education (the council's definition applied) --------------------

    def cme_at(self, moment: datetime) -> bool:
        """Counted as a child missing education at ``moment``."""
        return (self.counts_as_cme and self.cme_from is not None and self.cme_from < moment
                and (self.end is None or self.end >= moment))

    def at_risk_at(self, moment: datetime) -> bool:
        """Open at ``moment`` but not (yet) counted: at risk of missing education."""
        return self.counts_as_cme and self.open_at(moment) and not self.cme_at(moment)

    def cme_during(self, first: datetime, last: datetime) -> bool:
        return (self.counts_as_cme and self.cme_from is not None and self.cme_from < last
                and (self.end is None or self.end > first))

    def cme_started_in(self, first: datetime, last: datetime) -> bool:
        return self.counts_as_cme and self.cme_from is not None and first <= self.cme_from < last

    def cme_ended_in(self, first: datetime, last: datetime) -> bool:
        return self.counts_as_cme and self.cme_from is not None and self.ended_in(first, last)

    def open_during(self, first: datetime, last: datetime) -> bool:
        """Open at some time in [first, last)."""
        return self.start < last and (self.end is None or self.end > first)

    def started_in(self, first: datetime, last: datetime) -> bool:
        return first <= self.start < last

    def ended_in(self, first: datetime, last: datetime) -> bool:
        return self.end is not None and first <= self.end < last


@dataclass(slots=True)
class EheSpell:
    """A child home educated from the outcome that said so until the case was reopened."""

    case: CaseRow
    start: datetime
    end: datetime | None

    def open_at(self, moment: datetime) -> bool:
        return self.start < moment and (self.end is None or self.end >= moment)

    def open_during(self, first: datetime, last: datetime) -> bool:
        return self.start < last and (self.end is None or self.end > first)

    def started_in(self, first: datetime, last: datetime) -> bool:
        return first <= self.start < last


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for index in range(0, len(ids), CHUNK):
        yield ids[index:index + CHUNK]


def answer_keys() -> tuple[str, ...]:
    """The answers the reports read from submissions: those the reason mapping names, and the
    dates that say since when a child has been missing."""
    keys = {rule.answer for rule in reasons.mapping_rules() if rule.answer}
    return tuple(sorted(keys | set(MISSING_SINCE_ANSWERS)))


#: Answers that give the day a child stopped being in education (ISO dates).
MISSING_SINCE_ANSWERS = cme_definition.MISSING_SINCE_ANSWERS


@dataclass
class Casebook:
    """A council's cases, their episodes and spells of home education, loaded once for a
    report. ``until``: only cases opened before it are loaded (a report about the past needs
    no later case)."""

    tenant: Tenant
    cases: dict[int, CaseRow]
    episodes: list[Episode]
    ehe_spells: list[EheSpell]
    submissions: dict[int, list[SubmissionRow]]
    _history: dict[datetime, dict[int, list[tuple[datetime, str, dict]]]] = field(
        default_factory=dict)
    _dfe: dict[str, str | None] = field(default_factory=dict)

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, tenant: Tenant, *, until: datetime | None = None,
             since: datetime | None = None, only: Any = None) -> "Casebook":
        """``until``: leave out cases opened at or after it. ``since``: leave out cases closed
        before it that cannot matter after it (never reopened, not closed as home
        education). ``only``: a condition on ``Case`` that the cases loaded must meet."""
        # Tens of thousands of small objects and nothing cyclic among them: the cyclic
        # garbage collector would only walk them again and again while they are made.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._load(tenant, until=until, since=since, only=only)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _load(cls, tenant: Tenant, *, until: datetime | None,
              since: datetime | None, only: Any = None) -> "Casebook":
        conditions = [] if only is None else [only]
        if until is not None:
            conditions.append(Case.opened_at < until)
        if since is not None:
            ehe_keys = [o.key for o in tenant.workflow.outcomes
                        if dfe_outcome_of(tenant, o.key) == "ehe"]
            conditions.append(or_(
                Case.status == "open", Case.closed_at.is_(None), Case.closed_at >= since,
                Case.outcome_key.in_(ehe_keys),
                Case.id.in_(select(Activity.case_id).where(Activity.kind == "reopened"))))
        cases = {row[0]: CaseRow(row[0], row[1], aware(row[2]), aware(row[3]), *row[4:])
                 for row in db.session.execute(select(*CASE_COLUMNS).where(*conditions))}

        reopened = {case_id for (case_id,) in db.session.execute(
            select(Activity.case_id).where(Activity.kind == "reopened",
                                           Activity.case_id.is_not(None)).distinct())
            if case_id in cases}
        timelines: dict[int, list[tuple[datetime, int, str, dict]]] = defaultdict(list)
        for chunk in _chunks(sorted(reopened)):
            for case_id, act_id, kind, at, details in db.session.execute(
                    select(Activity.case_id, Activity.id, Activity.kind, Activity.at,
                           Activity.details)
                    .where(Activity.case_id.in_(chunk),
                           Activity.kind.in_(("outcome", "reopened")))):
                timelines[case_id].append((aware(at), act_id, kind, details or {}))

        keys = answer_keys()
        columns = [Submission.answers[key].as_string() for key in keys]
        submissions: dict[int, list[SubmissionRow]] = defaultdict(list)
        query = select(Submission.case_id, Submission.form_slug, Submission.received_at,
                       *columns).where(Submission.case_id.is_not(None))
        if conditions:
            query = query.where(Submission.case_id.in_(select(Case.id).where(*conditions)))
        if until is not None:
            query = query.where(Submission.received_at < until)
        for row in db.session.execute(query):
            if row[0] not in cases:
                continue
            answers = {key: value for key, value in zip(keys, row[3:]) if value not in (None, "")}
            submissions[row[0]].append(SubmissionRow(row[0], row[1], aware(row[2]), answers))
        for rows in submissions.values():
            rows.sort(key=lambda s: s.received_at)

        book = cls(tenant, cases, [], [], dict(submissions))
        book._dfe = {o.key: dfe_outcome_of(tenant, o.key) for o in tenant.workflow.outcomes}
        for case in cases.values():
            book._add_episodes(case, sorted(timelines.get(case.id, []),
                                            key=lambda item: (item[0], item[1])))
        book._apply_definition()
        return book

    def _apply_definition(self) -> None:
        """Set each episode's ``cme_from`` from the council's definition of CME."""
        if self.tenant.cme_definition is None:
            for episode in self.episodes:
                episode.cme_from = episode.start
            return
        checks = cme_definition.check_days_by_case(self.tenant, self.cases)
        school = self.tenant.calendar.school_calendar()
        for episode in self.episodes:
            met = cme_definition.cme_met_on(self.tenant, self.missing_since(episode),
                                            checks.get(episode.case.id, {}), school)
            start = None if met is None else max(episode.start, start_of_day(met))
            if start is not None and episode.end is not None and start > episode.end:
                start = None
            episode.cme_from = start
            if start is None and episode.end is not None:
                episode.counts_as_cme = False  # closed before it ever met the definition

    def _add_episodes(self, case: CaseRow, timeline: list[tuple[datetime, int, str, dict]]) -> None:
        spans: list[tuple[datetime, datetime | None, str | None]] = []
        if not timeline:
            closed = case.status == "closed"
            spans.append((case.opened_at, case.closed_at if closed else None,
                          case.outcome_key if closed else None))
        else:
            start: datetime | None = case.opened_at
            for at, _id, kind, details in timeline:
                if kind == "outcome" and details.get("closed") and start is not None:
                    spans.append((start, at, details.get("outcome")))
                    start = None
                elif kind == "reopened" and start is None:
                    start = at
            if start is not None:
                closed = case.status == "closed"
                spans.append((start, case.closed_at if closed else None,
                              case.outcome_key if closed else None))
        first_form = self.submissions.get(case.id, [None])[0]
        opened_from_ehe = first_form is not None and first_form.form_slug == EHE_FORM
        previous = None
        for index, (start, end, outcome) in enumerate(spans):
            dfe = (self._dfe[outcome] if outcome in self._dfe
                   else dfe_outcome_of(self.tenant, outcome))
            counts = dfe != "not_cme" and not (index == 0 and opened_from_ehe)
            self.episodes.append(Episode(case, index, start, end, outcome, dfe, previous, counts))
            if dfe == "ehe" and end is not None:
                following = spans[index + 1][0] if index + 1 < len(spans) else None
                self.ehe_spells.append(EheSpell(case, end, following))
            previous = dfe

    # -- questions ------------------------------------------------------------------------

    def cme_open_at(self, moment: datetime) -> list[Episode]:
        """The children missing education at ``moment``: one episode per case."""
        return [e for e in self.episodes if e.cme_at(moment)]

    def at_risk_at(self, moment: datetime) -> list[Episode]:
        """Open at ``moment`` but not yet meeting the council's definition of CME."""
        return [e for e in self.episodes if e.at_risk_at(moment)]

    def cme_open_during(self, first: datetime, last: datetime) -> list[Episode]:
        """The children missing education at any time in [first, last), one per case (the
        latest episode)."""
        found: dict[int, Episode] = {}
        for episode in self.episodes:
            if episode.cme_during(first, last):
                found[episode.case.id] = episode
        return list(found.values())

    def ehe_at(self, moment: datetime) -> list[EheSpell]:
        return [s for s in self.ehe_spells if s.open_at(moment)]

    def ehe_during(self, first: datetime, last: datetime) -> list[EheSpell]:
        found: dict[int, EheSpell] = {}
        for spell in self.ehe_spells:
            if spell.open_during(first, last):
                found[spell.case.id] = spell
        return list(found.values())

    # -- what was recorded on a case at a moment -------------------------------------------

    def _changes(self, moment: datetime) -> dict[int, list[tuple[datetime, str, dict]]]:
        """For the cases whose details changed at or after ``moment``: every change of their
        details (the officer's details and the enquiries that found the child), oldest first.
        Other cases' details are the same now as then."""
        if moment in self._history:
            return self._history[moment]
        changed = {case_id for (case_id,) in db.session.execute(
            select(Activity.case_id).where(Activity.kind.in_(("details", "enquiry")),
                                           Activity.case_id.is_not(None),
                                           Activity.at >= moment).distinct())
            if case_id in self.cases}
        history: dict[int, list[tuple[datetime, str, dict]]] = defaultdict(list)
        for chunk in _chunks(sorted(changed)):
            for case_id, act_id, kind, at, details in db.session.execute(
                    select(Activity.case_id, Activity.id, Activity.kind, Activity.at,
                           Activity.details)
                    .where(Activity.case_id.in_(chunk),
                           Activity.kind.in_(("details", "enquiry")))
                    .order_by(Activity.at, Activity.id)):
                history[case_id].append((aware(at), kind, details or {}))
        self._history[moment] = dict(history)
        return self._history[moment]

    def details_at(self, case: CaseRow, moment: datetime) -> tuple[str | None, bool | None]:
        """The case's reason code and whether its whereabouts were known, as recorded at
        ``moment`` (both start unrecorded)."""
        changes = self._changes(moment).get(case.id)
        if changes is None:
            return case.reason_code, case.whereabouts_known
        code: str | None = None
        known: bool | None = None
        for at, kind, details in changes:
            if at >= moment:
                break
            if kind == "details":
                code = details.get("reason_code")
                known = details.get("whereabouts_known")
            elif kind == "enquiry" and details.get("located"):
                known = True
        return code, known

    def cme_code(self, episode: Episode, moment: datetime) -> str:
        """The DfE primary reason of an episode, as recorded at ``moment``, or as the case's
        outcome and forms give it."""
        recorded, _known = self.details_at(episode.case, moment)
        forms = [(s.form_slug, s.answers) for s in self.submissions.get(episode.case.id, [])
                 if s.received_at < moment]
        return reasons.cme_code_for(recorded, outcome=episode.dfe_outcome,
                                    previous_outcome=episode.previous_dfe_outcome, forms=forms)

    def missing_since(self, episode: Episode) -> date:
        """The day the child stopped being in education, as far as the case knows: for a first
        episode, the earliest first day of absence (or the day after the last day of
        attendance) its forms give, if before the case was opened; otherwise the day the
        episode started."""
        since = london_day(episode.start)
        if episode.index == 0:
            for submission in self.submissions.get(episode.case.id, []):
                for key in MISSING_SINCE_ANSWERS:
                    day = _iso_day(submission.answers.get(key))
                    if day is None:
                        continue
                    if key == "last_attendance":
                        day += timedelta(days=1)
                    since = min(since, day)
        return since


def _iso_day(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
