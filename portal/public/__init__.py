"""Public pages: the portal's list of councils and each council's own pages."""
from portal.public.council import council_bp
from portal.public import journey  # noqa: F401 - registers the form journey routes
from portal.public import returns  # noqa: F401 - registers the school returns' routes
from portal.public.portal import portal_bp

__all__ = ["council_bp", "portal_bp"]
