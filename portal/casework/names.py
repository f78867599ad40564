"""Children's names for search and matching: tokens, phonetic keys and a similarity score.

A name is spelt many ways by the people who refer a child: "Jon Smyth" for John Smith,
"Muhammad", "Mohammed" or "Mohamed", "Oliwia" or "Olivia", "Zoë" or "Zoe". Two tools deal
with that, one for finding and one for deciding:

* **keys** (`name_keys`): short phonetic codes stored in `name_keys` for every submission, so
  a name search is an index lookup and never a scan. Each word of a name gets two keys, both
  computed from a respelling that evens out the usual variants (see `_respell`):

  - ``M`` + Metaphone, with a leading vowel written as "a" (Ibrahim/Ebrahim, Omar/Umar):
    Metaphone ignores vowels after the first letter, which is what transliterations vary
    most;
  - ``N`` + NYSIIS, which keeps a placeholder for every vowel sound and reads "sh" and "s"
    alike (Sean/Shaun, Nicole/Nichole, where Metaphone differs).

  Keys are for *recall*: "John", "Jon", "Joan" and "Jane" all share ``MJN``. A name made of
  several words (Al-Hassan, Smith-Jones) is also keyed as one word (Alhassan, Smithjones).
  Every two words of a name also get *pair keys* (``P`` + both words' keys of one kind, in
  either order),
  so that a search for "John Smith" reads the few rows of John-and-Smith, not the thousands
  of John and of Smith (`index_keys`).

* **similarity** (`name_similarity`): Jaro-Winkler on the words, for *precision*: the better
  of the score on the words as typed and on their respellings. Words are paired up whatever
  their order (first and last names swapped), a middle name on one side only costs 0.02, and
  the *worst* paired word weighs 90%: "Jane Smith" is not "John Smith" (a sister at the same
  address), however alike the surnames are. Jaro-Winkler favours a shared beginning, so a
  word's score is lowered when the two words do not share a phonetic key (Harry/Harriet),
  begin with another sound (Zara/Sara, Ellie/Ollie), or one is the other with letters added
  that make another name (Leo/Leon, Martin/Martina, Jack/Jake; but not a silent "e":
  Clark/Clarke, Emily/Emilie). One letter wrong or two swapped in a word of five letters or
  more (Testchild/Tetschild) is a typo and keeps its score.

Decisions recorded by the tables in tests/unit/test_names.py:

* Sean and Shaun are the same name said the same way: found. So are Siobhan and Shivaun
  (Irish "bh" and "mh" are read as "v").
* Smith and Schmidt are different surnames (a translation, not a spelling): not found.
* John and Joan, one letter apart like Jon and John: found, ranked below the exact name; an
  officer glances at one more row rather than miss a child.
* Not matched: nicknames (Bill for William: that needs a dictionary, not spelling rules),
  Irish spellings far from English rules (Niamh/Neve, Aoife/Eefa share keys but are not
  similar enough).
* A known weakness: two names that part only after a long shared beginning (Jamal/Jamila)
  score as similar, as Jaro-Winkler favours beginnings; the officer sees the names.

Names in other scripts (Arabic, Cyrillic...) keep one key, the word itself, so they are found
when typed the same way.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

import jellyfish

__all__ = [
    "KEY_LENGTH",
    "SIMILAR",
    "index_keys",
    "index_submission_names",
    "name_keys",
    "name_similarity",
    "normalise",
    "pair_key",
    "query_similarity",
    "token_keys",
    "word_pair_keys",
]

#: The longest key (the name_keys.key column is String(16)).
KEY_LENGTH = 16
#: Two names at least this similar are taken to be the same child's, as typed by different
#: people. Chosen from the tables in tests/unit/test_names.py: there the near pairs score 0.857
#: or more (Mohammed/Muhammad lowest) and the far ones 0.815 or less (Ruby/Robbie, Adam/Aidan).
SIMILAR = 0.83

# Bounds that keep a pasted essay cheap: Jaro-Winkler is quadratic in a word's length.
_MAX_INPUT = 500
_MAX_TOKEN = 30
_MAX_TOKENS = 10

# Letters NFKD does not take apart.
_LETTERS = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ı": "i", "ŀ": "l", "ħ": "h", "ŧ": "t"})
# Inside a word and dropped: O'Brien, D'Souza, N'Golo.
_APOSTROPHES = frozenset("'’‘ʼ`´ʻ")
# A word on its own that belongs to the next one: "O Brien", "Mc Donald". (Not "D": far more
# often an initial, "D Smith", than D'Souza without its apostrophe.)
_PREFIXES = frozenset({"o", "mc", "mac"})
_VOWELS = frozenset("aeiou")


def _fold(text: str) -> str:
    """Lower case without accents: "Zoë" -> "zoe", "ŁUKASZ" -> "lukasz"."""
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_LETTERS)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=20_000)
def _normalise(name: str) -> tuple[str, ...]:
    words: list[str] = []
    current: list[str] = []
    for ch in _fold(name[:_MAX_INPUT]):
        if ch.isalpha():
            current.append(ch)
        elif ch in _APOSTROPHES:
            continue
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    tokens: list[str] = []
    for word in words:
        if tokens and tokens[-1] in _PREFIXES:
            tokens[-1] += word
        else:
            tokens.append(word)
    return tuple(token[:_MAX_TOKEN] for token in tokens[:_MAX_TOKENS])


def normalise(name: str | None) -> list[str]:
    """The words of a name, lower case, without accents or punctuation.

    Hyphens and spaces separate words ("Smith-Jones" -> smith, jones); apostrophes join them
    ("O'Brien" -> obrien), and so does a prefix written apart ("Mc Donald" -> mcdonald).
    Never raises: anything not a letter separates words, and a long input is cut short.
    """
    if not name:
        return []
    return list(_normalise(str(name)))


# --- respelling and keys ----------------------------------------------------------------------

# (a letter the rule needs, so most words skip most rules; the pattern; its replacement)
_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (trigger, re.compile(pattern), replacement) for trigger, pattern, replacement in (
        ("m", r"^mac(?=.{3})", "mc"),            # MacDonald, McDonald
        ("s", r"^se(?=[aeiou])", "sh"),          # Sean, Shaun; Seamus
        ("u", r"^u", "o"),                       # Umar, Omar; Usman, Osman
        ("e", r"^e", "i"),                       # Ebrahim, Ibrahim; Esa, Isa
        ("p", r"ph", "f"),                       # Stephen, Steven; Philip, Filip
        ("z", r"sz", "s"),                       # Tomasz, Tomas; Lukasz, Lukas
        ("z", r"cz", "ch"),                      # Polish cz, English ch
        ("k", r"ck", "k"),
        ("q", r"q", "k"),
        ("x", r"^x", "z"),                       # Xavier
        ("x", r"x", "ks"),                       # Alexander, Aleksander
        ("c", r"c(?=[eiy])", "s"),               # Lucy, Lusi
        ("c", r"c(?!h)", "k"),                   # Catherine, Katherine; Jacob, Jakub
        ("w", r"(?<=[aeiou])w(?=[aeiou])", "v"),  # Oliwia, Olivia; Nowak, Novak
        ("y", r"(?<=.)y", "i"),                  # Ayesha, Aisha; Kathryn; Maryam, Mariam
        ("h", r"[bm]h", "v"),                    # Siobhan, Shivaun; Niamh, Neve
        ("h", r"(?<=[tdkg])h", ""),              # Thomas, Tomas; Khadija
        ("h", r"(?<=[aeiou])h(?![aeiou])", ""),  # John, Jon; Sarah, Sara; Fatimah
        ("p", r"mps", "ms"),                     # Thompson, Thomson
        ("o", r"ou", "u"),                       # Yousef, Yusuf
        ("", r"(.)\1+", r"\1"),                 # Mohammed, Mohamed; Phillip
    ))


@lru_cache(maxsize=50_000)
def _respell(token: str) -> str:
    """A spelling that evens out the usual variants (only for comparing, never shown)."""
    for trigger, pattern, replacement in _RULES:
        if trigger in token:
            token = pattern.sub(replacement, token)
    return token


_LEADING_VOWELS = re.compile(r"^[aeiou]+")


def _is_latin(token: str) -> bool:
    return token.isascii()


@lru_cache(maxsize=50_000)
def token_keys(token: str) -> frozenset[str]:
    """The phonetic keys of one normalised word (at most KEY_LENGTH characters each)."""
    if not token:
        return frozenset()
    if not _is_latin(token):
        return frozenset({("X" + token)[:KEY_LENGTH]})
    spelt = _respell(token)
    lead = _LEADING_VOWELS.sub("a", spelt)
    keys = set()
    metaphone = jellyfish.metaphone(lead)
    if metaphone:
        keys.add(("M" + metaphone)[:KEY_LENGTH])
    nysiis = jellyfish.nysiis(spelt)
    if nysiis:
        keys.add(("N" + nysiis)[:KEY_LENGTH])
    return frozenset(keys)


def _words(first: str | None, last: str | None) -> list[str]:
    """The words that are keyed: each word of the names (initials aside), then each name's
    words written together ("Al-Hassan" is also found as "Alhassan")."""
    parts = [[t for t in normalise(name) if len(t) > 1] for name in (first, last)]
    words = [word for part in parts for word in part]
    words += ["".join(part)[:_MAX_TOKEN] for part in parts if len(part) > 1]
    return list(dict.fromkeys(words))


def name_keys(*names: str | None) -> set[str]:
    """The phonetic keys of every word of the names given (e.g. a child's first and last
    names). Single letters (initials) have none; the words of one name written together
    are keyed too."""
    keys: set[str] = set()
    for name in names:
        for word in _words(name, None):
            keys |= token_keys(word)
    return keys


#: How many words of a name are paired up by `index_keys` (10 pairs at most).
_PAIRED_WORDS = 5
_PAIR_PART = 7


def pair_key(key_a: str, key_b: str) -> str:
    """One key for two words' keys, whatever their order (at most KEY_LENGTH characters)."""
    low, high = sorted((key_a, key_b))
    return f"P{low[:_PAIR_PART]}.{high[:_PAIR_PART]}"


def word_pair_keys(word_a: str, word_b: str) -> set[str]:
    """The pair keys of two words: each kind of key (Metaphone, NYSIIS, the word itself) of
    one with the same kind of the other. (Mixing kinds would double the rows for the rare
    pair that agrees only in Metaphone on one word and only in NYSIIS on the other.)"""
    return {pair_key(a, b) for a in token_keys(word_a) for b in token_keys(word_b)
            if a[0] == b[0] or "X" in (a[0], b[0])}


def index_keys(first: str | None, last: str | None) -> set[str]:
    """Every key stored for a child's name: the keys of each word (`name_keys`) and, for
    every two words of the name, their pair keys. A search for two words looks up their pair
    keys: a handful of rows, where the keys of one common word ("Smith") are thousands."""
    words = _words(first, last)
    keys = name_keys(first, last)
    paired = words[:_PAIRED_WORDS]
    for i, word in enumerate(paired):
        for other in paired[i + 1:]:
            keys |= word_pair_keys(word, other)
    return keys


# --- similarity ---------------------------------------------------------------------------

def _lengthened(shorter: str, longer: str) -> bool | None:
    """Whether `longer` is `shorter` with letters added at the end that make another name
    (Leo, Leon; Martin, Martina): True; False for a silent "e" (Clark, Clarke; Ann, Anne;
    Emily, Emilie), not one that changes the vowel before it (Jack, Jake); None when
    neither begins with the other."""
    if len(shorter) > len(longer):
        shorter, longer = longer, shorter
    if len(shorter) == len(longer) or not longer.startswith(shorter):
        return None
    silent_e = longer[len(shorter):] == "e" and (
        shorter[-1] in _VOWELS or len(shorter) < 2 or shorter[-2] not in _VOWELS)
    return not silent_e


