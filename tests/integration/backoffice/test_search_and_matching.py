"""The back-office search (reference, UPN, date of birth, postcode, a name spelt another way)
and the cases suggested for a new submission, each within one council."""
from __future__ import annotations

import random
import re
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from portal.casework.matching import suggest_cases
from portal.casework.search import parse_query, search_submissions
from portal.extensions import db
from portal.models import Submission
from portal.models.casework import Case, NameKey
from portal.rules.upn import check_letter
from portal.tenancy import tenant_id_for, tenant_scope
from tests.integration.backoffice.helpers import make_submission


def fresh_upn() -> str:
    """A valid UPN no other test uses."""
    body = "357" + "".join(random.choices("0123456789", k=9))
    return check_letter(body) + body


def fresh_dob() -> date:
    return date(random.randint(2008, 2019), random.randint(1, 12), random.randint(1, 28))


@contextmanager
def council(app, slug: str):
    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        yield
        db.session.rollback()


def found(app, slug: str, text: str, limit: int = 500) -> list[int]:
    with council(app, slug):
        results, total = search_submissions(parse_query(text), limit=limit)
        assert total == len(results) or len(results) == limit  # counted in this council only
        return [s.id for s in results]


# --- names spelt another way --------------------------------------------------------------

def test_jon_smyth_finds_john_smith_and_not_a_sister(app):
    john = make_submission(app, "stockport", first="John", last="Smithwick")
    jane = make_submission(app, "stockport", first="Jane", last="Smithwick")
    ids = found(app, "stockport", "Jon Smythwick")
    assert john["id"] in ids
    assert jane["id"] not in ids
    assert found(app, "stockport", "smithwick JOHN")[0] == john["id"]  # swapped, any case


def test_one_spelling_of_mohammed_finds_the_others_best_first(app):
    last = "Quillbrook"
    spellings = ("Muhammad", "Mohamed", "Mohammad", "Mohammed")
    made = {first: make_submission(app, "stockport", first=first, last=last)["id"]
            for first in spellings}
    mahmoud = make_submission(app, "stockport", first="Mahmoud", last=last)["id"]
    ids = found(app, "stockport", "Mohammed")
    assert set(made.values()) <= set(ids)
    assert mahmoud not in ids
    ids = found(app, "stockport", f"Mohammed {last}")
    assert ids[0] == made["Mohammed"]  # the exact spelling first
    assert set(ids) == set(made.values())


def test_accents_apostrophes_and_hyphens(app):
    zoe = make_submission(app, "liverpool", first="Zoë", last="O'Brien-Vantongeren")["id"]
    assert zoe in found(app, "liverpool", "zoe obrien")
    assert zoe in found(app, "liverpool", "  ZOE   O Brien ")
    assert zoe in found(app, "liverpool", "Zoe Vantongeren")
    assert zoe in found(app, "liverpool", "Z O'Brien")  # an initial


def test_a_name_search_finds_nothing_of_another_council(app):
    ours = make_submission(app, "stockport", first="Oliwia", last="Krzeminska")["id"]
    theirs = make_submission(app, "liverpool", first="Olivia", last="Krzeminska")["id"]
    assert found(app, "stockport", "Olivia Krzeminska") == [ours]
    assert found(app, "liverpool", "Oliwia Krzeminska") == [theirs]


def test_the_name_search_reads_the_name_keys_not_every_submission(app):
    """Candidates come from an index lookup on name_keys; submissions are read by id only."""
    made = make_submission(app, "stockport", first="Tobiasz", last="Wrzesniewski")
    statements: list[str] = []

    def capture(_conn, _cursor, statement, _params, _context, _many):
        statements.append(" ".join(statement.split()))

    for typed in ("Tobias Wrzesniewski", "Wrzesniewski"):
        statements.clear()
        with council(app, "stockport"):
            engine = db.engine
            event.listen(engine, "before_cursor_execute", capture)
            try:
                results, total = search_submissions(parse_query(typed))
                assert made["id"] in [s.id for s in results]
            finally:
                event.remove(engine, "before_cursor_execute", capture)
        keyed = [s for s in statements if "FROM name_keys" in s]
        assert keyed and all(
            len(re.findall(r'name_keys\.\W?key\W? = ', s)) == s.count("FROM name_keys")
            == s.count("name_keys.tenant_id = ") for s in keyed), keyed
        for statement in statements:
            if re.search(r"FROM submissions\b", statement):
                assert re.search(r"WHERE submissions\.id (IN|= ANY)", statement), statement
                assert "submissions.tenant_id" in statement, statement


def test_keys_are_replaced_when_a_submission_is_indexed_again(app):
    from portal.casework.names import index_keys, index_submission_names

    made = make_submission(app, "stockport", first="Wilhelmina", last="Orchardson")
    with council(app, "stockport"):
        submission = db.session.get(Submission, made["id"])
        submission.child_first_name = "Philippa"
        index_submission_names(submission)
        index_submission_names(submission)
        keys = {k.key for k in db.session.query(NameKey).filter_by(submission_id=made["id"])}
        assert keys == index_keys("Philippa", "Orchardson")
        db.session.commit()
    assert made["id"] in found(app, "stockport", "Filippa Orchardson")
    assert made["id"] not in found(app, "stockport", "Wilhelmina Orchardson")


def test_spellings_nicknames_and_families_councils_meet(app):
    """Irish and Welsh spellings, an English nickname, a Polish surname's woman's form, a
    name in Cyrillic: found; a girl's form of a boy's name: not."""
    niamh = make_submission(app, "liverpool", first="Niamh", last="Byrnwood")["id"]
    eefa = make_submission(app, "liverpool", first="Eefa", last="Byrnwood")["id"]
    william = make_submission(app, "liverpool", first="William", last="Quarrendon")["id"]
    zofia = make_submission(app, "liverpool", first="Zofia", last="Wrzosowski")["id"]
    brother = make_submission(app, "liverpool", first="Piotr", last="Wrzosowski")["id"]
    jamal = make_submission(app, "liverpool", first="Jamal", last="Haddadin")["id"]
    mariya = make_submission(app, "liverpool", first="Мария", last="Иваненко")["id"]
    assert found(app, "liverpool", "Neve Byrnwood") == [niamh]
    assert found(app, "liverpool", "Aoife Byrnwood") == [eefa]
    assert found(app, "liverpool", "Bill Quarrendon") == [william]
    assert found(app, "liverpool", "Zofia Wrzosowska") == [zofia]  # as her own surname
    assert set(found(app, "liverpool", "Wrzosowska")) == {zofia, brother}  # the family
    assert found(app, "liverpool", "Jamila Haddadin") == []
    assert found(app, "liverpool", "Jamal Haddadin") == [jamal]
    assert found(app, "liverpool", "Mariya Ivanenko") == [mariya]
    assert found(app, "liverpool", "Quarrendon William") == [william]  # swapped


def test_flask_names_rekey_stores_the_keys_again(app):
    """Keys stored by an older format are replaced: the child is found again."""
    made = make_submission(app, "stockport", first="Siobhan", last="Rekeyworth")
    with council(app, "stockport"):
        db.session.query(NameKey).filter_by(submission_id=made["id"]).delete()
        db.session.add(NameKey(submission_id=made["id"], key="MOLDFORMAT"))
        db.session.commit()
    assert made["id"] not in found(app, "stockport", "Chevonne Rekeyworth")
    result = app.test_cli_runner().invoke(args=["names", "rekey"])
    assert result.exit_code == 0, result.output
    assert "keyed again" in result.output
    assert found(app, "stockport", "Chevonne Rekeyworth") == [made["id"]]
    from portal.casework.names import index_keys
    with council(app, "stockport"):
        keys = {k.key for k in db.session.query(NameKey).filter_by(submission_id=made["id"])}
    assert keys == index_keys("Siobhan", "Rekeyworth")


# --- reading what was typed ----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "kind", "value"), [
    ("STK-2026-000123", "reference", "STK-2026-000123"),
    ("stk 2026 123", "reference", "STK-2026-000123"),
    ("LIV2026000045", "reference", "LIV-2026-000045"),
    ("B801200005001", "upn", "B801200005001"),
    ("b801 2000 0500 1", "upn", "B801200005001"),
    ("14/03/2015", "dob", date(2015, 3, 14)),
    ("4/3/2015", "dob", date(2015, 3, 4)),
    ("14/3/15", "dob", date(2015, 3, 14)),
    ("2015-03-14", "dob", date(2015, 3, 14)),
    ("14 March 2015", "dob", date(2015, 3, 14)),
    ("14th Mar 2015", "dob", date(2015, 3, 14)),
    ("March 14, 2015", "dob", date(2015, 3, 14)),
    ("14 Mawrth 2015", "dob", date(2015, 3, 14)),
    ("sk4 9zz", "postcode", "SK4 9ZZ"),
    ("CF37 1DU", "postcode", "CF37 1DU"),
    ("Jon Smyth", "name", None),
    ("Ada 2015", "name", None),
    ("", "empty", None),
    ("J", "empty", None),
    ("!!! 😀", "empty", None),
])
def test_what_was_typed_is_understood(typed, kind, value):
    query = parse_query(typed)
    assert (query.kind, query.value, query.problem) == (kind, value, None)


def test_a_date_or_upn_that_cannot_be_is_said_so():
    assert parse_query("31/02/2015").problem == "date_invalid"
    assert parse_query("A801200005001").problem == "upn_invalid"
    assert parse_query("14 Smarch 2015").kind == "name"


# --- reference, UPN, date of birth, postcode -------------------------------------------

def test_reference_in_any_case_and_spacing(app):
    made = make_submission(app, "stockport", first="Refina", last="Lookupson")
    reference = made["reference"]  # e.g. STK-2026-000123
    prefix, year, number = reference.split("-")
    for typed in (reference, reference.lower(), f" {prefix} {year} {number} ",
                  f"{prefix}{year}{number}", f"{prefix.lower()}-{year}-{int(number)}"):
        assert parse_query(typed).kind == "reference", typed
        assert found(app, "stockport", typed) == [made["id"]], typed
    assert found(app, "liverpool", reference) == []


def test_upn_exact_and_only_in_its_council(app):
    upn = fresh_upn()
    ours = make_submission(app, "stockport", first="Upnia", last="Checkley", upn=upn)["id"]
    theirs = make_submission(app, "liverpool", first="Upnia", last="Checkley", upn=upn)["id"]
    spaced = f"{upn[:4]} {upn[4:8]} {upn[8:]}".lower()
    assert found(app, "stockport", spaced) == [ours]
    assert found(app, "liverpool", upn) == [theirs]
    wrong = ("A" if upn[0] != "A" else "B") + upn[1:]
    query = parse_query(wrong)
    assert query.kind == "upn" and query.problem == "upn_invalid"
    assert found(app, "stockport", wrong) == []


@pytest.mark.parametrize("template", ["{d:02d}/{m:02d}/{y}", "{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}",
                                      "{d} {month} {y}", "{d:02d}.{m:02d}.{y}",
                                      "{month} {d}, {y}"])
def test_date_of_birth_in_several_formats(app, template):
    dob = fresh_dob()
    ours = make_submission(app, "stockport", first="Dobbin", last="Birthley", dob=dob)["id"]
    theirs = make_submission(app, "liverpool", first="Dobbin", last="Birthley", dob=dob)["id"]
    typed = template.format(d=dob.day, m=dob.month, y=dob.year, month=dob.strftime("%B"))
    query = parse_query(typed)
    assert (query.kind, query.value) == ("dob", dob), typed
    ids = found(app, "stockport", typed)
    assert ours in ids and theirs not in ids


def test_a_date_that_does_not_exist_finds_nothing(app):
    query = parse_query("31/02/2015")
    assert query.kind == "dob" and query.problem == "date_invalid"
    with council(app, "stockport"):
        assert search_submissions(query) == ([], 0)


