"""The page shell: security headers, cookies, health check, error pages, language choice."""
import re

import pytest

SLUGS = ["stockport", "rhondda-cynon-taf", "staffordshire", "liverpool", "southwark"]


def test_pages_carry_a_strict_csp_with_a_fresh_nonce(client):
    first = client.get("/stockport/")
    second = client.get("/stockport/")
    csp = first.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in first.get_data(as_text=True)
    assert nonce not in second.headers["Content-Security-Policy"]
    for header, value in [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                          ("Referrer-Policy", "same-origin"), ("Cache-Control", "no-store")]:
        assert first.headers[header] == value


def test_pages_load_nothing_from_another_site(client):
    for url in ["/", "/stockport/", "/rhondda-cynon-taf/contacts"]:
        html = client.get(url).get_data(as_text=True)
        for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
            if attribute.startswith(("http://", "https://", "//")):
                pytest.fail(f"{url} refers to another site: {attribute}")


def test_public_pages_set_no_cookie(client):
    for url in ["/", "/stockport/", "/stockport/contacts", "/southwark/privacy"]:
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_choosing_welsh_sets_only_the_language_cookie(client):
    response = client.get("/rhondda-cynon-taf/?lang=cy")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=cy;")
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


def test_the_assets_are_served_from_assets(client):
    css = client.get("/assets/build/portal.css")
    assert css.status_code == 200 and b"govuk-" in css.data
    assert client.get("/assets/vendor/htmx.min.js").status_code == 200
    assert client.get("/assets/vendor/govuk-frontend.min.js").status_code == 200


def test_healthz_says_ok_when_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_healthz_and_readyz_say_503_when_the_database_is_down(app_with, checked_client):
    # /healthz is a fixed interface (shared/spec/interfaces.md): 503 when the database does
    # not answer. /readyz names the check that failed.
    down = app_with(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    client = checked_client(down.test_client())
    assert client.get("/healthz").status_code == 503
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "database failing" in ready.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/nowhere/", "/nowhere/contacts", "/stockport/nothing-here",
                                 "/stockport/forms/no-such-form", "/healthz/"])
def test_unknown_pages_are_a_govuk_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_404_under_a_council_keeps_the_council_header(client):
    html = client.get("/southwark/nothing-here").get_data(as_text=True)
    assert "Southwark" in html


def test_too_many_searches_get_a_govuk_429(app_with, checked_client):
    limited = checked_client(app_with(public_search_limit="2 per minute").test_client())
    assert limited.get("/?q=stock").status_code == 200
    assert limited.get("/?q=stock").status_code == 200
    response = limited.get("/?q=stock")
    assert response.status_code == 429
    assert "too many attempts" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_govuk_500_that_shows_nothing_inside(app_with, checked_client):
    broken = app_with()

    @broken.get("/explode")
    def explode():
        raise RuntimeError("secret internal detail")

    response = checked_client(broken.test_client()).get("/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "secret internal detail" not in html


def test_a_post_without_its_csrf_token_gets_the_timed_out_page(app_with, checked_client):
    guarded = app_with()

    @guarded.post("/guarded")
    def guarded_view():  # pragma: no cover - the CSRF check answers first
        return "accepted"

    response = checked_client(guarded.test_client()).post("/guarded", data={"a": "b"})
    assert response.status_code == 400
    assert "Sorry, your page timed out" in response.get_data(as_text=True)


class TestLanguage:
    def test_a_welsh_council_offers_a_switch_and_english_by_default(self, client):
        html = client.get("/rhondda-cynon-taf/").get_data(as_text=True)
        assert '<html lang="en"' in html
        assert 'hreflang="cy"' in html and "Cymraeg" in html

    def test_lang_cy_selects_welsh_and_is_remembered(self, client):
        html = client.get("/rhondda-cynon-taf/?lang=cy").get_data(as_text=True)
        assert '<html lang="cy"' in html
        html = client.get("/rhondda-cynon-taf/contacts").get_data(as_text=True)
        assert '<html lang="cy"' in html

    def test_the_browser_language_is_used_when_nothing_was_chosen(self, app):
        response = app.test_client().get("/rhondda-cynon-taf/",
                                          headers={"Accept-Language": "cy,en;q=0.5"})
        assert '<html lang="cy"' in response.get_data(as_text=True)

    @pytest.mark.parametrize("slug", ["stockport", "staffordshire", "liverpool", "southwark"])
    def test_an_english_council_has_no_switch_and_ignores_welsh(self, client, slug):
        html = client.get(f"/{slug}/?lang=cy").get_data(as_text=True)
        assert '<html lang="en"' in html
        assert "Cymraeg" not in html and 'hreflang="cy"' not in html

    def test_the_switch_keeps_the_rest_of_the_address(self, client):
        html = client.get("/?q=rhondda").get_data(as_text=True)
        assert 'href="/?q=rhondda&amp;lang=cy"' in html
