"""Back-office pages: audit."""
from __future__ import annotations

from portal.backoffice import backoffice_bp  # noqa: F401
