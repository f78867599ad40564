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

Beyond spelling rules, three kinds of knowledge (each in keys for search, and in the score):

* **published spellings** of one name (portal/casework/name_variants.py, with its sources):
  Irish, Scottish Gaelic, Welsh, Arabic, South Asian, Polish and Romanian names and their
  anglicised spellings: Niamh/Neve, Aoife/Eefa, Siân/Shan, Hussain/Husayn, Chaudhry/
  Choudhury, Wiktoria/Victoria. A word in a group is also keyed as the group's first
  spelling, so a search for any spelling finds the others.
* **nicknames**: the English list of the `nicknames` package (Bill, William; Sam, Samuel)
  and the Polish, Romanian, Welsh and Gaelic diminutives of name_variants (Kasia,
  Katarzyna). Only short forms count (two letters shorter, or a pet ending -ie, -y): the
  package also links full names (Emma, Emily) that are sisters' names. A search looks up
  each typed word's nicknames' keys too (`query_key_parts`); nothing extra is stored.
* **sex-marked endings**: a surname's woman's and man's forms are one family (Kowalska,
  Kowalski; Ivanova, Ivanov; Novakova, Novak: `same_family`), keyed alike and scored 0.95:
  a girl is often recorded under her father's form. A boy's and a girl's form of one given
  name (Jamal, Jamila; Daniel, Daniela; Alexander, Alexandra: `sex_differs`) score 0.5 at
  most, so they never join, however alike they sound.

Names in other scripts keep a key of the word as typed and get the keys of its Latin
transliteration (anyascii: Мария, Mariya). Accents are dropped (Ștefan, Stefan).

Decisions recorded by the tables in tests/unit/test_names.py (156 near and 70 far pairs;
bench/names_matching.py prints their precision and recall):

* Sean and Shaun, Siobhan and Shivaun, Niamh and Neve, Aoife and Eefa: found.
* Smith and Schmidt, Padraig and Patrick, Seumas and James are translations, not spellings:
  not found (nor are John and Ian, which the nicknames list links). Dafydd and David are
  close enough in spelling to be found.
* John and Joan, one letter apart like Jon and John: found, ranked below the exact name; an
  officer glances at one more row rather than miss a child.
* Jamal and Jamila, Martin and Martina, Jan and Jana: two children. Zofia Kowalska and
  Zofia Kowalski: one.
* A double surname typed in full finds the child recorded under one part (a search of
  three words or more may leave one word unmatched: `query_keyed`).

The keys stored are `index_keys`; when their format changes, `flask names rekey` (or a
migration calling `rekey_names`) stores every submission's keys again.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

import jellyfish
from anyascii import anyascii
from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from portal.casework.name_variants import DIMINUTIVES, GROUPS

