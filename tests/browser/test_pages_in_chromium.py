"""Every public page in a real browser: axe-core finds nothing, in English and in Welsh,
and the council finder works with and without JavaScript."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

SLUGS = ["stockport", "rhondda-cynon-taf", "staffordshire", "liverpool", "southwark"]
AXE = Axe()


def council_pages(app) -> list[str]:
    pages = ["/", "/?lang=cy", "/accessibility", "/no-such-council/"]
    for slug, tenant in app.extensions["portal.tenants"].items():
        for lang in tenant.languages:
            suffix = "" if lang == "en" else f"?lang={lang}"
            pages += [f"/{slug}/{suffix}", f"/{slug}/contacts{suffix}",
                      f"/{slug}/accessibility{suffix}", f"/{slug}/privacy{suffix}"]
            pages += [f"/{slug}/forms/{form}{suffix}" for form in tenant.offered_forms]
            # the schools' returns: the list, each return's start page, and the pages of the
            # first that has a cadence (typing rows, uploading, nothing to report)
            pages += [f"/{slug}/returns{suffix}"]
            pages += [f"/{slug}/returns/{item.form}{suffix}" for item in tenant.returns]
            periodic = [item.form for item in tenant.returns if item.cadence.kind != "on_event"]
            pages += [f"/{slug}/returns/{form}/{step}{suffix}" for form in periodic[:1]
                      for step in ("rows", "upload", "none")]
    return pages


def test_axe_finds_nothing_on_any_public_page(app, live_server, page: Page):
    failures = []
    for path in council_pages(app):
        page.goto(live_server + path)
        results = AXE.run(page)
        if results.violations_count:
            failures.append(f"{path}: {results.generate_report()}")
    assert failures == [], "\n\n".join(failures)


def test_the_pages_run_no_script_the_csp_blocks(live_server, page: Page):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.goto(live_server + "/rhondda-cynon-taf/")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    assert blocked == []


def test_finding_a_council_as_you_type(live_server, page: Page):
    page.goto(live_server + "/")
    page.get_by_label("Search for a council by name").fill("staff")
    results = page.locator("#council-results")
    expect(results.get_by_role("link", name="Staffordshire County Council")).to_be_visible()
    expect(results.get_by_role("link", name="Southwark Council")).to_have_count(0)
    assert page.url == live_server + "/"  # nothing typed goes into the address


@pytest.mark.parametrize("javascript", [False])
def test_finding_a_council_without_javascript(browser, live_server, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label("Search for a council by name").fill("rhondda")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#council-results")
    expect(results.get_by_role("link")).to_have_count(1)
    results.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children missing education")
    context.close()


def test_the_welsh_switch_changes_the_page_language(live_server, page: Page):
    page.goto(live_server + "/rhondda-cynon-taf/")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
