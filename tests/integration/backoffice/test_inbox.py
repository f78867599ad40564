"""The inbox, a submission's page, acknowledging, allocating, opening and joining a case, and
search: as officers and managers of one council see them, and as another council's do not."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in

SLUG = "staffordshire"


def _ids(html: str) -> list[str]:
    """The references in an inbox page, in order."""
    return re.findall(r">((?:STF|STK|LIV|SWK|RCT)-\d{4}-\d{6})<", html)


@pytest.fixture
def officer(app):
    return make_officer(app, SLUG, role="officer")


@pytest.fixture
def manager(app):
    return make_officer(app, SLUG, role="manager")


def _post(client, page_url: str, action: str, data: dict | None = None):
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(action, data={"csrf_token": csrf_of(page.get_data(as_text=True)),
                                     **(data or {})})


def _rows(app, model, **where):
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context():
        with tenant_scope(tenant_id_for(where.pop("slug", SLUG))):
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            rows = list(db.session.scalars(query))
            for row in rows:
                db.session.expunge(row)
        db.session.remove()
    return rows


def test_urgent_first_then_by_deadline_with_counts(app, client, officer):
    now = datetime.now(timezone.utc)
    old = make_submission(app, SLUG, received_at=now - timedelta(days=20), last="Oldest")
    new = make_submission(app, SLUG, received_at=now - timedelta(hours=1), last="Newest")
    urgent = make_submission(app, SLUG, received_at=now, urgent=True, last="Urgentcase")
    sign_in(client, officer)
    page = client.get(f"/{SLUG}/staff/inbox").get_data(as_text=True)
    order = _ids(page)
    assert order.index(urgent["reference"]) < order.index(old["reference"]) \
        < order.index(new["reference"])
    assert "Urgent" in page and "Overdue" in page  # the 20-day-old one is past its deadline
    assert re.search(r'id="count-open">\s*\d+', page)


def test_filters_and_overdue(app, client, officer):
    now = datetime.now(timezone.utc)
    school = make_submission(app, SLUG, form_slug="change-to-register", school_laestab="8604000",
                             received_at=now - timedelta(days=30))
    other = make_submission(app, SLUG, form_slug="ehe-notification", received_at=now)
    sign_in(client, officer)
    by_form = _ids(client.get(f"/{SLUG}/staff/inbox?form=ehe-notification").get_data(as_text=True))
    assert other["reference"] in by_form and school["reference"] not in by_form
    by_school = _ids(client.get(f"/{SLUG}/staff/inbox?school=8604000").get_data(as_text=True))
    assert by_school == [school["reference"]] or school["reference"] in by_school
    assert other["reference"] not in by_school
    overdue = _ids(client.get(f"/{SLUG}/staff/inbox?overdue=1").get_data(as_text=True))
    assert school["reference"] in overdue and other["reference"] not in overdue


@pytest.mark.parametrize("query", [
    "page=abc", "page=-3", "page=99999999999999", "officer=99999999999", "school=<script>",
    "view=nonsense", "status=deleted", "form=../../etc", "team=%00", "overdue=yes"])
def test_hostile_filters_are_ignored_not_errors(client, officer, query):
    sign_in(client, officer)
    assert client.get(f"/{SLUG}/staff/inbox?{query}").status_code == 200


def test_htmx_swaps_the_results_only(client, officer):
    sign_in(client, officer)
    response = client.get(f"/{SLUG}/staff/inbox?view=unallocated",
                          headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="inbox-results">') and "<html" not in html


def test_pagination(app, client, officer):
    for i in range(27):
        make_submission(app, SLUG, form_slug="arrival-in-area", last=f"Pager{i}")
    sign_in(client, officer)
    first = client.get(f"/{SLUG}/staff/inbox?form=arrival-in-area").get_data(as_text=True)
    second = client.get(f"/{SLUG}/staff/inbox?form=arrival-in-area&page=2").get_data(as_text=True)
    assert len(_ids(first)) == 25 and len(_ids(second)) >= 2
    assert not set(_ids(first)) & set(_ids(second))
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_acknowledge_records_who_and_emails_the_sender(app, client, officer):
    from portal.models import AuditEvent, OutboxMessage, Submission

    item = make_submission(app, SLUG, first="Zanzibarina", last="Quillfeather")
    sign_in(client, officer)
    url = f"/{SLUG}/staff/submissions/{item['id']}"
    response = _post(client, url, f"{url}/acknowledge")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Acknowledged. The sender has been emailed." in page
    stored = _rows(app, Submission, id=item["id"])[0]
    assert stored.acknowledged_by_id == officer["id"] and stored.acknowledged_at is not None
    assert stored.status == "acknowledged"
    emails = _rows(app, OutboxMessage, reference=item["reference"], kind="case_acknowledgement")
    assert len(emails) == 1 and emails[0].to_address == "sender@school.test.invalid"
    assert "Zanzibarina" not in emails[0].body_text and "Quillfeather" not in emails[0].subject
    assert item["reference"] in emails[0].subject
    # A second acknowledgement is refused, and writes nothing.
    again = _post(client, url, f"{url}/acknowledge")
    assert again.status_code == 409 and "already been acknowledged" in again.get_data(as_text=True)
    assert len(_rows(app, OutboxMessage, reference=item["reference"],
                     kind="case_acknowledgement")) == 1
    whats = {row.what for row in _rows(app, AuditEvent, object_id=item["id"],
                                       object_type="submission")}
    assert {"submission.view", "submission.acknowledge"} <= whats


def test_acknowledging_a_deletion_notice_is_not_permission_and_says_what_is_missing(
        app, client, officer):
    """The bug of issue 13: acknowledging a Staffordshire deletion notice told the school it
    might delete, although the school said it had not sent a CME referral (policy 4.4)."""
    from portal.models import OutboxMessage

    item = make_submission(app, SLUG, form_slug="change-to-register", answers={
        "change_type": "deletion", "deletion_ground": "continuous-absence-20-days",
        "first_day_of_absence": "2026-09-07", "destination_known": "no",
        "cme_acknowledged": "not_sent", "ctf_code": "XXXXXXX", "s2s_uploaded": "yes"})
    sign_in(client, officer)
    url = f"/{SLUG}/staff/submissions/{item['id']}"
    assert _post(client, url, f"{url}/acknowledge").status_code == 303
    body = " ".join(_rows(app, OutboxMessage, reference=item["reference"],
                          kind="case_acknowledgement")[0].body_text.split())
    assert "the school may delete" not in body
    assert "Acknowledging your notice is not permission to delete" in body
    assert re.search(r"earliest lawful date to delete the pupil's name is \w+day, \d{1,2} \w+ 20\d\d", body), body
    assert "The CME team has acknowledged a CME referral for this pupil The school says it has not sent a CME referral yet." in body
    assert "reasonable enquiries" in body
    assert "XXXXXXX, is on the lost pupils database" not in body  # the school says it is
    page = client.get(url).get_data(as_text=True)
    assert "Not yet: the council's conditions are not all met." in page


def test_acknowledge_needs_the_form_token(client, officer, app):
    item = make_submission(app, SLUG)
    sign_in(client, officer)
    assert client.post(f"/{SLUG}/staff/submissions/{item['id']}/acknowledge").status_code == 400


def test_manager_allocates_and_reallocates_with_history(app, client, manager, officer):
    from portal.models import Activity

    item = make_submission(app, SLUG)
    sign_in(client, manager)
    url = f"/{SLUG}/staff/submissions/{item['id']}"
    from portal.tenancy import tenants
    with app.app_context():
        teams = [team.key for team in tenants()[SLUG].teams]
    response = _post(client, url, f"{url}/allocate", {"team": teams[0], "officer": officer["id"]})
    assert response.status_code == 303
    response = _post(client, url, f"{url}/allocate", {"team": teams[-1], "officer": ""})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert page.count("<strong>Allocated</strong>") == 2
    kinds = [a.kind for a in _rows(app, Activity, submission_id=item["id"])]
    assert kinds.count("allocated") == 2


def test_allocation_bad_input(app, client, manager):
    other_council_officer = make_officer(app, "stockport")
    item = make_submission(app, SLUG)
    sign_in(client, manager)
    url = f"/{SLUG}/staff/submissions/{item['id']}"
    bad_team = _post(client, url, f"{url}/allocate", {"team": "no-such-team"})
    assert bad_team.status_code == 400
    assert "govuk-error-message" in bad_team.get_data(as_text=True)
    from portal.tenancy import tenants
    with app.app_context():
        team = tenants()[SLUG].teams[0].key
    foreign = _post(client, url, f"{url}/allocate",
                    {"team": team, "officer": other_council_officer["id"]})
    assert foreign.status_code == 400
    assert "Select an officer from the list" in foreign.get_data(as_text=True)


def test_an_officer_takes_but_cannot_allocate(app, client, officer):
    from portal.models import Submission

    item = make_submission(app, SLUG)
    sign_in(client, officer)
    url = f"/{SLUG}/staff/submissions/{item['id']}"
    assert _post(client, url, f"{url}/allocate", {"team": "x"}).status_code == 404
    assert _post(client, url, f"{url}/take").status_code == 303
    assert _rows(app, Submission, id=item["id"])[0].officer_id == officer["id"]
    mine = _ids(client.get(f"/{SLUG}/staff/inbox?view=mine").get_data(as_text=True))
    assert item["reference"] in mine


def test_open_a_case_then_join_the_next_submission_to_it(app, client, officer):
    from portal.models import Submission

    first = make_submission(app, SLUG, first="Bartholomew", last="Inkwright", upn="B801200005001")
    second = make_submission(app, SLUG, first="Bartolomew", last="Inkright", upn="B801200005001")
    sign_in(client, officer)
    url = f"/{SLUG}/staff/submissions/{first['id']}"
    opened = _post(client, url, f"{url}/case", {"case": "new"})
    assert opened.status_code == 303 and "/staff/cases/" in opened.location
    case_id = int(opened.location.rstrip("/").rsplit("/", 1)[1])
    url2 = f"/{SLUG}/staff/submissions/{second['id']}"
    page = client.get(url2).get_data(as_text=True)
    assert f'value="{case_id}"' in page and "Same UPN" in page  # suggested
    joined = _post(client, url2, f"{url2}/case", {"case": str(case_id)})
    assert joined.status_code == 303
    assert _rows(app, Submission, id=second["id"])[0].case_id == case_id
    # No choice made: an error beside the radios.
    third = make_submission(app, SLUG)
    url3 = f"/{SLUG}/staff/submissions/{third['id']}"
    missing = _post(client, url3, f"{url3}/case", {})
    assert missing.status_code == 400 and "Select a case, or open a new one" in \
        missing.get_data(as_text=True)


def test_search_is_a_post_and_finds_similar_names(app, client, officer):
    item = make_submission(app, SLUG, first="John", last="Smith", dob=date(2014, 5, 2))
    sign_in(client, officer)
    page = client.get(f"/{SLUG}/staff/search")
    response = client.post(f"/{SLUG}/staff/search", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "q": "Jon Smyth"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and item["reference"] in html
    assert 'value="Jon Smyth"' in html  # what was typed is kept
    empty = client.post(f"/{SLUG}/staff/search", data={
        "csrf_token": csrf_of(html), "q": "   "})
    assert "Enter a reference, UPN, date of birth, postcode or name" in empty.get_data(as_text=True)
    long = client.post(f"/{SLUG}/staff/search", data={"csrf_token": csrf_of(html), "q": "x" * 201})
    assert "200 characters or fewer" in long.get_data(as_text=True)


def test_another_councils_officer_gets_404(app, client):
    item = make_submission(app, SLUG)
    stranger = make_officer(app, "liverpool")
    sign_in(client, stranger)
    assert client.get(f"/{SLUG}/staff/submissions/{item['id']}").status_code == 404
    assert client.get(f"/liverpool/staff/submissions/{item['id']}").status_code == 404
    assert client.get(f"/{SLUG}/staff/inbox").status_code == 404


def test_council_admin_has_no_inbox(app, client):
    admin = make_officer(app, SLUG, role="council_admin")
    sign_in(client, admin)
    assert client.get(f"/{SLUG}/staff/inbox").status_code == 404


def test_the_count_of_a_filtered_inbox_is_this_councils_only(app, client, officer):
    """The filtered count once ran over every council (a FROM subquery the council filter
    did not reach): another council's submission at a school number showed as '1'."""
    make_submission(app, "liverpool", school_laestab="3419999")
    sign_in(client, officer)
    page = client.get(f"/{SLUG}/staff/inbox?school=3419999").get_data(as_text=True)
    assert "0 notifications" in page
