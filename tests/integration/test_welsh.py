"""Rhondda Cynon Taf in Welsh: every public page and every form page, with no English left."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from portal.tenant_config.schema import _walk_local_texts
from portal.translations_check import WELSH_PO
from tests.forms_driver import Journey, csrf_of

SLUG = "rhondda-cynon-taf"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _english_strings(app) -> list[str]:
    """Every English text a Welsh page could show: the catalogue's and the council's own."""
    with WELSH_PO.open("rb") as handle:
        catalogue = read_po(handle)
    found = set()
    for message in catalogue:
        english = message.id if isinstance(message.id, str) else message.id[0]
        welsh = message.string if isinstance(message.string, str) else message.string[0]
        # a placeholder splits a sentence: look for its longest fixed part
        longest = max(PLACEHOLDER.split(english), key=len).strip(" .,:")
        if english and english != welsh and len(longest) >= 12:
            found.add(longest)
    tenant = app.extensions["portal.tenants"][SLUG]
    found |= {text.en for _, text in _walk_local_texts(tenant) if text.cy and text.en != text.cy
              and len(text.en) >= 12}
    for (slug, _form), definition in app.extensions["portal.forms"].items():
        if slug == SLUG:
            from forms.schema import local_text_paths

            found |= {t.en for _, t in local_text_paths(definition)
                      if t.cy and t.en != t.cy and len(t.en) >= 12}
    return sorted(found, key=len, reverse=True)


def _visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style"]):
        element.decompose()
    # The language switch names English in English, on purpose.
    for element in soup.select("body [lang=en]"):
        element.decompose()
    return " ".join(soup.get_text(" ").split())


def _assert_welsh(html: str, url: str, english: list[str]) -> None:
    assert '<html lang="cy"' in html, url
    text = _visible_text(html)
    left = [e for e in english if e in text]
    assert left == [], f"English left on {url}: {left[:5]}"


@pytest.fixture(scope="module")
def english(app):
    return _english_strings(app)


def test_every_public_page_is_in_welsh(app, client, english):
    tenant = app.extensions["portal.tenants"][SLUG]
    pages = [f"/{SLUG}/", f"/{SLUG}/contacts", f"/{SLUG}/accessibility", f"/{SLUG}/privacy",
             f"/{SLUG}/no-such-page"]
    pages += [f"/{SLUG}/forms/{form}" for form in tenant.offered_forms]
    client.get(f"/{SLUG}/?lang=cy")
    for url in pages:
        response = client.get(url)
        _assert_welsh(response.get_data(as_text=True), url, english)


@pytest.mark.parametrize("form", ["change-to-register", "missing-pupil-checklist", "cme-referral",
                                  "ehe-notification", "arrival-in-area", "cross-border-notice"])
def test_every_form_page_is_in_welsh_with_its_errors(app, client, english, form):
    tenant = app.extensions["portal.tenants"][SLUG]
    if not tenant.offers(form):
        pytest.skip(f"{SLUG} does not offer {form}")
    client.get(f"/{SLUG}/?lang=cy")
    trip = Journey(client, tenant, app.extensions["portal.forms"][(SLUG, form)])
    location = trip.start()
    for _ in range(40):
        if location.endswith("/check"):
            break
        page = client.get(location)
        html = page.get_data(as_text=True)
        _assert_welsh(html, location, english)
        empty = client.post(location, data={"csrf_token": csrf_of(html)})
        if empty.status_code == 200:  # a page with required questions: errors in Welsh too
            _assert_welsh(empty.get_data(as_text=True), location + " (errors)", english)
        key = location.rsplit("/", 1)[1]
        fields = trip.page_fields(key)
        trip.typed.update({k: v for k, v in fields.items() if not k.startswith("items-")})
        response = client.post(location, data={"csrf_token": csrf_of(html), **fields})
        assert response.status_code == 303, location
        location = response.location
    _assert_welsh(client.get(location).get_data(as_text=True), location, english)
    reference, confirmation = trip.send()
    _assert_welsh(confirmation.get_data(as_text=True), "confirmation", english)


# --- what a screen reader reads -------------------------------------------------------------

#: Screen-reader texts that are the same in both languages (names, not words).
SAME_IN_BOTH = {"GOV.UK", "English", "Cymraeg"}


def _screen_reader_strings(html: str) -> set[str]:
    """Visually hidden text, aria labels, titles and alternative texts of a page."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select("body [lang=en]"):  # the switch names English in English
        element.decompose()
    found = {" ".join(e.get_text(" ").split()) for e in soup.select(".govuk-visually-hidden")}
    for attribute in ("aria-label", "title", "alt", "aria-description"):
        found |= {" ".join(e[attribute].split()) for e in soup.select(f"[{attribute}]")}
    if soup.title:
        found.add(" ".join(soup.title.get_text().split()))
    return {text.strip(" :") for text in found if re.search(r"[A-Za-z]", text)}


def _pages_with_errors(client, app, lang: str) -> dict[str, str]:
    """The public pages and each form's first page, filled in wrong, in `lang`."""
    tenant = app.extensions["portal.tenants"][SLUG]
    client.get(f"/{SLUG}/?lang={lang}")
    pages = {url: client.get(url).get_data(as_text=True) for url in (
        f"/{SLUG}/", f"/{SLUG}/contacts", f"/{SLUG}/accessibility", f"/{SLUG}/no-such-page")}
    for form in tenant.offered_forms:
        trip = Journey(client, tenant, app.extensions["portal.forms"][(SLUG, form)])
        location = trip.start()
        html = client.get(location).get_data(as_text=True)
        pages[location.split("?")[0]] = html
        wrong = client.post(location, data={"csrf_token": csrf_of(html)})
        pages[location.split("?")[0] + " (errors)"] = wrong.get_data(as_text=True)
    return pages


def test_what_a_screen_reader_reads_is_welsh_on_welsh_pages(app, checked_client):
    tenant = app.extensions["portal.tenants"][SLUG]
    names = {tenant.name.en, tenant.name.cy} | SAME_IN_BOTH
    english = _pages_with_errors(checked_client(app.test_client()), app, "en")
    welsh = _pages_with_errors(checked_client(app.test_client()), app, "cy")
    assert english.keys() == welsh.keys()
    problems = []
    for page, html in welsh.items():
        left = {text for text in _screen_reader_strings(html) & _screen_reader_strings(english[page])
                if text not in names}
        if left:
            problems.append(f"{page}: {sorted(left)}")
    assert problems == [], "\n".join(problems)
    errors = welsh[next(key for key in welsh if key.endswith("(errors)"))]
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in errors
    assert "<title>Gwall:" in errors


def test_a_special_school_pupils_home_education_asks_about_the_councils_consent_in_welsh(
        app, checked_client):
    """RCT's policy: "Parents wanting to make this decision for a child who is registered at a
    special school must first obtain the consent of the local authority"."""
    tenant = app.extensions["portal.tenants"][SLUG]
    client = checked_client(app.test_client())
    client.get(f"/{SLUG}/?lang=cy")
    trip = Journey(client, tenant, app.extensions["portal.forms"][(SLUG, "ehe-notification")],
                   overrides={"special_school": {"special_school": "yes"}})
    trip.fill(trip.start())
    consent = [url for url in trip.visited if url.split("?")[0].endswith("consent")]
    assert consent, trip.visited
    html = client.get(consent[0]).get_data(as_text=True)
    assert "<h1" in html and "Rhaid i&#39;r cyngor gytuno yn gyntaf" in html.replace("'", "&#39;")
    assert "A wnaeth y cyngor drefnu lle eich plentyn yn yr ysgol?" in html.replace("&#39;", "'")
    # Without a special school the page is not asked.
    other = checked_client(app.test_client())
    other.get(f"/{SLUG}/?lang=cy")
    plain = Journey(other, tenant, app.extensions["portal.forms"][(SLUG, "ehe-notification")],
                    overrides={"special_school": {"special_school": "no"}})
    plain.fill(plain.start())
    assert not [u for u in plain.visited if "consent" in u]
