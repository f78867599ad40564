"""How well children's names are matched: precision and recall of the name search and of
case matching, over the table of near and far names and over a larger invented set.

    .venv/bin/python bench/names_matching.py                  # the table and 4,000 invented pairs
    .venv/bin/python bench/names_matching.py --invented 20000 --seed 7
    .venv/bin/python bench/names_matching.py --baseline 5f80c34   # also the names.py of a commit

A pair is *near* when it is two spellings of one child's name and *far* when it is two
children (tests/unit/test_names.py, NEAR and FAR, with where they come from). For each way
of matching it prints true and false positives and negatives, precision (of the pairs
matched, how many are near) and recall (of the near pairs, how many are matched):

* matching: `name_similarity` >= `SIMILAR` (a case suggested for a submission);
* search: each name typed finds the other (`search.lookup_keys` among the keys stored,
  then `names.query_matches` >= `SIMILAR`), both ways;

then the far and near pairs each way of matching gets wrong, so a change can be read.

The invented set (seeded, so runs compare) is made from the spellings of
portal/casework/name_variants.py and a list of distinct names: near pairs are one name with
one letter wrong (words of five letters or more, not the first letter), accents dropped,
first and last names swapped, another published spelling, a nickname, or a surname in its
man's form; far pairs are two distinct first names with one surname (brothers and sisters),
or a boy's and a girl's form of one name. The invented set measures what the rules were not
tuned on only in part (the spellings come from the same lists): read it beside the table.

--baseline REV measures portal/casework/names.py as it was at a commit (matching only: its
search needed that commit's search.py too).
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.casework import names  # noqa: E402
from portal.casework.name_variants import GROUPS  # noqa: E402
from portal.casework.search import lookup_keys  # noqa: E402

# Distinct given names (one spelling each; no two are one name), for far pairs: brothers and
# sisters. From ONS "Baby names in England and Wales" top 100s, and the names above (Jakub,
# Zofia left out: they are Jacob's and Sofia's Polish spellings).
DISTINCT_FIRST = [
    "Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Muhammad", "Jack", "Charlie",
    "Oscar", "Jacob", "Henry", "Freddie", "Alfie", "Theo", "Archie", "Isaac", "Joshua",
    "Ethan", "Adam", "Reuben", "Ronnie", "Arlo", "Finley", "Jude", "Mason", "Albert",
    "Hugo", "Elijah", "Dylan", "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily",
    "Florence", "Mia", "Willow", "Rosie", "Sophia", "Isabella", "Grace", "Daisy", "Sienna",
    "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe", "Sofia", "Evie", "Charlotte",
    "Harper", "Matilda", "Aisha", "Maryam", "Zainab", "Fatima", "Omar", "Yusuf", "Ibrahim",
    "Hamza", "Ayaan", "Zara", "Niamh", "Aoife", "Siobhan", "Rhys", "Cerys", "Dafydd", "Eilidh",
    "Wiktoria", "Szymon", "Ioana", "Mihai", "Stefan", "Priya", "Arjun",
]
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Khan", "Patel", "Ali", "Hussain", "Begum", "Ahmed", "Murphy", "Kelly", "Byrne", "Walsh",
    "Fraser", "Campbell", "Macleod", "Roberts", "Hughes", "Nowak", "Wojcik", "Popescu",
    "Ionescu", "Chaudhry", "Singh", "Kaur", "Siddiqui", "Haddad", "Mansour", "Kowalski",
    "Wisniewski", "Ivanov", "Novak", "Okafor", "Mensah",
]
BOY_GIRL = [
    ("Jamal", "Jamila"), ("Daniel", "Daniela"), ("Martin", "Martina"), ("Paul", "Paula"),
    ("Alexander", "Alexandra"), ("Aleksander", "Aleksandra"), ("Gabriel", "Gabriela"),
    ("Cristian", "Cristina"), ("Mihai", "Mihaela"), ("Andrei", "Andreea"), ("Jan", "Jana"),
    ("Karim", "Karima"), ("Nabil", "Nabila"), ("Amir", "Amira"), ("Louis", "Louise"),
    ("Justin", "Justine"), ("Michael", "Michelle"), ("Daniel", "Danielle"),
    ("Roberto", "Roberta"), ("Antonio", "Antonia"), ("Ioan", "Ioana"), ("Said", "Saida"),
]
NICKNAMES = [
    ("Bill", "William"), ("Sam", "Samuel"), ("Tom", "Thomas"), ("Kate", "Katherine"),
    ("Bob", "Robert"), ("Liz", "Elizabeth"), ("Alex", "Alexander"), ("Charlie", "Charles"),
    ("Peggy", "Margaret"), ("Ellie", "Eleanor"), ("Kasia", "Katarzyna"), ("Kuba", "Jakub"),
    ("Gosia", "Malgorzata"), ("Costel", "Constantin"), ("Ionut", "Ion"), ("Dai", "Dafydd"),
    ("Freddie", "Frederick"), ("Alfie", "Alfred"), ("Harry", "Henry"), ("Jim", "James"),
]
FEMININE_SURNAMES = [("Kowalski", "Kowalska"), ("Wisniewski", "Wisniewska"),
                     ("Ivanov", "Ivanova"), ("Novak", "Novakova"), ("Lewandowski", "Lewandowska"),
                     ("Kazlauskas", "Kazlauskaite"), ("Papadopoulos", "Papadopoulou")]
ACCENTED = [("Zoë", "Zoe"), ("Łukasz", "Lukasz"), ("Siân", "Sian"), ("Ștefan", "Stefan"),
            ("Róisín", "Roisin"), ("Sinéad", "Sinead"), ("José", "Jose"), ("Małgorzata",
                                                                              "Malgorzata")]


def _typo(word: str, rng: random.Random) -> str:
    """One letter wrong, missing, doubled or two swapped (never the first letter)."""
    letters = list(word)
    i = rng.randrange(1, len(letters))
    kind = rng.choice(("replace", "delete", "double", "swap"))
    if kind == "replace":
        letters[i] = rng.choice([c for c in "aeioulnrst" if c != letters[i].lower()])
    elif kind == "delete":
        del letters[i]
    elif kind == "double":
        letters.insert(i, letters[i])
    elif i < len(letters) - 1:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters[i - 1], letters[i] = letters[i], letters[i - 1]
    return "".join(letters)


def invented_pairs(count: int, seed: int) -> tuple[list, list]:
    rng = random.Random(seed)
    near: list = []
    far: list = []
    spellings = [group for group in GROUPS if len(group) > 1]
    while len(near) < count // 2:
        last = rng.choice(SURNAMES)
        kind = rng.randrange(6)
        if kind == 0:
            first = rng.choice([n for n in DISTINCT_FIRST if len(n) >= 5])
            near.append(((first, last), (_typo(first, rng), last)))
        elif kind == 1:
            accented, plain = rng.choice(ACCENTED)
            near.append(((accented, last), (plain, last)))
        elif kind == 2:
            first = rng.choice(DISTINCT_FIRST)
            near.append(((first, last), (last, first)))
        elif kind == 3:
            group = rng.choice(spellings)
            a, b = rng.sample(group, 2)
            near.append(((a.title(), last), (b.title(), last)))
        elif kind == 4:
            short, full = rng.choice(NICKNAMES)
            near.append(((short, last), (full, last)))
        else:
            man, woman = rng.choice(FEMININE_SURNAMES)
            first = rng.choice(["Zofia", "Anna", "Maria", "Elena", "Olivia", "Ieva"])
            near.append(((first, man), (first, woman)))
    while len(far) < count - count // 2:
        last = rng.choice(SURNAMES)
        if rng.random() < 0.75:
            a, b = rng.sample(DISTINCT_FIRST, 2)
        else:
            a, b = rng.choice(BOY_GIRL)
        far.append(((a, last), (b, last)))
    return near, far


def finds(query: tuple[str, str], name: tuple[str, str]) -> bool:
    """What the name search does, without the database (as tests/unit/test_names.py)."""
    words = names.normalise(f"{query[0]} {query[1]}")
    keyed = list(dict.fromkeys(word for word in words if len(word) > 1))
    if not set(lookup_keys(keyed)) & names.index_keys(*name):
        return False
    return names.query_matches(words, *name) >= names.SIMILAR


def report(title: str, near: list, far: list, matched, show: int) -> None:
    tp = [pair for pair in near if matched(*pair)]
    fn = [pair for pair in near if not matched(*pair)]
    fp = [pair for pair in far if matched(*pair)]
    tn = len(far) - len(fp)
    precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 1.0
    recall = len(tp) / len(near) if near else 1.0
    print(f"  {title:<34} precision {precision:6.1%}  recall {recall:6.1%}   "
          f"(TP {len(tp)}, FP {len(fp)}, FN {len(fn)}, TN {tn})")
    for label, pairs in (("joined, but two children", fp), ("missed", fn)):
        for a, b in pairs[:show]:
            print(f"      {label}: {' '.join(a)} / {' '.join(b)}")


def load_baseline(rev: str):
    source = subprocess.run(["git", "show", f"{rev}:portal/casework/names.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    module = types.ModuleType(f"names_{rev}")
    exec(compile(source, f"names.py@{rev}", "exec"), module.__dict__)  # noqa: S102
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invented", type=int, default=4000, help="invented pairs (near + far)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", type=int, default=10, help="wrong pairs shown per line")
    parser.add_argument("--baseline", help="also measure names.py at this commit (matching)")
    args = parser.parse_args()

    from tests.unit.test_names import FAR, NEAR

    def matching(a, b):
        return names.name_similarity(*a, *b) >= names.SIMILAR

    def search(a, b):
        return finds(a, b) and finds(b, a)

    invented_near, invented_far = invented_pairs(args.invented, args.seed)
    for title, near, far in (("the table (tests/unit/test_names.py)", NEAR, FAR),
                             (f"invented pairs (seed {args.seed})", invented_near,
                              invented_far)):
        print(f"{title}: {len(near)} near and {len(far)} far pairs, SIMILAR = {names.SIMILAR}")
        report("matching (name_similarity)", near, far, matching, args.show)
        report("search (each finds the other)", near, far, search, args.show)
        if args.baseline:
            old = load_baseline(args.baseline)
            report(f"matching at {args.baseline}", near, far,
                   lambda a, b: old.name_similarity(*a, *b) >= old.SIMILAR, args.show)

    # The cost of a comparison and of a search's keys (cold caches: every pair once).
    pairs = invented_near + invented_far
    names.name_similarity.cache_clear()
    start = time.perf_counter()
    for a, b in pairs:
        names.name_similarity(*a, *b)
    per_pair = (time.perf_counter() - start) / len(pairs) * 1e6
    lookups = [len(lookup_keys(names.normalise(" ".join(a)))) for a, _b in pairs]
    print(f"name_similarity: {per_pair:.0f} µs a pair (cold); index lookups a two-word search "
          f"sends: median {sorted(lookups)[len(lookups) // 2]}, most {max(lookups)}")


if __name__ == "__main__":
    main()
