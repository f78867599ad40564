"""Council ("tenant") configuration: the models of ``tenants/<slug>/tenant.toml`` and their loader.

No Flask here: the app factory and the ``flask tenants validate`` command both call
:func:`load_tenants`.
"""

from .loader import Problem, TenantConfigError, format_loc, load_tenant, load_tenants, read_la_codes
from .schema import (
    COMMON_OUTCOMES,
    FLAGS,
    FORM_SLUGS,
    Calendar,
    LocalText,
    RouteDecision,
    Safeguarding,
    SafeguardingRoute,
    Team,
    Tenant,
    is_bank_holiday,
    outward_code,
)

__all__ = [
    "COMMON_OUTCOMES",
    "FLAGS",
    "FORM_SLUGS",
    "Calendar",
    "LocalText",
    "Problem",
    "RouteDecision",
    "Safeguarding",
    "SafeguardingRoute",
    "Team",
    "Tenant",
    "TenantConfigError",
    "format_loc",
    "is_bank_holiday",
    "load_tenant",
    "load_tenants",
    "outward_code",
    "read_la_codes",
]
