"""A council's back-office at `/<council>/staff/`: for now, the signed-in landing page."""
from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.access import staff_required
from portal.tenancy import set_request_tenant, tenant_or_404

ROLE_NAMES = {"officer": _l("Officer"), "manager": _l("Manager"),
              "council_admin": _l("Council administrator")}

backoffice_bp = Blueprint("backoffice", __name__, url_prefix="/<tenant:tenant>/staff")


@backoffice_bp.url_value_preprocessor
def _resolve_tenant(_endpoint, values) -> None:
    set_request_tenant(tenant_or_404(values.pop("tenant")))


@backoffice_bp.url_defaults
def _add_tenant(_endpoint, values) -> None:
    if "tenant" not in values and g.get("tenant") is not None:
        values["tenant"] = g.tenant.slug


@backoffice_bp.get("/")
@staff_required()
def home():
    role = ROLE_NAMES.get(current_user.role, current_user.role)
    return render_template("backoffice/home.html", role=role)
