"""The DfE's termly return on elective home education (EHE) and children missing education
(CME), for a council in England, at a census date, as the collection (COLLECT) takes it.

The items, their order and labels are versioned data (portal.reports.reasons; the census
date chooses the version). At the end of the census date:

* CME at the census date: total, by sex, by year group (portal.rules.year_group), by how long
  missing (the DfE's eight bands) and by primary reason;
* CME at any time in the previous academic year (each child once);
* EHE at the census date: total, by sex, by year group, by primary reason;
* EHE over the period (the day after the previous census date to the census date): children
  who started EHE, by the type of school they left; children who returned to school; notices
  under s.437(1) of the Education Act 1996; school attendance orders issued and revoked (the
  last four are case actions, ``CaseAction``).

Set-based: the cases that were never reopened and whose reason was not changed after the
census date are counted by grouped SQL queries; the few others by their timeline (the
Casebook). Who counts as CME or EHE is said once, in portal.reports.cme_counting.

A figure's key is ``measure|topic|breakdown`` (``cme_census|Sex|female``); a return is a dict
of them (what a finalised return stores) with the lists of children to put right.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, extract, func, not_, or_, select

from portal.extensions import db
from portal.models.casework import Case, CaseAction
from portal.models.submission import Submission
from portal.reports import cme_counting as counting
from portal.reports import reasons
from portal.reports.casebook import Casebook, end_of_day, start_of_day
from portal.reports.figures import days_missing
from portal.reports.reasons import UnknownCensusDate, Version
from portal.rules.year_group import school_year_start_year, year_group, year_group_key, year_number
from portal.tenant_config.schema import Tenant

__all__ = ["DfeReturn", "NotEngland", "UnknownCensusDate", "dfe_return", "school_year_start",
           "figure_key", "children_behind"]

SEXES = ("female", "male")


class NotEngland(ValueError):
    """The DfE's return is for councils in England."""


def school_year_start(census: date) -> date:
    """1 September of the school year the census date is in."""
    return date(school_year_start_year(census), 9, 1)


def figure_key(measure: str, topic: str = "Total", key: str = "total") -> str:
    return f"{measure}|{topic}|{key}"


@dataclass
class Cell:
    measure: str
    topic: str
    key: str
    item: str  # the measure's label
    label: str  # the breakdown's label
    value: int | None

    @property
    def figure(self) -> str:
        return figure_key(self.measure, self.topic, self.key)


@dataclass
class DfeReturn:
    version: Version
    census: date
    term: str
    period_first: date  # the EHE period
    period_last: date
    previous_year_first: date
    previous_year_last: date
    figures: dict[str, int] = field(default_factory=dict)
    #: case ids to put right: a reason code that is on no DfE list
    unknown_codes: list[int] = field(default_factory=list)
    #: a code of the other list (an EHE reason on a child missing education, or the reverse)
    other_list_codes: list[int] = field(default_factory=list)
    unknown_sex: list[int] = field(default_factory=list)
    unknown_year_group: list[int] = field(default_factory=list)
    #: The Casebook of the cases counted by their timeline, loaded once for the whole return
    _book: Casebook | None = field(default=None, repr=False, compare=False)

    def book(self, tenant: Tenant) -> Casebook:
        """The cases counted by their timeline: reopened, or changed since the census date
        (a superset of what every item needs), loaded once."""
        if self._book is None:
            moment = end_of_day(self.census)
            self._book = Casebook.load(tenant, until=moment,
                                       only=counting.timeline_cases(moment))
        return self._book

    @property
    def year_start(self) -> date:
        return self.version.school_year_start

    def value(self, measure: str, topic: str = "Total", key: str = "total") -> int | None:
        return self.figures.get(figure_key(measure, topic, key))

    def cells(self, language: str = "en") -> list[Cell]:
        """Every cell in the collection's item order, with the DfE's labels."""
        found = []
        for item in reasons.items(self.version.key):
            for part in reasons.breakdown(item.topic, self.version.key, measure=item.measure):
                found.append(Cell(item.measure, item.topic, part.code, item.label(language),
                                  part.label(language),
                                  self.figures.get(figure_key(item.measure, item.topic,
                                                              part.code))))
        return found


# --- the SQL expressions -------------------------------------------------------------------

