"""What the Träger may see of the forum's decisions on the private page, and the letter's PDF.

Decisions live in the meetings and minutes features, above this one. They hand
their reading in through the app factory (``app.extensions``, as the letter's PDF
renderer is handed to the mail worker), so this package never imports them.
A decision is the Träger's to see once its minutes are approved (or the
WiN-Geschäftsführung decided a referred case): until then it may still be corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from ..applications.models import Application

#: Set by the app factory: ``Application`` → ``DecisionState``.
SOURCE_KEY = "wingrant.applicant_decisions"
#: The letter's renderer among the mail worker's attachment renderers (``decision id`` → PDF bytes).
LETTER_RENDERER = "decision_letter"


@dataclass(frozen=True)
class DecisionLine:
    programme: str
    requested_cents: int
    approved_cents: int


@dataclass(frozen=True)
class ReleasedDecision:
    """One decision as the Träger may read it (the same facts as the Beschlussmitteilung)."""

    decision_id: int
    meeting_date: date
    forum: str
    #: The outcome's label (the administration's for a referred case it decided).
    outcome: str
    approved: bool
    #: ``approved``, ``deferred``, ``rejected``, ``withdrawn`` or ``referred`` (the letter's next step).
    next_step: str
    lines: list[DecisionLine] = field(default_factory=list)
    conditions: str = ""
    #: The reason, for an outcome that is not an approval.
    reason: str = ""
    #: Whether the Beschlussmitteilung exists (the minutes are approved).
    has_letter: bool = False


@dataclass(frozen=True)
class DecisionState:
    released: list[ReleasedDecision] = field(default_factory=list)
    #: When the first decision not yet released was taken (its minutes are not approved), or None.
    pending_since: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.pending_since is not None


def decision_state(app: Application) -> DecisionState:
    source = current_app.extensions.get(SOURCE_KEY)
    return source(app) if source is not None else DecisionState()


def letter_pdf(app: Application, decision_id: int) -> bytes | None:
    """The Beschlussmitteilung of one of this application's released decisions, or None."""
    state = decision_state(app)
    if not any(d.decision_id == decision_id and d.has_letter for d in state.released):
        return None
    renderer = current_app.extensions.get("wingrant.attachment_renderers", {}).get(LETTER_RENDERER)
    return renderer(str(decision_id)) if renderer is not None else None
