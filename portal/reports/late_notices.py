"""Late notices by school and by term: each notice a school sent after a deadline it owns
(portal.casework.school_deadlines), what a council needs to challenge improper and unlawful
deletions and unreported absence (Stockport 8.2, 9.3, 9.5).

One query, whatever the number of notices: the kept late results joined to their notices
(reference and form only: no child's details). The term of a late notice is the term of the
council's calendar its due date falls in; a due date in the holidays belongs to the term just
ended.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.casework.school_deadlines import late_by
from portal.extensions import db
from portal.models.school_deadline import SchoolDeadline
from portal.models.submission import Submission
from portal.tenant_config.schema import Tenant


@dataclass(frozen=True)
class LateNotice:
    submission_id: int
    reference: str
    form_slug: str
    threshold_key: str
    deadline: str
    due: date
    received: date
    late_by: str
    school_laestab: str | None


@dataclass
class SchoolLate:
    laestab: str | None
    name: str
    notices: list[LateNotice] = field(default_factory=list)


@dataclass
class TermLate:
    key: str
    name: str
    schools: list[SchoolLate] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(school.notices) for school in self.schools)


@dataclass
class LateReport:
    terms: list[TermLate]

    @property
    def count(self) -> int:
        return sum(term.count for term in self.terms)

    def by_school(self) -> list[tuple[str, int]]:
        """Every school with late notices, most first: (name, how many)."""
        totals: dict[str, int] = {}
        for term in self.terms:
            for school in term.schools:
                totals[school.name] = totals.get(school.name, 0) + len(school.notices)
        return sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))

    def rows(self) -> list[tuple]:
        """The CSV's rows: one a notice."""
        return [(term.name, school.name, school.laestab or "", notice.reference,
                 notice.deadline, notice.due, notice.received, notice.late_by)
                for term in self.terms for school in term.schools for notice in school.notices]


def _term_of(tenant: Tenant, day: date, language: str) -> tuple[str, str]:
    """(key, name) of the term a due date belongs to."""
    earlier = [term for term in tenant.calendar.terms if term.start <= day]
    if not earlier:
        return "0000-00-00", _("Before the first term of the council's calendar")
    term = max(earlier, key=lambda t: t.start)
    return term.start.isoformat(), term.name.get(language)


def school_name(tenant: Tenant, laestab: str | None) -> str:
    if not laestab:
        return _("School not given")
    for school in tenant.schools:
        if school.laestab == laestab:
            return f"{school.name} ({laestab})"
    return _("School with DfE number %(number)s", number=laestab)


def late_notices(tenant: Tenant, language: str) -> LateReport:
    thresholds = {threshold.key: threshold for threshold in tenant.thresholds}
    rows = db.session.execute(
        select(SchoolDeadline.submission_id, SchoolDeadline.threshold_key,
               SchoolDeadline.due_on, SchoolDeadline.met_on, SchoolDeadline.days_late,
               SchoolDeadline.school_laestab, Submission.reference, Submission.form_slug)
        .join(Submission, Submission.id == SchoolDeadline.submission_id)
        .where(SchoolDeadline.state == "late")
        .order_by(SchoolDeadline.due_on.desc(), SchoolDeadline.id)).all()
    terms: dict[str, TermLate] = {}
    schools: dict[tuple[str, str | None], SchoolLate] = {}
    for row in rows:
        threshold = thresholds.get(row.threshold_key)
        if threshold is None:  # no longer in the council's file
            continue
        key, name = _term_of(tenant, row.due_on, language)
        term = terms.setdefault(key, TermLate(key=key, name=name))
        school = schools.get((key, row.school_laestab))
        if school is None:
            school = SchoolLate(laestab=row.school_laestab,
                                name=school_name(tenant, row.school_laestab))
            schools[(key, row.school_laestab)] = school
            term.schools.append(school)
        school.notices.append(LateNotice(
            submission_id=row.submission_id, reference=row.reference, form_slug=row.form_slug,
            threshold_key=row.threshold_key, deadline=threshold.label.get(language),
            due=row.due_on, received=row.met_on,
            late_by=late_by(threshold.unit, row.days_late or 0),
            school_laestab=row.school_laestab))
    ordered = sorted(terms.values(), key=lambda term: term.key, reverse=True)
    for term in ordered:
        term.schools.sort(key=lambda school: (-len(school.notices), school.name))
    return LateReport(terms=ordered)