def test_postcode_with_odd_spacing_and_case(app):
    ours = make_submission(app, "stockport", first="Posy", last="Codeworth",
                           postcode="SK4 9ZZ")["id"]
    theirs = make_submission(app, "liverpool", first="Posy", last="Codeworth",
                             postcode="SK4 9ZZ")["id"]
    for typed in ("sk49zz", "  Sk4   9zZ ", "SK4 9ZZ"):
        query = parse_query(typed)
        assert (query.kind, query.value) == ("postcode", "SK4 9ZZ")
        ids = found(app, "stockport", typed)
        assert ours in ids and theirs not in ids


def test_results_come_in_pages_with_the_total(app):
    made = [make_submission(app, "liverpool", first=first, last="Pagewright")["id"]
            for first in ("Amara", "Amarah", "Ammara")]
    with council(app, "liverpool"):
        first_page, total = search_submissions("Amara Pagewright", limit=2)
        second_page, total_again = search_submissions("Amara Pagewright", limit=2, offset=2)
        first_ids, second_ids = [s.id for s in first_page], [s.id for s in second_page]
    assert total == total_again == 3
    assert len(first_ids) == 2 and len(second_ids) == 1
    assert set(first_ids + second_ids) == set(made)
    assert first_ids[0] == made[0]  # the exact spelling first


def test_nothing_searchable_finds_nothing(app):
    with council(app, "stockport"):
        for typed in ("", "   ", "!!!", "J", "😀"):
            assert search_submissions(typed) == ([], 0), typed


# --- suggested cases --------------------------------------------------------------------

def make_case(app, slug: str, **columns) -> int:
    with council(app, slug):
        case = Case(status="open", **columns)
        db.session.add(case)
        db.session.commit()
        return case.id


def suggestions_for(app, slug: str, submission_id: int):
    with council(app, slug), app.test_request_context(f"/{slug}/staff/"):
        submission = db.session.get(Submission, submission_id)
        return [(s.case.id, [str(r) for r in s.reasons], s.score)
                for s in suggest_cases(submission, limit=20)]


def test_same_upn_is_suggested_whatever_the_name(app):
    upn = fresh_upn()
    case = make_case(app, "stockport", child_first_name="Robyn", child_last_name="Upnley",
                     upn=upn)
    other_council = make_case(app, "liverpool", child_first_name="Robyn",
                              child_last_name="Upnley", upn=upn)
    made = make_submission(app, "stockport", first="Bobbie", last="Hartington", upn=upn,
                           dob=fresh_dob())
    suggested = suggestions_for(app, "stockport", made["id"])
    assert [(c, reasons) for c, reasons, _score in suggested] == [(case, ["Same UPN"])]
    assert suggested[0][2] == 1.0
    assert other_council not in [c for c, _r, _s in suggested]


def test_same_date_of_birth_and_a_similar_name(app):
    dob = fresh_dob()
    case = make_case(app, "stockport", child_first_name="Muhammad", child_last_name="Begg",
                     child_dob=dob)
    far = make_case(app, "stockport", child_first_name="Emily", child_last_name="Hargreaves",
                    child_dob=dob)
    sibling_name = make_case(app, "stockport", child_first_name="Amina",
                             child_last_name="Begg", child_dob=dob)
    made = make_submission(app, "stockport", first="Mohammed", last="Beg", dob=dob)
    suggested = suggestions_for(app, "stockport", made["id"])
    assert [(c, reasons) for c, reasons, _score in suggested] == [
        (case, ["Same date of birth and a similar name"])]
    assert far not in [c for c, _r, _s in suggested]
    assert sibling_name not in [c for c, _r, _s in suggested]


