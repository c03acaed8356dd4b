"""The application life cycle as an explicit state machine.

Pure data plus one write helper: ``transition`` checks the move against
``TRANSITIONS``, records who/when/why as an ``ApplicationTransition`` and
audits it. It joins the caller's unit of work (a forum decision moves the
application and the money together).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..database import row_id
from ..errors import DomainError
from ..extensions import db
from .models import Application, ApplicationTransition
from .models import ApplicationState as S

STATE_LABELS = {
    S.DRAFT: _l("Entwurf"),
    S.SUBMITTED: _l("Eingereicht"),
    S.IN_REVIEW: _l("In Prüfung"),
    S.QUERY: _l("Rückfrage"),
    S.READY: _l("Beschlussreif"),
    S.APPROVED: _l("Beschlossen"),
    S.APPROVED_WITH_CHANGES: _l("Beschlossen mit Änderungen"),
    S.DEFERRED: _l("Vertagt"),
    S.REJECTED: _l("Abgelehnt"),
    S.REFERRED: _l("An Geschäftsführung verwiesen"),
    S.GRANTED: _l("Bewilligt"),
    S.RUNNING: _l("Laufend"),
    S.REPORT_SUBMITTED: _l("Verwendungsnachweis eingereicht"),
    S.CLOSED: _l("Abgeschlossen"),
    S.WITHDRAWN: _l("Zurückgezogen"),
}

#: The forum's outcomes (and the administration's on a referred case).
FORUM_OUTCOMES = frozenset({S.APPROVED, S.APPROVED_WITH_CHANGES, S.DEFERRED, S.REJECTED, S.REFERRED})
#: States from which the applicant may still withdraw: everything before the grant.
WITHDRAWABLE = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.QUERY, S.READY, S.DEFERRED, S.REFERRED,
                          S.APPROVED, S.APPROVED_WITH_CHANGES})
#: From the grant on, the application is in the hands of the funding feature (payouts, the proof of
#: use): its page links there.
AFTER_GRANT_STATES = frozenset({S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED, S.CLOSED})

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.QUERY, S.READY}),
    S.QUERY: frozenset({S.IN_REVIEW}),  # the applicant answered
    S.READY: frozenset({S.IN_REVIEW}) | FORUM_OUTCOMES,  # taken back for rework, or decided
    S.DEFERRED: frozenset({S.READY, S.IN_REVIEW}),  # back to a later meeting, possibly changed
    S.REFERRED: frozenset({S.APPROVED, S.APPROVED_WITH_CHANGES, S.REJECTED}),  # the administration decides
    S.APPROVED: frozenset({S.GRANTED}),
    S.APPROVED_WITH_CHANGES: frozenset({S.GRANTED}),
    S.GRANTED: frozenset({S.RUNNING}),
    S.RUNNING: frozenset({S.REPORT_SUBMITTED}),
    S.REPORT_SUBMITTED: frozenset({S.CLOSED, S.RUNNING}),  # accepted, or sent back for corrections
    S.REJECTED: frozenset(),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def allowed_targets(state: S, *, correction: bool = False) -> frozenset[S]:
    """Where an application in ``state`` may go next.

    ``correction``: a forum decision corrected before its minutes are approved
    may move between the forum outcomes (and back to Beschlussreif).
    """
    targets = set(TRANSITIONS[state])
    if state in WITHDRAWABLE:
        targets.add(S.WITHDRAWN)
    if correction and state in FORUM_OUTCOMES:
        targets |= (FORUM_OUTCOMES | {S.READY}) - {state}
    return frozenset(targets)


def can_transition(state: S, target: S, *, correction: bool = False) -> bool:
    return target in allowed_targets(state, correction=correction)


def transition(application: Application, target: S, *, user, reason: str = "",
               correction: bool = False) -> ApplicationTransition:
    """Move the application; refuse an illegal move with a German message."""
    source = application.state
    if not can_transition(source, target, correction=correction):
        raise DomainError(_("Ein Antrag im Status „%(source)s“ kann nicht in den Status „%(target)s“ wechseln.",
                            source=STATE_LABELS[source], target=STATE_LABELS[target]))
    if target in (S.WITHDRAWN, S.REJECTED, S.DEFERRED) and not reason.strip():
        raise DomainError(_("Bitte einen Grund angeben."), field="reason")
    application.state = target
    step = ApplicationTransition(application_id=application.id, from_state=source, to_state=target,
                                 reason=reason.strip(), user_id=row_id(user))
    db.session.add(step)
    audit.record("application.transition", user=user, obj=application,
                 neighbourhood_id=application.neighbourhood_id,
                 before={"state": source.value}, after={"state": target.value, "reason": reason.strip()})
    return step
