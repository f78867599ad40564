"""Every back-office route x every role x own council / other council / signed out.

The expected access is written out here by hand, route by route, not read from the
decorators: a new back-office route fails `test_every_back_office_route_is_in_the_matrix`
until someone decides who may use it.

- own council, a role the route allows: the page or action works (never 404, never sent to
  sign-in);
- own council, any other role: 404;
- an officer of another council, at this council's address, any role: 404;
- an officer of another council, at their own council's address with this council's ids: 404
  (the ids of another council's objects do not exist for them);
- signed out: 303 to this council's sign-in page.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import (make_officer, make_submission, sign_in,
                                                 sign_out)

OWN, OTHER = "southwark", "rhondda-cynon-taf"
ROLES = ("officer", "manager", "council_admin")
CASEWORK = {"officer", "manager"}
EVERYONE = set(ROLES)

# "METHOD rule" -> the roles that may use it (the rule as Flask writes it, without
# the /<tenant>/staff prefix).
MATRIX: dict[str, set[str]] = {
    "GET /": EVERYONE,
    "GET /emails": {"council_admin"},
    "POST /emails/<int:message_id>/retry": {"council_admin"},
    "GET /inbox": CASEWORK,
    "GET /search": CASEWORK,
    "POST /search": CASEWORK,
    "GET /submissions/<int:submission_id>": CASEWORK,
    "POST /submissions/<int:submission_id>/acknowledge": CASEWORK,
    "POST /submissions/<int:submission_id>/allocate": {"manager"},
    "POST /submissions/<int:submission_id>/take": CASEWORK,
    "POST /submissions/<int:submission_id>/case": CASEWORK,
    "POST /submissions/<int:submission_id>/deletion-condition": CASEWORK,
    "POST /submissions/<int:submission_id>/consent": CASEWORK,
    "GET /cases/<int:case_id>": CASEWORK,
    "POST /cases/<int:case_id>/notes": CASEWORK,
    "POST /cases/<int:case_id>/enquiries": CASEWORK,
    "POST /cases/<int:case_id>/stage": CASEWORK,
    "POST /cases/<int:case_id>/outcome": CASEWORK,
    "POST /cases/<int:case_id>/reopen": CASEWORK,
    "POST /cases/<int:case_id>/details": CASEWORK,
    "GET /cases/<int:case_id>/summary.pdf": CASEWORK,
    # Letters to the family and a case's tasks (portal.backoffice.letters).
    "POST /cases/<int:case_id>/letters": CASEWORK,
    "GET /cases/<int:case_id>/letters/<int:letter_id>/letter.pdf": CASEWORK,
    "POST /cases/<int:case_id>/letters/<int:letter_id>/sent": CASEWORK,
    "POST /cases/<int:case_id>/letters/<int:letter_id>/reply": CASEWORK,
    "POST /cases/<int:case_id>/tasks/<int:task_id>/done": CASEWORK,
    "GET /cases/<int:case_id>/audit": {"manager", "council_admin"},
    "GET /audit": {"council_admin"},
    # Cross-border notices (portal.backoffice.notices): caseworkers only.
    "GET /notices": CASEWORK,
    "GET /cases/<int:case_id>/notices/new": CASEWORK,
    "POST /cases/<int:case_id>/notices/new": CASEWORK,
    "GET /notices/sent/<int:notice_id>": CASEWORK,
    "POST /notices/sent/<int:notice_id>/revoke": CASEWORK,
    "POST /notices/sent/<int:notice_id>/new-link": CASEWORK,
    "GET /notices/received/<int:incoming_id>": CASEWORK,
    "POST /notices/received/<int:incoming_id>/acknowledge": CASEWORK,
    "POST /notices/received/<int:incoming_id>/answer": CASEWORK,
    # Panels (portal.backoffice.panels): the panel and meeting are query fields.
    "GET /panels": CASEWORK,
    "GET /panels/agenda": CASEWORK,
    "GET /panels/agenda.pdf": CASEWORK,
    "POST /panels/decision": CASEWORK,
    "GET /reports": CASEWORK,
    "GET /reports/figures.csv": CASEWORK,
    "GET /reports/established.csv": CASEWORK,
    "GET /reports/overdue.csv": CASEWORK,
    "GET /reports/cases.csv": CASEWORK,
    "GET /reports/board.pdf": CASEWORK,
    "GET /reports/dfe-return": CASEWORK,
    "GET /reports/dfe-return.csv": CASEWORK,
    "GET /reports/dfe-return.pdf": CASEWORK,
    "GET /reports/dfe-return/children": CASEWORK,
    "POST /reports/dfe-return/finalise": CASEWORK,
    "GET /reports/registers/children-out-of-provision": CASEWORK,
    "GET /reports/registers/children-out-of-provision.csv": CASEWORK,
    "GET /reports/registers/elective-home-education": CASEWORK,
    "GET /reports/registers/elective-home-education.csv": CASEWORK,
    "GET /reports/registers/lost-pupils": CASEWORK,
    "GET /reports/registers/lost-pupils.csv": CASEWORK,
    "GET /reports/late-notices": CASEWORK,
    "GET /reports/late-notices.csv": CASEWORK,
    # Officer accounts (portal.backoffice.users): the council administrator only.
    "GET /users": {"council_admin"},
    "GET /users/new": {"council_admin"},
    "POST /users/new": {"council_admin"},
    "GET /users/<int:user_id>": {"council_admin"},
    "POST /users/<int:user_id>/disable": {"council_admin"},
    "POST /users/<int:user_id>/enable": {"council_admin"},
    "POST /users/<int:user_id>/unlock": {"council_admin"},
    "POST /users/<int:user_id>/reset": {"council_admin"},
    "POST /users/<int:user_id>/role": {"council_admin"},
    # The school -> named officer table (portal.backoffice.school_officers): the administrator
    # keeps it; the offer to move a school's open work is the administrator's or a manager's.
    "GET /returns": EVERYONE,
    "GET /school-officers": {"council_admin"},
    "POST /school-officers/import": {"council_admin"},
    "GET /school-officers/<laestab>": {"council_admin"},
    "POST /school-officers/<laestab>": {"council_admin"},
    "GET /school-officers/offers/<int:change_id>": {"council_admin", "manager"},
    "POST /school-officers/offers/<int:change_id>/decision": {"council_admin", "manager"},
}


def _back_office_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("backoffice."):
            continue
        path = rule.rule.split("/staff", 1)[1] or "/"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


def test_every_back_office_route_is_in_the_matrix(app):
    routes = {f"{method} {path}" for method, path in _back_office_routes(app)}
    assert routes - set(MATRIX) == set(), "decide who may use these routes"
    assert set(MATRIX) - routes == set(), "these routes no longer exist"


@pytest.fixture(scope="module")
def objects(app):
    """One submission, one case and one undelivered email of the own council."""
    from portal.extensions import db
    from portal.models import Case, OutboxMessage
    from portal.tenancy import tenant_id_for, tenant_scope

    made = make_submission(app, OWN)
    with app.app_context():
        with tenant_scope(tenant_id_for(OWN)):
            case = Case(status="open", opened_at=datetime.now(timezone.utc),
                        child_first_name="Matrix", child_last_name="Testchild")
            db.session.add(case)
            message = OutboxMessage(message_id=f"<matrix-{uuid.uuid4().hex}@test.invalid>",
                                    kind="other",
                                    to_address="x@test.invalid", language="en",
                                    subject="s", body_text="b", status="dead", attempts=5,
                                    next_attempt_at=datetime.now(timezone.utc))
            db.session.add(message)
            from portal.models import SchoolOfficer, SchoolOfficerChange

            # A laestab of its own each time: the every-page axe test builds this fixture again
            # on the same database, and (tenant, laestab) is unique.
            laestab = f"2{uuid.uuid4().int % 10**6:06d}"
            school = SchoolOfficer(laestab=laestab, school_name="Matrix School", team_key="pupil-access",
                                   updated_at=datetime.now(timezone.utc))
            change = SchoolOfficerChange(laestab=laestab, how="edit", old_team_key="pupil-access",
                                         new_team_key="pupil-access",
                                         at=datetime.now(timezone.utc))
            db.session.add_all([school, change])
            db.session.flush()
            from datetime import date

            from portal.models import CaseTask, Letter

            letter = Letter(case_id=case.id, template_key="whereabouts", languages="en")
            db.session.add(letter)
            db.session.flush()
            task = CaseTask(case_id=case.id, letter_id=letter.id, name_en="Matrix task",
                            team_key="pupil-access", due_on=date(2030, 1, 1))
            db.session.add(task)
            db.session.commit()
            ids = {"submission_id": made["id"], "case_id": case.id, "message_id": message.id,
                   "change_id": change.id, "laestab": laestab, "letter_id": letter.id,
                   "task_id": task.id}
        db.session.remove()
    # A notice the council sent from the case (by email, with a live link) and one it received.
    from tests.integration.notices.helpers import make_notice_objects

    ids.update(make_notice_objects(app, OWN, ids["case_id"], from_slug=OTHER))
    # An officer account of the council, for the administrator's account pages.
    ids["user_id"] = make_officer(app, OWN)["id"]
    return ids


def _url(slug: str, path: str, ids: dict) -> str:
    # An officer account holds no child's details: a caller with no user_id (the canary test)
    # asks for account 0, which is no one's (404).
    ids = {"user_id": 0, **ids}
    ids.setdefault("laestab", "0000000")
    for name in ("change_id", "letter_id", "task_id"):  # callers without them ask for no one's
        ids.setdefault(name, 0)
    for name, value in ids.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    assert "<" not in path, path
    return f"/{slug}/staff{path}".rstrip("/") + ("/" if path == "/" else "")


def _call(client, method: str, url: str, token: str | None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token} if token else {})


def _token(client, slug: str) -> str:
    return csrf_of(client.get(f"/{slug}/staff/").get_data(as_text=True))


@pytest.mark.parametrize("role", ROLES)
def test_own_council_as_the_role_allows(app, client, objects, role):
    officer = make_officer(app, OWN, role=role)
    sign_in(client, officer)
    token = _token(client, OWN)
    for method, path in _back_office_routes(app):
        if path == "/emails/<int:message_id>/retry" or path == "/" and method == "POST":
            continue  # checked below: a retry changes the row the other roles would need
        url = _url(OWN, path, objects)
        response = _call(client, method, url, token)
        allowed = role in MATRIX[f"{method} {path}"]
        if allowed:
            assert response.status_code not in (404, 405, 500), (method, path, role, response.status_code)
            assert "sign-in" not in (response.location or ""), (method, path, role)
        else:
            assert response.status_code == 404, (method, path, role, response.status_code)


def test_retry_as_the_roles_allow(app, client, objects):
    for role in ("officer", "manager"):
        officer = make_officer(app, OWN, role=role)
        sign_in(client, officer)
        url = _url(OWN, "/emails/<int:message_id>/retry", objects)
        assert client.post(url, data={"csrf_token": _token(client, OWN)}).status_code == 404
        sign_out(client, OWN)
    admin = make_officer(app, OWN, role="council_admin")
    sign_in(client, admin)
    url = _url(OWN, "/emails/<int:message_id>/retry", objects)
    assert client.post(url, data={"csrf_token": _token(client, OWN)}).status_code == 303


@pytest.mark.parametrize("role", ROLES)
def test_another_councils_officer_gets_404_everywhere(app, client, objects, role):
    stranger = make_officer(app, OTHER, role=role)
    sign_in(client, stranger)
    token = _token(client, OTHER)
    for method, path in _back_office_routes(app):
        at_own_address = _call(client, method, _url(OWN, path, objects), token)
        assert at_own_address.status_code == 404, (method, path, role, at_own_address.status_code)
        if "<int:" in path:  # this council's ids at the stranger's own address
            at_their_address = _call(client, method, _url(OTHER, path, objects), token)
            assert at_their_address.status_code == 404, (method, path, role,
                                                         at_their_address.status_code)


def test_signed_out_is_sent_to_sign_in(app, client, objects):
    token = csrf_of(client.get(f"/{OWN}/staff/sign-in").get_data(as_text=True))
    for method, path in _back_office_routes(app):
        response = _call(client, method, _url(OWN, path, objects), token)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.location.endswith(f"/{OWN}/staff/sign-in"), (method, path)
