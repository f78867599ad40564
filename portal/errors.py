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

    @app.errorhandler(413)
    def too_large(_error):
        _council_from_path()
        _drain_request_body()
        return render_template("errors/413.html"), 413

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


DRAIN_LIMIT = 64 * 1024 * 1024


def _drain_request_body() -> None:
    """Read (and drop) what is left of a too-large upload, up to 64 MB, so the browser gets the
    413 page rather than a reset connection; beyond that the server closes the connection."""
    from flask import request

    stream = request.environ.get("wsgi.input")
    length = request.content_length or 0
    if stream is None or length > DRAIN_LIMIT:
        return
    try:
        while length > 0:
            chunk = stream.read(min(length, 1024 * 1024))
            if not chunk:
                break
            length -= len(chunk)
    except (OSError, ValueError):
        pass


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
