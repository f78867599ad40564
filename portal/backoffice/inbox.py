"""Back-office pages: inbox."""
from __future__ import annotations

from portal.backoffice import backoffice_bp  # noqa: F401
