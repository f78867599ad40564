"""Council settings that were loaded but shown nowhere are now where their readers meet them:
team and safeguarding descriptions on the contacts page, the checklist's hints on the case page
(the schema walk in tests/unit/tenant_config/test_no_dead_keys.py keeps it so)."""
from __future__ import annotations

import html as html_lib

from tests.integration.backoffice.test_cases import case_with_submission, signed_in


def test_the_contacts_page_shows_the_teams_and_the_safeguarding_description(app, client):
    tenant = app.extensions["portal.tenants"]["rhondda-cynon-taf"]
    page = html_lib.unescape(client.get("/rhondda-cynon-taf/contacts").get_data(as_text=True))
    assert tenant.contacts.safeguarding.description.en in page
    for team in tenant.teams:
        if team.description:
            assert team.description.en in page and team.name.en in page
    welsh = html_lib.unescape(client.get("/rhondda-cynon-taf/contacts?lang=cy")
                              .get_data(as_text=True))
    assert tenant.contacts.safeguarding.description.cy in welsh
    assert tenant.teams[0].description.cy in welsh


def test_the_case_page_shows_each_checklist_items_hint(app, checked_client):
    tenant = app.extensions["portal.tenants"]["southwark"]
    case_id, _ = case_with_submission(app, "southwark")
    client, _officer = signed_in(app, checked_client, "southwark")
    page = html_lib.unescape(client.get(f"/southwark/staff/cases/{case_id}")
                             .get_data(as_text=True))
    hints = [item.hint.en for item in tenant.checklist if item.hint]
    assert hints and all(hint in page for hint in hints)
