"""Language choice: `?lang=`, then the `lang` cookie, then the browser, only among the
languages the council offers. The portal's own pages (the list of councils) offer English
and Welsh, because they serve Welsh councils too."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlencode

from flask import Flask, Response, g, request
from flask_babel import get_locale

PORTAL_LANGUAGES = ("en", "cy")
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}
COOKIE = "lang"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def available_languages() -> tuple[str, ...]:
    tenant = g.get("tenant")
    if tenant is not None:
        return tuple(tenant.languages)
    return PORTAL_LANGUAGES


# English dates and numbers are written the British way.
BABEL_LOCALES = {"en": "en_GB", "cy": "cy"}


def choose_language() -> str:
    languages = available_languages()
    asked = request.args.get("lang")
    if asked in languages:
        g.remember_language = asked
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


def select_locale() -> str:
    return BABEL_LOCALES[choose_language()]


def current_language() -> str:
    """'en' or 'cy': the page's language."""
    locale = get_locale()
    return locale.language if locale else "en"


def language_switch() -> list[dict]:
    """Links to this page in each other language, keeping the rest of the query string."""
    languages = available_languages()
    if len(languages) < 2:
        return []
    here = current_language()
    links = []
    for code in languages:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        args.append(("lang", code))
        links.append({"code": code, "name": LANGUAGE_NAMES[code], "current": code == here,
                      "href": f"{request.path}?{urlencode(args)}"})
    return links


def init_i18n(app: Flask) -> None:
    app.jinja_env.globals["language_switch"] = language_switch
    app.jinja_env.globals["current_language"] = current_language

    @app.after_request
    def _remember_language(response: Response) -> Response:
        chosen = g.get("remember_language")
        if chosen and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, httponly=True,
                                samesite="Lax", secure=app.config["SESSION_COOKIE_SECURE"])
        return response


@lru_cache(maxsize=4096)
def _formatted_day(day: date, pattern: str, locale: str) -> str:
    from babel import dates

    return dates.format_date(day, pattern, locale=locale)


def format_date(value: date | datetime | None = None, format: str | None = None,
                rebase: bool = True) -> str:
    """flask_babel.format_date, with each (day, pattern, language) formatted once per process:
    a page of 25 rows asks for the same few days again and again, and Babel takes a tenth of a
    millisecond each time. Same text as flask_babel's (tests/unit/test_i18n_dates.py)."""
    from flask_babel import get_locale, to_user_timezone
    from flask_babel import format_date as babel_format_date

    if value is None or format is None or format in ("short", "medium", "long", "full"):
        return babel_format_date(value, format, rebase)  # a named format: the app's own
    if isinstance(value, datetime):
        value = (to_user_timezone(value) if rebase else value).date()
    return _formatted_day(value, format, str(get_locale()))


class Translated:
    """A sentence of the portal's catalogue where a council file's text is wanted: it answers
    ``.get(language)`` like a council's text, translated in the language of the page or email
    being rendered (deadline labels that no council file holds)."""

    def __init__(self, text):
        self.text = text

    def get(self, _language: str | None = None) -> str:
        return str(self.text)

    def __str__(self) -> str:
        return str(self.text)
