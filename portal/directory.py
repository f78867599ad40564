"""The directory of every local authority in England and Wales: its DfE code, name (and Welsh
name), nation and GSS code from the reference data shipped with the portal
(portal/data/local_authorities.csv), whether it is on the portal, and its children missing
education contact address where known.

The list of authorities is reference data and changes only with a release. The CME contact
address of an authority not on the portal is data the platform administrator edits
(`DirectoryContact`, every change kept in `DirectoryContactChange` with who and when); for a
council on the portal it is the CME contact of its council file.

UPN and DfE number checks use the directory's codes: an unknown LA code is a warning
(`unknown_la_code`), never a refusal.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "local_authorities.csv"

NATIONS = ("england", "wales")


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    welsh_name: str | None
    nation: str
    gss_code: str

    def display_name(self, language: str | None = "en") -> str:
        return self.welsh_name if language == "cy" and self.welsh_name else self.name


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


def local_authority(code: str | None) -> LocalAuthority | None:
    return local_authorities().get((code or "").strip())


# --- the checks that use the codes -----------------------------------------------------------

def unknown_la_code(code: str | None) -> bool:
    """True when a 3-digit LA code (of a UPN or a DfE number) is not in the directory: the
    caller warns ("check this"), it does not refuse."""
    return bool(code) and code not in local_authorities()


def upn_la_code_unknown(upn: str | None) -> bool:
    """A valid UPN whose LA code (characters 2 to 4) is not in the directory."""
    from portal.rules.upn import validate_upn

    result = validate_upn(upn or "")
    return result.valid and unknown_la_code(result.la_code)


def laestab_la_code_unknown(number: str | None) -> bool:
    """A well-formed DfE number whose LA code is not in the directory."""
    from portal.rules.laestab import validate_laestab

    result = validate_laestab(number or "", known_la_codes=local_authorities())
    return result.valid and result.unknown_la


# --- the directory with the portal's councils and the contact addresses ----------------------

@dataclass(frozen=True)
class DirectoryEntry:
    authority: LocalAuthority
    #: The council's slug when it is on the portal.
    tenant_slug: str | None
    #: Where a notice to it by email goes: the directory's address (None: not known).
    cme_email: str | None
    updated_at: datetime | None = None

    @property
    def code(self) -> str:
        return self.authority.code

    @property
    def on_portal(self) -> bool:
        return self.tenant_slug is not None


def portal_councils_by_code() -> dict[str, str]:
    """DfE code -> slug of every council on the portal (from the loaded council files)."""
    from portal.tenancy import tenants

    return {tenant.dfe_code: tenant.slug for tenant in tenants().values()}


def _contacts() -> dict[str, object]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models.platform import DirectoryContact

    return {row.la_code: row for row in db.session.scalars(select(DirectoryContact))}


def directory(nation: str | None = None, text: str | None = None) -> list[DirectoryEntry]:
    """Every authority (optionally of one nation, or whose name or code contains `text`),
    by name, with whether it is on the portal and its contact address."""
    on_portal = portal_councils_by_code()
    contacts = _contacts()
    wanted = (text or "").strip().casefold()
    entries = []
    for la in sorted(local_authorities().values(), key=lambda la: la.name.casefold()):
        if nation and la.nation != nation:
            continue
        if wanted and wanted not in la.name.casefold() and wanted not in (la.welsh_name or "").casefold() \
                and wanted != la.code:
            continue
        entries.append(_entry(la, on_portal, contacts))
    return entries


def entry(code: str) -> DirectoryEntry | None:
    la = local_authority(code)
    if la is None:
        return None
    return _entry(la, portal_councils_by_code(), _contacts())


def _entry(la: LocalAuthority, on_portal: dict[str, str], contacts: dict) -> DirectoryEntry:
    row = contacts.get(la.code)
    return DirectoryEntry(authority=la, tenant_slug=on_portal.get(la.code),
                          cme_email=getattr(row, "cme_email", None) or None,
                          updated_at=getattr(row, "updated_at", None))


def contact_history(code: str, limit: int = 200) -> list:
    """The changes of an authority's address, newest first."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models.platform import DirectoryContactChange

    return list(db.session.scalars(
        select(DirectoryContactChange).where(DirectoryContactChange.la_code == code)
        .order_by(DirectoryContactChange.at.desc(), DirectoryContactChange.id.desc())
        .limit(limit)))


class NoChange(ValueError):
    """The address given is the one the directory already holds."""


def set_contact(code: str, email: str | None, *, admin_id: int, note: str | None,
                now: datetime) -> None:
    """Change an authority's CME contact address (None clears it) and record who, when, the
    old and the new value. The caller commits."""
    from portal.extensions import db
    from portal.models.platform import DirectoryContact, DirectoryContactChange

    if local_authority(code) is None:
        raise KeyError(code)
    email = (email or "").strip() or None
    row = db.session.get(DirectoryContact, code)
    old = row.cme_email if row is not None else None
    if (old or None) == email:
        raise NoChange(code)
    if row is None:
        row = DirectoryContact(la_code=code)
        db.session.add(row)
    row.cme_email = email
    row.updated_at = now
    row.updated_by_id = admin_id
    db.session.add(DirectoryContactChange(la_code=code, at=now, admin_id=admin_id,
                                          old_email=old, new_email=email,
                                          note=(note or "").strip() or None))
