"""The error pages a person can meet (429, 500, the timed-out form) pass axe-core too."""
from __future__ import annotations

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal.access import public

AXE = Axe()


@pytest.fixture(scope="module")
def error_server(app_with_module):
    app = app_with_module(public_search_limit="1 per minute")

    @app.get("/explode")
    @public
    def explode():
        raise RuntimeError("a fault for the test")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def app_with_module(database_url, app):
    from portal import create_app
    from tests.conftest import make_settings

    def build(**changes):
        return create_app(make_settings(database_url, **changes))

    return build


def test_error_pages_pass_axe(error_server, page):
    failures = []

    def check(expected_heading):
        expect(page.get_by_role("heading", level=1)).to_have_text(expected_heading)
        results = AXE.run(page)
        if results.violations_count:
            failures.append(f"{page.url}: {results.generate_report()}")

    page.goto(error_server + "/?q=stock")
    page.goto(error_server + "/?q=stock")
    check("Sorry, there have been too many attempts")
    page.goto(error_server + "/explode")
    check("Sorry, there is a problem with the service")
    page.goto(error_server + "/stockport/forms/ehe-notification")
    page.locator("input[name=csrf_token]").evaluate("box => box.value = 'expired'")
    page.get_by_role("button", name="Start now").click()
    check("Sorry, your page timed out")
    assert failures == [], "\n\n".join(failures)
