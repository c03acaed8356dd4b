"""The minutes as one plain record: the frozen dataclasses the templates render.

The HTML page, the PDF and the embedded JSON render only these records, never
ORM objects, so nothing can lazy-load a name the record left out. They are
filled, and reduced for the public, by ``record_loader.minutes_record``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from ..concerns.queries import PublicConcern
from ..meetings.consensus import APPROVALS, ReasonCategory
from ..meetings.models import AgendaItemKind, AttendeeGroup, MeetingState, Outcome, ResolutionKind
from .models import MinutesState


@dataclass(frozen=True)
class Header:
    neighbourhood_id: int
    neighbourhood: str
    slug: str
    forum: str
    office_name: str
    office_address: str
    date: date
    starts_at: time | None
    ends_at: time | None
    place: str
    address: str
    online: bool


@dataclass(frozen=True)
class Person:
    #: Empty in the public record when the person did not consent.
    name: str
    organisation: str
    group: AttendeeGroup
    consent: bool


@dataclass(frozen=True)
class GroupCount:
    group: AttendeeGroup
    count: int


@dataclass(frozen=True)
class AttendanceSummary:
    counts: tuple[GroupCount, ...]
    #: People listed by name (internal: all; public: only with consent).
    present: tuple[Person, ...]
    apologies: tuple[Person, ...]
    #: Apologies left out of the public record for want of consent: counted only.
    unnamed_apologies: int = 0

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


@dataclass(frozen=True)
class ProgrammeAmount:
    programme_id: int
    code: str
    name: str
    requested: int
    #: What the forum decided (DecisionAmount).
    approved: int
    #: What the ledger holds bound for this decision: commitments less their reversals.
    committed: int


@dataclass(frozen=True)
class ObjectionEntry:
    group: AttendeeGroup | None
    #: Empty when no name was recorded or (public) the person did not consent.
    name: str
    reason: str
    withdrawn: bool
    consent: bool
    #: Made by a recused participant: recorded, but it does not count (meetings.consensus).
    recused: bool = False


@dataclass(frozen=True)
class RecusalEntry:
    #: Empty in the public record when the person did not consent.
    name: str
    organisation: str
    reason: str
    consent: bool


@dataclass(frozen=True)
class ApplicationEntry:
    application_id: int
    reference: str
    title: str
    organisation: str
    summary: str
    year: int
    amounts: tuple[ProgrammeAmount, ...]
    decision_id: int | None
    outcome: Outcome | None
    #: Why the forum deferred or rejected.
    reason: str
    conditions: str
    votes: tuple[int, int, int] | None
    objections: tuple[ObjectionEntry, ...]
    recusals: tuple[RecusalEntry, ...]
    #: The checked summary in Leichte Sprache, if there is one.
    easy_summary: str = ""
    #: Why money was deferred, refused or cut (``ReasonCategory``); None otherwise.
    reason_category: ReasonCategory | None = None

    @property
    def label(self) -> str:
        """"Titel – Träger", as real minutes write it."""
        return f"{self.title} – {self.organisation}"

    @property
    def requested_total(self) -> int:
        return sum(a.requested for a in self.amounts)

    @property
    def approved_total(self) -> int:
        return sum(a.approved for a in self.amounts)

    @property
    def approved(self) -> bool:
        return self.outcome in APPROVALS

    @property
    def standing_objections(self) -> tuple[ObjectionEntry, ...]:
        """Objections that counted: neither withdrawn nor made by a recused participant."""
        return tuple(o for o in self.objections if not o.withdrawn and not o.recused)


@dataclass(frozen=True)
class ResolutionEntry:
    """A Beschluss or Stellungnahme without money, as minuted under its agenda item."""

    resolution_id: int
    kind: ResolutionKind
    title: str
    addressee: str
    #: The draft as proposed.
    text: str
    outcome: Outcome | None
    #: The wording adopted with changes ("geändert beschlossen"), else empty.
    final_text: str
    reason: str
    objections: tuple[ObjectionEntry, ...]
    recusals: tuple[RecusalEntry, ...]

    @property
    def adopted(self) -> bool:
        return self.outcome in APPROVALS

    @property
    def adopted_text(self) -> str:
        return self.final_text if self.outcome == Outcome.APPROVED_WITH_CHANGES and self.final_text else self.text

    @property
    def standing_objections(self) -> tuple[ObjectionEntry, ...]:
        return tuple(o for o in self.objections if not o.withdrawn and not o.recused)


@dataclass(frozen=True)
class AgendaEntry:
    item_id: int
    #: "1", "4", "4.1" …
    number: str
    kind: AgendaItemKind
    title: str
    notes: str
    #: The heading of the applications block (its items are numbered under it).
    is_header: bool
    #: "WiN 2026" where a new programme/year group of applications starts.
    group_heading: str
    application: ApplicationEntry | None
    resolution: ResolutionEntry | None = None


@dataclass(frozen=True)
class BudgetLine:
    budget_id: int
    programme_id: int
    code: str
    name: str
    year: int
    allocated: int
    #: Net commitments of earlier meetings (and bookings without a decision).
    committed_before: int
    #: Net commitments whose decision was taken at this meeting.
    committed_here: int
    released: int
    #: The Förderschiene of a line's row; empty for a programme's row.
    line_code: str = ""
    line_name: str = ""
    #: A programme with lines: one row per line; this row adds them up.
    lines: tuple[BudgetLine, ...] = ()

    @property
    def available(self) -> int:
        return self.allocated - self.committed_before - self.committed_here + self.released


@dataclass(frozen=True)
class MinutesRecord:
    meeting_id: int
    minutes_id: int | None
    state: MinutesState
    meeting_state: MeetingState
    header: Header
    attendance: AttendanceSummary
    agenda: tuple[AgendaEntry, ...]
    budgets: tuple[BudgetLine, ...]
    introduction: str
    closing_remarks: str
    #: The next meeting: as written in the minutes, else the next one scheduled.
    next_meeting_date: date | None
    #: What the minutes themselves say (the edit form shows only this).
    next_meeting_date_recorded: date | None
    approved_at: datetime | None
    #: Date of the meeting under whose item "Genehmigung des Protokolls" these were approved.
    approved_in_meeting_date: date | None
    published_at: datetime | None
    #: True for the reduced, publishable record.
    public: bool = False
    #: The neighbourhood's concerns open at the meeting's date (status as it stood then), and those
    #: raised in this meeting. Public records without names by construction (``concerns.queries``).
    concerns: tuple[PublicConcern, ...] = ()

    @property
    def has_residents_item(self) -> bool:
        return any(e.kind == AgendaItemKind.RESIDENTS for e in self.agenda)

    @property
    def decisions(self) -> tuple[ApplicationEntry, ...]:
        return tuple(e.application for e in self.agenda if e.application is not None)

    @property
    def resolutions(self) -> tuple[ResolutionEntry, ...]:
        return tuple(e.resolution for e in self.agenda if e.resolution is not None)

    @property
    def editable(self) -> bool:
        return self.state == MinutesState.DRAFT and self.meeting_state != MeetingState.MINUTES_APPROVED

