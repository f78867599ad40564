"""Which of the council's cases a new submission may be about: suggestions for the officer,
never a decision (joining a submission to a case is the officer's act).

A case is suggested when it has:

* the same UPN (the strongest sign: a UPN is one child's);
* the same date of birth and a similar name (`names.SIMILAR`: "Mohammed" and "Muhammad", not
  "Jane" and "John");
* the date of birth with its day and month swapped (4/3 typed for 3/4, the American way or
  a slip) and a similar name: weaker than the same date;
* the same postcode and a similar name. A brother or sister at the same address has another
  name, so is not suggested; nor is a twin (same date of birth and postcode, another name).

"A similar name" is `names.name_similarity`: spellings, transliterations and nicknames of
one name, first and last names swapped, a double surname with one part, a surname's man's
and woman's forms (Kowalski, Kowalska: one family) are similar; a boy's and a girl's form
of one given name (Jamal, Jamila) never are.

Cases have no name keys: they are found by their own typed columns, through the indexes
(tenant_id, upn) and (tenant_id, child_dob); the postcode lookup wants one on
(tenant_id, postcode) for a council with many cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.casework.names import SIMILAR, name_similarity
from portal.extensions import db
from portal.models.casework import Case
from portal.models.submission import Submission

__all__ = ["REASONS", "Suggestion", "suggest_cases", "swapped_day_and_month"]

REASONS = {
    "upn": _l("Same UPN"),
    "dob": _l("Same date of birth and a similar name"),
    "dob_swapped": _l("Date of birth with the day and month swapped and a similar name"),
    "postcode": _l("Same postcode and a similar name"),
}
# How strongly each reason alone says "the same child" (combined as independent signs).
_WEIGHT = {"upn": 1.0, "dob": 0.9, "dob_swapped": 0.6, "postcode": 0.75}
# More cases than this at one date of birth or postcode are not read (a bad import, a hostel).
_MOST_PER_LOOKUP = 500


@dataclass
class Suggestion:
    """A case the submission may be about: `score` from 0 to 1, and why, in words for the
    officer (lazy translations: render them in the request's language)."""

    case: Case
    score: float
    reasons: list = field(default_factory=list)
    reason_keys: list[str] = field(default_factory=list)
    name_similarity: float = 0.0


def swapped_day_and_month(dob: date | None) -> date | None:
    """The date with its day and month swapped (2015-04-03 for 2015-03-04), or None when
    that is no date or the same one."""
    if dob is None or dob.day == dob.month or dob.day > 12:
        return None
    return date(dob.year, dob.day, dob.month)


def suggest_cases(submission: Submission, limit: int = 5) -> list[Suggestion]:
    """The council's cases most likely to be this submission's child, best first, without the
    case it already belongs to."""
    found: dict[int, tuple[Case, set[str], float]] = {}

    def consider(case: Case, reason: str, similarity: float) -> None:
        if case.id == submission.case_id:
            return
        _case, reasons, best = found.setdefault(case.id, (case, set(), 0.0))
        reasons.add(reason)
        found[case.id] = (case, reasons, max(best, similarity))

    def similarity(case: Case) -> float:
        return name_similarity(submission.child_first_name, submission.child_last_name,
                               case.child_first_name, case.child_last_name)

    if submission.upn:
        for case in db.session.scalars(select(Case).where(Case.upn == submission.upn)
                                       .limit(_MOST_PER_LOOKUP)):
            consider(case, "upn", similarity(case))
    for column, reason, value in ((Case.child_dob, "dob", submission.child_dob),
                                  (Case.child_dob, "dob_swapped",
                                   swapped_day_and_month(submission.child_dob)),
                                  (Case.postcode, "postcode", submission.postcode)):
        if value is None or value == "":
            continue
        for case in db.session.scalars(select(Case).where(column == value)
                                       .limit(_MOST_PER_LOOKUP)):
            score = similarity(case)
            if score >= SIMILAR:
                consider(case, reason, score)

    suggestions = []
    for case, reasons, best in found.values():
        unlikely = 1.0
        for reason in reasons:
            weight = _WEIGHT[reason] * (1.0 if reason == "upn" else best)
            unlikely *= 1.0 - weight
        keys = [key for key in REASONS if key in reasons]
        suggestions.append(Suggestion(case=case, score=round(1.0 - unlikely, 3),
                                      reasons=[REASONS[key] for key in keys],
                                      reason_keys=keys, name_similarity=round(best, 3)))
    suggestions.sort(key=lambda s: (-s.score, s.case.status != "open", -s.case.id))
    return suggestions[:max(0, limit)]
