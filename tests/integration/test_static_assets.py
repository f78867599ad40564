"""The assets a page links to: a hashed name per build, a year's cache, gzip when asked."""
from __future__ import annotations

import gzip
import hashlib
import re

from portal.config import ROOT

LINKED = re.compile(r'(?:href|src)="(/assets/[^"]+)"')


def _linked(client) -> list[str]:
    html = client.get("/stockport/").get_data(as_text=True)
    return LINKED.findall(html)


def test_a_page_links_each_asset_by_the_hash_of_its_contents(client):
    links = _linked(client)
    css = next(link for link in links if "/build/portal." in link)
    digest = hashlib.sha256((ROOT / "static/build/portal.css").read_bytes()).hexdigest()[:12]
    assert css == f"/assets/build/portal.{digest}.css"
    assert any(re.search(r"/vendor/htmx\.min\.[0-9a-f]{12}\.js$", link) for link in links)


def test_a_hashed_asset_is_cached_for_a_year_and_gzipped_when_asked(client):
    for link in _linked(client):
        response = client.get(link, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        plain = client.get(link).data
        if link.endswith((".css", ".js", ".svg")):
            assert response.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in response.headers["Vary"]
            assert gzip.decompress(response.data) == plain
            assert len(response.data) < len(plain) / 2 or len(plain) < 1000
        again = client.get(link, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and not again.data


def test_an_old_or_missing_hash_gets_todays_file_for_an_hour_only(client):
    today = (ROOT / "static/build/portal.css").read_bytes()
    for link in ("/assets/build/portal.css", "/assets/build/portal.0123456789ab.css"):
        response = client.get(link)
        assert response.status_code == 200 and response.data == today, link
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        assert "Content-Encoding" not in response.headers


def test_no_file_outside_the_assets_and_no_made_up_name(client):
    for link in ("/assets/../portal/config.py", "/assets/%2e%2e/wsgi.py",
                 "/assets/build/nothing.0123456789ab.css", "/assets/build/nothing.css"):
        assert client.get(link).status_code == 404, link
