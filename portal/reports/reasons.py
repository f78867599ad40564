"""The DfE's coded lists for the termly EHE and CME return, kept as versioned data in
``portal/data/dfe_return/`` (see its README for the sources): the collection's items in order,
the primary reasons for children missing education and for elective home education, the
duration bands, the sex and year-group breakdowns, the types of school left, and how a case's
outcomes and forms give a reason when an officer has not recorded one.

Each label is the DfE's own wording (its ``breakdown`` labels), with a Welsh label beside it.
A reason's ``code`` is a stable key of ours (``cme_mental_health``, ``ehe_mental_health``): the
DfE's item codes in COLLECT were not available, and a label may change between versions while
the key stays. A case keeps its code in ``Case.reason_code``; CME keys start ``cme_`` and EHE
keys ``ehe_``, so the code says which list it belongs to.

Versions: ``versions.csv`` gives each school year's census dates and its lists; the return at a
census date uses that year's lists (:func:`version_for`). Functions without a ``version`` use
the latest lists.

No Flask here.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Mapping

DATA = Path(__file__).resolve().parent.parent / "data" / "dfe_return"

#: The reason used when a case has none and nothing maps to one.
CME_NOT_RECORDED = "cme_not_recorded"
#: The EHE reason used when an EHE case has none.
EHE_UNKNOWN = "ehe_unknown"
#: The duration band used when it is not known since when a child has been missing.
UNKNOWN_BAND = "unknown"
UNKNOWN = "unknown"


class UnknownCensusDate(ValueError):
    """The date is not a census date of any school year the portal has lists for."""


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
class Item:
    """One item of the collection: a measure and its breakdown topic, in the collection's
    order."""

    measure: str
    topic: str  # "Total", "Sex", "Year group", "Duration", "Reason", "School type"
    en: str
    cy: str

    def label(self, language: str | None = "en") -> str:
        return self.cy if (language or "").lower().startswith("cy") and self.cy else self.en


@dataclass(frozen=True)
class Version:
    """A school year of the collection: its census dates and the lists it uses."""

    key: str  # "2025-26"
    school_year_start: date
    census_dates: tuple[date, date, date]  # autumn, spring, summer
    lists: str  # the folder of lists

    @property
    def school_year_end(self) -> date:
        return date(self.school_year_start.year + 1, 8, 31)

    def term_of(self, census: date) -> str:
        return ("autumn", "spring", "summer")[self.census_dates.index(census)]


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


# --- versions --------------------------------------------------------------------------------

@cache
def versions() -> tuple[Version, ...]:
    """Every school year of the collection the portal has lists for, oldest first."""
    found = []
    for row in _rows("versions.csv"):
        found.append(Version(
            row["version"], date.fromisoformat(row["school_year_start"]),
            tuple(date.fromisoformat(row[t]) for t in ("autumn", "spring", "summer")),  # type: ignore[arg-type]
            row["lists"]))
    return tuple(sorted(found, key=lambda v: v.school_year_start))


def census_dates() -> list[date]:
    return sorted(day for version in versions() for day in version.census_dates)


def version_for(census: date) -> Version:
    """The version whose census dates include ``census``; UnknownCensusDate otherwise."""
    for version in versions():
        if census in version.census_dates:
            return version
    raise UnknownCensusDate(census)


def version_of_school_year(day: date) -> Version | None:
    """The version of the school year ``day`` falls in, or None."""
    for version in versions():
        if version.school_year_start <= day <= version.school_year_end:
            return version
    return None


def previous_census(census: date) -> date | None:
    """The census date before ``census``, or None for the first one the portal knows."""
    earlier = [day for day in census_dates() if day < census]
    return earlier[-1] if earlier else None


def _lists(version: str | None) -> str:
    if version is None:
        return versions()[-1].lists
    for known in versions():
        if known.key == version:
            return known.lists
    if (DATA / version).is_dir():
        return version
    raise KeyError(version)


# --- the lists -------------------------------------------------------------------------------

@cache
def _coded(folder: str, name: str) -> tuple[Coded, ...]:
    return tuple(Coded(r["key"], r["en"], r["cy"]) for r in _rows(f"{folder}/{name}"))


def cme_reasons(version: str | None = None) -> tuple[Coded, ...]:
    """The DfE's primary reasons for children missing education, in its order."""
    return _coded(_lists(version), "cme_reasons.csv")


