"""The DfE's termly return on children missing education and elective home education, for a
council in England, at a census date (the DfE sets one each term, in October, January and May).

At the census date (at the end of that day):

* children missing education, by how long each has been missing (the DfE's eight bands) and by
  primary reason (the DfE's twenty reasons, portal.reports.reasons);
* children missing education at any time in the school year so far (from 1 September to the
  census date, both included);
* children electively home educated at the census date, by primary reason; at any time in the
  year so far; and how many started in the year.

Who counts is said in portal.reports.casebook; how long a child has been missing in
portal.reports.figures.days_missing. A reason code an officer typed that is not one of the
DfE's counts as "Not recorded" and is counted in ``unrecognised_codes`` so it can be put right.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.reports import reasons
from portal.reports.casebook import Casebook, end_of_day, start_of_day
from portal.reports.figures import Count, days_missing
from portal.tenant_config.schema import Tenant


def school_year_start(census: date) -> date:
    """1 September of the school year the census date is in."""
    return date(census.year if census.month >= 9 else census.year - 1, 9, 1)


@dataclass
class DfeReturn:
    census: date
    year_start: date
    cme_at_census: int = 0
    cme_in_year: int = 0
    cme_started_in_year: int = 0
    durations: list[Count] = field(default_factory=list)  # every band, zeros included
    reasons: list[Count] = field(default_factory=list)  # every reason, zeros included
    unrecognised_codes: int = 0
    ehe_at_census: int = 0
    ehe_in_year: int = 0
    ehe_started_in_year: int = 0
    ehe_reasons: list[Count] = field(default_factory=list)


def dfe_return(tenant: Tenant, census: date, *, language: str = "en",
               book: Casebook | None = None) -> DfeReturn:
    moment = end_of_day(census)
    year_start = school_year_start(census)
    first = start_of_day(year_start)
    book = book or Casebook.load(tenant, until=moment, since=first)
    result = DfeReturn(census=census, year_start=year_start)

    at_census = book.cme_open_at(moment)
    result.cme_at_census = len(at_census)
    result.cme_in_year = len(book.cme_open_during(first, moment))
    result.cme_started_in_year = len({e.case.id for e in book.episodes
                                      if e.cme_started_in(first, moment)})
    bands: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for episode in at_census:
        bands[reasons.band_for(days_missing(book.missing_since(episode), census)).code] += 1
        codes[book.cme_code(episode, moment)] += 1
        recorded, _known = book.details_at(episode.case, moment)
        if recorded and not reasons.is_cme_code(recorded):
            result.unrecognised_codes += 1
    result.durations = [Count(b.code, b.label(language), bands[b.code])
                        for b in reasons.duration_bands()]
    result.reasons = [Count(r.code, r.label(language), codes[r.code])
                      for r in reasons.cme_reasons()]

    ehe_now = book.ehe_at(moment)
    result.ehe_at_census = len(ehe_now)
    result.ehe_in_year = len(book.ehe_during(first, moment))
    result.ehe_started_in_year = len({s.case.id for s in book.ehe_spells
                                      if s.started_in(first, moment)})
    ehe_codes: Counter[str] = Counter()
    for spell in ehe_now:
        recorded, _known = book.details_at(spell.case, moment)
        ehe_codes[reasons.ehe_code_for(recorded)] += 1
    result.ehe_reasons = [Count(r.code, r.label(language), ehe_codes[r.code])
                          for r in reasons.ehe_reasons()]
    return result


def return_rows(result: DfeReturn) -> list[tuple[str, str, str, int]]:
    """The return as (section, code, item, count) rows: its CSV."""
    cme, ehe = str(_l("Children missing education")), str(_l("Elective home education"))
    rows: list[tuple[str, str, str, int]] = [
        (cme, "", str(_l("At the census date")), result.cme_at_census),
        (cme, "", str(_l("At any time in the school year so far")), result.cme_in_year),
        (cme, "", str(_l("Started in the school year so far")), result.cme_started_in_year),
    ]
    section = str(_l("Children missing education at the census date: how long missing"))
    rows += [(section, c.key, c.label, c.value) for c in result.durations]
    section = str(_l("Children missing education at the census date: primary reason"))
    rows += [(section, c.key, c.label, c.value) for c in result.reasons]
    rows += [
        (ehe, "", str(_l("At the census date")), result.ehe_at_census),
        (ehe, "", str(_l("At any time in the school year so far")), result.ehe_in_year),
        (ehe, "", str(_l("Started in the school year so far")), result.ehe_started_in_year),
    ]
    section = str(_l("Elective home education at the census date: primary reason"))
    rows += [(section, c.key, c.label, c.value) for c in result.ehe_reasons]
    return rows
