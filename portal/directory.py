"""The directory of local authorities in England and Wales (DfE codes, names, nation)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "local_authorities.csv"


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    welsh_name: str | None
    nation: str
    gss_code: str


@cache
def local_authorities() -> dict[str, LocalAuthority]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        return {
            row["code"]: LocalAuthority(code=row["code"], name=row["name"],
                                        welsh_name=row["welsh_name"] or None,
                                        nation=row["nation"].lower(), gss_code=row["gss_code"])
            for row in csv.DictReader(handle)
        }


def known_la_codes() -> dict[str, str]:
    """DfE code -> name, for validating council files, UPNs and DfE numbers."""
    return {code: la.name for code, la in local_authorities().items()}
