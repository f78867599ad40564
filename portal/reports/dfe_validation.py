"""Checks on a DfE return before it is finalised, as COLLECT makes them.

*Errors* block the final export: a breakdown that does not add up to its total, a negative or
missing cell, a case whose reason code is on none of the DfE's lists. *Queries* need a note
from the officer before the return is finalised: children counted with an unknown sex or year
group (listed to put right), a reason code from the other list, and a figure that moved by more
than the council's set share since the last finalised return.

Pure: it reads a return's figures, and the last return's figures when there is one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.reports import reasons
from portal.reports.dfe_return import DfeReturn, figure_key


@dataclass(frozen=True)
class Problem:
    code: str  # stable: "sum:cme_census|Sex", "missing:<figure>", "move:<figure>", ...
    kind: str  # "error" | "query"
    figure: str | None  # the figure it is about, if one
    case_ids: tuple[int, ...] = ()
    values: dict = field(default_factory=dict, compare=False, hash=False)


def check(result: DfeReturn, previous: dict[str, int] | None = None, *,
          share: float = 0.25) -> list[Problem]:
    problems: list[Problem] = []
    version = result.version.key
    figures = result.figures
    for item in reasons.items(version):
        parts = reasons.breakdown(item.topic, version, measure=item.measure)
        for part in parts:
            key = figure_key(item.measure, item.topic, part.code)
            value = figures.get(key)
            if value is None:
                problems.append(Problem(f"missing:{key}", "error", key))
            elif value < 0:
                problems.append(Problem(f"negative:{key}", "error", key,
                                        values={"value": value}))
        if item.topic == "Total":
            continue
        total = figures.get(figure_key(item.measure))
        added = sum(figures.get(figure_key(item.measure, item.topic, p.code)) or 0 for p in parts)
        if total is not None and added != total:
            problems.append(Problem(f"sum:{item.measure}|{item.topic}", "error",
                                    figure_key(item.measure),
                                    values={"total": total, "sum": added, "topic": item.topic}))
    if result.unknown_codes:
        problems.append(Problem("unknown_codes", "error", None, tuple(result.unknown_codes)))
    if result.other_list_codes:
        problems.append(Problem("other_list_codes", "query", None,
                                tuple(result.other_list_codes)))
    if result.unknown_sex:
        problems.append(Problem("unknown_sex", "query", None, tuple(result.unknown_sex)))
    if result.unknown_year_group:
        problems.append(Problem("unknown_year_group", "query", None,
                                tuple(result.unknown_year_group)))
    if previous:
        for key, value in figures.items():
            before = previous.get(key)
            if before and value is not None and abs(value - before) / before > share:
                problems.append(Problem(f"move:{key}", "query", key,
                                        values={"before": before, "now": value,
                                                "share": round(abs(value - before) / before * 100)}))
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.kind == "error"]


def queries(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.kind == "query"]
