"""Invented returns built by the tests: CSV files and Common Transfer Files (CTF XML) with
pupils who never existed. UPNs are made with a right check letter (portal.rules.upn)."""
from __future__ import annotations

import csv
import io
from datetime import date

from portal.rules.upn import check_letter

FIRST = ["Amara", "Bryn", "Cerys", "Dafydd", "Efa", "Ffion", "Gethin", "Hana", "Ioan", "Jac"]
LAST = ["Testpupil", "Samplewood", "Fictionby", "Inventon", "Madeupton"]


def upn(la: str, n: int) -> str:
    body = f"{la}2000{(n // 1000) % 100:02d}{n % 1000:03d}"
    return check_letter(body) + body


def wrong_check_letter(value: str) -> str:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    return letters[(letters.index(value[0]) + 1) % len(letters)] + value[1:]


def pupil(n: int, la: str = "356") -> dict:
    return {"child_first_name": FIRST[n % len(FIRST)], "child_last_name": LAST[n % len(LAST)] + str(n),
            "child_dob": date(2014 + n % 4, 1 + n % 12, 1 + n % 27).strftime("%d/%m/%Y"),
            "upn": upn(la, n), "postcode": "SK1 3TA", "at_risk_now": "no"}


ROW_EXTRA = {
    "new-pupil-return": lambda n: {"sex": "F" if n % 2 else "M", "entry_date": "09/11/2026",
                                   "year_group": str(1 + n % 6), "parent_name": "Parent Invented",
                                   "parent_phone": "01632 960 001", "previous_school": "XXXXXXX"},
    "deletion-return": lambda n: {"year_group": str(7 + n % 4), "last_attendance": "20/11/2026",
                                  "leaving_date": "27/11/2026", "deletion_ground": None,
                                  "destination_laestab": "XXXXXXX" if n % 3 == 0 else "3564001"},
    "unauthorised-absence-return": lambda n: {"first_day_of_absence": "02/11/2026",
                                              "days_absent": str(10 + n % 5)},
    "sickness-return": lambda n: {"first_day_of_absence": "16/11/2026", "days_expected": "20"},
    "attendance-concerns-return": lambda n: {"concern": ["under_90", "missing_10_days",
                                                         "removed_from_roll"][n % 3],
                                             "attendance_percent": "85"},
}


def rows_for(form: str, count: int, *, ground: str | None = None, la: str = "356",
             start: int = 0) -> list[dict]:
    rows = []
    for n in range(start, start + count):
        row = {**pupil(n, la), **ROW_EXTRA[form](n)}
        if "deletion_ground" in row:
            row["deletion_ground"] = ground
        rows.append(row)
    return rows


def csv_bytes(rows: list[dict], headings: list[str], *, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row.get(h) or "" for h in headings])
    return out.getvalue().encode(encoding)


def ctf_bytes(rows: list[dict], *, source: str = "3562000", destination: str = "XXXXXXX",
              header_message: str | None = None) -> bytes:
    """A CTF 24-shaped file: header with source and destination schools, a pupil each."""
    def iso(value):
        if not value:
            return ""
        day, month, year = value.split("/")
        return f"{year}-{month}-{day}"

    pupils = []
    for row in rows:
        message = f"<CMEmessage>{row['cme_message']}</CMEmessage>" if row.get("cme_message") else ""
        pupils.append(f"""
    <Pupil>
      <UPN>{row['upn']}</UPN>
      <Surname>{row['child_last_name']}</Surname>
      <Forename>{row['child_first_name']}</Forename>
      <DOB>{iso(row['child_dob'])}</DOB>
      <Sex>{row.get('sex', 'F')}</Sex>
      <NCyearActual>{row.get('year_group', '')}</NCyearActual>
      <Address><BS7666Address><PAON>1</PAON><Street>Invented Street</Street></BS7666Address>
        <PostCode>{row['postcode']}</PostCode></Address>
      <Contacts><Contact><Forename>Parent</Forename><Surname>Invented</Surname>
        <Phones><Phone><TelephoneNumber>01632 960 001</TelephoneNumber></Phone></Phones></Contact></Contacts>
      <SchoolHistory><School><LEA>{source[:3]}</LEA><Estab>{source[3:]}</Estab>
        <EntryDate>{iso(row.get('entry_date')) or '2022-09-05'}</EntryDate>
        <LeavingDate>{iso(row.get('leaving_date'))}</LeavingDate></School></SchoolHistory>
      {message}
    </Pupil>""")
    header_cme = f"<CMEmessage>{header_message}</CMEmessage>" if header_message else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>24.0</CTFversion>
    <SourceSchool><LEA>{source[:3]}</LEA><Estab>{source[3:]}</Estab><SchoolName>Invented School</SchoolName></SourceSchool>
    <DestSchool><LEA>{destination[:3]}</LEA><Estab>{destination[3:]}</Estab></DestSchool>
    {header_cme}
  </Header>
  <CTFpupilData>{''.join(pupils)}
  </CTFpupilData>
</CTfile>""".encode("utf-8")
