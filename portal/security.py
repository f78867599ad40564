"""Security headers and the per-request CSP nonce."""
from __future__ import annotations

import secrets

from flask import Flask, Response, g, request


def csp_nonce() -> str:
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


def init_security_headers(app: Flask, *, production: bool) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = _content_security_policy(csp_nonce())
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = ("camera=(), microphone=(), geolocation=(), payment=(), "
                                         "usb=(), interest-cohort=()")
        if production:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/assets/"):
            # Pages may carry personal data once a form is filled in: never store them.
            headers.setdefault("Cache-Control", "no-store")
        return response
