"""The list of applications as CSV (German Excel dialect) and XLSX.

Cell text comes from applicants (the public form), so nothing may turn into a
spreadsheet formula: CSV cells that a spreadsheet would evaluate get a leading
apostrophe, XLSX cells are written as plain strings. Amounts are numbers in
euros in XLSX and German-formatted in CSV.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask_babel import gettext as _

from ..money import format_plain
from .lifecycle import STATE_LABELS
from .queries import ApplicationRow

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _programmes(rows: list[ApplicationRow]) -> list[tuple[str, str]]:
    """(code, name) of every programme requested in the rows, in first-seen order."""
    seen: dict[str, str] = {}
    for row in rows:
        for code, name, _cents in row.requests:
            seen.setdefault(code, name)
    return list(seen.items())


def _table(rows: list[ApplicationRow]) -> tuple[list[str], list[list], list[int]]:
    """Header, rows (amounts in cents) and the indexes of the amount columns."""
    programmes = _programmes(rows)
    header = [_("Aktenzeichen"), _("Titel"), _("Träger"), _("Status"), _("Jahr"), _("Gesamtkosten (€)"),
              _("Beantragt gesamt (€)")] + [_("Beantragt %(code)s (€)", code=code) for code, _n in programmes] \
        + [_("Zuletzt geändert")]
    body = []
    for row in rows:
        by_code = {code: cents for code, _n, cents in row.requests}
        body.append([row.reference, row.title, row.organisation_name, str(STATE_LABELS[row.state]), row.year,
                     row.total_cost_cents, row.requested_cents]
                    + [by_code.get(code, 0) for code, _n in programmes]
                    + [row.updated_at.strftime("%d.%m.%Y %H:%M")])
    money_columns = list(range(5, 7 + len(programmes)))
    return header, body, money_columns


def _safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def to_csv(rows: list[ApplicationRow]) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: what German Excel opens correctly."""
    header, body, money = _table(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow([format_plain(v) if i in money else _safe_text(v) if isinstance(v, str) else v
                         for i, v in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[ApplicationRow], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, body, money = _table(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(body, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if c - 1 in money:
                cell.value = Decimal(value) / 100
                cell.number_format = '#,##0.00 "€"'
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
    sheet.freeze_panes = "A2"
    for column, width in zip("ABC", (14, 48, 36)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
