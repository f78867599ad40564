"""What a tired or hostile person types into a school's change to register notice: a clear
error beside the field, what was typed kept, nothing stored half-done."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Submission
from portal.tenancy import unscoped
from tests.forms_driver import Journey, csrf_of, errors_of

FORM = "change-to-register"


@pytest.fixture
def trip(app, client):
    tenant = app.extensions["portal.tenants"]["stockport"]
    journey = Journey(client, tenant, app.extensions["portal.forms"][("stockport", FORM)],
                      overrides={"change_type": {"change_type": "deletion"}})
    journey.start()
    return journey


def post_page(client, trip, page_key, fields):
    url = f"{trip.base}/{page_key}"
    html = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_of(html), **fields})


@pytest.mark.parametrize("upn, error", [
    ("B801200005002", "Check the unique pupil number (UPN): its first letter does not match the rest of the number"),
    ("I801200005001", "A unique pupil number (UPN) uses only digits and capital letters, and never the letters I, O or S"),
    ("B8012000O5001", "A unique pupil number (UPN) uses only digits and capital letters, and never the letters I, O or S"),
    ("B80120000500", "Enter a unique pupil number (UPN) of 13 characters, like B801200005001"),
])
def test_a_wrong_upn_is_explained_beside_the_field(client, trip, upn, error):
    fields = trip.page_fields("pupil")
    fields["upn"] = upn
    response = post_page(client, trip, "pupil", fields)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert errors_of(html) == [error]
    assert f'value="{upn}"' in html
    assert 'href="#upn"' in html  # the summary links to the box


@pytest.mark.parametrize("laestab, error", [
    ("356200011", "Enter a DfE number of 7 digits, like 3562000"),
    ("35A2000", "A DfE number has only digits, like 3562000"),
])
def test_a_wrong_dfe_number_is_explained(client, trip, laestab, error):
    fields = trip.page_fields("school")
    fields["school_laestab"] = laestab
    response = post_page(client, trip, "school", fields)
    assert errors_of(response.get_data(as_text=True)) == [error]


def test_a_dfe_number_with_a_slash_and_a_postcode_with_odd_spaces_are_tidied(app, client, trip):
    fields = trip.page_fields("school")
    fields["school_laestab"] = " 356/2000 "
    assert post_page(client, trip, "school", fields).status_code == 303
    fields = trip.page_fields("address")
    fields["postcode"] = "  s k13t a "
    assert post_page(client, trip, "address", fields).status_code == 303
    from portal.models import FormDraft
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for("stockport")):
        draft = db.session.scalars(select(FormDraft).order_by(FormDraft.id.desc())).first()
        assert draft.answers["school_laestab"] == "3562000"
        assert draft.answers["postcode"] == "SK1 3TA"


def test_a_postcode_that_is_not_one_is_refused(client, trip):
    fields = trip.page_fields("address")
    fields["postcode"] = "SK1 3T"
    response = post_page(client, trip, "address", fields)
    assert errors_of(response.get_data(as_text=True)) == ["Enter a real postcode, like SK1 3TA"]


def test_a_deletion_date_before_the_last_day_of_attendance_is_refused(client, trip):
    assert post_page(client, trip, "leaving", {
        "last_attendance-day": "16", "last_attendance-month": "10",
        "last_attendance-year": "2026"}).status_code == 303
    response = post_page(client, trip, "deletion_date", {
        "intended_deletion_date-day": "1", "intended_deletion_date-month": "10",
        "intended_deletion_date-year": "2026"})
    assert response.status_code == 200
    errors = errors_of(response.get_data(as_text=True))
    assert len(errors) == 1 and "last day" in errors[0].lower()


def test_nothing_is_stored_until_the_form_is_sent(app, client, trip):
    with app.app_context(), unscoped():
        before = db.session.scalar(select(func.count()).select_from(Submission))
    trip.fill(f"{trip.base}/safety")
    with app.app_context(), unscoped():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == before
