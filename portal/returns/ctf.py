"""A Common Transfer File (the DfE's CTF XML, from the school's MIS) read into pupil rows.

Untrusted XML is parsed by lxml through a defusing configuration: no entity expansion, no DTD
loading, no network, no huge trees; and a file with a DOCTYPE is refused outright (a CTF has
none, and an entity bomb needs one). Never the standard library's XML parsers.

Read: each <Pupil>'s UPN, names, date of birth, sex and postcode; the leaving date and reason
from the latest <SchoolHistory><School> of the sending school; the destination from the header's
<DestSchool> (LEA + Estab, so XXXXXXX for a lost pupil, MMMMMMM for the independent sector or
outside England and Wales); attendance sessions when the file has them; and the children missing
education message (<CMEmessage>) where present.
"""
from __future__ import annotations

from dataclasses import dataclass
from flask_babel import gettext as _
from lxml import etree

from portal.returns.rows import RowError

MAX_PUPILS = 5000


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


@dataclass
class ReadCtf:
    rows: list[tuple[int, dict]]
    errors: list[RowError]


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, *names):
    """The first descendant along a path of local names (namespaces ignored)."""
    current = element
    for name in names:
        if current is None:
            return None
        current = next((c for c in current if _local(c) == name), None)
    return current


def _text(element, *names) -> str:
    found = _child(element, *names)
    return (found.text or "").strip() if found is not None else ""


def _find_anywhere(element, name):
    return next((e for e in element.iter() if _local(e) == name), None)


def read_ctf(content: bytes) -> ReadCtf:
    bad = ReadCtf([], [RowError(0, "", _(
        "The file is not a Common Transfer File: export the CTF from your MIS as XML and "
        "upload it again"))])
    if b"<!DOCTYPE" in content[:4096].upper() or b"<!ENTITY" in content.upper():
        return ReadCtf([], [RowError(0, "", _(
            "The file has a DOCTYPE or entity declarations, which a Common Transfer File never "
            "has: it was not read"))])
    try:
        root = etree.fromstring(content, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return bad
    if root is None or _local(root) != "CTfile":
        return bad
    header = _child(root, "Header")
    source = _child(header, "SourceSchool") if header is not None else None
    dest = _child(header, "DestSchool") if header is not None else None
    source_estab = (_text(source, "LEA") + _text(source, "Estab")) if source is not None else ""
    destination = (_text(dest, "LEA") + _text(dest, "Estab")).upper() if dest is not None else ""
    header_message = _text(header, "CMEmessage") if header is not None else ""
    data = _child(root, "CTFpupilData")
    pupils = [p for p in data if _local(p) == "Pupil"] if data is not None else []
    if len(pupils) > MAX_PUPILS:
        return ReadCtf([], [RowError(0, "", _(
            "A return can have up to %(max)d pupils: send the rest in another return",
            max=MAX_PUPILS))])
    rows: list[tuple[int, dict]] = []
    for number, pupil in enumerate(pupils, start=1):
        row = {
            "upn": _text(pupil, "UPN"),
            "child_first_name": _text(pupil, "Forename"),
            "child_last_name": _text(pupil, "Surname"),
            "child_dob": _text(pupil, "DOB"),
            "sex": _text(pupil, "Sex") or _text(pupil, "Gender"),
            "year_group": _year(_text(pupil, "NCyearActual")),
        }
        postcode = _find_anywhere(pupil, "PostCode")
        if postcode is not None:
            row["postcode"] = (postcode.text or "").strip()
        school = _latest_school(pupil, source_estab)
        if school is not None:
            row["entry_date"] = _text(school, "EntryDate")
            row["leaving_date"] = _text(school, "LeavingDate")
            row["last_attendance"] = _text(school, "LeavingDate")
        if destination:
            row["destination_laestab"] = destination
        message = _text(pupil, "CMEmessage") or header_message
        if message:
            row["cme_message"] = message
        _attendance(pupil, row)
        _contact(pupil, row)
        rows.append((number, {k: v for k, v in row.items() if v}))
    return ReadCtf(rows, [])


def _year(value: str) -> str:
    value = value.strip().upper()
    return "R" if value in ("R", "REC", "RECEPTION") else value.lstrip("0") or value


def _latest_school(pupil, source_estab: str):
    history = _child(pupil, "SchoolHistory")
    if history is None:
        return None
    schools = [s for s in history if _local(s) == "School"]
    mine = [s for s in schools if (_text(s, "LEA") + _text(s, "Estab")) == source_estab] or schools
    return max(mine, key=lambda s: _text(s, "EntryDate") or "") if mine else None


def _contact(pupil, row: dict) -> None:
    """The first of <Contacts>: a parent or carer's name and telephone number."""
    contacts = _child(pupil, "Contacts")
    contact = next((c for c in contacts if _local(c) == "Contact"), None) \
        if contacts is not None else None
    if contact is None:
        return
    name = " ".join(part for part in (_text(contact, "Forename"), _text(contact, "Surname"))
                    if part)
    if name:
        row["parent_name"] = name
    phone = _find_anywhere(contact, "TelephoneNumber")
    if phone is not None and (phone.text or "").strip():
        row["parent_phone"] = phone.text.strip()


def _attendance(pupil, row: dict) -> None:
    """Sessions in the latest <YearData>: two sessions a school day."""
    attendance = _child(pupil, "Attendance")
    if attendance is None:
        return
    years = [y for y in attendance if _local(y) == "YearData"]
    if not years:
        return
    latest = max(years, key=lambda y: _text(y, "Year"))
    try:
        possible = int(_text(latest, "SessionsPossible") or 0)
        authorised = int(_text(latest, "SessionsAuthorised") or 0)
        unauthorised = int(_text(latest, "SessionsUnauthorised") or 0)
    except ValueError:
        return
    if unauthorised:
        row["days_absent"] = str(unauthorised // 2)
    missed = authorised + unauthorised
    if possible:
        row["attendance_percent"] = str(round(100 * (possible - missed) / possible))
        row["days_missed"] = str(missed // 2)


