"""GOV.UK-style error pages. They never show what went wrong inside, nor any request data."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        _council_from_path()
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("errors/404.html"), 405

    @app.errorhandler(429)
    def too_many_requests(_error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(CSRFError)
    def csrf_expired(_error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(500)
    def server_error(_error):
        return render_template("errors/500.html"), 500

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if isinstance(error, HTTPException):
            return error
        app.logger.exception("Unhandled error on %s", _safe_endpoint())
        return render_template("errors/500.html"), 500


def _safe_endpoint() -> str:
    from flask import request

    # The endpoint name, not the URL: a URL is never logged with its query string.
    return request.endpoint or "unknown endpoint"


def _council_from_path() -> None:
    """An unmatched address under a council (/<council>/...) keeps that council's header."""
    from flask import g, request

    from portal.tenancy import set_request_tenant, tenants

    if g.get("tenant") is None:
        first = request.path.strip("/").split("/", 1)[0]
        tenant = tenants().get(first)
        if tenant is not None:
            set_request_tenant(tenant)
