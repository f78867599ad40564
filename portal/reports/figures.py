"""The figures of a period, for one council: what the seeds' policies report (Stockport's four
figures, the termly and annual reports to safeguarding boards) and how fast the council works.

A period is a first and a last day, both included (see portal.reports.casebook for how days
and moments are counted). "Now" figures (overdue, urgent) are about today, whatever the period.

1. Children missing education at the start and at the end of the period, how many went
   missing in it and how many stopped being missing in it (start + went missing - stopped =
   end), with the DfE's primary reason and duration band of those missing at the end.
2. Of those missing at the end: whose whereabouts were not known then (recorded as not known,
   or not recorded at all).
3. Established in the period: the cases whose outcome in the period says where the child is and
   how they are educated (back in school, home educated, in another council, not missing
   education after all is left out: it was never a child missing education), each with the
   enquiry that found the child; and those closed as lost (S2S), who were not found.
4. Notifications received in the period, by who sent them (school, agency, public, council)
   and by form, and the cases opened.
5. Acknowledgement and allocation of the notifications received in the period against the
   council's ``acknowledge`` and ``allocate`` thresholds, counted in their units (school days
   for most councils).
6. Now: open cases past a council deadline, notifications past theirs, urgent open cases.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.extensions import db
from portal.models.casework import Activity, Case, Enquiry
from portal.models.submission import Submission
from portal.reports import reasons
from portal.reports.casebook import (Casebook, Episode, aware, end_of_day, london_day,
                                     start_of_day)
from portal.rules.calendar import CalendarCoverageError, add_working_days
from portal.tenant_config.schema import Tenant

#: Who sent a notification, by form; the CME referral asks (``referrer_type``).
SOURCE_OF_FORM = {
    "change-to-register": "school",
    "missing-pupil-checklist": "school",
    "ehe-notification": "public",
    "arrival-in-area": "public",
    "cross-border-notice": "council",
}
SOURCE_ANSWER = {"cme-referral": "referrer_type"}
SOURCES = ("school", "agency", "public", "council", "unknown")
SOURCE_NAMES = {
    "school": _l("Schools"),
    "agency": _l("Other services and agencies"),
    "public": _l("Parents, carers and the public"),
    "council": _l("Other councils"),
    "unknown": _l("Not known"),
}
#: The outcomes that establish where a child is and how they are educated, in report order.
ESTABLISHED = ("back_in_school", "ehe", "located_other_la")
DFE_OUTCOME_NAMES = {
    "back_in_school": _l("Back in school"),
    "ehe": _l("Home educated"),
    "located_other_la": _l("Found in another council"),
    "not_cme": _l("Not missing education"),
    "lost_s2s": _l("Not found: on the lost pupils database (S2S)"),
    None: _l("Other outcome"),
}


def days_text(value: int | float | None, unit: str) -> str:
    """"1 school day", "1.5 school days", "3 days": a number of days of a threshold's unit
    (a threshold in months is measured in days)."""
    from flask_babel import ngettext

    if value is None:
        return ""
    number = int(value) if float(value).is_integer() else value
    if unit == "school_days":
        return ngettext("%(num)s school day", "%(num)s school days", number)
    if unit == "working_days":
        return ngettext("%(num)s working day", "%(num)s working days", number)
    return ngettext("%(num)s day", "%(num)s days", number)


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class EstablishedRow:
    case: Any  # portal.reports.casebook.CaseRow
    day: date
    outcome: str  # the council's outcome, in words
    dfe_outcome: str | None
    how: str  # the enquiry that found the child, in words

    @property
    def case_id(self) -> int:
        return self.case.id

    @property
    def child_name(self) -> str:
        return self.case.child_name


@dataclass(frozen=True)
class Timeliness:
    """How fast notifications received in the period were acknowledged (or allocated)."""

    key: str  # "acknowledge" | "allocate"
    label: str  # the council's threshold, in words
    days: int
    unit: str  # the threshold's unit: "school_days", "working_days" ...
    received: int
    done: int
    on_time: int
    late: int
    waiting: int  # not done yet (today)
    waiting_overdue: int  # not done yet and past its due day
    median_days: float | None
    longest_days: int | None

    @property
    def allowed(self) -> str:
        return days_text(self.days, self.unit)

    @property
    def median_text(self) -> str:
        return days_text(self.median_days, self.unit)

    @property
    def longest_text(self) -> str:
        return days_text(self.longest_days, self.unit)


@dataclass
class PeriodFigures:
    first: date
    last: date
    today: date
    cme_at_start: int = 0
    cme_went_missing: int = 0
    cme_stopped: int = 0
    cme_at_end: int = 0
    reasons: list[Count] = field(default_factory=list)
    durations: list[Count] = field(default_factory=list)
    at_risk_at_end: int = 0  # open, not yet meeting the council's definition of CME
    lost_at_end: int = 0  # of those missing at the end: lost, posted to S2S (still open)
    whereabouts_unknown: int = 0
    whereabouts_not_recorded: int = 0  # of the unknown, those never recorded
    established_total: int = 0
    established_by_outcome: list[Count] = field(default_factory=list)
    established_how: list[Count] = field(default_factory=list)
    established_rows: list[EstablishedRow] = field(default_factory=list)
    lost_s2s: int = 0
    not_cme: int = 0
    notifications: int = 0
    by_source: list[Count] = field(default_factory=list)
    by_form: list[Count] = field(default_factory=list)
    cases_opened: int = 0
    timeliness: list[Timeliness] = field(default_factory=list)
    ehe_at_end: int = 0
    ehe_started: int = 0
    open_now: int = 0
    overdue_cases: int = 0
    overdue_notifications: int = 0
    urgent_open: int = 0


# --- counting days -------------------------------------------------------------------------

def days_between(tenant: Tenant, unit: str, start: date, end: date, school=None) -> int:
    """Days of ``unit`` after ``start`` up to and including ``end`` (0 when end <= start):
    the way the deadlines count them (portal.casework.deadlines). Beyond the council's
    calendar, school days are counted as working days."""
    if end <= start:
        return 0
    if unit == "school_days":
        school = school or tenant.calendar.school_calendar()
        try:
            return school.school_days_between(start, end)
        except CalendarCoverageError:
            unit = "working_days"
    if unit == "working_days":
        count, day = 0, start
        while True:
            day = add_working_days(day, 1)
            if day > end:
                return count
            count += 1
    return (end - start).days


def days_missing(since: date | None, on: date) -> int | None:
    """How long a child missing since ``since`` (the first day out of education) has been
    missing at the end of ``on``, in calendar days: 0 on the first day itself, 14 two weeks
    later. The DfE's bands include their lower end: 14 days is "2 to 4 weeks". None (the
    band "Unknown") when the first day is not known or comes after ``on``."""
    if since is None or since > on:
        return None
    return (on - since).days


# --- the figures ---------------------------------------------------------------------------

def period_figures(tenant: Tenant, first: date, last: date, *, today: date,
                   language: str = "en", book: Casebook | None = None) -> PeriodFigures:
    start, end = start_of_day(first), end_of_day(last)
    book = book or Casebook.load(tenant, until=end, since=start)
    figures = PeriodFigures(first=first, last=last, today=today)
    _missing(figures, book, start, end, last, language)
    _established(figures, book, tenant, start, end, language)
    _notifications(figures, tenant, start, end, today, language)
    figures.cases_opened = sum(1 for case in book.cases.values() if start <= case.opened_at < end)
    figures.ehe_at_end = len(book.ehe_at(end))
    figures.ehe_started = sum(1 for s in book.ehe_spells if s.started_in(start, end))
    _now(figures, today)
    return figures


def _missing(figures: PeriodFigures, book: Casebook, start: datetime, end: datetime,
             last: date, language: str) -> None:
    cme = [e for e in book.episodes if e.counts_as_cme]
    at_end = [e for e in cme if e.cme_at(end)]
    figures.cme_at_start = sum(1 for e in cme if e.cme_at(start))
    figures.cme_went_missing = sum(1 for e in cme if e.cme_started_in(start, end))
    figures.cme_stopped = sum(1 for e in cme if e.cme_ended_in(start, end))
    figures.cme_at_end = len(at_end)
    figures.at_risk_at_end = sum(1 for e in cme if e.at_risk_at(end))
    figures.lost_at_end = sum(1 for e in at_end if e.case.lost_on is not None
                              and e.case.lost_on <= last)
    codes: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    for episode in at_end:
        codes[book.cme_code(episode, end)] += 1
        since = book.missing_since(episode)
        bands[reasons.band_for(days_missing(since, last)).code] += 1
        _code, known = book.details_at(episode.case, end)
        if known is not True:
            figures.whereabouts_unknown += 1
            if known is None:
                figures.whereabouts_not_recorded += 1
    figures.reasons = [Count(r.code, r.label(language), codes[r.code])
                       for r in reasons.cme_reasons() if codes[r.code]]
    figures.durations = [Count(b.code, b.label(language), bands[b.code])
                         for b in reasons.duration_bands() if bands[b.code]]


def _outcome_label(tenant: Tenant, key: str | None, language: str) -> str:
    outcome = next((o for o in tenant.workflow.outcomes if o.key == key), None)
    return outcome.label.get(language) if outcome else (key or "")


def _established(figures: PeriodFigures, book: Casebook, tenant: Tenant, start: datetime,
                 end: datetime, language: str) -> None:
    ended: dict[int, Episode] = {}
    for episode in book.episodes:
        if episode.ended_in(start, end):
            ended[episode.case.id] = episode  # the latest, if a case closed twice
    figures.not_cme = sum(1 for e in ended.values() if e.dfe_outcome == "not_cme")
    figures.lost_s2s = sum(1 for e in ended.values()
                           if e.counts_as_cme and e.dfe_outcome == "lost_s2s")
    found = [e for e in ended.values() if e.counts_as_cme and e.dfe_outcome in ESTABLISHED]
    located = _located_enquiries(start) if found else {}
    checklist = {item.key: item.label.get(language) for item in tenant.checklist}
    by_outcome: Counter[str] = Counter()
    how: Counter[str] = Counter()
    rows: list[EstablishedRow] = []
    another = str(_l("Another enquiry"))
    no_enquiry = str(_l("No enquiry recorded as finding the child"))
    outcome_labels: dict[str | None, str] = {}
    for episode in found:
        day = london_day(episode.end)
        enquiries = [e for e in located.get(episode.case.id, []) if e[0] <= day]
        if enquiries:
            key = enquiries[-1][1]
            how_key = key if key in checklist else "other"
            how_text = checklist.get(key) or another
        else:
            how_key, how_text = "none", no_enquiry
        by_outcome[episode.dfe_outcome] += 1
        how[(how_key, how_text)] += 1
        if episode.outcome_key not in outcome_labels:
            outcome_labels[episode.outcome_key] = _outcome_label(tenant, episode.outcome_key,
                                                                 language)
        rows.append(EstablishedRow(episode.case, day,
                                   outcome_labels[episode.outcome_key], episode.dfe_outcome,
                                   how_text))
    figures.established_total = len(found)
    figures.established_by_outcome = [Count(key, str(DFE_OUTCOME_NAMES[key]), by_outcome[key])
                                      for key in ESTABLISHED if by_outcome[key]]
    figures.established_how = [Count(key, text, value) for (key, text), value
                               in sorted(how.items(), key=lambda item: (-item[1], item[0][1]))]
    figures.established_rows = sorted(rows, key=lambda r: (r.day, r.case.id))


def _located_enquiries(start: datetime) -> dict[int, list[tuple[date, str | None]]]:
    """The enquiries that found a child, of the cases that may have been closed since
    ``start`` (closed since, or reopened once), oldest first."""
    cases = select(Case.id).where(or_(
        Case.closed_at >= start,
        Case.id.in_(select(Activity.case_id).where(Activity.kind == "reopened"))))
    found: dict[int, list[tuple[date, str | None]]] = defaultdict(list)
    for case_id, made_on, key in db.session.execute(
            select(Enquiry.case_id, Enquiry.made_on, Enquiry.checklist_key)
            .where(Enquiry.located.is_(True), Enquiry.case_id.in_(cases))
            .order_by(Enquiry.made_on, Enquiry.id)):
        found[case_id].append((made_on, key))
    return found


def source_of(form_slug: str, answers: dict[str, Any] | None) -> str:
    """Who sent a notification: school, agency, public, council, or unknown."""
    if form_slug in SOURCE_ANSWER:
        given = (answers or {}).get(SOURCE_ANSWER[form_slug])
        return given if given in SOURCES else "unknown"
    return SOURCE_OF_FORM.get(form_slug, "unknown")


def form_titles(tenant: Tenant, language: str) -> dict[str, str]:
    from flask import current_app

    forms = current_app.extensions.get("portal.forms", {})
    titles = {}
    for slug in tenant.offered_forms:
        definition = forms.get((tenant.slug, slug))
        titles[slug] = definition.title.get(language) if definition else slug
    return titles


def _notifications(figures: PeriodFigures, tenant: Tenant, start: datetime, end: datetime,
                   today: date, language: str) -> None:
    answer_columns = {slug: Submission.answers[key].as_string()
                      for slug, key in SOURCE_ANSWER.items()}
    rows = db.session.execute(
        select(Submission.id, Submission.form_slug, Submission.received_at,
               Submission.acknowledged_at, Submission.allocated_at, Submission.officer_id,
               *answer_columns.values())
        .where(Submission.received_at >= start, Submission.received_at < end)).all()
    figures.notifications = len(rows)
    sources: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for row in rows:
        answers = {SOURCE_ANSWER[slug]: value
                   for slug, value in zip(answer_columns, row[6:]) if slug == row.form_slug}
        sources[source_of(row.form_slug, answers)] += 1
        forms[row.form_slug] += 1
    figures.by_source = [Count(key, str(SOURCE_NAMES[key]), sources[key]) for key in SOURCES
                         if sources[key]]
    titles = form_titles(tenant, language)
    order = list(tenant.offered_forms) + sorted(set(forms) - set(tenant.offered_forms))
    figures.by_form = [Count(slug, titles.get(slug, slug), forms[slug]) for slug in order
                       if forms[slug]]

    first_allocation = _first_allocations(start, end)
    school = tenant.calendar.school_calendar()
    for key, done_at in (("acknowledge", lambda row: row.acknowledged_at),
                         ("allocate", lambda row: first_allocation.get(row.id) or (
                             row.allocated_at if row.officer_id is not None else None))):
        try:
            threshold = tenant.threshold(key)
        except KeyError:
            continue
        figures.timeliness.append(_timeliness(tenant, threshold, key, rows, done_at, today,
                                              school, language))


def _first_allocations(start: datetime, end: datetime) -> dict[int, datetime]:
    """When each submission received in [start, end) was first given to an officer (the
    timeline's first allocation that named one)."""
    found: dict[int, datetime] = {}
    received = select(Submission.id).where(Submission.received_at >= start,
                                           Submission.received_at < end)
    for submission_id, at, details in db.session.execute(
            select(Activity.submission_id, Activity.at, Activity.details)
            .where(Activity.submission_id.in_(received), Activity.case_id.is_(None),
                   Activity.kind == "allocated")
            .order_by(Activity.at, Activity.id)):
        if submission_id not in found and (details or {}).get("officer"):
            found[submission_id] = aware(at)
    return found


def _timeliness(tenant: Tenant, threshold, key: str, rows, done_at, today: date, school,
                language: str) -> Timeliness:
    from portal.casework import deadlines

    done = on_time = late = waiting = waiting_overdue = 0
    taken: list[int] = []
    due_by: dict[date, date] = {}
    for row in rows:
        received = london_day(row.received_at)
        if received not in due_by:
            due_by[received] = deadlines.due_date(tenant, threshold, received)[0]
        due = due_by[received]
        moment = aware(done_at(row))
        if moment is None:
            waiting += 1
            if due < today:
                waiting_overdue += 1
            continue
        day = london_day(moment)
        done += 1
        taken.append(days_between(tenant, threshold.unit, received, day, school))
        if day <= due:
            on_time += 1
        else:
            late += 1
    return Timeliness(key=key, label=threshold.label.get(language), days=threshold.days,
                      unit=threshold.unit, received=len(rows),
                      done=done, on_time=on_time, late=late, waiting=waiting,
                      waiting_overdue=waiting_overdue,
                      median_days=statistics.median(taken) if taken else None,
                      longest_days=max(taken) if taken else None)


def _now(figures: PeriodFigures, today: date) -> None:
    """Today's open work, whatever the period (every case, not only those of the period)."""
    open_cases = db.session.execute(select(Case.id, Case.next_due_on, Case.urgent)
                                    .where(Case.status == "open")).all()
    figures.open_now = len(open_cases)
    figures.overdue_cases = sum(1 for row in open_cases
                                if row.next_due_on is not None and row.next_due_on < today)
    figures.urgent_open = sum(1 for row in open_cases if row.urgent)
    figures.overdue_notifications = len(db.session.execute(
        select(Submission.id).where(Submission.status != "closed",
                                    Submission.due_on < today)).all())


def overdue_cases(today: date) -> list:
    """The open cases past a council deadline today, the most overdue first."""
    return list(db.session.execute(
        select(Case.id, Case.child_first_name, Case.child_last_name, Case.child_dob,
               Case.stage_key, Case.next_due_on)
        .where(Case.status == "open", Case.next_due_on < today)
        .order_by(Case.next_due_on, Case.id)).all())


def period_rows(figures: PeriodFigures) -> list[tuple[str, str, int | float | str]]:
    """Every figure as (section, figure, value): the dashboard's CSV."""
    rows: list[tuple[str, str, Any]] = []
    period = str(_l("Children missing education"))
    rows += [
        (period, str(_l("Missing education at the start of the period")), figures.cme_at_start),
        (period, str(_l("Went missing in the period")), figures.cme_went_missing),
        (period, str(_l("Stopped being missing in the period")), figures.cme_stopped),
        (period, str(_l("Missing education at the end of the period")), figures.cme_at_end),
        (period, str(_l("Whereabouts not known at the end of the period")),
         figures.whereabouts_unknown),
        (period, str(_l("Of those, whereabouts never recorded")),
         figures.whereabouts_not_recorded),
    ]
    section = str(_l("Primary reason (missing at the end of the period)"))
    rows += [(section, c.label, c.value) for c in figures.reasons]
    section = str(_l("How long missing (at the end of the period)"))
    rows += [(section, c.label, c.value) for c in figures.durations]
    section = str(_l("Whereabouts or education established in the period"))
    rows.append((section, str(_l("Total")), figures.established_total))
    rows += [(section, c.label, c.value) for c in figures.established_by_outcome]
    section = str(_l("How the child was found"))
    rows += [(section, c.label, c.value) for c in figures.established_how]
    section = str(_l("Other closures in the period"))
    rows += [(section, str(_l("Not found: on the lost pupils database (S2S)")), figures.lost_s2s),
             (section, str(_l("Not missing education")), figures.not_cme)]
    section = str(_l("Notifications received in the period"))
    rows.append((section, str(_l("Total")), figures.notifications))
    rows += [(section, c.label, c.value) for c in figures.by_source]
    section = str(_l("Notifications received, by form"))
    rows += [(section, c.label, c.value) for c in figures.by_form]
    rows.append((str(_l("Cases")), str(_l("Cases opened in the period")), figures.cases_opened))
    for item in figures.timeliness:
        section = item.label
        rows += [
            (section, str(_l("Time allowed")), item.allowed),
            (section, str(_l("Done")), item.done),
            (section, str(_l("Done in time")), item.on_time),
            (section, str(_l("Done late")), item.late),
            (section, str(_l("Not done yet")), item.waiting),
            (section, str(_l("Not done yet and overdue")), item.waiting_overdue),
            (section, str(_l("Median time taken")),
             "" if item.median_days is None else item.median_days),
            (section, str(_l("Longest time taken")),
             "" if item.longest_days is None else item.longest_days),
        ]
    section = str(_l("Elective home education"))
    rows += [(section, str(_l("Home educated at the end of the period")), figures.ehe_at_end),
             (section, str(_l("Started home education in the period")), figures.ehe_started)]
    section = str(_l("Today"))
    rows += [(section, str(_l("Open cases")), figures.open_now),
             (section, str(_l("Open cases past a council deadline")), figures.overdue_cases),
             (section, str(_l("Notifications past their deadline")),
              figures.overdue_notifications),
             (section, str(_l("Urgent open cases")), figures.urgent_open)]
    return rows
