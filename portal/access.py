"""Every route declares who may reach it.

A view is wrapped by exactly one of these decorators. `tests/integration/test_route_access.py`
walks the URL map and fails on any endpoint whose view has no declared access.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)

ACCESS_ATTR = "_portal_access"


def _mark(view: F, level: str) -> F:
    setattr(view, ACCESS_ATTR, level)
    return view


def public(view: F) -> F:
    """Anyone may see this page; it shows no child's details."""
    return _mark(view, "public")


def dev_only(view: F) -> F:
    """A development tool (e.g. the captured emails at /_dev/mail). Its blueprint is registered
    only outside production, and the view answers 404 in production all the same."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        from flask import abort, current_app

        if current_app.config["PORTAL_SETTINGS"].is_production:
            abort(404)
        return view(*args, **kwargs)

    return _mark(wrapper, "dev_only")  # type: ignore[return-value]


def access_of(view: Callable) -> str | None:
    return getattr(view, ACCESS_ATTR, None)


def declared(level: str) -> Callable[[F], F]:
    """Mark a view with an access level whose checks the wrapper itself enforces.

    Used by the staff and platform decorators (portal.auth) once they have wrapped the view.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        return _mark(wrapper, level)  # type: ignore[return-value]

    return decorate


def staff_required(*roles: str) -> Callable[[F], F]:
    """A council's back-office page: a signed-in officer of *this* council (the one in the
    URL), with one of `roles` when any are given.

    Signed out (or the session ended or timed out): redirected to the council's sign-in page.
    An officer of another council, or without the role: 404, as if the page did not exist.
    """
    level = "staff:" + (",".join(roles) if roles else "any")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            from flask import abort, redirect, url_for
            from flask_login import current_user

            from portal.tenancy import current_tenant, current_tenant_id

            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", tenant=current_tenant.slug), code=303)
            if current_user.tenant_id != current_tenant_id():
                abort(404)
            if roles and current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return _mark(wrapper, level)  # type: ignore[return-value]

    return decorate