def _cohort():
    """The 1 September year that begins the child's cohort (portal.rules.year_group)."""
    return (extract("year", Case.child_dob)
            - case((extract("month", Case.child_dob) < 9, 1), else_=0))


def _band(census: date, version: str):
    """The duration band of ``Case.missing_since`` at the end of ``census``: the bands of
    reasons.band_for, as date comparisons (days = census - since)."""
    bands = reasons.duration_bands(version)
    whens = [(Case.missing_since.is_(None), reasons.UNKNOWN_BAND),
             (Case.missing_since > census, reasons.UNKNOWN_BAND)]
    open_ended = None
    for band in sorted((b for b in bands if b.from_days is not None), key=lambda b: b.from_days):
        if band.to_days is None:
            open_ended = band.code
        else:
            whens.append((Case.missing_since > census - timedelta(days=band.to_days), band.code))
    return case(*whens, else_=open_ended or reasons.UNKNOWN_BAND)


def _code():
    return func.lower(func.trim(Case.reason_code))


def _known_codes() -> list[str]:
    return sorted({r.code for v in reasons.versions()
                   for r in (*reasons.cme_reasons(v.key), *reasons.ehe_reasons(v.key))})


def _code_state(own: list[str]):
    """"ok", "other" (a code of the other list) or "unknown" (on no list)."""
    return case((Case.reason_code.is_(None), "ok"), (func.trim(Case.reason_code) == "", "ok"),
                (_code().in_(own), "ok"), (_code().in_(_known_codes()), "other"),
                else_="unknown")


def _answer_matches(rule):
    value = Submission.answers[rule.answer].as_string()
    if rule.value == "*":
        return and_(value.is_not(None), value != "")
    return value == rule.value


def _cme_reason(tenant: Tenant, moment: datetime, version: str):
    """reasons.cme_code_for in SQL: the recorded code when it is a CME reason; else the one
    the case's outcome gives; else the one its earliest matching form gives; else "Not
    recorded"."""
    own = [r.code for r in reasons.cme_reasons(version)]
    rules = reasons.mapping_rules()
    whens = [(_code().in_(own), _code())]
    for rule in rules:
        if rule.source == "outcome":
            keys = counting.outcome_keys(tenant, rule.key)
            if keys:
                whens.append((and_(Case.status == "closed", Case.outcome_key.in_(keys)),
                              rule.code))
    form_rules = [r for r in rules if r.source == "form"]
    fallback = reasons.CME_NOT_RECORDED
    if form_rules:
        matches = [and_(Submission.form_slug == r.key,
                        _answer_matches(r) if r.answer else True) for r in form_rules]
        earliest = (select(case(*zip(matches, (r.code for r in form_rules)),
                                else_=None))
                    .where(Submission.case_id == Case.id, Submission.received_at < moment,
                           or_(*matches))
                    .order_by(Submission.received_at, Submission.id).limit(1)
                    .correlate(Case).scalar_subquery())
        return case(*whens, else_=func.coalesce(earliest, fallback))
    return case(*whens, else_=fallback)


def _ehe_reason(version: str):
    own = [r.code for r in reasons.ehe_reasons(version)]
    return case((_code().in_(own), _code()), else_=reasons.EHE_UNKNOWN)


# --- counting ------------------------------------------------------------------------------

@dataclass
class _Tally:
    """Children at a census date by sex, year group, band and reason."""

    total: int = 0
    sex: Counter = field(default_factory=Counter)
    year: Counter = field(default_factory=Counter)
    band: Counter = field(default_factory=Counter)
    reason: Counter = field(default_factory=Counter)

    def add(self, count: int, sex: str | None, year: str, band: str | None, reason: str) -> None:
        self.total += count
        self.sex[sex if sex in SEXES else reasons.UNKNOWN] += count
        self.year[year] += count
        if band is not None:
            self.band[band] += count
        self.reason[reason] += count


def _sex(value: str | None) -> str:
    return value if value in SEXES else reasons.UNKNOWN


@dataclass(frozen=True, slots=True)
class _Row:
    case_id: int | None  # None in a grouped row
    count: int
    sex: str
    year: str
    band: str | None
    reason: str
    state: str


