"""CSV files of the reports and registers: UTF-8 with a byte order mark (so Excel reads the
Welsh letters and the pound sign right), CRLF line ends, and every text cell that a
spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) made inert with a leading apostrophe (OWASP's advice on CSV injection).
Numbers are written as they are."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str | int | float:
    """One value as it goes into the file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def csv_response(body: bytes, filename: str) -> Response:
    """A download; the file name says what and when, never who."""
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "report.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })
