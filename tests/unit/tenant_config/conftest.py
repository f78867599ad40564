"""Fixtures for the tenant configuration tests."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TENANTS = ROOT / "tenants"
SLUGS = ("stockport", "rhondda-cynon-taf", "staffordshire", "liverpool", "southwark")

# Until the package is installed with portal/__init__.py in place, import it from the checkout.
if importlib.util.find_spec("portal") is None:  # pragma: no cover - depends on the install
    sys.path.insert(0, str(ROOT))

#: The five councils' codes and names as in shared/data/local_authorities.csv.
FIVE_LA_CODES = {
    "210": "Southwark",
    "341": "Liverpool",
    "356": "Stockport",
    "674": "Rhondda Cynon Taf",
    "860": "Staffordshire",
}


@pytest.fixture(scope="session")
def tenants():
    from portal.tenant_config import load_tenants

    return load_tenants(TENANTS, FIVE_LA_CODES)


class TenantFiles:
    """Copies of the real tenant files in a temporary ``tenants/`` folder, to break on purpose."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, slug: str) -> Path:
        return self.root / slug / "tenant.toml"

    def read(self, slug: str) -> str:
        return self.path(slug).read_text(encoding="utf-8")

    def write(self, slug: str, text: str) -> Path:
        self.path(slug).parent.mkdir(parents=True, exist_ok=True)
        self.path(slug).write_text(text, encoding="utf-8")
        return self.path(slug)

    def replace(self, slug: str, old: str, new: str, count: int = 1) -> Path:
        text = self.read(slug)
        assert old in text, f"{old!r} is not in {slug}'s tenant.toml"
        return self.write(slug, text.replace(old, new, count))


@pytest.fixture
def files(tmp_path: Path) -> TenantFiles:
    root = tmp_path / "tenants"
    for slug in SLUGS:
        shutil.copytree(TENANTS / slug, root / slug)
    return TenantFiles(root)
