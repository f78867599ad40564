"""Ids tried as a hostile visitor would: every back-office route with an id in its address, and
the ids a back-office form posts, answer 404 (or the form's own error) with the usual page for a
huge, malformed or unknown id, never a server error.

Before the bounded `int` converter (portal/routing.py) a 20-digit id reached the database and
answered 500 (PostgreSQL: integer out of range; SQLite: Python int too large)."""
from __future__ import annotations

import pytest

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in
from tests.integration.backoffice.test_role_matrix import MATRIX, OWN, _back_office_routes

HOSTILE = [
    "99999999999999999999",          # far past any integer column
    "9223372036854775808",           # one past a 64-bit integer
    "2147483648",                    # one past PostgreSQL's integer
    "2147483647",                    # the largest integer: a well-formed id nobody has
    "0", "-1", "1.5", "abc", "1e3", "0x10", "%20", "1%00",
]
def _id_routes(app) -> list[tuple[str, str]]:
    return [(method, path) for method, path in _back_office_routes(app) if "<int:" in path]


def test_every_route_with_an_id_is_tried(app):
    # A new route with an id is covered by the tests below without anyone listing it here.
    routes = {f"{m} {p}" for m, p in _id_routes(app)}
    assert {"GET /submissions/<int:submission_id>", "GET /cases/<int:case_id>",
            "GET /cases/<int:case_id>/summary.pdf", "GET /notices/sent/<int:notice_id>",
            "GET /users/<int:user_id>"} <= routes


def _hostile_url(path: str, value: str) -> str:
    import re
    return f"/{OWN}/staff" + re.sub(r"<int:\w+>", value, path)


@pytest.mark.parametrize("role", ["officer", "manager", "council_admin"])
def test_hostile_ids_in_addresses_answer_404(app, client, role):
    officer = make_officer(app, OWN, role=role)
    sign_in(client, officer)
    token = csrf_of(client.get(f"/{OWN}/staff/").get_data(as_text=True))
    tried = 0
    for method, path in _id_routes(app):
        if role not in MATRIX[f"{method} {path}"]:
            continue
        for value in HOSTILE:
            url = _hostile_url(path, value)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            assert response.status_code == 404, (method, url, response.status_code)
            body = response.get_data(as_text=True)
            assert "<h1 class=\"govuk-heading-xl\">Page not found</h1>" in body, (method, url)
            tried += 1
    assert tried > 0


def test_hostile_ids_posted_in_forms_never_answer_500(app, client):
    """The ids a form posts: the officer to allocate to, the case to join."""
    made = make_submission(app, OWN)
    manager = make_officer(app, OWN, role="manager")
    sign_in(client, manager)
    url = f"/{OWN}/staff/submissions/{made['id']}"
    token = csrf_of(client.get(url).get_data(as_text=True))
    for value in HOSTILE:
        allocate = client.post(f"{url}/allocate", data={"csrf_token": token, "team": "",
                                                          "officer": value})
        assert allocate.status_code == 400, (value, allocate.status_code)
        assert "There is a problem" in allocate.get_data(as_text=True)
        join = client.post(f"{url}/case", data={"csrf_token": token, "case": value})
        assert join.status_code == 400, (value, join.status_code)
        assert "There is a problem" in join.get_data(as_text=True)
    # Nothing was half-stored: the submission is still unallocated and in no case.
    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_scope

    with app.app_context(), tenant_scope(made["tenant_id"]):
        stored = db.session.get(Submission, made["id"])
        assert (stored.officer_id, stored.case_id) == (None, None)
        db.session.remove()
