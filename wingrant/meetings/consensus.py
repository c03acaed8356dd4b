"""The Konsensprinzip as a pure function: no database, no Flask.

The forum decides by consensus: everyone present has a veto. This module takes
what was recorded about one application item — objections, recusals, an
optional vote — together with the forum's rules of procedure and the number of
earlier deferrals, and says which outcomes the forum may record, and why.

The rules, in the order they are applied:

1. Recused people (Befangenheit) never count: their objection neither blocks
   nor counts as dissent. An objection is recused when the objecting person's
   name matches a recused person or organisation (case and spacing ignored).
   An objection in the name of a group (no person named) always counts:
   somebody entitled from that group objected. A named objection is the
   person's, whatever group is recorded beside the name.
2. A withdrawn objection no longer blocks.
3. Any standing objection blocks approval (beschlossen, beschlossen mit
   Änderungen). Deferring, rejecting and withdrawal stay possible.
4. A blocked case may be referred to the WiN-Geschäftsführung only where the
   rules allow the Dissens-Verfahren; without dissent there is nothing to refer.
5. Where the rules say so, after N deferrals of the same application the forum
   may vote: approval then needs a simple majority of the votes cast
   (yes > no; abstentions do not count). A vote recorded where the rules do
   not allow one, or a vote with impossible numbers, permits nothing.

The reasons are codes; their German wording lives in ``labels.py``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Outcome(enum.StrEnum):
    """What the forum (or, for a referred case, the administration) decided."""

    APPROVED = "approved"  # beschlossen
    APPROVED_WITH_CHANGES = "approved_with_changes"  # beschlossen mit Änderungen
    DEFERRED = "deferred"  # vertagt
    REJECTED = "rejected"  # abgelehnt
    WITHDRAWN = "withdrawn"  # zurückgezogen
    REFERRED = "referred"  # an die Geschäftsführung verwiesen


APPROVALS = frozenset({Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES})
#: Outcomes that never need consensus: nobody is bound to anything by them.
ALWAYS_OPEN = frozenset({Outcome.DEFERRED, Outcome.REJECTED, Outcome.WITHDRAWN})


class ReasonCategory(enum.StrEnum):
    """Why money was not given (as asked): so "refused or cut for lack of money" is a figure."""

    LACK_OF_MONEY = "lack_of_money"  # Mittel nicht ausreichend
    CONTENT = "content"  # Inhaltliche Gründe
    FORMAL = "formal"  # Formale Gründe / unvollständig
    OTHER = "other"  # Sonstiges
    NOT_RECORDED = "not_recorded"  # nicht erfasst (decisions recorded before the category existed)


#: What the forum may choose; ``NOT_RECORDED`` only marks old decisions.
REASON_CATEGORY_CHOICES = (ReasonCategory.LACK_OF_MONEY, ReasonCategory.CONTENT, ReasonCategory.FORMAL,
                           ReasonCategory.OTHER)


def needs_reason_category(outcome: Outcome, requested_cents: int, approved_cents: int) -> bool:
    """A deferral, a refusal and an approval of less money than asked say why (the money figures need it)."""
    if outcome in (Outcome.DEFERRED, Outcome.REJECTED):
        return True
    return outcome == Outcome.APPROVED_WITH_CHANGES and approved_cents < requested_cents


class Reason(enum.StrEnum):
    # The proposed outcome is permitted ...
    CONSENSUS = "consensus"  # ... no standing objection
    MAJORITY = "majority"  # ... blocked or not, the vote after N deferrals carried
    OPEN = "open"  # ... deferral, rejection and withdrawal are always possible
    DISSENT_REFERRAL = "dissent_referral"  # ... a blocked case goes to the administration
    # The proposed outcome is refused ...
    BLOCKED = "blocked"  # ... a standing objection blocks approval
    VOTE_REQUIRED = "vote_required"  # ... blocked, a vote would be allowed but none was recorded
    NO_MAJORITY = "no_majority"  # ... the vote did not carry
    REFERRAL_NOT_ALLOWED = "referral_not_allowed"  # ... the rules have no Dissens-Verfahren
    NO_DISSENT = "no_dissent"  # ... nothing to refer: there is consensus
    VOTE_NOT_ALLOWED = "vote_not_allowed"  # ... the rules allow no vote (yet)
    INVALID_VOTES = "invalid_votes"  # ... negative counts or more votes than people entitled


@dataclass(frozen=True)
class Objection:
    """One recorded objection. ``who`` is a person's name, or a group key when ``is_group``."""

    who: str
    withdrawn: bool = False
    is_group: bool = False


