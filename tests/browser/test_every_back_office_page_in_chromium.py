"""axe-core on every back-office page: each GET route of the role matrix, opened in Chromium
by a role that may see it, on a council with a submission, a case, notices, an undelivered
email and another officer's account to show. A new back-office page is checked as soon as it
is added to the matrix (test_role_matrix fails until it is)."""
from __future__ import annotations

import pyotp
from axe_playwright_python.sync_playwright import Axe

from tests.integration.auth.helpers import PASSWORD, make_officer
from tests.integration.backoffice.test_role_matrix import (  # noqa: F401 - a fixture
    MATRIX, OWN, ROLES, _back_office_routes, _url, objects)

AXE = Axe()


def _sign_in(page, base: str, officer: dict) -> None:
    page.goto(f"{base}/{OWN}/staff/sign-in")
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()


def test_axe_finds_nothing_on_any_back_office_page(browser, app, live_server, objects):
    pages = sorted(path for method, path in _back_office_routes(app)
                   if method == "GET" and not path.endswith((".csv", ".pdf")))
    failures: list[str] = []
    checked = 0
    for role in ROLES:
        mine = [path for path in pages if role in MATRIX[f"GET {path}"]
                and not any(role_before in MATRIX[f"GET {path}"]
                            for role_before in ROLES[:ROLES.index(role)])]
        if not mine:
            continue
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, live_server, make_officer(app, OWN, role=role))
        for path in mine:
            response = page.goto(live_server + _url(OWN, path, objects))
            if response.status != 200:
                failures.append(f"{path} as {role}: HTTP {response.status}")
                continue
            checked += 1
            results = AXE.run(page)
            if results.violations_count:
                failures.append(f"{path} as {role}: {results.generate_report()}")
        context.close()
    assert checked >= 15, checked
    assert failures == [], "\n\n".join(failures)
