"""Following a meeting from the room ("Live mitverfolgen"): the public live page and its projector link.

What anyone may see while a meeting runs: the current item's public fields, each budget's
"verfügbar jetzt", and per decided item its outcome and amounts. Objections, recusals, notes
and names are never loaded here — the agenda is read with ``public=True`` (touching the
deliberation raises) and decisions only as a few columns.

The live page polls ``version``: one query over the meeting row, whatever happens in the
room, so hundreds of phones asking every few seconds cost the QM nothing noticeable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import segno
import sqlalchemy as sa

from ..core.urls import external_url
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger.models import Budget
from ..neighbourhoods.models import Neighbourhood, Programme
from . import queries, signals
from .consensus import APPROVALS, Outcome
from .models import AgendaItem, Decision, DecisionAmount, Meeting, MeetingState, SignalKind

#: States in which the public live page exists (planned: not yet public; approved: see the minutes).
FOLLOWABLE_STATES = frozenset({MeetingState.INVITED, MeetingState.HELD})


@dataclass(frozen=True)
class Version:
    meeting_id: int
    state: MeetingState
    tag: str


def version_tag(state: MeetingState, position: int | None, decided: int, latest: datetime | None,
                signals: int = 0) -> str:
    """Changes when the current item moves, a decision is recorded or reopened, the state changes,
    or a signal from the room arrives or is handled (``Meeting.signal_seq``)."""
    raw = f"{state.value}|{position}|{decided}|{latest.isoformat() if latest else ''}|{signals}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def version(slug: str, meeting_id: int) -> Version | None:
    """The live page's version in ONE query (the meeting row with two correlated aggregates)."""
    decided = (sa.select(sa.func.count(Decision.id))
               .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
               .where(AgendaItem.meeting_id == Meeting.id, Decision.outcome.is_not(None))
               .correlate(Meeting).scalar_subquery())
    latest = (sa.select(sa.func.max(Decision.decided_at))
              .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
              .where(AgendaItem.meeting_id == Meeting.id, Decision.outcome.is_not(None))
              .correlate(Meeting).scalar_subquery())
    row = db.session.execute(
        sa.select(Meeting.id, Meeting.state, Meeting.current_position, decided, latest, Meeting.signal_seq)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(Meeting.id == meeting_id, Neighbourhood.slug == slug, Neighbourhood.active.is_(True))
    ).one_or_none()
    if row is None:
        return None
    meeting_id, state, position, count, newest, seq = row
    if isinstance(newest, str):  # SQLite returns MAX() over a DateTime as text
        newest = datetime.fromisoformat(newest)
    return Version(meeting_id, state, version_tag(state, position, count or 0, newest, seq or 0))


def meeting(meeting_id: int) -> Meeting:
    return db.session.get(Meeting, meeting_id)


@dataclass(frozen=True)
class Amount:
    programme: Programme
    cents: int


@dataclass(frozen=True)
class CurrentItem:
    number: str
    title: str
    organisation: str | None = None
    reference: str | None = None
    requested: list[Amount] = field(default_factory=list)
    #: The item's outcome label key once decided (``None`` while open).
    outcome: Outcome | None = None
    approved: list[Amount] = field(default_factory=list)
    item_id: int | None = None


@dataclass(frozen=True)
class DecidedItem:
    number: str
    title: str
    outcome: Outcome
    approved: list[Amount]


@dataclass(frozen=True)
class BudgetBar:
    programme: Programme
    year: int
    allocated: int
    available: int

    @property
    def percent_available(self) -> int:
        if self.allocated <= 0:
            return 0
        return max(0, min(100, round(100 * self.available / self.allocated)))


@dataclass
class LiveView:
    meeting: Meeting
    tag: str
    current: CurrentItem | None = None
    decided: list[DecidedItem] = field(default_factory=list)
    budgets: list[BudgetBar] = field(default_factory=list)
    several_years: bool = False
    #: Anonymous counts of the room's signals for the current item (``None``: signals are off).
    signals: dict[SignalKind, int] | None = None