def _typo(a: str, b: str) -> bool:
    """One letter wrong, missing, extra or two swapped, in a word long enough to say so (and
    not the first letter: Mason and Jason are two names)."""
    return (min(len(a), len(b)) >= 5 and a[0] == b[0]
            and jellyfish.damerau_levenshtein_distance(a, b) <= 1)


@lru_cache(maxsize=50_000)
def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:  # an initial
        return 0.9 if a[0] == b[0] else 0.0
    ra, rb = _respell(a), _respell(b)
    if ra == rb:  # the same sounds spelt another way: Jon, John
        return 0.98
    score = max(jellyfish.jaro_winkler_similarity(a, b),
                jellyfish.jaro_winkler_similarity(ra, rb))
    if _lengthened(ra, rb) and _lengthened(a, b) is not False:
        return min(score, _ANOTHER_NAME)
    if not _typo(a, b):
        if not (token_keys(a) & token_keys(b)):  # they do not sound alike
            score *= _UNLIKE_SOUND
        if ra[0] != rb[0]:
            score *= _UNLIKE_START  # Zara, Sara; Ellie, Ollie: another first sound
    return score


_ANOTHER_NAME = 0.80
_UNLIKE_SOUND = 0.85
_UNLIKE_START = 0.90


#: What each word of the longer name that has no partner costs (a middle name one side).
_UNPAIRED = 0.02
_UNPAIRED_MOST = 0.05


def _pair_up(shorter: Sequence[str], longer: Sequence[str]) -> list[float]:
    """The best one-to-one pairing of words, greedily (names have a handful of words)."""
    pairs = sorted(((_word_similarity(a, b), i, j) for i, a in enumerate(shorter)
                    for j, b in enumerate(longer)), reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    scores: list[float] = []
    for score, i, j in pairs:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        scores.append(score)
        if len(used_i) == len(shorter):
            break
    return scores


def _tokens_similarity(a: Sequence[str], b: Sequence[str], *, unpaired: float = _UNPAIRED) -> float:
    if not a or not b:
        return 0.0
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    scores = _pair_up(shorter, longer)
    worst = min(scores)
    mean = sum(scores) / len(scores)
    penalty = min(_UNPAIRED_MOST, unpaired * (len(longer) - len(shorter)))
    return max(0.0, 0.9 * worst + 0.1 * mean - penalty)


def _variants(first: str | None, last: str | None) -> list[list[str]]:
    """The words of a name, and the same with each part's words written together."""
    firsts, lasts = normalise(first), normalise(last)
    variants = [firsts + lasts]
    if len(firsts) > 1 or len(lasts) > 1:
        joined = ["".join(part)[:_MAX_TOKEN] for part in (firsts, lasts) if part]
        variants.append(joined)
    return variants


@lru_cache(maxsize=50_000)
def name_similarity(first_a: str | None, last_a: str | None,
                    first_b: str | None, last_b: str | None) -> float:
    """How alike two children's names are, from 0 (nothing alike) to 1 (the same words).

    Order does not matter (first and last names swapped), a middle name on one side only
    costs 0.02, and the least alike pair of words weighs most. `SIMILAR` is the threshold.
    """
    return max((_tokens_similarity(a, b) for a in _variants(first_a, last_a)
                for b in _variants(first_b, last_b)), default=0.0)


def query_similarity(tokens: Sequence[str], first: str | None, last: str | None) -> float:
    """How well a child's name answers the words an officer searched for. Words of the name
    the search did not mention cost nothing ("Mohammed" finds Mohammed Ali as well as he
    can be found)."""
    return max((_tokens_similarity(tuple(tokens), name, unpaired=0.0)
                for name in _variants(first, last)), default=0.0)


# --- the index ----------------------------------------------------------------------------

def index_submission_names(submission) -> None:
    """Store the keys of a submission's child's names in `name_keys`, replacing any it had.

    Runs in the caller's transaction (flushes, never commits); the submission needs its id.
    """
    from sqlalchemy import delete

    from portal.extensions import db
    from portal.models.casework import NameKey

    session = db.session
    if submission.id is None:
        session.flush()
    session.execute(delete(NameKey).where(NameKey.submission_id == submission.id)
                    .execution_options(synchronize_session=False))
    keys: Iterable[str] = sorted(index_keys(submission.child_first_name,
                                            submission.child_last_name))
    session.add_all(NameKey(submission_id=submission.id, key=key) for key in keys)
    session.flush()


def index_new_submissions_names(submissions) -> None:
    """The name keys of submissions just added in this transaction (a school's return): no
    old keys to replace, and no flush per submission; one flush gives them all their ids."""
    from portal.extensions import db
    from portal.models.casework import NameKey

    session = db.session
    if any(submission.id is None for submission in submissions):
        session.flush()
    session.add_all(NameKey(submission_id=submission.id, key=key)
                    for submission in submissions
                    for key in sorted(index_keys(submission.child_first_name,
                                                 submission.child_last_name)))
