"""Checks every HTML page a test fetches: what a person and a screen reader rely on.

- the HTML parses without errors (html5lib, strict);
- `<html lang>` is set;
- exactly one h1, and the `<title>` starts with it (after "Error: " on a page with errors);
- no two elements share an id;
- every form says where it goes;
- no inline script without the page's CSP nonce, and no inline style attribute.
"""
from __future__ import annotations

import re
from collections import Counter

import html5lib
from bs4 import BeautifulSoup


class PageProblem(AssertionError):
    pass


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def check_page(html: str, *, url: str = "") -> BeautifulSoup:
    where = f" on {url}" if url else ""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(html)
    except html5lib.html5parser.ParseError as exc:
        raise PageProblem(f"HTML does not parse{where}: {exc}") from exc

    soup = BeautifulSoup(html, "html.parser")
    problems = []
    if not soup.html or not soup.html.get("lang"):
        problems.append("<html> has no lang attribute")
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"expected one <h1>, found {len(h1s)}")
    title = _text(soup.title) if soup.title else ""
    if h1s:
        h1 = _text(h1s[0])
        bare_title = re.sub(r"^(Error|Gwall): ", "", title)
        if not bare_title.startswith(h1):
            problems.append(f"<title> {title!r} does not start with the h1 {h1!r}")
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicated = [i for i, n in ids.items() if n > 1]
    if duplicated:
        problems.append(f"duplicate ids: {duplicated}")
    for form in soup.find_all("form"):
        if not form.get("action"):
            problems.append(f"a form has no action: {str(form)[:80]}")
    nonces = set()
    for script in soup.find_all("script"):
        if not script.get("src"):
            if not script.get("nonce"):
                problems.append("an inline script has no CSP nonce")
            nonces.add(script.get("nonce"))
    if len(nonces) > 1:
        problems.append("inline scripts carry different nonces")
    if soup.find(style=True):
        problems.append("an element has an inline style attribute (blocked by the CSP)")
    if problems:
        raise PageProblem(f"Page problems{where}:\n- " + "\n- ".join(problems))
    return soup