def live_view(meeting: Meeting, tag: str) -> LiveView:
    """What the public live page shows; a fixed number of queries whatever the agenda's length."""
    rows = queries.agenda(meeting, public=True)
    view = LiveView(meeting, tag)
    programmes = queries.programmes_by_id()
    outcomes = dict(db.session.execute(
        sa.select(Decision.agenda_item_id, Decision.outcome)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id, Decision.outcome.is_not(None))
    ).all())
    approved: dict[int, list[Amount]] = {}
    for item_id, programme_id, cents in db.session.execute(
        sa.select(Decision.agenda_item_id, DecisionAmount.programme_id, DecisionAmount.amount_cents)
        .join(Decision, DecisionAmount.decision_id == Decision.id)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id, Decision.outcome.in_(APPROVALS))
    ):
        approved.setdefault(item_id, []).append(Amount(programmes[programme_id], cents))

    def ordered(amounts: list[Amount]) -> list[Amount]:
        return sorted(amounts, key=lambda a: (a.programme.position, a.programme.code))

    for row in rows:
        if row.item.id in outcomes:
            view.decided.append(DecidedItem(row.number, row.item.title, outcomes[row.item.id],
                                            ordered(approved.get(row.item.id, []))))
    current = queries.current_row(meeting, rows)
    if current is not None and meeting.signal_code:
        view.signals = signals.counts(current.item.id)
    if current is not None:
        application = current.item.application
        outcome = outcomes.get(current.item.id)
        if application is None:
            view.current = CurrentItem(current.number, current.item.title, item_id=current.item.id)
        else:
            view.current = CurrentItem(
                current.number, application.title, organisation=application.organisation.name,
                reference=application.reference,
                requested=ordered([Amount(programmes[pid], cents)
                                   for pid, cents in queries.requested_amounts(application).items()]),
                outcome=outcome, approved=ordered(approved.get(current.item.id, [])), item_id=current.item.id)
    years = {r.item.application.year for r in rows if r.item.application is not None} or {meeting.date.year}
    budgets = list(db.session.execute(
        sa.select(Budget).where(Budget.neighbourhood_id == meeting.neighbourhood_id, Budget.year.in_(years))
    ).scalars())
    balances = ledger_queries.balances([b.id for b in budgets])
    view.budgets = sorted(
        (BudgetBar(programmes[b.programme_id], b.year, balances[b.id].allocated if b.id in balances else 0,
                   balances[b.id].available if b.id in balances else 0) for b in budgets),
        key=lambda bar: (bar.programme.position, bar.programme.code, bar.year))
    view.several_years = len(years) > 1
    return view


# --- the projector's secret link -----------------------------------------------------------------


def new_projector_token() -> str:
    return secrets.token_urlsafe(24)


def projector_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Longest token accepted in a URL (``token_urlsafe(24)`` gives 32 characters).
MAX_TOKEN = 64


def projector_meeting(slug: str, meeting_id: int, token: str) -> tuple[Neighbourhood, Meeting] | None:
    """The meeting whose projector link this is; a wrong or replaced token finds nothing."""
    if not token or len(token) > MAX_TOKEN:
        return None
    found = db.session.execute(
        sa.select(Neighbourhood, Meeting).join(Meeting, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(Meeting.id == meeting_id, Neighbourhood.slug == slug, Neighbourhood.active.is_(True))
    ).one_or_none()
    if found is None or not found[1].projector_token_hash:
        return None
    if not hmac.compare_digest(found[1].projector_token_hash, projector_token_hash(token)):
        return None
    return found[0], found[1]


# --- QR codes to the live page ----------------------------------------------------------------------


def follow_url(neighbourhood: Neighbourhood, meeting: Meeting) -> str:
    """The public live page as an absolute URL under PUBLIC_URL (never the request's Host)."""
    return external_url("public.live", slug=neighbourhood.slug, meeting_id=meeting.id)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def qr_inline_svg(url: str) -> str:
    """For the PDF: inline SVG (WeasyPrint may fetch nothing, not even data URIs)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, title="QR")


def invitation_qr(neighbourhood: Neighbourhood, meeting: Meeting) -> dict | None:
    """The QR code to the live page for the invitation PDF; none while the page does not exist."""
    if meeting.state not in FOLLOWABLE_STATES:
        return None
    url = follow_url(neighbourhood, meeting)
    return {"url": url, "svg": qr_inline_svg(url)}
