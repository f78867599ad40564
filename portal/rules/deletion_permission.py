"""May the school delete the pupil's name yet? The council's conditions for a ground, checked
against the facts. Pure: no Flask, no database (portal.casework.deletion gathers the facts).

Each condition is met, or not, with who met it and when:

- ``informed_in_advance``: the notice reached the council on or before the day the school said
  it would delete the name;
- ``cme_referral_acknowledged``: a CME referral about the child was acknowledged by the CME team
  (acknowledging the deletion notice itself is not enough);
- ``joint_enquiries``, ``officer_advice``, ``agreement`` (one per named party): recorded by an
  officer of a role the council names;
- ``ctf_s2s``: the CTF coded XXXXXXX is on S2S: the school says it uploaded it, or an officer
  recorded it; not needed when the school gave the pupil's new school.

The school's own answers are read: "not sent a CME referral", "the AWO has not advised", "not
uploaded to S2S" are shown as what is missing (``school_says``), never as met.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

LOST_PUPIL_CODE = "XXXXXXX"


@dataclass(frozen=True)
class Recorded:
    by: str | None
    at: datetime | date | None


@dataclass(frozen=True)
class Facts:
    received_on: date
    intended_deletion: date | None
    answers: Mapping[str, Any]
    #: The CME referral's acknowledgement (None: no acknowledged referral found).
    cme_referral: Recorded | None = None
    #: Whether a CME referral about the child has been received at all.
    cme_referral_received: bool = False
    #: (condition, party or None) -> who recorded it and when.
    records: Mapping[tuple[str, str | None], Recorded] = field(default_factory=dict)
    school_name: str | None = None


@dataclass(frozen=True)
class Result:
    condition: str
    party: str | None
    met: bool
    by: str | None = None
    at: datetime | date | None = None
    #: What the school's own answers say about it, as a code (see SCHOOL_SAYS)
    school_says: str | None = None
    not_needed: bool = False
    #: Met from the school's own answer (not recorded by the council)
    by_school: bool = False


def _answer(answers: Mapping[str, Any], key: str) -> str | None:
    value = answers.get(key)
    return str(value) if value not in (None, "") else None


def evaluate(conditions: list[str] | tuple[str, ...], parties: list[str] | tuple[str, ...],
             facts: Facts) -> list[Result]:
    """One result per condition (``agreement``: one per party), in the rule's order."""
    answers = facts.answers or {}
    results: list[Result] = []
    for condition in conditions:
        if condition == "agreement":
            for party in parties:
                rec = facts.records.get(("agreement", party))
                results.append(Result("agreement", party, rec is not None,
                                      rec.by if rec else None, rec.at if rec else None))
            continue
        rec = facts.records.get((condition, None))
        if condition == "informed_in_advance":
            if facts.intended_deletion is None:
                results.append(Result(condition, None, False, school_says="no_deletion_date"))
            else:
                met = facts.received_on <= facts.intended_deletion
                results.append(Result(condition, None, met, facts.school_name,
                                      facts.received_on, None if met else "told_after_deletion",
                                      by_school=met))
        elif condition == "cme_referral_acknowledged":
            said = _answer(answers, "cme_acknowledged")
            says = {"not_sent": "cme_not_sent", "awaiting": "cme_awaiting"}.get(said or "")
            if _answer(answers, "cme_referral_sent") == "no":
                says = "cme_not_sent"
            if facts.cme_referral is not None:
                results.append(Result(condition, None, True, facts.cme_referral.by,
                                      facts.cme_referral.at, says))
            else:
                if says is None:
                    says = "cme_awaiting" if facts.cme_referral_received else "cme_not_received"
                results.append(Result(condition, None, False, school_says=says))
        elif condition == "officer_advice":
            says = "officer_not_advised" if _answer(answers, "awo_advised") == "no" else (
                "officer_advised" if _answer(answers, "awo_advised") == "yes" else None)
            results.append(Result(condition, None, rec is not None, rec.by if rec else None,
                                  rec.at if rec else None, says))
        elif condition == "ctf_s2s":
            if _answer(answers, "destination_known") == "yes":
                results.append(Result(condition, None, True, not_needed=True))
                continue
            code, uploaded = _answer(answers, "ctf_code"), _answer(answers, "s2s_uploaded")
            says = None
            if code and code != LOST_PUPIL_CODE:
                says = "ctf_other_code"
            elif uploaded == "no":
                says = "s2s_not_uploaded"
            elif code is None and uploaded is None:
                says = "ctf_not_said"
            if rec is not None:
                results.append(Result(condition, None, True, rec.by, rec.at, says))
            elif code == LOST_PUPIL_CODE and uploaded == "yes":
                results.append(Result(condition, None, True, facts.school_name, facts.received_on,
                                      by_school=True))
            else:
                results.append(Result(condition, None, False, school_says=says))
        else:  # joint_enquiries
            results.append(Result(condition, None, rec is not None, rec.by if rec else None,
                                  rec.at if rec else None))
    return results


def may_delete(results: list[Result], earliest: date | None, today: date) -> bool:
    """Every condition met and the earliest lawful day reached."""
    return all(r.met for r in results) and earliest is not None and today >= earliest
