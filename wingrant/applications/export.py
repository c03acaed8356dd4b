"""The list of applications as CSV (German Excel dialect) and XLSX.

What the columns are; how a table is written safely (no formulas from applicants' text, euros
German-formatted in CSV and numbers in XLSX) is ``core.spreadsheets``.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..core.spreadsheets import Table
from ..core.spreadsheets import to_csv as table_csv
from ..core.spreadsheets import to_xlsx as table_xlsx
from .lifecycle import STATE_LABELS
from .queries import ApplicationRow


def _programmes(rows: list[ApplicationRow]) -> list[tuple[str, str]]:
    """(code, name) of every programme requested in the rows, in first-seen order."""
    seen: dict[str, str] = {}
    for row in rows:
        for code, name, _cents in row.requests:
            seen.setdefault(code, name)
    return list(seen.items())


def _table(rows: list[ApplicationRow], title: str = "") -> Table:
    """The list as a table: amounts in cents, the amount columns marked."""
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
    money_columns = frozenset(range(5, 7 + len(programmes)))
    return Table(title, header, body, money_columns, money_format='#,##0.00 "€"',
                 widths={"A": 14, "B": 48, "C": 36})


def to_csv(rows: list[ApplicationRow]) -> bytes:
    return table_csv(_table(rows))


def to_xlsx(rows: list[ApplicationRow], title: str) -> bytes:
    return table_xlsx(_table(rows, title))
