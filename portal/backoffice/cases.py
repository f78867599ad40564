"""Back-office pages: cases."""
from __future__ import annotations

from portal.backoffice import backoffice_bp  # noqa: F401
