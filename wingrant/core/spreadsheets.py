"""Tables as CSV (the German Excel dialect) and XLSX, written safely: one writer for every download.

Cell text may come from applicants (the public form), so nothing may turn into a spreadsheet
formula: CSV cells that a spreadsheet would evaluate get a leading apostrophe, XLSX cells holding
text are written as plain strings. Money columns hold integer cents: German-formatted euros in CSV
("1234,56"), numbers in euros in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import format_plain

#: What makes a spreadsheet evaluate a cell instead of showing it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One sheet: a bold header row (none for a notes sheet), rows, and which columns hold cents."""

    title: str
    header: Sequence[str] | None
    rows: Sequence[Sequence]
    money_columns: frozenset[int] = frozenset()
    #: openpyxl number format of the money columns (XLSX only)
    money_format: str = "#,##0.00"
    #: column letter → width (XLSX only)
    widths: dict[str, int] = field(default_factory=dict)


def safe_text(value: str) -> str:
    """Text a spreadsheet would evaluate gets a leading apostrophe (CSV: the only protection there is)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def to_csv(table: Table) -> bytes:
    """Semicolon-separated, decimal comma, CRLF, UTF-8 with BOM: what German Excel opens correctly."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if table.header is not None:
        writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([("" if v is None else format_plain(v)) if i in table.money_columns
                         else safe_text(v) if isinstance(v, str) else v
                         for i, v in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(*tables: Table) -> bytes:
    """A workbook with one sheet per table, header frozen; text never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        start = 1
        if table.header is not None:
            sheet.append(list(table.header))
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
            start = 2
        for r, row in enumerate(table.rows, start=start):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if c - 1 in table.money_columns and value is not None:  # None: an empty cell
                    cell.value = Decimal(value) / 100
                    cell.number_format = table.money_format
                else:
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"  # never a formula, whatever the text starts with
        for column, width in table.widths.items():
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