def ehe_reasons(version: str | None = None) -> tuple[Coded, ...]:
    """The DfE's primary reasons for elective home education, in its order."""
    return _coded(_lists(version), "ehe_reasons.csv")


def sexes(version: str | None = None) -> tuple[Coded, ...]:
    return _coded(_lists(version), "sex.csv")


def year_groups(version: str | None = None) -> tuple[Coded, ...]:
    """Reception, Year 1 ... Year 11, Unknown."""
    return _coded(_lists(version), "year_groups.csv")


def school_types(version: str | None = None) -> tuple[Coded, ...]:
    return _coded(_lists(version), "school_types.csv")


@cache
def _items(folder: str) -> tuple[Item, ...]:
    return tuple(Item(r["measure"], r["topic"], r["en"], r["cy"])
                 for r in _rows(f"{folder}/items.csv"))


def items(version: str | None = None) -> tuple[Item, ...]:
    """The collection's items in its order."""
    return _items(_lists(version))


@cache
def _bands(folder: str) -> tuple[Band, ...]:
    return tuple(
        Band(r["key"], r["en"], r["cy"],
             from_days=int(r["from_days"]) if r["from_days"] else None,
             to_days=int(r["to_days"]) if r["to_days"] else None)
        for r in _rows(f"{folder}/durations.csv"))


def duration_bands(version: str | None = None) -> tuple[Band, ...]:
    """How long a child has been missing education, the DfE's bands, shortest first and
    "Unknown" last."""
    return _bands(_lists(version))


def breakdown(topic: str, version: str | None = None, *, measure: str = "") -> tuple[Coded, ...]:
    """The breakdowns of a topic (a ``Total`` has one, keyed ``total``)."""
    if topic == "Total":
        return (Coded("total", "Total", "Cyfanswm"),)
    if topic == "Sex":
        return sexes(version)
    if topic == "Year group":
        return year_groups(version)
    if topic == "Duration":
        return duration_bands(version)
    if topic == "School type":
        return school_types(version)
    if topic == "Reason":
        return ehe_reasons(version) if measure.startswith("ehe") else cme_reasons(version)
    raise KeyError(topic)


@cache
def mapping_rules() -> tuple[MappingRule, ...]:
    return tuple(MappingRule(r["source"], r["key"], r["answer"], r["value"], r["code"], r["why"])
                 for r in _rows("reason_mapping.csv"))


@cache
def _by_code() -> dict[str, Coded]:
    found: dict[str, Coded] = {}
    for version in reversed(versions()):  # the latest label wins
        for item in (*cme_reasons(version.key), *ehe_reasons(version.key)):
            found.setdefault(item.code, item)
    return found


def _normal(code: str | None) -> str:
    return (code or "").strip().lower()


def reason(code: str | None) -> Coded | None:
    """The CME or EHE reason with this code (any version, any case), or None."""
    return _by_code().get(_normal(code))


def is_cme_code(code: str | None, version: str | None = None) -> bool:
    return _normal(code) in {r.code for r in cme_reasons(version)}


def is_ehe_code(code: str | None, version: str | None = None) -> bool:
    return _normal(code) in {r.code for r in ehe_reasons(version)}


def band_for(days: int | None, version: str | None = None) -> Band:
    """The band of a child missing for ``days`` calendar days (None: not known)."""
    bands = duration_bands(version)
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
                 forms: list[tuple[str, Mapping[str, Any] | None]] = (),
                 version: str | None = None) -> str:
    """The primary reason of a child missing education for the DfE: the officer's code when
    it is one of the DfE's CME reasons, else the mapping's, else "Not recorded"."""
    if is_cme_code(recorded, version):
        return _normal(recorded)
    return mapped_cme_code(outcome=outcome, previous_outcome=previous_outcome,
                           forms=list(forms)) or CME_NOT_RECORDED


def ehe_code_for(recorded: str | None, version: str | None = None) -> str:
    """The primary reason for home education: the officer's code when it is one of the DfE's
    EHE reasons, else "Unknown"."""
    if is_ehe_code(recorded, version):
        return _normal(recorded)
    return EHE_UNKNOWN
