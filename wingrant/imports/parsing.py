"""Checking an imported project list row by row.

Pure: no database, no request. ``check_rows`` applies the rules to the raw
rows ``files.read_table`` read, against an ``ImportContext`` (what the
database knows: programmes, organisations, projects already there, budgets),
and returns one ``ImportRow`` per line with its German problems. The preview
and the confirmation run the very same check, so what is imported is exactly
what the preview called valid — at the moment of confirming.

Imported rows are history: the amounts are kept as they were in the list
(``ImportRecord``) and do **not** touch the ledger. Only when the user asks
for it ("Mittelbindung buchen"), a row whose state means approved money and
whose year has an open budget of its programme in this neighbourhood gets a
commitment of its approved amount — as the forum decision would have booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _

from .. import money
from ..applications.lifecycle import STATE_LABELS
from ..applications.models import ApplicationState as S
from ..organisations.rules import normalise_name
from . import matching
from .files import COLUMN_LABELS, RawRow, words
from .programmes import CellError, Known, Line, read_lines

#: States in which the list's "Bewilligt" is money the forum approved.
APPROVING_STATES = frozenset({S.APPROVED, S.APPROVED_WITH_CHANGES, S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED,
                              S.CLOSED})


@dataclass(frozen=True)
class BudgetInfo:
    id: int
    closed: bool
    available_cents: int


@dataclass
class ImportContext:
    """What the database knows, as plain data (built by ``import_services.context``)."""

    #: Every key a programme answers to (``programmes.lookup``) → the programme.
    programmes: dict[str, Known]
    #: ``normalise_name`` of an organisation → (id, name).
    organisations: dict[str, tuple[int, str]]
    #: (year, title key, organisation key) of the neighbourhood's applications → reference.
    existing: dict[tuple[int, str, str], str]
    #: (programme id, year) → the neighbourhood's budget.
    budgets: dict[tuple[int, int], BudgetInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    column: str | None
    message: str

    @property
    def label(self) -> str:
        return str(COLUMN_LABELS[self.column]) if self.column else ""


@dataclass
class ImportRow:
    line: int
    cells: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    year: int | None = None
    title: str = ""
    organisation_name: str = ""
    #: The matched organisation; None: it will be created.
    organisation_id: int | None = None
    #: One per programme the row names, with its amounts and where a commitment would go.
    lines: list[Line] = field(default_factory=list)
    state: S | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def programme_id(self) -> int | None:
        """The programme of a row with exactly one."""
        return self.lines[0].programme_id if len(self.lines) == 1 else None

    @property
    def programme_code(self) -> str:
        return "; ".join(line.code for line in self.lines)

    @property
    def requested_cents(self) -> int | None:
        amounts = [line.requested_cents for line in self.lines]
        return sum(a for a in amounts if a is not None) if amounts and None not in amounts else None

    @property
    def approved_cents(self) -> int | None:
        amounts = [line.approved_cents for line in self.lines if line.approved_cents is not None]
        return sum(amounts) if amounts else None

    @property
    def bookable_lines(self) -> list[Line]:
        return [line for line in self.lines if line.budget_id is not None and line.approved_cents] if self.ok else []

    @property
    def bookable(self) -> bool:
        return bool(self.bookable_lines)

    @property
    def booking_note(self) -> str:
        return " ".join(line.booking_note for line in self.lines if line.booking_note)

    def error(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(column, message))


def title_key(title: str) -> str:
    return " ".join(words(title))


def organisation_key(name: str) -> str:
    """What identifies an organisation: ``normalise_name``, or the plain name when that leaves nothing."""
    return normalise_name(name) or " ".join(name.casefold().split())


def state_from_label(text: str) -> S | None:
    """The state a German label names ("Abgeschlossen", "in prüfung"); the code value works too."""
    wanted = " ".join(words(text))
    return _state_keys().get(wanted)


def _state_keys() -> dict[str, S]:
    keys = {" ".join(words(state.value)): state for state in S}
    with force_locale("de"):  # the list is German, whatever language the page is shown in
        keys.update({" ".join(words(str(label))): state for state, label in STATE_LABELS.items()})
    return keys


def check_row(raw: RawRow, context: ImportContext) -> ImportRow:
    row = ImportRow(raw.line, dict(raw.cells))
    cells = raw.cells
    year_text = cells.get("year", "").strip()
    if not year_text:
        row.error("year", _("Bitte das Förderjahr angeben."))
    elif not re.fullmatch(r"\d{4}", year_text) or not 1999 <= int(year_text) <= 2200:
        row.error("year", _("„%(text)s“ ist kein Förderjahr. Bitte vierstellig angeben, z. B. 2024.",
                            text=year_text))
    else:
        row.year = int(year_text)

    row.title = " ".join(cells.get("title", "").split())
    if not row.title:
        row.error("title", _("Bitte einen Titel angeben."))
    elif len(row.title) > 200:
        row.error("title", _("Der Titel ist zu lang (höchstens 200 Zeichen)."))

    row.organisation_name = " ".join(cells.get("organisation", "").split())
    if not row.organisation_name:
        row.error("organisation", _("Bitte den Träger angeben."))
    elif len(row.organisation_name) > 200:
        row.error("organisation", _("Der Name des Trägers ist zu lang (höchstens 200 Zeichen)."))
    else:
        match = context.organisations.get(organisation_key(row.organisation_name))
        if match:
            row.organisation_id, row.organisation_name = match

    try:
        row.lines = read_lines(cells, context.programmes)
    except CellError as error:
        row.error(error.column, error.message)

    state_text = cells.get("state", "").strip()
    row.state = state_from_label(state_text) if state_text else None
    if not state_text:
        row.error("state", _("Bitte den Status angeben, z. B. „Abgeschlossen“."))
    elif row.state is None:
        with force_locale("de"):
            known = ", ".join(str(label) for label in STATE_LABELS.values())
        row.error("state", _("Den Status „%(text)s“ gibt es nicht. Möglich sind: %(known)s.", text=state_text,
                             known=known))

    if row.approved_cents and row.state is not None and row.state not in APPROVING_STATES:
        row.error("approved", _("Ein bewilligter Betrag passt nicht zum Status „%(state)s“.",
                                state=STATE_LABELS[row.state]))
    for line in row.lines:
        if line.approved_cents and line.requested_cents and line.approved_cents > line.requested_cents:
            row.error("approved", _("Bewilligt (%(approved)s) ist mehr als beantragt (%(requested)s).",
                                    approved=money.format_eur(line.approved_cents),
                                    requested=money.format_eur(line.requested_cents))
                      if len(row.lines) == 1 else
                      _("%(code)s: Bewilligt (%(approved)s) ist mehr als beantragt (%(requested)s).",
                        code=line.code, approved=money.format_eur(line.approved_cents),
                        requested=money.format_eur(line.requested_cents)))
    return row


def check_rows(raw_rows: list[RawRow], context: ImportContext,
               choices: dict[str, str] | None = None) -> list[ImportRow]:
    """Every row checked; a project already in the neighbourhood or twice in the file is refused.

    ``choices``: for a new Träger similar to another one, the one the user chose to use instead
    (``matching``)."""
    rows = [check_row(raw, context) for raw in raw_rows]
    if choices:
        matching.apply_choices(rows, context, choices, organisation_key)
    seen: dict[tuple[int, str, str], int] = {}
    for row in rows:
        if row.year is not None and row.title and row.organisation_name:
            key = (row.year, title_key(row.title), organisation_key(row.organisation_name))
            if key in context.existing:
                row.error(None, _("Dieses Projekt gibt es schon: %(ref)s.", ref=context.existing[key]))
            elif key in seen:
                row.error(None, _("Dieses Projekt steht schon in Zeile %(line)s.", line=seen[key]))
            else:
                seen[key] = row.line
        _plan_booking(row, context)
    return rows


def new_organisations(rows: list[ImportRow], context: ImportContext) -> list[matching.NewOrganisation]:
    return matching.new_organisations(rows, context, organisation_key)


def _plan_booking(row: ImportRow, context: ImportContext) -> None:
    """Whether "Mittelbindung buchen" would book this row, and why not."""
    if not row.ok or row.state not in APPROVING_STATES or row.year is None:
        return
    for line in row.lines:
        if not line.approved_cents:
            continue
        budget = context.budgets.get((line.programme_id, row.year))
        if budget is None:
            line.booking_note = _("Keine Mittelbindung möglich: Für %(code)s %(year)s gibt es in diesem Quartier "
                                  "kein Budget.", code=line.code, year=row.year)
        elif budget.closed:
            line.booking_note = _("Keine Mittelbindung möglich: Das Haushaltsjahr %(year)s ist abgeschlossen.",
                                  year=row.year)
        else:
            line.budget_id = budget.id


@dataclass(frozen=True)
class Shortfall:
    """A budget that cannot take all the commitments the import would book."""

    programme_code: str
    year: int
    needed_cents: int
    available_cents: int


def shortfalls(rows: list[ImportRow], context: ImportContext) -> list[Shortfall]:
    needed: dict[tuple[int, int], int] = {}
    codes: dict[tuple[int, int], str] = {}
    for row in rows:
        for line in row.bookable_lines:
            key = (line.programme_id, row.year)
            needed[key] = needed.get(key, 0) + line.approved_cents
            codes[key] = line.code
    return [Shortfall(codes[key], key[1], cents, context.budgets[key].available_cents)
            for key, cents in sorted(needed.items()) if cents > context.budgets[key].available_cents]
