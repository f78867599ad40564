"""Each council's start page and contacts show that council's own facts, as its policy gives
them: the named person, the CME contact and the safeguarding number for the time of day."""
from datetime import datetime, timezone

import pytest

# (slug, council name, named person's role, CME phone, CME email, safeguarding name and phone)
# as printed in each council's policy (tenants/<slug>/tenant.toml cites the seed).
FACTS = [
    ("stockport", "Stockport Council", "Education Welfare Team", "0161 474 2300",
     "education.welfare@stockport.gov.uk", "Contact Centre", "0161 217 6028"),
    ("rhondda-cynon-taf", "Rhondda Cynon Taf", "School Attendance Manager", "01443 744247",
     None, "Children&#39;s Services", None),
    ("staffordshire", "Staffordshire County Council", "Children Missing Education (CME) team",
     "01785 278999", "cme.referrals@staffordshire.gov.uk", "First Response", "0800 13 13 126"),
    ("liverpool", "Liverpool City Council", "CME Pupil Tracking Officer", None,
     "CME@liverpool.gov.uk", None, None),
    ("southwark", "Southwark Council", "Central Strategic Manager", None, None,
     "MASH", None),
]

# Monday 23 November 2026, 11:00 in London (GMT): every council's office is open.
OFFICE_HOURS = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)
# Saturday 28 November 2026, 11:00: every council's office is closed.
WEEKEND = datetime(2026, 11, 28, 11, 0, tzinfo=timezone.utc)
# Friday 27 November 2026, 16:45 GMT: open in Liverpool and Southwark (to 17:00), closed where
# Friday closes at 16:30 (Stockport, Staffordshire, Rhondda Cynon Taf).
FRIDAY_LATE = datetime(2026, 11, 27, 16, 45, tzinfo=timezone.utc)


def _html(app_with, checked_client, clock, url):
    app = app_with(clock=lambda: clock)
    response = checked_client(app.test_client()).get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("slug, name, role, phone, email, sg_name, sg_phone", FACTS)
def test_the_start_page_shows_the_councils_own_facts(app_with, checked_client, slug, name, role,
                                                     phone, email, sg_name, sg_phone):
    # In office hours: out of them the page shows the out-of-hours number instead (below).
    html = _html(app_with, checked_client, OFFICE_HOURS, f"/{slug}/")
    assert name in html
    assert role in html
    for fact in (phone, email, sg_name, sg_phone):
        if fact:
            assert fact in html


@pytest.mark.parametrize("slug, name, role, phone, email, sg_name, sg_phone", FACTS)
def test_the_contacts_page_shows_every_contact(client, app, slug, name, role, phone, email,
                                               sg_name, sg_phone):
    html = client.get(f"/{slug}/contacts").get_data(as_text=True)
    tenant = app.extensions["portal.tenants"][slug]
    sg = tenant.contacts.safeguarding
    for fact in (role, phone, email, sg_name, sg_phone, sg.phone, sg.out_of_hours.phone,
                 tenant.contacts.cme.postcode):
        if fact:
            assert fact in html


@pytest.mark.parametrize("slug", [f[0] for f in FACTS])
def test_office_hours_show_the_office_number_and_nights_the_out_of_hours_one(
        app, app_with, checked_client, slug):
    sg = app.extensions["portal.tenants"][slug].contacts.safeguarding
    assert sg.phone != sg.out_of_hours.phone
    day = _html(app_with, checked_client, OFFICE_HOURS, f"/{slug}/")
    weekend = _html(app_with, checked_client, WEEKEND, f"/{slug}/")
    big_number = 'portal-safeguarding__phone" href="tel:{}">{}<'
    assert big_number.format(sg.phone.replace(" ", ""), sg.phone) in day
    assert big_number.format(sg.out_of_hours.phone.replace(" ", ""), sg.out_of_hours.phone) in weekend
    assert "Our offices are closed now" in weekend


def test_friday_afternoon_follows_each_councils_own_hours(app, app_with, checked_client):
    tenants = app.extensions["portal.tenants"]
    for slug, open_now in [("stockport", False), ("staffordshire", False), ("liverpool", True),
                           ("southwark", True)]:
        sg = tenants[slug].contacts.safeguarding
        html = _html(app_with, checked_client, FRIDAY_LATE, f"/{slug}/")
        expected = sg.phone if open_now else sg.out_of_hours.phone
        assert f'tel:{expected.replace(" ", "")}">{expected}<' in html, slug


@pytest.mark.parametrize("slug", [f[0] for f in FACTS])
def test_the_start_page_lists_the_councils_forms(client, app, slug):
    tenant = app.extensions["portal.tenants"][slug]
    html = client.get(f"/{slug}/").get_data(as_text=True)
    for form in tenant.offered_forms:
        assert f'href="/{slug}/forms/{form}"' in html
        assert client.get(f"/{slug}/forms/{form}").status_code == 200


@pytest.mark.parametrize("slug", [f[0] for f in FACTS])
def test_accessibility_and_privacy_pages_name_the_council(client, slug):
    for page in ("accessibility", "privacy"):
        response = client.get(f"/{slug}/{page}")
        assert response.status_code == 200
        assert "council" in response.get_data(as_text=True).lower()


def test_the_portal_lists_every_council_and_finds_one_by_part_of_its_name(client):
    html = client.get("/").get_data(as_text=True)
    for slug, name, *_ in FACTS:
        assert f'href="/{slug}/"' in html and name in html
    found = client.get("/?q=  STAFF ").get_data(as_text=True)
    assert "Staffordshire County Council" in found and "Stockport Council" not in found
    nothing = client.get("/?q=Narnia").get_data(as_text=True)
    assert "No council on this portal matches your search" in nothing


def test_the_finder_answers_htmx_with_just_the_results(client):
    response = client.get("/?q=liver", headers={"HX-Request": "true",
                                                 "HX-Target": "council-results"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="council-results"')
    assert "Liverpool City Council" in html and "<html" not in html


def test_hostile_search_text_is_escaped(client):
    html = client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