def _census_rows(tenant: Tenant, result: DfeReturn, which: str, *, grouped: bool):
    """The children counted at the census date (``which``: "cme" or "ehe"), as grouped rows
    (``grouped``) or one row per child, each with the cells it falls in."""
    census, version = result.census, result.version.key
    moment = end_of_day(census)
    school_year = school_year_start_year(census)
    own = [r.code for r in (reasons.cme_reasons(version) if which == "cme"
                            else reasons.ehe_reasons(version))]
    if which == "cme":
        where = counting.cme_open_at(tenant, moment)
        band = _band(census, version)
        reason = _cme_reason(tenant, moment, version)
    else:
        where = counting.ehe_at(tenant, moment)
        band = None
        reason = _ehe_reason(version)
    columns = [Case.child_sex.label("sex"), _cohort().label("cohort"),
               reason.label("reason"), _code_state(own).label("state")]
    if band is not None:
        columns.append(band.label("band"))
    if grouped:
        query = (select(*columns, func.count().label("n"))
                 .where(where, not_(counting.timeline_cases(moment)))
                 .group_by(*columns))
    else:
        query = (select(Case.id.label("id"), *columns)
                 .where(where, not_(counting.timeline_cases(moment))))
    for row in db.session.execute(query):
        year = (year_group_key(year_number(int(row.cohort), school_year))
                if row.cohort is not None else reasons.UNKNOWN)
        yield _Row(None if grouped else row.id, row.n if grouped else 1, _sex(row.sex), year,
                   getattr(row, "band", None), row.reason, row.state)

    # the reopened cases and those whose details changed since: by their timeline
    book = result.book(tenant)
    if which == "cme":
        for episode in counting.book_cme_open_at(book, moment):
            case_row = episode.case
            recorded, _known = book.details_at(case_row, moment)
            code = book.cme_code(episode, moment)
            if not reasons.is_cme_code(code, version):
                code = reasons.CME_NOT_RECORDED
            band_key = reasons.band_for(days_missing(book.missing_since(episode), census),
                                        version).code
            yield _Row(case_row.id, 1, _sex(case_row.child_sex),
                       year_group(case_row.child_dob, census), band_key, code,
                       _python_state(recorded, own))
    else:
        for spell in counting.book_ehe_at(book, moment):
            case_row = spell.case
            recorded, _known = book.details_at(case_row, moment)
            yield _Row(case_row.id, 1, _sex(case_row.child_sex),
                       year_group(case_row.child_dob, census), None,
                       reasons.ehe_code_for(recorded, version), _python_state(recorded, own))


def _census_tally(tenant: Tenant, result: DfeReturn, which: str) -> _Tally:
    tally = _Tally()
    school_year = school_year_start_year(result.census)
    for row in _census_rows(tenant, result, which, grouped=True):
        tally.add(row.count, row.sex, row.year, row.band, row.reason)
        if row.case_id is not None:
            _note_problems(result, row.case_id, row.state, row.sex, row.year)
    # the grouped rows' children to put right, by id (a short list: only the faulty ones)
    moment = end_of_day(result.census)
    version = result.version.key
    own = [r.code for r in (reasons.cme_reasons(version) if which == "cme"
                            else reasons.ehe_reasons(version))]
    where = (counting.cme_open_at(tenant, moment) if which == "cme"
             else counting.ehe_at(tenant, moment))
    state = _code_state(own)
    problems = (select(Case.id, state, Case.child_sex, _cohort())
                .where(where, not_(counting.timeline_cases(moment)),
                       or_(state != "ok", Case.child_sex.is_(None),
                           Case.child_sex.not_in(SEXES), Case.child_dob.is_(None),
                           _cohort() > school_year - 5, _cohort() < school_year - 16)))
    for case_id, code_state, sex, cohort in db.session.execute(problems):
        year = (reasons.UNKNOWN if cohort is None
                else year_group_key(year_number(int(cohort), school_year)))
        _note_problems(result, case_id, code_state, sex, year)
    return tally


def _python_state(recorded: str | None, own: list[str]) -> str:
    code = (recorded or "").strip().lower()
    if not code or code in own:
        return "ok"
    return "other" if code in _known_codes() else "unknown"


