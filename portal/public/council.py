"""A council's public pages: start page, contacts, accessibility and privacy, form starts."""
from __future__ import annotations

from flask import current_app, g, render_template

from portal.access import public
from portal.i18n import current_language
from portal.public.catalogue import FORMS
from portal.tenancy import council_blueprint, current_tenant

council_bp = council_blueprint("council", __name__)



def safeguarding_route():
    """The number to ring now, for the time of day (office hours or out of hours)."""
    now = current_app.config["CLOCK"]()
    return current_tenant.contacts.safeguarding.route_at(now)


@council_bp.app_context_processor
def _council_context() -> dict:
    # App-wide, so that error pages under a council's address show that council.
    return {"tenant": g.get("tenant"), "safeguarding_route": safeguarding_route,
            "forms_catalogue": FORMS}


@council_bp.app_template_filter("t")
def _local_text(text) -> str:
    """A council file's text in the page's language (English where it has no Welsh)."""
    return text.get(current_language()) if text else ""


@council_bp.get("/")
@public
def start():
    return render_template("public/council_start.html")


@council_bp.get("/contacts")
@public
def contacts():
    return render_template("public/contacts.html")


@council_bp.get("/accessibility")
@public
def accessibility():
    return render_template("public/accessibility.html")


@council_bp.get("/privacy")
@public
def privacy():
    return render_template("public/privacy.html")
