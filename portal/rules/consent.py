"""Does a notice to home educate need the council's consent before the school may delete the
pupil's name, and by when must the council decide? Pure: no Flask, no database.

Two laws ask for it:

- a pupil at a special school in a place the local authority arranged: the School Attendance
  (Pupil Registration) (England) Regulations 2024, reg 9(1)(f) ("where the pupil was granted
  admission to a special school under arrangements made by the local authority, the local
  authority has given consent"), and in Wales the 2010 regulations, reg 8(2). In force now;
- a child subject to enquiries under s.47 of the Children Act 1989 or to a child protection plan:
  s.434A of the Education Act 1996, inserted by the Children's Wellbeing and Schools Act 2026,
  s.37. England only, and only from the day it comes into force for the council
  (``[ehe] consent_s434a_commencement``); a notice received before then needs no consent on
  that ground.

The council has ``[ehe] consent_decision_days`` calendar days from receiving the notice to
decide (portal.casework.consent records the decision, granted or refused, with reasons).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

EHE_FORM = "ehe-notification"
HOME_EDUCATION_GROUND = "home-education"

#: Why consent is needed.
SPECIAL_SCHOOL = "special_school"
S434A = "s434a"

GRANTED = "granted"
REFUSED = "refused"
DECISIONS = (GRANTED, REFUSED)


def is_home_education_notice(form_slug: str | None, answers: Mapping[str, Any]) -> bool:
    """A parent's EHE notification, or a school's notice of deletion on the home education
    ground."""
    return form_slug == EHE_FORM or (answers or {}).get("deletion_ground") == HOME_EDUCATION_GROUND


def consent_reasons(form_slug: str | None, answers: Mapping[str, Any], *, nation: str,
                    received_on: date, s434a_commencement: date | None) -> tuple[str, ...]:
    """Why this notice needs the council's consent (empty: it does not).

    The parent's EHE notification says "special school" and "the council arranged the place";
    the school's deletion notice asks the one question "at a special school in a place the
    council arranged?". s.434A: the parent's "child protection plan or s.47 enquiries" answer,
    or the school's "child protection plan" or "s.47 enquiries" answers, only in England and
    only for a notice received on or after the commencement day."""
    answers = answers or {}
    if not is_home_education_notice(form_slug, answers):
        return ()
    reasons: list[str] = []
    if form_slug == EHE_FORM:
        special = answers.get("special_school") == "yes" and answers.get("council_arranged_place") == "yes"
        protected = answers.get("child_protection") == "yes"
    else:
        special = answers.get("special_school") == "yes"
        protected = "yes" in (answers.get("child_protection_plan"), answers.get("s47_enquiries"))
    if special:
        reasons.append(SPECIAL_SCHOOL)
    if (protected and nation == "england" and s434a_commencement is not None
            and received_on >= s434a_commencement):
        reasons.append(S434A)
    return tuple(reasons)


def decision_due(received_on: date, days: int) -> date:
    """The last day for the council's decision: ``days`` calendar days after the notice was
    received (the day it arrived is not counted)."""
    return received_on + timedelta(days=days)