@dataclass(frozen=True)
class Recusal:
    """A person (and the organisation they are tied to) who does not take part."""

    person: str
    organisation: str = ""


@dataclass(frozen=True)
class Votes:
    yes: int
    no: int
    abstain: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Rules:
    """The forum's rules of procedure. Strict consensus is always the base rule."""

    allow_dissent_referral: bool = True
    #: After this many deferrals of an application the forum may vote; ``None`` = never.
    vote_after_deferrals: int | None = None


@dataclass(frozen=True)
class Deliberation:
    """Everything recorded about one application item before its outcome."""

    objections: tuple[Objection, ...] = ()
    recusals: tuple[Recusal, ...] = ()
    votes: Votes | None = None
    #: How often this application was deferred before (earlier meetings).
    previous_deferrals: int = 0
    rules: Rules = field(default_factory=Rules)
    #: People present who may take part (not recused), if known: a ceiling for the vote.
    entitled_present: int | None = None


@dataclass(frozen=True)
class Verdict:
    proposed: Outcome
    #: The proposed outcome if it is permitted, else ``None``.
    outcome: Outcome | None
    reason: Reason
    #: The approval rests on a majority vote (only possible after N deferrals).
    by_vote: bool = False

    @property
    def allowed(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True)
class Assessment:
    """What a deliberation permits, for showing the QM the possible outcomes."""

    permitted: frozenset[Outcome]
    #: Why approval is or is not possible (the headline for the live meeting).
    reason: Reason
    #: Objections that block approval.
    standing: tuple[Objection, ...]
    #: Objections of recused people: recorded, but they do not count.
    discounted: tuple[Objection, ...]
    #: The rules allow deciding this item by vote.
    vote_open: bool

    @property
    def consensus(self) -> bool:
        return not self.standing


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def is_recused(objection: Objection, recusals: tuple[Recusal, ...]) -> bool:
    if objection.is_group:
        return False
    who = _norm(objection.who)
    if not who:
        return False
    return any(who in {_norm(r.person), _norm(r.organisation)} - {""} for r in recusals)


def standing_objections(d: Deliberation) -> tuple[Objection, ...]:
    """Objections that block: not withdrawn, and not made by a recused participant."""
    return tuple(o for o in d.objections if not o.withdrawn and not is_recused(o, d.recusals))


def vote_open(d: Deliberation) -> bool:
    n = d.rules.vote_after_deferrals
    return n is not None and d.previous_deferrals >= n


def _votes_valid(d: Deliberation) -> bool:
    v = d.votes
    if v is None:
        return True
    if min(v.yes, v.no, v.abstain) < 0:
        return False
    return d.entitled_present is None or v.total <= d.entitled_present


def decide(d: Deliberation, proposed: Outcome) -> Verdict:
    """May the forum record ``proposed``? The one place the rule is written down."""
    proposed = Outcome(proposed)

    def refuse(reason: Reason) -> Verdict:
        return Verdict(proposed, None, reason)

    if d.votes is not None:
        if not vote_open(d):
            return refuse(Reason.VOTE_NOT_ALLOWED)
        if not _votes_valid(d):
            return refuse(Reason.INVALID_VOTES)

    standing = standing_objections(d)
    dissent = bool(standing) or (d.votes is not None and d.votes.no > 0)

    if proposed in APPROVALS:
        if d.votes is not None:  # the forum chose to vote: the vote decides
            if d.votes.yes > d.votes.no:
                return Verdict(proposed, proposed, Reason.MAJORITY, by_vote=True)
            return refuse(Reason.NO_MAJORITY)
        if standing:
            return refuse(Reason.VOTE_REQUIRED if vote_open(d) else Reason.BLOCKED)
        return Verdict(proposed, proposed, Reason.CONSENSUS)

    if proposed == Outcome.REFERRED:
        if not d.rules.allow_dissent_referral:
            return refuse(Reason.REFERRAL_NOT_ALLOWED)
        if not dissent:
            return refuse(Reason.NO_DISSENT)
        return Verdict(proposed, proposed, Reason.DISSENT_REFERRAL)

    return Verdict(proposed, proposed, Reason.OPEN)


def assess(d: Deliberation) -> Assessment:
    """All outcomes the forum may record now, with the reason approval is or is not possible."""
    verdicts = {outcome: decide(d, outcome) for outcome in Outcome}
    return Assessment(
        permitted=frozenset(o for o, v in verdicts.items() if v.allowed),
        reason=verdicts[Outcome.APPROVED].reason,
        standing=standing_objections(d),
        discounted=tuple(o for o in d.objections if not o.withdrawn and is_recused(o, d.recusals)),
        vote_open=vote_open(d),
    )
