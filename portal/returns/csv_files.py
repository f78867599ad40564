"""A return's CSV: the template a school downloads, and reading the file it sends back.

The template's first row is the column keys (what the file must have), then one example-free
empty row is not written: a school's MIS export or a spreadsheet fills the rows. The page
that offers the template lists each column, what it holds and the values it accepts.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _

from forms.schema import FormDefinition
from portal.returns.rows import RowError

BOM = codecs.BOM_UTF8.decode("utf-8")


@dataclass
class ReadFile:
    rows: list[tuple[int, dict]]
    errors: list[RowError]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def template_csv(definition: FormDefinition) -> str:
    """The heading row of the return's CSV (UTF-8 with a byte order mark, for spreadsheets)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([q.key for q in definition.row_questions()])
    return BOM + out.getvalue()


def read_csv(content: bytes, definition: FormDefinition) -> ReadFile:
    """The rows of an uploaded CSV, keyed by column, numbered as a spreadsheet numbers them;
    or what is wrong with the file as a whole (encoding, columns)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        return ReadFile([], [RowError(line, "", _(
            "The file is not saved as UTF-8. In your spreadsheet choose Save as, then "
            "'CSV UTF-8 (comma delimited)', and upload it again"))])
    if "\x00" in text:
        return ReadFile([], [RowError(0, "", _("The file is not a CSV file: upload the return "
                                               "as CSV, saved from the template"))])
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return ReadFile([], [RowError(0, "", _("The file is not a CSV file: upload the return "
                                               "as CSV, saved from the template"))])
    if not table or not any(cell.strip() for cell in table[0]):
        return ReadFile([], [RowError(1, "", _("The file is empty: the first row must be the "
                                               "column headings of the template"))])
    expected = [q.key for q in definition.row_questions()]
    required = {q.key for q in definition.row_questions() if q.required}
    headings = [cell.strip().lower() for cell in table[0]]
    errors: list[RowError] = []
    for index, heading in enumerate(headings):
        if heading and heading not in expected:
            errors.append(RowError(1, heading, _(
                "Column %(letter)s, '%(heading)s', is not a column of this return: use the "
                "template's headings", letter=column_letter(index), heading=heading[:40])))
        elif heading and headings.index(heading) != index:
            errors.append(RowError(1, heading, _(
                "Column %(letter)s, '%(heading)s', is there twice", letter=column_letter(index),
                heading=heading)))
    for key in expected:
        if key in required and key not in headings:
            errors.append(RowError(1, key, _(
                "The column '%(heading)s' is missing: use the template's headings",
                heading=key)))
    if errors:
        return ReadFile([], errors)
    rows: list[tuple[int, dict]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines a spreadsheet leaves at the end
        if len(cells) > len(headings):
            errors.append(RowError(number, "", _(
                "Row %(row)d has more cells than there are columns", row=number)))
            continue
        rows.append((number, {headings[i]: cells[i] for i in range(len(cells))
                              if headings[i]}))
    return ReadFile(rows, errors)