__all__ = [
    "KEY_LENGTH",
    "SIMILAR",
    "index_keys",
    "index_submission_names",
    "name_keys",
    "name_similarity",
    "query_key_parts",
    "query_word_keys",
    "same_family",
    "sex_differs",
    "normalise",
    "pair_key",
    "query_keyed",
    "query_matches",
    "query_similarity",
    "query_variants",
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
        # The word as typed, and the keys of its transliteration (Мария as Mariya).
        return frozenset({("X" + token)[:KEY_LENGTH]}) | token_keys(_ascii(token))
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


@lru_cache(maxsize=20_000)
def _ascii(token: str) -> str:
    """A word in another script written in Latin letters (anyascii): "мария" -> "mariya",
    "محمد" -> "mhmd" (Arabic script has no short vowels, so only its keys are of use)."""
    return "".join(ch for ch in anyascii(token).casefold() if ch.isascii() and ch.isalpha()
                   )[:_MAX_TOKEN]


# --- spellings, nicknames and families ------------------------------------------------------

_GROUP_OF: dict[str, frozenset[int]] = {}
for _number, _group in enumerate(GROUPS):
    for _spelling in _group:
        _GROUP_OF[_spelling] = _GROUP_OF.get(_spelling, frozenset()) | {_number}
_FULL_NAMES_OF: dict[str, set[str]] = {}
_DIMINUTIVES_OF: dict[str, set[str]] = {}
for _short, _fulls in DIMINUTIVES.items():
    for _full in _fulls:
        _FULL_NAMES_OF.setdefault(_short, set()).add(_full)
        _DIMINUTIVES_OF.setdefault(_full, set()).add(_short)
_NICKNAMES = NickNamer()
#: Pairs in the English nicknames list that are one name in two languages, not a nickname:
#: two boys called John and Ian are two boys.
_TRANSLATIONS = frozenset({frozenset(pair) for pair in (
    ("john", "ian"), ("john", "ivan"), ("john", "sean"), ("john", "juan"), ("john", "jean"),
    ("james", "jaime"), ("james", "diego"), ("mary", "maria"), ("william", "wilma"),
)})


def _groups(token: str) -> frozenset[int]:
    return _GROUP_OF.get(token, frozenset())


def same_spelling_group(a: str, b: str) -> bool:
    """Whether two words are published spellings of one name (name_variants.GROUPS)."""
    return bool(_groups(a) & _groups(b))


_DIMINUTIVE_ENDINGS = ("ie", "y", "ey", "ee", "i")


def _short_form(nickname: str, full: str) -> bool:
    """Whether a link of the English nicknames list is a short form a child is called by
    (Bill, William; Sam, Samuel; Charlie, Charles), not another name the list also links
    (Emma, Emily; Jack, John): two letters shorter at least, or a pet ending (-ie, -y)."""
    return (len(full) - len(nickname) >= 2
            or nickname.endswith(_DIMINUTIVE_ENDINGS))


@lru_cache(maxsize=20_000)
def _nickname_links(token: str) -> frozenset[str]:
    """The names `token` is a nickname of, and the nicknames of `token`: the English list of
    the `nicknames` package (short forms only, see `_short_form`), and the Polish, Romanian,
    Welsh and Gaelic diminutives of name_variants."""
    if not token.isascii() or len(token) < 2:
        return frozenset()
    links = {full for full in _NICKNAMES.canonicals_of(token) if _short_form(token, full)}
    links |= {nick for nick in _NICKNAMES.nicknames_of(token) if _short_form(nick, token)}
    links |= _FULL_NAMES_OF.get(token, set()) | _DIMINUTIVES_OF.get(token, set())
    links.discard(token)
    return frozenset(link for link in links
                     if link.isalpha() and frozenset((token, link)) not in _TRANSLATIONS)


def nicknamed(a: str, b: str) -> bool:
    """Whether one word is a nickname or diminutive of the other (Bill, William; Kasia,
    Katarzyna)."""
    return b in _nickname_links(a)


# Surnames that take the child's sex: (the woman's ending, the man's), so that Kowalska
# (a girl) and Kowalski (her brother, or her father's name on another form) are one family.
# Polish -ska/-ski, -cka/-cki, -dzka/-dzki; Russian, Bulgarian -ova/-ov, -eva/-ev,
# -skaya/-sky; Czech and Slovak -ova (Novakova, Novak); Lithuanian -aite, -iene / -as,
# -yte / -ys, -ute / -us; Greek -ou / -os (Papadopoulou, Papadopoulos).
_FAMILY_ENDINGS: tuple[tuple[str, str, int], ...] = (
    # (ending, replaced by, the shortest stem left)
    ("skaya", "sky", 3), ("skaja", "ski", 3), ("ska", "ski", 3), ("sky", "ski", 3),
    ("cka", "cki", 3), ("cky", "cki", 3), ("zka", "zki", 3), ("zky", "zki", 3),
    ("ova", "ov", 3), ("eva", "ev", 3), ("ova", "", 3),
    ("aite", "as", 4), ("iene", "as", 4), ("yte", "ys", 4), ("ute", "us", 4),
    ("ou", "os", 5),
)


@lru_cache(maxsize=20_000)
def _family_forms(token: str) -> frozenset[str]:
    """The man's forms of a surname that takes the child's sex (kowalska -> kowalski), with
    the word itself."""
    forms = {token}
    for ending, replacement, shortest in _FAMILY_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= shortest:
            forms.add(token[:-len(ending)] + replacement)
    return frozenset(forms)


def same_family(a: str, b: str) -> bool:
    """Whether two different words are one surname in its man's and woman's forms
    (Kowalski, Kowalska; Ivanov, Ivanova; Novak, Novakova)."""
    return a != b and bool(_family_forms(a) & _family_forms(b))


# Given names made for a girl from a boy's name (the ending, what the boy's name has
# instead): Daniel, Daniela, Danielle; Louis, Louise; Josephine; Mihai, Mihaela; Andrei,
# Andreea; Roberto, Roberta. A vowel inside may differ too (Jamal, Jamila; Alexander, Alexandra; Cristian,
# Cristina).
_FEMININE: tuple[tuple[str, str], ...] = (
    ("elle", "el"), ("ella", "el"), ("ette", ""), ("ine", ""), ("ise", "is"),
    ("ela", "i"), ("ea", "i"), ("ah", ""), ("a", "o"), ("a", ""),
)
_VOWEL_LETTERS = frozenset("aeiouy")


def _looks_feminine(token: str) -> bool:
    return any(token.endswith(ending) for ending, _m in _FEMININE)


def _one_vowel_apart(stem: str, male: str) -> bool:
    """One vowel changed, or one vowel more or fewer inside the word (not at its end: Josh is
    Joshua's nickname, not a boy's form of it)."""
    ops = Levenshtein.editops(stem, male)
    if len(ops) != 1:
        return False
    op = ops[0]
    if op.tag == "replace":
        return stem[op.src_pos] in _VOWEL_LETTERS and male[op.dest_pos] in _VOWEL_LETTERS
    if op.tag == "insert":
        return male[op.dest_pos] in _VOWEL_LETTERS and 0 < op.dest_pos < len(male) - 1
    return stem[op.src_pos] in _VOWEL_LETTERS and 0 < op.src_pos < len(stem) - 1


@lru_cache(maxsize=50_000)
def sex_differs(a: str, b: str) -> bool:
    """Whether two given names are a boy's and a girl's form of one name (Jamal and Jamila,
    Daniel and Daniela, Martin and Martina, Alexander and Alexandra): two children, however
    alike they sound. Surnames that take the sex are `same_family` instead."""
    if a == b or len(a) < 3 or len(b) < 3 or same_family(a, b):
        return False
    for girl, boy in ((a, b), (b, a)):
        if _looks_feminine(boy):
            continue
        boy_spelt = _respell(boy)
        for ending, boy_ending in _FEMININE:
            if not girl.endswith(ending) or len(girl) - len(ending) < 2:
                continue
            stem = _respell(girl[:-len(ending)] + boy_ending)
            if stem == boy_spelt:
                return True
            if boy[-1] not in _VOWEL_LETTERS and len(stem) >= 3 and _one_vowel_apart(
                    stem, boy_spelt):
                return True
    return False


@lru_cache(maxsize=50_000)
def _stored_forms(token: str) -> tuple[str, ...]:
    """The spellings a stored word is keyed by: itself, its spelling group's name (Eefa is
    also keyed as Aoife) and a surname's man's form (Kowalska also as Kowalski)."""
    forms = [token]
    forms += sorted(GROUPS[number][0] for number in _groups(token))
    forms += sorted(_family_forms(token) - {token})
    return tuple(dict.fromkeys(forms))


#: A word typed in a search is looked up by at most this many keys (its own first, then its
#: spelling group's and family's, then its nicknames' by likeness): each key is one index
#: lookup.
_MOST_QUERY_KEYS = 16


@lru_cache(maxsize=20_000)
def _nickname_forms(token: str) -> tuple[str, ...]:
    """The nicknames of a typed word and the names it is a nickname of (Bill finds William;
    William finds Bill), the likeliest first."""
    links = sorted(_nickname_links(token),
                   key=lambda link: (-JaroWinkler.similarity(token, link), link))
    return tuple(dict.fromkeys(form for link in links for form in _stored_forms(link)))


@lru_cache(maxsize=50_000)
def stored_word_keys(token: str) -> frozenset[str]:
    """The keys stored for one word of a child's name (see `_stored_forms`)."""
    keys: set[str] = set()
    for form in _stored_forms(token):
        keys |= token_keys(form)
    return frozenset(keys)


@lru_cache(maxsize=20_000)
def query_key_parts(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys a search looks up for one typed word, in two parts: those stored for it
    (`stored_word_keys`, its own first), and the Metaphone key of each of its nicknames (one
    key is enough to find a name spelt as the nickname list spells it), the likeliest first;
    at most _MOST_QUERY_KEYS in all."""
    own = sorted(token_keys(token))
    own += sorted(stored_word_keys(token) - set(own))
    nicknames: list[str] = []
    for form in _nickname_forms(token):
        nicknames += sorted(key for key in token_keys(form)
                            if key[0] in "MX" and key not in own and key not in nicknames)
    return tuple(own), tuple(nicknames[:max(0, _MOST_QUERY_KEYS - len(own))])


def query_word_keys(token: str) -> tuple[str, ...]:
    """All the keys a search looks up for one typed word (`query_key_parts`)."""
    own, nicknames = query_key_parts(token)
    return own + nicknames


def _words(first: str | None, last: str | None) -> list[str]:
    """The words that are keyed: each word of the names (initials aside), then each name's
    words written together ("Al-Hassan" is also found as "Alhassan")."""
    parts = [[t for t in normalise(name) if len(t) > 1] for name in (first, last)]
    words = [word for part in parts for word in part]
    words += ["".join(part)[:_MAX_TOKEN] for part in parts if len(part) > 1]
    return list(dict.fromkeys(words))


def name_keys(*names: str | None) -> set[str]:
    """The phonetic keys of every word of the names given (e.g. a child's first and last
    names), with those of the word's other spellings (`stored_word_keys`). Single letters
    (initials) have none; the words of one name written together are keyed too."""
    keys: set[str] = set()
    for name in names:
        for word in _words(name, None):
            keys |= stored_word_keys(word)
    return keys


#: How many words of a name are paired up by `index_keys` (10 pairs at most).
_PAIRED_WORDS = 5
_PAIR_PART = 7


def pair_key(key_a: str, key_b: str) -> str:
    """One key for two words' keys, whatever their order (at most KEY_LENGTH characters)."""
    low, high = sorted((key_a, key_b))
    return f"P{low[:_PAIR_PART]}.{high[:_PAIR_PART]}"


def keys_pairs(keys_a: Iterable[str], keys_b: Iterable[str]) -> set[str]:
    """The pair keys of two words' keys: each kind of key (Metaphone, NYSIIS, the word
    itself) of one with the same kind of the other. (Mixing kinds would double the rows for
    the rare pair that agrees only in Metaphone on one word and only in NYSIIS on the
    other.)"""
    keys_b = list(keys_b)
    return {pair_key(a, b) for a in keys_a for b in keys_b
            if a[0] == b[0] or "X" in (a[0], b[0])}


def word_pair_keys(word_a: str, word_b: str) -> set[str]:
    """The pair keys stored for two words of a name."""
    return keys_pairs(stored_word_keys(word_a), stored_word_keys(word_b))


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
            and DamerauLevenshtein.distance(a, b) <= 1)


@lru_cache(maxsize=50_000)
def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:  # an initial
        return 0.9 if a[0] == b[0] else 0.0
    if not (a.isascii() and b.isascii()):  # another script: compare it in Latin letters
        la, lb = _ascii(a) or a, _ascii(b) or b
        return 0.0 if (la, lb) == (a, b) else min(0.97, _word_similarity(la, lb))
    if same_family(a, b):  # Kowalska, Kowalski: one family (the given name tells the child)
        return _SAME_FAMILY
    if sex_differs(a, b):  # Jamal, Jamila: a boy and a girl, never one child
        return min(_OTHER_SEX, JaroWinkler.similarity(a, b))
    ra, rb = _respell(a), _respell(b)
    if ra == rb:  # the same sounds spelt another way: Jon, John
        return 0.98
    if same_spelling_group(a, b):  # Niamh, Neve: published spellings of one name
        return _SAME_GROUP
    if nicknamed(a, b):  # Bill, William; Kasia, Katarzyna
        return _NICKNAME
    score = max(JaroWinkler.similarity(a, b), JaroWinkler.similarity(ra, rb))
    if _lengthened(ra, rb) and _lengthened(a, b) is not False:
        return min(score, _ANOTHER_NAME)
    if not _typo(a, b):
        if not (token_keys(a) & token_keys(b)):  # they do not sound alike
            score *= _UNLIKE_SOUND
        if ra[0] != rb[0]:
            score *= _UNLIKE_START  # Zara, Sara; Ellie, Ollie: another first sound
    return score


_SAME_GROUP = 0.96
_SAME_FAMILY = 0.95
_NICKNAME = 0.90
_OTHER_SEX = 0.50
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
    can be found); two words typed may be one word of the name (Abdul Rahman,
    Abdulrahman)."""
    return max((_tokens_similarity(typed, name, unpaired=0.0)
                for typed in query_variants(tokens) for name in _variants(first, last)),
               default=0.0)


def query_variants(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """The words typed, and for three words the same with two neighbours written as one
    ("Abdul Rahman Nasser" as "Abdulrahman Nasser"; two words are looked up as a pair, so
    a name keyed as one word is not among their candidates anyway)."""
    words = tuple(t for t in tokens if len(t) > 1) or tuple(tokens)
    variants = [tuple(tokens)]
    if len(words) == 3:
        for i in range(len(words) - 1):
            joined = (words[i] + words[i + 1])[:_MAX_TOKEN]
            variants.append(words[:i] + (joined,) + words[i + 2:])
    return variants


def query_keyed(tokens: Sequence[str], stored_keys: set[str] | frozenset[str]) -> bool:
    """Whether the keys stored for a name answer the words typed: each word typed has a key
    among them, but one, when three or more were typed (a double surname typed in full
    finds the child recorded under one part of it: Grace Smith-Jones, Grace Smith)."""
    for typed in query_variants(tokens):
        words = list(dict.fromkeys(t for t in typed if len(t) > 1))
        missing = sum(1 for word in words if not set(query_word_keys(word)) & stored_keys)
        if missing <= (1 if len(words) >= 3 else 0):
            return True
    return False


def query_matches(tokens: Sequence[str], first: str | None, last: str | None) -> float:
    """How well a child's name answers a search: `query_similarity`, or 0 when the name's
    keys do not answer the words typed (`query_keyed`)."""
    if not query_keyed(tokens, name_keys(first, last)):
        return 0.0
    return query_similarity(tokens, first, last)


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


#: How many submissions `rekey_names` reads and writes at a time.
REKEY_BATCH = 2_000


def rekey_names(connection, batch: int = REKEY_BATCH) -> int:
    """Store again the name keys of every submission of every council, as `index_keys`
    computes them now: run it (``flask names rekey``, or migration 0035) whenever the keys'
    format changes, or old rows stop being found. Works on a Core connection, council by
    council and `batch` submissions at a time, in the caller's transaction; returns how many
    submissions were keyed.
    """
    from sqlalchemy import bindparam, text

    from portal.tenancy import unscoped

    done = 0
    with unscoped():  # every council's rows, each statement naming its council
        tenants = [row[0] for row in connection.execute(text("SELECT id FROM tenants"))]
        read = text("SELECT submissions.id, submissions.child_first_name, "
                    "submissions.child_last_name FROM submissions "
                    "WHERE submissions.tenant_id = :tenant AND submissions.id > :after "
                    "ORDER BY submissions.id LIMIT :batch")
        remove = text("DELETE FROM name_keys WHERE name_keys.tenant_id = :tenant "
                      "AND name_keys.submission_id IN :ids"
                      ).bindparams(bindparam("ids", expanding=True))
        insert = text("INSERT INTO name_keys (tenant_id, submission_id, key) "
                      "VALUES (:tenant, :submission, :key)")
        for tenant in tenants:
            after = 0
            while True:
                rows = connection.execute(read, {"tenant": tenant, "after": after,
                                                 "batch": batch}).all()
                if not rows:
                    break
                connection.execute(remove, {"tenant": tenant, "ids": [row[0] for row in rows]})
                values = [{"tenant": tenant, "submission": row[0], "key": key}
                          for row in rows for key in sorted(index_keys(row[1], row[2]))]
                if values:
                    connection.execute(insert, values)
                done += len(rows)
                after = rows[-1][0]
    return done