def _note_problems(result: DfeReturn, case_id: int, state: str, sex: str | None,
                   year: str | None) -> None:
    if state == "unknown" and case_id not in result.unknown_codes:
        result.unknown_codes.append(case_id)
    if state == "other" and case_id not in result.other_list_codes:
        result.other_list_codes.append(case_id)
    if _sex(sex) == reasons.UNKNOWN and case_id not in result.unknown_sex:
        result.unknown_sex.append(case_id)
    if (year in (None, reasons.UNKNOWN)) and case_id not in result.unknown_year_group:
        result.unknown_year_group.append(case_id)


def _put(result: DfeReturn, measure: str, tally: _Tally, topics: tuple[str, ...]) -> None:
    version = result.version.key
    result.figures[figure_key(measure)] = tally.total
    counters = {"Sex": tally.sex, "Year group": tally.year, "Duration": tally.band,
                "Reason": tally.reason}
    for topic in topics:
        for part in reasons.breakdown(topic, version, measure=measure):
            result.figures[figure_key(measure, topic, part.code)] = counters[topic][part.code]


def _book_for(tenant: Tenant, result: DfeReturn, first: datetime, last: datetime) -> Casebook:
    """The return's one Casebook when it holds every case the window needs to count by its
    timeline (reopened ones always; with a council definition also those closed in it)."""
    if tenant.cme_definition is None:
        return result.book(tenant)
    return Casebook.load(tenant, until=last,
                         only=counting.during_timeline_cases(tenant, first, last))


def _cme_previous_year(tenant: Tenant, result: DfeReturn) -> int:
    first = start_of_day(result.previous_year_first)
    last = end_of_day(result.previous_year_last)
    timeline = counting.during_timeline_cases(tenant, first, last)
    count = db.session.scalar(
        select(func.count()).select_from(Case)
        .where(counting.cme_open_during(tenant, first, last), not_(timeline)))
    book = _book_for(tenant, result, first, last)
    return int(count or 0) + len(counting.book_cme_open_during(book, first, last))


def _ehe_period(tenant: Tenant, result: DfeReturn) -> None:
    version = result.version.key
    first, last = start_of_day(result.period_first), end_of_day(result.period_last)
    types = {t.code for t in reasons.school_types(version)}
    starts: Counter[str] = Counter()
    for school_type, n in db.session.execute(
            select(Case.previous_school_type, func.count())
            .where(counting.ehe_started_in(tenant, first, last), not_(counting.reopened()))
            .group_by(Case.previous_school_type)):
        starts[school_type if school_type in types else "else_unk"] += n
    book = _book_for(tenant, result, first, last)
    for spell in counting.book_ehe_started_in(book, first, last):
        kind = spell.case.previous_school_type
        starts[kind if kind in types else "else_unk"] += 1
    result.figures[figure_key("ehe_starts")] = sum(starts.values())
    for part in reasons.school_types(version):
        result.figures[figure_key("ehe_starts", "School type", part.code)] = starts[part.code]

    actions = dict(db.session.execute(
        select(CaseAction.kind, func.count())
        .where(CaseAction.taken_on >= result.period_first,
               CaseAction.taken_on <= result.period_last,
               CaseAction.kind != "returned_to_school")
        .group_by(CaseAction.kind)).all())
    returned = db.session.scalar(
        select(func.count(func.distinct(CaseAction.case_id)))
        .where(CaseAction.kind == "returned_to_school",
               CaseAction.taken_on >= result.period_first,
               CaseAction.taken_on <= result.period_last))
    result.figures[figure_key("ehe_returns")] = int(returned or 0)
    result.figures[figure_key("ehe_section_437")] = int(actions.get("section_437_notice", 0))
    result.figures[figure_key("ehe_sao_issued")] = int(actions.get("sao_issued", 0))
    result.figures[figure_key("ehe_sao_revoked")] = int(actions.get("sao_revoked", 0))


def cme_count_at(tenant: Tenant, day: date) -> int:
    """The children the return counts as missing education at the end of ``day``, counted
    the return's way (any day, any council: for checks of the counting itself)."""
    version = reasons.version_of_school_year(day) or reasons.versions()[-1]
    frame = DfeReturn(version=version, census=day, term="", period_first=day, period_last=day,
                      previous_year_first=day, previous_year_last=day)
    return _census_tally(tenant, frame, "cme").total


