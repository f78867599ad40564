"""The portal's own pages: find your council, liveness and readiness, accessibility."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from portal.access import public
from portal.extensions import db, htmx, limiter
from portal.i18n import current_language
from portal.tenancy import tenants

portal_bp = Blueprint("portal", __name__)

MAX_QUERY_LENGTH = 100


def find_councils(query: str, locale: str) -> list:
    """Councils whose English or Welsh name contains what was typed (case-insensitive)."""
    wanted = " ".join(query.casefold().split())[:MAX_QUERY_LENGTH]
    found = []
    for tenant in tenants().values():
        names = {tenant.name.get("en").casefold(), tenant.name.get("cy").casefold()}
        if not wanted or any(wanted in name for name in names):
            found.append(tenant)
    return sorted(found, key=lambda t: t.display_name(locale).casefold())


def _search_limit() -> str:
    return current_app.config["PORTAL_SETTINGS"].public_search_limit


@portal_bp.get("/")
@limiter.limit(_search_limit, exempt_when=lambda: "q" not in request.args)
@public
def home():
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    councils = find_councils(query, current_language())
    if htmx and htmx.target == "council-results":
        return render_template("partials/_council_results.html", councils=councils, query=query)
    return render_template("public/home.html", councils=councils, query=query)


@portal_bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    """200 and `ok` when the database answers, 503 otherwise (a fixed interface:
    shared/spec/interfaces.md). /readyz checks more: the schema, the limit store, the replica."""
    from portal.health import database_answers

    if not database_answers():
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response("ok", mimetype="text/plain")


@portal_bp.get("/readyz")
@limiter.exempt
@public
def readyz():
    """Readiness: the database, its schema, the rate-limit store and any replica answer."""
    from portal.health import readiness

    checks = readiness()
    body = "\n".join(f"{name} {'ok' if good else 'failing'}" for name, good in checks.items())
    return Response(body + "\n", status=200 if all(checks.values()) else 503,
                    mimetype="text/plain")


@portal_bp.get("/accessibility")
@public
def accessibility():
    return render_template("public/accessibility.html", tenant=None)
