"""One journey of every form in Chromium with JavaScript on and one with it off; axe-core on
every page, with the errors shown too."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from forms.journey import page_by_key
from tests.forms_driver import Journey

AXE = Axe()
FORMS = ["change-to-register", "missing-pupil-checklist", "cme-referral", "ehe-notification",
         "arrival-in-area", "cross-border-notice"]


def axe_clean(page: Page, failures: list[str] | None) -> None:
    if failures is None:
        return  # the JavaScript-off journey: the same pages were checked with it on
    results = AXE.run(page)
    if results.violations_count:
        failures.append(f"{page.url}: {results.generate_report()}")


def fill(page: Page, fields: dict) -> None:
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        box = page.locator(f"[name='{name}']").first
        kind = box.get_attribute("type") or box.evaluate("e => e.tagName.toLowerCase()")
        if kind in ("radio", "checkbox"):
            for item in values:
                page.locator(f"[name='{name}'][value='{item}']").check()
        elif kind == "select":
            box.select_option(values[0])
        else:
            box.fill(values[0])


def run_journey(browser, app, live_server, slug, form, javascript) -> tuple[str, list[str]]:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    tenant = app.extensions["portal.tenants"][slug]
    definition = app.extensions["portal.forms"][(slug, form)]
    planner = Journey(None, tenant, definition)
    failures: list[str] | None = [] if javascript else None
    page.goto(f"{live_server}/{slug}/forms/{form}")
    axe_clean(page, failures)
    page.get_by_role("button", name="Start now").click()
    for _ in range(40):
        if page.url.endswith("/check"):
            break
        page_key = page.url.rsplit("/", 1)[1].split("?")[0]
        axe_clean(page, failures)
        step = page_by_key(definition, page_key)
        if any(q.required for q in step.questions) and not step.repeat:
            page.get_by_role("button", name="Continue").click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            axe_clean(page, failures)
        fields = planner.page_fields(page_key)
        fill(page, fields)
        planner.typed.update({k: v for k, v in fields.items() if not k.startswith("items-")})
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    axe_clean(page, failures)
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Form sent")
    axe_clean(page, failures)
    reference = page.locator("#reference").inner_text()
    context.close()
    return reference, failures


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
@pytest.mark.parametrize("form", FORMS)
def test_a_journey_of_every_form(browser, app, live_server, form, javascript):
    reference, failures = run_journey(browser, app, live_server, "stockport", form, javascript)
    assert reference.startswith("STK-")
    assert not failures, "\n\n".join(failures or [])


def test_adding_a_parent_without_a_reload(browser, app, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/southwark/forms/ehe-notification")
    page.get_by_role("button", name="Start now").click()
    page.goto(f"{live_server}/southwark/forms/ehe-notification/parents")
    page.locator("[name='items-0-parent_name']").fill("First Carer")
    page.evaluate("window.__marker = 'same page'")
    page.get_by_role("button", name="Add another parent or carer").click()
    expect(page.locator("[name='items-1-parent_name']")).to_be_visible()
    expect(page.locator("[name='items-0-parent_name']")).to_have_value("First Carer")
    assert page.evaluate("window.__marker") == "same page"  # htmx swapped, no reload
    context.close()


def test_a_upn_is_checked_as_it_is_typed(browser, app, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/stockport/forms/missing-pupil-checklist")
    page.get_by_role("button", name="Start now").click()
    definition = app.extensions["portal.forms"][("stockport", "missing-pupil-checklist")]
    upn_page = next(p for p in definition.pages if any(q.type == "upn" for q in p.questions))
    upn = next(q for q in upn_page.questions if q.type == "upn")
    page.goto(f"{live_server}/stockport/forms/missing-pupil-checklist/{upn_page.key}")
    page.locator(f"[name='{upn.key}']").fill("B801200005002")
    expect(page.locator(f"#{upn.key}-check")).to_contain_text("Check this")
    page.locator(f"[name='{upn.key}']").fill("B801200005001")
    expect(page.locator(f"#{upn.key}-check")).to_contain_text("Looks right")
    context.close()
