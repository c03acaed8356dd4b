"""Which programmes a project-list row names, and how much it asks and got from each.

Pure: no database. A programme is named by its code or its name, written any way
a person would (case, spaces, umlauts, punctuation do not count), or by a part of
a long name: "WiN – Wohnen in Nachbarschaften" is also "WiN" and "Wohnen in
Nachbarschaften", "Sozialer Zusammenhalt (Soziale Stadt)" is also "Soziale Stadt".

One row may name several programmes (a project funded by WiN and LOS):

* the Programm cell lists them, separated by ";" or "+": ``WIN; LOS``;
* Beantragt and Bewilligt then give one amount per programme, either named
  (``WIN: 1.000; LOS: 500``, any order) or in the order of the Programm cell
  (``1.000; 500``). A named amount list alone is enough: with an empty Programm
  cell, ``WIN: 1.000; LOS: 500`` in Beantragt names the programmes.

A row with one programme and one amount reads as it always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import money
from .files import header_key

#: Between programmes in a cell, and between amounts ("," is the decimal comma).
LIST_SEPARATOR = re.compile(r"\s*[;+]\s*")
#: The parts of a long programme name that name it too: around a dash, a slash or in parentheses.
NAME_PARTS = re.compile(r"\s+[–—-]\s+|\s*/\s*|\s*\(\s*|\s*\)\s*")


@dataclass(frozen=True)
class Known:
    id: int
    code: str
    name: str


def keys(code: str, name: str) -> list[str]:
    """Every key a programme answers to: its code, its name and the parts of its name."""
    found = [header_key(code), header_key(name)]
    found += [header_key(part) for part in NAME_PARTS.split(name) if header_key(part)]
    return found


def lookup(programmes: list[Known]) -> dict[str, Known]:
    """Key → programme; a code wins over a name that reads the same, a whole name over a part, and a
    part two programmes share names neither."""
    parts: dict[str, dict[int, Known]] = {}
    for p in programmes:
        for key in keys(p.code, p.name)[2:]:
            parts.setdefault(key, {})[p.id] = p
    table = {key: next(iter(ps.values())) for key, ps in parts.items() if len(ps) == 1}
    table.update({header_key(p.name): p for p in programmes})
    table.update({header_key(p.code): p for p in programmes})
    return table


def allowed(programmes: dict[str, Known]) -> str:
    """ "LOS (LOS), SOZ (Sozialer Zusammenhalt (Soziale Stadt)), WIN (WiN – …)" for a message."""
    unique = {p.id: p for p in programmes.values()}.values()
    return ", ".join(p.code if header_key(p.name) == header_key(p.code) else f"{p.code} ({p.name})"
                     for p in sorted(unique, key=lambda p: p.code))


@dataclass
class Line:
    """One programme of a row: what was asked and approved, and where a commitment would go."""

    programme_id: int
    code: str
    requested_cents: int | None = None
    approved_cents: int | None = None
    budget_id: int | None = None
    booking_note: str = ""


class CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _find(text: str, programmes: dict[str, Known], column: str) -> Known:
    found = programmes.get(header_key(text))
    if found is None:
        raise CellError(column, _("Das Förderprogramm „%(text)s“ gibt es nicht. Möglich sind: %(known)s.",
                                  text=text, known=allowed(programmes)))
    return found


def _named_amounts(text: str, programmes: dict[str, Known], column: str) -> list[tuple[Known | None, str]]:
    """ "WIN: 1.000; LOS: 500" → [(WIN, "1.000"), (LOS, "500")]; "1.000; 500" → [(None, …), …]."""
    parts = [p for p in LIST_SEPARATOR.split(text.strip()) if p]
    named = []
    for part in parts:
        label, colon, amount = part.partition(":")
        named.append((_find(label.strip(), programmes, column), amount.strip()) if colon else (None, part))
    if 0 < sum(known is not None for known, _a in named) < len(named):
        raise CellError(column, _("Bitte entweder jeden Betrag mit seinem Programm angeben (z. B. „WIN: 1.000; "
                                  "LOS: 500“) oder keinen."))
    return named


def _amount(text: str, column: str, *, required: bool) -> int | None:
    if not text.strip():
        if required:
            raise CellError(column, str(money.MSG_EMPTY))
        return None
    try:
        return money.parse(text, allow_zero=not required)
    except money.MoneyError as error:
        raise CellError(column, error.message) from None


def read_lines(cells: dict[str, str], programmes: dict[str, Known]) -> list[Line]:
    """The row's programmes with their amounts; ``CellError`` names the first cell that is wrong."""
    programme_text = cells.get("programme", "").strip()
    requested = _named_amounts(cells.get("requested", ""), programmes, "requested")
    approved = _named_amounts(cells.get("approved", ""), programmes, "approved")
    if programme_text:
        named = [_find(part, programmes, "programme") for part in LIST_SEPARATOR.split(programme_text) if part]
    elif requested and all(known is not None for known, _a in requested):
        named = [known for known, _a in requested if known is not None]
    else:
        raise CellError("programme", _("Bitte das Förderprogramm angeben, als Kürzel oder Name. Möglich sind: "
                                       "%(known)s.", known=allowed(programmes)))
    seen: set[int] = set()
    for p in named:
        if p.id in seen:
            raise CellError("programme", _("Das Förderprogramm %(code)s steht zweimal in der Zeile.", code=p.code))
        seen.add(p.id)
    lines = [Line(p.id, p.code) for p in named]
    for column, amounts, required in (("requested", requested, True), ("approved", approved, False)):
        _assign(lines, amounts, column, required=required)
    return lines


def _assign(lines: list[Line], amounts: list[tuple[Known | None, str]], column: str, *, required: bool) -> None:
    by_id = {line.programme_id: line for line in lines}
    codes = "; ".join(line.code for line in lines)
    if not amounts:
        if required:
            raise CellError(column, str(money.MSG_EMPTY))
        return
    if amounts[0][0] is not None:  # named: each to its programme, every programme at most once
        given: dict[int, str] = {}
        for known, text in amounts:
            if known is None or known.id not in by_id:
                raise CellError(column, _("Ein Betrag für %(code)s, aber die Zeile nennt nur: %(codes)s.",
                                          code=known.code if known else "?", codes=codes))
            if known.id in given:
                raise CellError(column, _("Der Betrag für %(code)s steht zweimal in der Zeile.", code=known.code))
            given[known.id] = text
        if required and len(given) < len(lines):
            missing = ", ".join(line.code for line in lines if line.programme_id not in given)
            raise CellError(column, _("Es fehlt der Betrag für: %(codes)s.", codes=missing))
        for pid, text in given.items():
            setattr(by_id[pid], f"{column}_cents", _amount(text, column, required=required))
        return
    if len(amounts) != len(lines):
        raise CellError(column, ngettext("%(num)s Betrag für %(programmes)s Förderprogramme (%(codes)s). Bitte "
                                         "je Programm einen Betrag angeben, z. B. „%(example)s“.",
                                         "%(num)s Beträge für %(programmes)s Förderprogramme (%(codes)s). Bitte "
                                         "je Programm einen Betrag angeben, z. B. „%(example)s“.",
                                         len(amounts), programmes=len(lines), codes=codes,
                                         example="; ".join(f"{line.code}: 1.000" for line in lines)))
    for line, (_known, text) in zip(lines, amounts, strict=True):
        setattr(line, f"{column}_cents", _amount(text, column, required=required))
