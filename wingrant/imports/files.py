"""Reading a project list file (XLSX, first sheet, or CSV) into raw text cells keyed by column.

Pure: bytes in, ``Table`` out, or an ``ImportFileError`` with a German
message when the file as a whole cannot be used (wrong type, too big, a
required column missing). Cells become the text a person would have typed —
numbers with a decimal comma — so that one parser (``wingrant.money.parse``)
judges every amount, whichever format the list came in.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError

#: The largest file and the most rows one import takes (a neighbourhood has 10–50 projects a year).
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2_000
#: An XLSX is a ZIP: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

COLUMNS = ("year", "title", "organisation", "programme", "requested", "approved", "state")
REQUIRED = ("year", "title", "organisation", "programme", "requested", "state")
COLUMN_LABELS = {
    "year": _l("Jahr"), "title": _l("Titel"), "organisation": _l("Träger"), "programme": _l("Programm"),
    "requested": _l("Beantragt"), "approved": _l("Bewilligt"), "state": _l("Status"),
}
#: Header spellings per column, after ``header_key`` (German and English).
HEADERS = {
    "year": {"jahr", "year", "foerderjahr", "haushaltsjahr"},
    "title": {"titel", "title", "projekt", "projekttitel", "projektname", "project"},
    "organisation": {"traeger", "organisation", "organization", "antragsteller", "antragstellerin",
                     "projekttraeger"},
    "programme": {"programm", "programme", "program", "foerderprogramm", "programmcode", "programme code"},
    "requested": {"beantragt", "requested", "beantragter betrag", "antragssumme", "beantragte mittel"},
    "approved": {"bewilligt", "approved", "bewilligter betrag", "bewilligte mittel", "beschlossen"},
    "state": {"status", "state", "stand"},
}
class ImportFileError(DomainError):
    """The file as a whole cannot be read (not a row's problem)."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


@dataclass(frozen=True)
class RawRow:
    #: Row number as the spreadsheet shows it (the header is row 1 in most lists).
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    rows: list[RawRow]
    #: Headers of columns that are not used (shown in the preview, so nothing is lost silently).
    ignored: list[str] = field(default_factory=list)


def words(text: str) -> list[str]:
    """Lower-case words with umlauts spelled out and accents dropped ("Träger:in" → ["traeger", "in"])."""
    text = str(text).casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return [w for w in re.split(r"[^0-9a-z]+", text) if w]


def header_key(text: str) -> str:
    """ "Beantragt (€)", "beantragt in EUR", "Antragsteller:in" → "beantragt", "beantragt", "antragsteller"."""
    return " ".join(w for w in words(text) if w not in ("in", "eur", "euro"))


def _column_of(header: str) -> str | None:
    key = header_key(header)
    return next((column for column, spellings in HEADERS.items() if key in spellings), None)


def cell_text(value) -> str:
    """A cell as the text a person would type: numbers with a decimal comma, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else value
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        cents = number.quantize(Decimal("0.01"))
        # A spreadsheet's 0.1 + 0.2 is 0.30000000000000004: what it shows (and means) is 0,30.
        if abs(number - cents) < Decimal("0.000001"):
            number = cents.normalize() if cents == cents.to_integral_value() else cents
        return format(number, "f").replace(".", ",")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes) -> Table:
    """The rows of an XLSX (first sheet) or CSV file; refuses what it cannot read with a German message."""
    if not data:
        raise ImportFileError(_("Die Datei ist leer."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("Die Datei ist zu groß (höchstens %(mb)s MB).", mb=MAX_BYTES // (1024 * 1024)))
    if data.startswith(b"PK\x03\x04"):
        grid = _xlsx_rows(data)
    elif b"\x00" in data[:4096]:
        raise ImportFileError(_("Diese Datei kann nicht gelesen werden. Bitte eine XLSX- oder CSV-Datei hochladen."))
    else:
        grid = _csv_rows(data)
    return _table(grid)


def _xlsx_rows(data: bytes) -> list[list]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("Diese Datei kann nicht gelesen werden. Bitte eine XLSX- oder CSV-Datei "
                                "hochladen.")) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("Das ist keine Excel-Datei (XLSX). Bitte eine XLSX- oder CSV-Datei hochladen."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("Die Datei ist zu groß."))
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not know
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                grid = []
                for values in sheet.iter_rows(values_only=True):
                    grid.append(list(values))
                    if len(grid) > MAX_ROWS + 1:
                        break
            finally:
                book.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds on a broken file
        raise ImportFileError(_("Diese Excel-Datei kann nicht gelesen werden. Bitte als XLSX neu speichern "
                                "oder als CSV hochladen.")) from None
    return grid


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # what German Excel writes as "CSV (Trennzeichen-getrennt)"
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=lambda d: (first_line.count(d), d == ";"))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportFileError(_("Diese CSV-Datei kann nicht gelesen werden.")) from None


def _table(grid: list[list]) -> Table:
    header_at = next((i for i, row in enumerate(grid) if any(cell_text(c) for c in row)), None)
    if header_at is None:
        raise ImportFileError(_("Die Datei enthält keine Zeilen."))
    headers = [cell_text(c) for c in grid[header_at]]
    columns: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        column = _column_of(header)
        if column is None:
            if header:
                ignored.append(header)
            continue
        if column in columns:
            raise ImportFileError(_("Die Spalte „%(label)s“ kommt in der Kopfzeile zweimal vor.",
                                    label=COLUMN_LABELS[column]))
        columns[column] = index
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(_("In der Kopfzeile fehlt: %(missing)s. Erwartet werden die Spalten Jahr, Titel, "
                                "Träger, Programm, Beantragt, Bewilligt und Status.", missing=", ".join(missing)))
    rows = []
    for offset, values in enumerate(grid[header_at + 1:], start=header_at + 2):
        cells = {column: cell_text(values[i]) if i < len(values) else "" for column, i in columns.items()}
        if not any(cells.values()):
            continue
        rows.append(RawRow(offset, cells))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("Die Datei hat mehr als %(n)s Zeilen. Bitte in mehreren Teilen importieren.",
                                    n=MAX_ROWS))
    if not rows:
        raise ImportFileError(_("Unter der Kopfzeile stehen keine Projekte."))
    return Table(rows, ignored)
