"""Pupils typed into the browser: works with JavaScript off (add another pupil posts the page
back), htmx swaps only the rows; errors sit beside the box; a repeated send files once;
exempt pupils are shown and not filed."""
from __future__ import annotations

import re

from tests.forms_driver import csrf_of, errors_of
from tests.integration.returns.conftest import counts
from tests.integration.returns.test_return_uploads import filed, sent_reference

BASE = "/stockport/returns/new-pupil-return"


def pupil_fields(index: int, n: int, *, year="3", entry=("9", "11", "2026")) -> dict:
    from tests.integration.returns.files import pupil

    p = pupil(n)
    day, month, year_dob = p["child_dob"].split("/")
    prefix = f"items-{index}-"
    return {f"{prefix}at_risk_now": "no", f"{prefix}child_first_name": p["child_first_name"],
            f"{prefix}child_last_name": p["child_last_name"],
            f"{prefix}child_dob-day": day, f"{prefix}child_dob-month": month,
            f"{prefix}child_dob-year": year_dob, f"{prefix}upn": p["upn"],
            f"{prefix}postcode": "SK1 3TA", f"{prefix}sex": "F",
            f"{prefix}entry_date-day": entry[0], f"{prefix}entry_date-month": entry[1],
            f"{prefix}entry_date-year": entry[2], f"{prefix}year_group": year,
            f"{prefix}parent_name": "Parent Invented", f"{prefix}parent_phone": "01632 960 001"}


def school_fields(page: str) -> dict:
    return {"csrf_token": csrf_of(page),
            "return_token": re.search(r'name="return_token" type="hidden" value="([^"]+)"', page)[1],
            "school_laestab": "3562000", "sender_name": "Office Invented",
            "sender_email": "office@school.example", "junior_year_group": "R"}


def test_without_javascript_add_another_pupil_then_send(app, client):
    page = client.get(f"{BASE}/rows").get_data(as_text=True)
    assert page.count('name="items-0-child_first_name"') == 1
    data = {**school_fields(page), **pupil_fields(0, 101), "action": "add"}
    page = client.post(f"{BASE}/rows", data=data).get_data(as_text=True)
    assert 'name="items-1-child_first_name"' in page
    assert 'value="Office Invented"' in page  # what was typed is kept
    before = counts(app)
    # the second pupil's UPN is wrong: the error is beside its box, nothing stored
    bad = {**data, **pupil_fields(1, 102), "action": "send"}
    bad["items-1-upn"] = "B801200005002"
    response = client.post(f"{BASE}/rows", data=bad)
    assert errors_of(response.get_data(as_text=True)) == [
        "Check the unique pupil number (UPN): its first letter does not match the rest of the "
        "number"]
    assert 'href="#items-1-upn"' in response.get_data(as_text=True)
    assert counts(app) == before
    good = {**bad, "items-1-upn": pupil_fields(1, 102)["items-1-upn"]}
    response = client.post(f"{BASE}/rows", data=good)
    reference = sent_reference(client, response)
    assert counts(app) == (before[0] + 1, before[1] + 2)
    # the same send again (a double click, the back button) files nothing more
    again = client.post(f"{BASE}/rows", data=good)
    assert again.status_code == 303 and counts(app) == (before[0] + 1, before[1] + 2)
    school_return, subs = filed(app, reference)
    assert school_return.source == "rows" and [s.child_first_name for s in subs] == [
        good["items-0-child_first_name"], good["items-1-child_first_name"]]


def test_htmx_adds_a_row_in_place(client):
    page = client.get(f"{BASE}/rows").get_data(as_text=True)
    response = client.post(f"{BASE}/rows", data={**school_fields(page), **pupil_fields(0, 7),
                                                 "action": "add"},
                           headers={"HX-Request": "true", "HX-Target": "items"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="items">') and "<html" not in html
    assert 'name="items-1-child_first_name"' in html


def test_the_same_pupil_twice_is_refused_beside_the_second(app, client):
    page = client.get(f"{BASE}/rows").get_data(as_text=True)
    same = pupil_fields(0, 5)
    twin = {k.replace("items-0-", "items-1-"): v for k, v in same.items()}
    before = counts(app)
    response = client.post(f"{BASE}/rows", data={**school_fields(page), **same, **twin,
                                                 "action": "send"})
    assert errors_of(response.get_data(as_text=True)) == [
        "Pupil 2 is the same pupil as pupil 1: list each pupil once"]
    assert counts(app) == before


def test_a_pupil_joining_the_most_junior_class_on_the_first_day_is_exempt_and_shown(app, client):
    page = client.get(f"{BASE}/rows").get_data(as_text=True)
    # Stockport's autumn term 2026 starts on 1 September 2026 (its tenant.toml calendar)
    exempt = pupil_fields(0, 11, year="R", entry=("1", "9", "2026"))
    not_exempt = pupil_fields(1, 12, year="R", entry=("2", "9", "2026"))
    before = counts(app)
    response = client.post(f"{BASE}/rows", data={**school_fields(page), **exempt, **not_exempt,
                                                 "action": "send"})
    assert response.status_code == 303
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 pupil was sent to the council" in sent
    assert "Row 1: joined your most junior class on the first day of the school year." in sent
    assert counts(app) == (before[0] + 1, before[1] + 1)
