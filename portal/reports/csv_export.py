"""CSV files of the reports and registers: UTF-8 with a byte order mark (so Excel reads the
Welsh letters and the pound sign right), CRLF line ends, and every text cell that a
spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) made inert with a leading apostrophe (OWASP's advice on CSV injection).
Numbers are written as they are.

A file is written as it is sent (`stream_csv`): a few hundred rows at a time, so that an export
of every case of a big council keeps the memory of a few hundred rows, never the whole file."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, stream_with_context

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


#: Rows written into one chunk of a streamed file.
CHUNK_ROWS = 500


def stream_csv(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The file in chunks of CHUNK_ROWS rows, the byte order mark and the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([cell(h) for h in header])
    pending = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        pending += 1
        if pending == CHUNK_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def to_csv(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    return b"".join(stream_csv(header, rows))


def csv_response(body: bytes | Iterable[bytes], filename: str) -> Response:
    """A download; the file name says what and when, never who. `body` may be the chunks of
    `stream_csv`: they are sent as they are made, inside the request (its council scoping and
    database session), and never held whole."""
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "report.csv"
    if not isinstance(body, (bytes, str)):
        body = stream_with_context(body)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })
