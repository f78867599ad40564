"""The DfE's coded lists, kept as data in ``portal/data/``: the primary reasons for children
missing education (``dfe_cme_reasons.csv``), the primary reasons for elective home education
(``dfe_ehe_reasons.csv``), the bands of how long a child has been missing
(``dfe_cme_durations.csv``), and how a case's outcomes and forms give a reason when an officer
has not recorded one (``dfe_cme_reason_mapping.csv``).

Each label is the DfE's own wording in the published data (autumn 2025/26), with a Welsh label
beside it. The codes (``CME01`` ... ``CME20``, ``EHE01`` ... ``EHE19``) are the portal's, in the
DfE's order: the DfE's own item codes in its collection system were not available. A case keeps
its code in ``Case.reason_code``; the two lists never share a code, so the code says which list
it belongs to.

No Flask here.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Mapping

DATA = Path(__file__).resolve().parent.parent / "data"

#: The reason used when a case has none and nothing maps to one.
CME_NOT_RECORDED = "CME19"
#: The EHE reason used when an EHE case has none.
EHE_UNKNOWN = "EHE19"
#: The duration band used when it is not known since when a child has been missing.
UNKNOWN_BAND = "unknown"


@dataclass(frozen=True)
class Coded:
    """A code with its English and Welsh labels."""

    code: str
    en: str
    cy: str

    def label(self, language: str | None = "en") -> str:
        return self.cy if (language or "").lower().startswith("cy") and self.cy else self.en


@dataclass(frozen=True)
class Band(Coded):
    """A duration band: ``from_days`` (included) to ``to_days`` (excluded); None for open ends.
    The unknown band has neither."""

    from_days: int | None = None
    to_days: int | None = None

    def holds(self, days: int) -> bool:
        if self.from_days is None:
            return False
        return days >= self.from_days and (self.to_days is None or days < self.to_days)


@dataclass(frozen=True)
class MappingRule:
    """A reason given by an outcome or a form when an officer has recorded none."""

    source: str  # "outcome" | "previous_outcome" | "form"
    key: str  # the DfE outcome (outcome sources) or the form's slug
    answer: str  # the answer's key (form rules), or ""
    value: str  # the answer's value; "*" for any answer at all
    code: str
    why: str

    def matches_answers(self, answers: Mapping[str, Any] | None) -> bool:
        if not self.answer:
            return True
        given = (answers or {}).get(self.answer)
        if given in (None, "", []):
            return False
        return self.value == "*" or str(given) == self.value


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return [{key: (value or "").strip() for key, value in row.items()}
                for row in csv.DictReader(handle)]


@cache
def cme_reasons() -> tuple[Coded, ...]:
    """The DfE's primary reasons for children missing education, in its order."""
    return tuple(Coded(r["code"], r["en"], r["cy"]) for r in _rows("dfe_cme_reasons.csv"))


@cache
def ehe_reasons() -> tuple[Coded, ...]:
    """The DfE's primary reasons for elective home education, in its order."""
    return tuple(Coded(r["code"], r["en"], r["cy"]) for r in _rows("dfe_ehe_reasons.csv"))


@cache
def duration_bands() -> tuple[Band, ...]:
    """How long a child has been missing education, the DfE's bands, shortest first and
    "Unknown" last."""
    return tuple(
        Band(r["key"], r["en"], r["cy"],
             from_days=int(r["from_days"]) if r["from_days"] else None,
             to_days=int(r["to_days"]) if r["to_days"] else None)
        for r in _rows("dfe_cme_durations.csv"))


@cache
def mapping_rules() -> tuple[MappingRule, ...]:
    return tuple(MappingRule(r["source"], r["key"], r["answer"], r["value"], r["code"], r["why"])
                 for r in _rows("dfe_cme_reason_mapping.csv"))


@cache
def _by_code() -> dict[str, Coded]:
    return {item.code: item for item in (*cme_reasons(), *ehe_reasons())}


def reason(code: str | None) -> Coded | None:
    """The CME or EHE reason with this code (any case), or None."""
    return _by_code().get((code or "").strip().upper())


def is_cme_code(code: str | None) -> bool:
    found = reason(code)
    return found is not None and found in cme_reasons()


def is_ehe_code(code: str | None) -> bool:
    found = reason(code)
    return found is not None and found in ehe_reasons()


def band_for(days: int | None) -> Band:
    """The band of a child missing for ``days`` calendar days (None: not known)."""
    bands = duration_bands()
    if days is not None and days >= 0:
        for band in bands:
            if band.holds(days):
                return band
    return next(band for band in bands if band.code == UNKNOWN_BAND)


def mapped_cme_code(*, outcome: str | None, previous_outcome: str | None,
                    forms: list[tuple[str, Mapping[str, Any] | None]]) -> str | None:
    """The reason the mapping gives a case: its own DfE outcome first, then the outcome of
    the episode before it (a reopened case), then its forms, oldest first. None when no rule
    applies."""
    rules = mapping_rules()
    for source, key in (("outcome", outcome), ("previous_outcome", previous_outcome)):
        if key:
            rule = next((r for r in rules if r.source == source and r.key == key), None)
            if rule is not None:
                return rule.code
    for slug, answers in forms:
        for rule in rules:
            if rule.source == "form" and rule.key == slug and rule.matches_answers(answers):
                return rule.code
    return None


def cme_code_for(recorded: str | None, *, outcome: str | None = None,
                 previous_outcome: str | None = None,
                 forms: list[tuple[str, Mapping[str, Any] | None]] = ()) -> str:
    """The primary reason of a child missing education for the DfE: the officer's code when
    it is one of the DfE's CME reasons, else the mapping's, else "Not recorded"."""
    if is_cme_code(recorded):
        return reason(recorded).code  # type: ignore[union-attr]
    return mapped_cme_code(outcome=outcome, previous_outcome=previous_outcome,
                           forms=list(forms)) or CME_NOT_RECORDED


def ehe_code_for(recorded: str | None) -> str:
    """The primary reason for home education: the officer's code when it is one of the DfE's
    EHE reasons, else "Unknown"."""
    if is_ehe_code(recorded):
        return reason(recorded).code  # type: ignore[union-attr]
    return EHE_UNKNOWN