def test_same_postcode_and_a_similar_name_but_not_a_brother(app):
    case = make_case(app, "stockport", child_first_name="Katherine",
                     child_last_name="Moorcroft", postcode="SK2 6QQ", child_dob=fresh_dob())
    brother = make_case(app, "stockport", child_first_name="Thomas",
                        child_last_name="Moorcroft", postcode="SK2 6QQ")
    made = make_submission(app, "stockport", first="Kathryn", last="Moorcroft",
                           postcode="SK2 6QQ", dob=fresh_dob())
    suggested = suggestions_for(app, "stockport", made["id"])
    assert [(c, reasons) for c, reasons, _score in suggested] == [
        (case, ["Same postcode and a similar name"])]
    assert brother not in [c for c, _r, _s in suggested]


def test_several_reasons_rank_first_and_the_own_case_is_left_out(app):
    dob, upn = fresh_dob(), fresh_upn()
    strong = make_case(app, "liverpool", child_first_name="Siobhan", child_last_name="Doyle",
                       child_dob=dob, postcode="L8 7QQ", upn=upn)
    weaker = make_case(app, "liverpool", child_first_name="Shivaun", child_last_name="Doyle",
                       postcode="L8 7QQ")
    own = make_case(app, "liverpool", child_first_name="Siobhan", child_last_name="Doyle",
                    child_dob=dob)
    made = make_submission(app, "liverpool", first="Shivaun", last="Doyle", dob=dob,
                           postcode="L8 7QQ", upn=upn)
    with council(app, "liverpool"):
        db.session.get(Submission, made["id"]).case_id = own
        db.session.commit()
    suggested = suggestions_for(app, "liverpool", made["id"])
    assert [c for c, _r, _s in suggested] == [strong, weaker]
    assert suggested[0][1] == ["Same UPN", "Same date of birth and a similar name",
                               "Same postcode and a similar name"]
    assert suggested[0][2] > suggested[1][2]


def test_a_twin_is_not_suggested(app):
    dob = fresh_dob()
    twin = make_case(app, "stockport", child_first_name="Liam", child_last_name="Fairbairn",
                     child_dob=dob, postcode="SK7 1QQ")
    made = make_submission(app, "stockport", first="Leah", last="Fairbairn", dob=dob,
                           postcode="SK7 1QQ")
    assert twin not in [c for c, _r, _s in suggestions_for(app, "stockport", made["id"])]


def test_a_day_and_month_swapped_is_suggested_below_the_same_date(app):
    dob = date(2014, 3, 4)
    same = make_case(app, "stockport", child_first_name="Oliwia", child_last_name="Dobrowska",
                     child_dob=dob)
    swapped = make_case(app, "stockport", child_first_name="Olivia",
                        child_last_name="Dobrowska", child_dob=date(2014, 4, 3))
    made = make_submission(app, "stockport", first="Oliwia", last="Dobrowska", dob=dob)
    suggested = suggestions_for(app, "stockport", made["id"])
    assert [(c, reasons) for c, reasons, _score in suggested] == [
        (same, ["Same date of birth and a similar name"]),
        (swapped, ["Date of birth with the day and month swapped and a similar name"])]
    assert suggested[0][2] > suggested[1][2]


def test_a_girls_form_of_a_boys_name_is_never_suggested_but_a_surnames_is(app):
    """Jamal and Jamila born the same day are twins; Zofia Kowalczewski is Zofia
    Kowalczewska recorded under her father's form of the surname."""
    dob = fresh_dob()
    jamal = make_case(app, "stockport", child_first_name="Jamal", child_last_name="Nasrallah",
                      child_dob=dob)
    zofia = make_case(app, "stockport", child_first_name="Zofia",
                      child_last_name="Kowalczewski", child_dob=dob)
    jamila = make_submission(app, "stockport", first="Jamila", last="Nasrallah", dob=dob)
    assert jamal not in [c for c, _r, _s in suggestions_for(app, "stockport", jamila["id"])]
    girl = make_submission(app, "stockport", first="Zofia", last="Kowalczewska", dob=dob)
    assert [c for c, _r, _s in suggestions_for(app, "stockport", girl["id"])] == [zofia]
    brother = make_submission(app, "stockport", first="Jan", last="Kowalczewski", dob=dob)
    assert zofia not in [c for c, _r, _s in suggestions_for(app, "stockport", brother["id"])]
