"""The back-office search box: one field, and the portal works out what was typed.

`parse_query` reads the text as, in this order: a reference ("STK-2026-000123", any case,
spaces or no dashes, leading zeros optional), a UPN (checked with its check letter), a date of
birth ("14/03/2015", "14/3/15", "2015-03-14", "14 March 2015", "14 Mawrth 2015"), a full
postcode (any case and spacing), or else a child's name.

`search_submissions` answers each with index lookups only, so it stays fast on a million
submissions: reference (unique), UPN (tenant, upn), date of birth (tenant, child_dob),
postcode (tenant, postcode: see the note on `_exact`), and a name through the phonetic keys in
`name_keys` (tenant, key). For a name, a submission is found when, for every word typed (all
but one of three or more), one of its keys is a key of that word or of its other spellings
and nicknames (`names.query_keyed`), and its name is similar enough (`names.SIMILAR`); it is
ranked by `query_similarity`, then newest first. In three steps, each an index lookup:

1. candidate ids from name_keys: for two words or more, the *pair keys* of the two longest
   words (`names.index_keys`), each word also by its nicknames' keys (Bill: William), one
   word at a time (`lookup_keys`, at most MOST_LOOKUPS); for one word, its own keys. At most
   MAX_CANDIDATES, newest first, read per key. (Looking the words up one by one and
   intersecting, as first sketched, reads every John and every Smith: 1-2 seconds on a
   million submissions.)
2. those candidates' names by primary key, checked and ranked in Python;
3. the page's submissions by primary key.

Every query goes through the ORM, so the tenancy hook keeps it to the officer's council.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Integer, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from portal.casework.names import (SIMILAR, keys_pairs, normalise, query_matches,
                                   query_key_parts, query_similarity, query_word_keys, token_keys)
from portal.extensions import db
from portal.models.casework import NameKey
from portal.models.submission import Submission
from portal.rules.postcode import validate_postcode
from portal.rules.upn import normalise_upn, validate_upn

__all__ = ["MAX_CANDIDATES", "PROBLEMS", "Query", "SearchResult", "lookup_keys", "parse_query",
           "search", "search_submissions"]

#: A name search ranks at most this many candidates (the newest). Only a single common word
#: has more in a large council ("Smith"); two words hardly ever do.
MAX_CANDIDATES = 500

PROBLEMS = {
    "upn_invalid": _l("That looks like a UPN but it is not a real one: check each character"),
    "date_invalid": _l("That looks like a date of birth but it is not a real date"),
}


@dataclass(frozen=True)
class Query:
    """What the officer typed, understood. `kind` is "reference", "upn", "dob", "postcode",
    "name" or "empty"; `value` the normalised reference, UPN, postcode or date; `tokens` the
    words of a name; `problem` a key of PROBLEMS when it looked like something but was not."""

    kind: str
    text: str
    value: str | date | None = None
    tokens: tuple[str, ...] = field(default=())
    problem: str | None = None

    @property
    def problem_message(self):
        return PROBLEMS.get(self.problem) if self.problem else None


# --- reading the text --------------------------------------------------------------------

_REFERENCE = re.compile(r"([A-Z]{3})[\s\-/]*(\d{4})[\s\-/]*(\d{1,6})")
_UPN_SHAPE = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})")
_DMY_SPACED = re.compile(r"(\d{1,2})\s+(\d{1,2})\s+(\d{4})")
_YMD = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
_D_MONTH_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?([^\W\d_]+)\.?,?\s*(\d{4})")
_MONTH_D_Y = re.compile(r"([^\W\d_]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")

_MONTHS = {
    # English, with the usual short forms
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Welsh
    "ionawr": 1, "chwefror": 2, "mawrth": 3, "ebrill": 4, "mai": 5, "mehefin": 6,
    "gorffennaf": 7, "awst": 8, "medi": 9, "hydref": 10, "tachwedd": 11, "rhagfyr": 12,
}


def _this_year() -> int:
    if has_app_context() and "CLOCK" in current_app.config:
        return current_app.config["CLOCK"]().year
    return datetime.now(timezone.utc).year


def _year(text: str) -> int:
    """A four-digit year as it is; a two-digit one in this century unless that is the future."""
    year = int(text)
    if len(text) == 2:
        this_year = _this_year()
        year += 2000 if 2000 + year <= this_year else 1900
    return year


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_date(text: str) -> tuple[bool, date | None]:
    """(looks like a date, the date or None when it is not a real one)."""
    lowered = text.casefold()
    if match := _DMY.fullmatch(lowered) or _DMY_SPACED.fullmatch(lowered):
        day, month, year = match.groups()
        return True, _date(_year(year), int(month), int(day))
    if match := _YMD.fullmatch(lowered):
        year, month, day = match.groups()
        return True, _date(int(year), int(month), int(day))
    for pattern, order in ((_D_MONTH_Y, "dmy"), (_MONTH_D_Y, "mdy")):
        if match := pattern.fullmatch(lowered):
            parts = dict(zip(order, match.groups()))
            month = _MONTHS.get(parts["m"])
            if month is None:
                return False, None
            return True, _date(int(parts["y"]), month, int(parts["d"]))
    return False, None


def parse_query(text: str | None) -> Query:
    """Decide whether the officer typed a reference, a UPN, a date of birth, a postcode or a
    name (see the module's docstring)."""
    text = (text or "").strip()[:200]
    if not text:
        return Query("empty", text)
    compact = text.upper()
    if match := _REFERENCE.fullmatch(compact):
        prefix, year, number = match.groups()
        return Query("reference", text, f"{prefix}-{year}-{int(number):06d}")
    upn = normalise_upn(text)
    if _UPN_SHAPE.fullmatch(upn):
        result = validate_upn(upn)
        if result.valid:
            return Query("upn", text, result.normalised)
        return Query("upn", text, upn, problem="upn_invalid")
    looks_like_date, dob = _parse_date(text)
    if looks_like_date:
        if dob is None:
            return Query("dob", text, problem="date_invalid")
        return Query("dob", text, dob)
    if any(ch.isdigit() for ch in text):
        postcode = validate_postcode(text)
        if postcode.valid:
            return Query("postcode", text, postcode.normalised)
    tokens = tuple(normalise(text))
    if not any(len(token) > 1 for token in tokens):
        return Query("empty", text)
    return Query("name", text, tokens=tokens)


# --- searching ---------------------------------------------------------------------------

_EXACT_COLUMNS = {
    "reference": Submission.reference,
    "upn": Submission.upn,
    "dob": Submission.child_dob,
    "postcode": Submission.postcode,
}


@dataclass(frozen=True)
class SearchResult:
    """A page of submissions, how many answer the query in all, and whether a name search
    had more candidates than it ranks (MAX_CANDIDATES, the newest): then the officer should
    add a word or search by date of birth."""

    submissions: list[Submission]
    total: int
    capped: bool = False


def search_submissions(query: Query | str, limit: int = 50,
                       offset: int = 0) -> tuple[list[Submission], int]:
    """The council's submissions that answer the query, best first, and how many there are.

    Reference, UPN, date of birth and postcode: exact, newest first. A name: ranked by how
    alike the names are (then newest first), without those too unlike it.
    """
    result = search(query, limit=limit, offset=offset)
    return result.submissions, result.total


def search(query: Query | str, limit: int = 50, offset: int = 0) -> SearchResult:
    """`search_submissions`, also saying whether a name search was capped."""
    if isinstance(query, str):
        query = parse_query(query)
    limit = max(0, int(limit))
    offset = max(0, int(offset))
    if query.problem or query.kind == "empty":
        return SearchResult([], 0)
    if query.kind == "name":
        return _by_name(query.tokens, limit, offset)
    return _exact(_EXACT_COLUMNS[query.kind] == query.value, limit, offset)


def _exact(condition: ColumnElement[bool], limit: int, offset: int) -> SearchResult:
    # Every column here has a (tenant_id, column) index except the postcode, which needs
    # one on a large council (ix_submissions_tenant_postcode: not in the schema yet).
    total = db.session.scalar(select(func.count(Submission.id)).where(condition)) or 0
    if not total or offset >= total:
        return SearchResult([], total)
    rows = db.session.scalars(
        select(Submission).where(condition)
        .order_by(Submission.received_at.desc(), Submission.id.desc())
        .limit(limit).offset(offset))
    return SearchResult(list(rows), total)


#: A name search sends at most this many index lookups (the pair keys of two words, each
#: with its other spellings and nicknames: `names.query_word_keys`).
MOST_LOOKUPS = 24


def lookup_keys(words: list[str]) -> list[str]:
    """The keys a name search looks up: the pair keys of the two longest words typed (a few
    rows), or the keys of the one word typed; each word with its other spellings and
    nicknames (Bill: William), its own spelling's keys first. For three words or more, also
    the pairs of the third longest with each of the others, and of two neighbours written
    as one with the third (Abdul Rahman Nasser: Abdulrahman Nasser). At most MOST_LOOKUPS.
    """
    words = list(dict.fromkeys(words))
    if not words:
        return []
    if len(words) == 1:
        return list(query_word_keys(words[0]))[:MOST_LOOKUPS]
    longest = sorted(words, key=len, reverse=True)
    own_first, nicknames_first = query_key_parts(longest[0])
    own_second, nicknames_second = query_key_parts(longest[1])
    # Both words as typed (and their other spellings) first, then one word's nicknames with
    # the other as typed: never two nicknames at once (a few lookups, not their product).
    ordered: list[str] = []

    def add(keys) -> None:
        ordered.extend(sorted(set(keys) - set(ordered)))

    add(keys_pairs(own_first, own_second))
    add(keys_pairs(nicknames_first, own_second))
    add(keys_pairs(own_first, nicknames_second))
    if len(words) >= 3:
        third = longest[2]
        extra = [(longest[0], third), (longest[1], third)]
        first3 = words[:3]
        extra += [(first3[0] + first3[1], first3[2]), (first3[0], first3[1] + first3[2])]
        for word_a, word_b in extra:
            add(keys_pairs(token_keys(word_a[:30]), token_keys(word_b[:30])))
    return ordered[:MOST_LOOKUPS]


def _candidates(keys: list[str]) -> tuple[list[int], bool]:
    """The newest submissions with any of the keys: for each key, its newest MAX_CANDIDATES
    (one index range), merged. Whether there were more.

    One query per key (two to four), each selecting the NameKey entity itself: a UNION of
    subqueries would hide the entity from the tenancy hook, which then adds no council."""
    ids: set[int] = set()
    for key in keys:
        ids.update(db.session.scalars(
            select(NameKey.submission_id).where(NameKey.key == key)
            .order_by(NameKey.submission_id.desc()).limit(MAX_CANDIDATES + 1)))
    newest = sorted(ids, reverse=True)
    return newest[:MAX_CANDIDATES], len(newest) > MAX_CANDIDATES


def _by_name(tokens: tuple[str, ...], limit: int, offset: int) -> SearchResult:
    words = list(dict.fromkeys(t for t in tokens if len(t) > 1))
    # 1. Candidate ids from name_keys (tenant_id, key), newest first.
    ids, capped = _candidates(lookup_keys(words))
    if not ids:
        return SearchResult([], 0, False)
    # 2. Their names, by primary key, checked (every word typed has a key of the name: the
    # keys looked up hold one or two of them) and ranked here.
    rows = db.session.execute(
        select(Submission.id, Submission.child_first_name, Submission.child_last_name,
               Submission.received_at)
        .where(_id_in(ids))).all()
    scores: dict[tuple[str | None, str | None], float] = {}
    ranked = []
    for row in rows:
        name = (row.child_first_name, row.child_last_name)
        score = scores.get(name)
        if score is None:
            # With one or two words the keys looked up were theirs: only a third is checked.
            score = scores[name] = (query_matches(tokens, *name) if len(words) > 2
                                    else query_similarity(tokens, *name))
        if score >= SIMILAR:
            ranked.append((score, _timestamp(row.received_at), row.id))
    ranked.sort(reverse=True)
    page = [row_id for _score, _received, row_id in ranked[offset:offset + limit]]
    if not page:
        return SearchResult([], len(ranked), capped)
    # 3. The page's submissions.
    found = {s.id: s for s in db.session.scalars(select(Submission).where(_id_in(page)))}
    return SearchResult([found[i] for i in page if i in found], len(ranked), capped)


def _id_in(ids: list[int]) -> ColumnElement[bool]:
    """`submissions.id IN (...)`; on PostgreSQL one array parameter (= ANY), which is half
    the work of a thousand parameters."""
    if db.session.get_bind().dialect.name == "postgresql":
        return Submission.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return Submission.id.in_(ids)


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
