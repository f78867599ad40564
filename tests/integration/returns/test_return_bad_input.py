"""What a hurried office or a hostile sender uploads: each bad file gets a clear list of what is
wrong (row and column), a 4xx, nothing stored, and the corrected file goes through."""
from __future__ import annotations

import re

import pytest

from tests.integration.returns.conftest import counts
from tests.integration.returns.files import csv_bytes, ctf_bytes, rows_for, wrong_check_letter
from tests.integration.returns.test_return_uploads import row_errors, sent_reference

FORM = "unauthorised-absence-return"


@pytest.fixture
def school(sender):
    return sender("stockport", FORM)


def refused(app, response, before) -> list[tuple[str, str, str]]:
    assert response.status_code == 422
    assert counts(app) == before, "nothing may be stored from a refused file"
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and "Nothing was sent" in html
    return row_errors(response)


def test_wrong_columns_are_named(app, school):
    headings = school.template_headings()
    rows = rows_for(FORM, 2)
    wrong = [h for h in headings if h != "days_absent"] + ["favourite_colour"]
    before = counts(app)
    errors = refused(app, school.upload(csv_bytes(rows, wrong)), before)
    assert ("1", "favourite_colour", "Column I, 'favourite_colour', is not a column of this "
            "return: use the template's headings") in errors
    assert ("1", "days_absent", "The column 'days_absent' is missing: use the template's "
            "headings") in errors


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it(app, school):
    rows = rows_for(FORM, 3)
    rows[1]["child_first_name"] = "Zoë"
    before = counts(app)
    errors = refused(app, school.upload(csv_bytes(rows, school.template_headings(),
                                                  encoding="cp1252")), before)
    assert errors == [("3", "", "The file is not saved as UTF-8. In your spreadsheet choose "
                       "Save as, then 'CSV UTF-8 (comma delimited)', and upload it again")]


def test_every_bad_row_is_listed_with_its_row_and_column(app, client, school):
    headings = school.template_headings()
    rows = rows_for(FORM, 6)
    rows[0]["upn"] = wrong_check_letter(rows[0]["upn"])           # row 2
    rows[1]["child_dob"] = "01/01/2031"                            # row 3: in the future
    rows[2] = dict(rows[4])                                        # row 4: same pupil as row 6
    rows[3]["days_absent"] = "4"                                   # row 5: not 10 or more
    rows[5]["first_day_of_absence"] = "31/02/2026"                 # row 7: not a real date
    before = counts(app)
    response = school.upload(csv_bytes(rows, headings))
    errors = refused(app, response, before)
    assert errors == [
        ("2", "upn", "Check the unique pupil number (UPN): its first letter does not match the "
                     "rest of the number"),
        ("3", "child_dob", "The date must be today or in the past"),
        ("5", "days_absent", "This return is for pupils absent for 10 school days or more"),
        ("6", "upn", "This pupil is also in row 4: list each pupil once"),
        ("7", "first_day_of_absence", "Enter a real date, for example 27 3 2012"),
    ]
    # what the school typed is kept; it corrects the file and sends it again
    html = response.get_data(as_text=True)
    assert 'value="3562000"' in html and 'value="office@school.example"' in html
    fixed = rows_for(FORM, 6)
    reference = sent_reference(client, school.upload(csv_bytes(fixed, headings)))
    assert counts(app) == (before[0] + 1, before[1] + 6) and reference


def test_an_xml_bomb_is_refused_unread(app, sender):
    school = sender("stockport", "new-pupil-return")
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<CTfile><Header/><CTFpupilData><Pupil><Surname>&lol4;</Surname></Pupil></CTFpupilData></CTfile>"""
    before = counts(app)
    errors = refused(app, school.upload(bomb, kind="ctf", name="bomb.xml"), before)
    assert errors == [("The whole file", "", "The file has a DOCTYPE or entity declarations, "
                       "which a Common Transfer File never has: it was not read")]


def test_an_external_entity_reads_nothing_even_without_a_doctype_check(tmp_path):
    """The parser itself is defused: no entity expansion, no files, no network."""
    from portal.returns.ctf import _parser
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
           f'<r>&x;</r>').encode()
    root = etree.fromstring(xml, parser=_parser())
    assert "TOPSECRET" not in etree.tostring(root).decode()


def test_a_file_that_is_not_a_ctf_is_refused(app, sender):
    school = sender("stockport", "new-pupil-return")
    before = counts(app)
    errors = refused(app, school.upload(b"<html><body>not a CTF</body></html>", kind="ctf",
                                        name="x.xml"), before)
    assert errors[0][2].startswith("The file is not a Common Transfer File")


def test_a_ctf_with_a_bad_upn_and_a_future_date_lists_each_pupil(app, sender):
    school = sender("stockport", "new-pupil-return")
    rows = rows_for("new-pupil-return", 3)
    rows[0]["upn"] = wrong_check_letter(rows[0]["upn"])
    rows[2]["entry_date"] = "01/06/2030"
    before = counts(app)
    errors = refused(app, school.upload(ctf_bytes(rows), kind="ctf", name="ctf.xml"), before)
    assert [(row, column) for row, column, _message in errors] == [("1", "upn"),
                                                                    ("3", "entry_date")]


def test_a_50_mb_file_gets_the_friendly_413_page(app, client, school):
    before = counts(app)
    response = school.upload(b"a" * (50 * 1024 * 1024))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">The file is too big</h1>" in html
    assert counts(app) == before


def test_an_empty_file_and_a_headings_only_file_are_refused(app, school):
    before = counts(app)
    assert refused(app, school.upload(b""), before)[0][2].startswith("The file is empty")
    only = csv_bytes([], school.template_headings())
    assert refused(app, school.upload(only), before) == [
        ("The whole file", "", "The file has no pupils in it")]


def test_no_file_at_all_is_an_error_beside_the_box(app, client, school):
    page = client.get(f"{school.base}/upload").get_data(as_text=True)
    from tests.forms_driver import csrf_of

    response = client.post(f"{school.base}/upload", data={
        "csrf_token": csrf_of(page), "return_token": "x" * 40, **school.school(),
        "file_kind": "csv"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert re.search(r'href="#file">Select the file of the return<', response.get_data(as_text=True))