def children_behind(tenant: Tenant, result: DfeReturn, measure: str, topic: str,
                    key: str) -> list[int]:
    """The ids of the cases counted in one cell of the return (for the officer's list)."""
    if measure in ("cme_census", "ehe_census"):
        which = measure.split("_")[0]
        attribute = {"Total": None, "Sex": "sex", "Year group": "year", "Duration": "band",
                     "Reason": "reason"}[topic]
        return sorted({row.case_id for row in _census_rows(tenant, result, which, grouped=False)
                       if attribute is None or getattr(row, attribute) == key})
    if measure == "cme_previous_year":
        first = start_of_day(result.previous_year_first)
        last = end_of_day(result.previous_year_last)
        timeline = counting.during_timeline_cases(tenant, first, last)
        ids = set(db.session.scalars(select(Case.id).where(
            counting.cme_open_during(tenant, first, last), not_(timeline))))
        book = _book_for(tenant, result, first, last)
        ids |= {e.case.id for e in counting.book_cme_open_during(book, first, last)}
        return sorted(ids)
    if measure == "ehe_starts":
        first, last = start_of_day(result.period_first), end_of_day(result.period_last)
        types = {t.code for t in reasons.school_types(result.version.key)}
        found = []
        for case_id, kind in db.session.execute(
                select(Case.id, Case.previous_school_type)
                .where(counting.ehe_started_in(tenant, first, last), not_(counting.reopened()))):
            found.append((case_id, kind))
        book = _book_for(tenant, result, first, last)
        found += [(s.case.id, s.case.previous_school_type)
                  for s in counting.book_ehe_started_in(book, first, last)]
        return sorted({case_id for case_id, kind in found
                       if topic == "Total" or (kind if kind in types else "else_unk") == key})
    kinds = {"ehe_returns": "returned_to_school", "ehe_section_437": "section_437_notice",
             "ehe_sao_issued": "sao_issued", "ehe_sao_revoked": "sao_revoked"}
    if measure in kinds:
        return sorted(set(db.session.scalars(select(CaseAction.case_id).where(
            CaseAction.kind == kinds[measure], CaseAction.taken_on >= result.period_first,
            CaseAction.taken_on <= result.period_last))))
    raise KeyError(measure)


def new_return(tenant: Tenant, census: date) -> DfeReturn:
    """The frame of a return: its version, period and previous academic year. Raises
    NotEngland or UnknownCensusDate."""
    if tenant.nation != "england":
        raise NotEngland(tenant.slug)
    version = reasons.version_for(census)
    previous = reasons.previous_census(census)
    period_first = previous + timedelta(days=1) if previous else version.school_year_start
    year_first = date(version.school_year_start.year - 1, 9, 1)
    return DfeReturn(version=version, census=census, term=version.term_of(census),
                     period_first=period_first, period_last=census,
                     previous_year_first=year_first,
                     previous_year_last=version.school_year_start - timedelta(days=1))


def dfe_return(tenant: Tenant, census: date, *, language: str = "en") -> DfeReturn:
    """The return at ``census`` for ``tenant`` (the current council's rows only)."""
    result = new_return(tenant, census)
    _put(result, "cme_census", _census_tally(tenant, result, "cme"),
         ("Sex", "Year group", "Duration", "Reason"))
    result.figures[figure_key("cme_previous_year")] = _cme_previous_year(tenant, result)
    _put(result, "ehe_census", _census_tally(tenant, result, "ehe"),
         ("Sex", "Year group", "Reason"))
    _ehe_period(tenant, result)
    for found in (result.unknown_codes, result.other_list_codes, result.unknown_sex,
                  result.unknown_year_group):
        found.sort()
    return result


#: The CSV's columns (as the DfE's published files name theirs).
CSV_HEADER = ["census_date", "version", "measure", "breakdown_topic", "breakdown", "value"]


def return_rows(result: DfeReturn) -> list[tuple]:
    """The return as CSV rows in the collection's item order, with the DfE's (English)
    labels: COLLECT is in English whatever the officer's language."""
    return [(result.census.isoformat(), result.version.key, cell.item, cell.topic, cell.label,
             cell.value) for cell in result.cells("en")]
