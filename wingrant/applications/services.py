"""Writes of the applications feature: applications and their life-cycle steps.

Every function takes the acting user, checks that the user may act, validates
with ``rules`` *before* writing, and does all its writes in one
``unit_of_work`` with an audit entry — so a refused or failing request leaves
nothing half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..auth.permissions import Action, can
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger import services as ledger
from ..ledger.models import LedgerEntry
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import FieldOfAction, Neighbourhood, Programme
from ..organisations.models import Organisation
from . import notices, queries, rules, versions
from .lifecycle import allowed_targets, transition
from .models import (
    Application,
    ApplicationComment,
    ApplicationTransition,
    ApplicationVersion,
    CostItem,
    FinancingItem,
    FundingSource,
)
from .models import (
    ApplicationState as S,
)

#: The application form may change an application only before the forum decides.
EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.QUERY, S.DEFERRED})


class InvalidApplication(DomainError):
    """The application breaks rules; ``problems`` says which, field by field."""

    def __init__(self, problems: list[rules.Problem]):
        super().__init__(_("Der Antrag ist noch nicht vollständig. Bitte die markierten Angaben prüfen."))
        self.problems = problems


class EditConflict(DomainError):
    """Someone else saved the application after the editor opened it."""

    def __init__(self, current: datetime):
        super().__init__(_("Der Antrag wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind unten "
                           "noch da: Prüfen Sie den aktuellen Stand in einem neuen Tab und speichern Sie erneut, "
                           "um ihn zu überschreiben."))
        self.current = current


def require(user, neighbourhood_id: int, action: Action = Action.MANAGE_APPLICATIONS) -> None:
    if not can(user, neighbourhood_id, action):
        raise NotAllowed(_("Sie dürfen Anträge in diesem Quartier nicht bearbeiten."))


# --- applications ------------------------------------------------------------------


def programme_rules(programmes: list[Programme]) -> dict[int, rules.ProgrammeRule]:
    return {p.id: rules.ProgrammeRule(p.id, p.code, p.name, p.max_share_percent, p.investive_only,
                                      tuple(line.id for line in p.lines if line.active))
            for p in programmes}


def input_from_application(app: Application) -> rules.ApplicationInput:
    """The stored application as the plain data the rules and the form work with."""
    requests: dict[int, int] = {}
    request_lines: dict[int, int] = {}
    funding = []
    for item in app.financing_items:
        if item.source == FundingSource.PROGRAMME:
            requests[item.programme_id] = requests.get(item.programme_id, 0) + item.amount_cents
            if item.line_id is not None:
                request_lines[item.programme_id] = item.line_id
        else:
            funding.append(rules.FundingLine(item.source, item.amount_cents, item.description))
    return rules.ApplicationInput(
        organisation_id=app.organisation_id, title=app.title, year=app.year, summary=app.summary,
        description=app.description, goals=app.goals, target_groups=app.target_groups,
        expected_participants=app.expected_participants, place=app.place, start_date=app.start_date,
        end_date=app.end_date, contact_email=app.contact_email,
        field_of_action_ids=[f.id for f in app.fields_of_action],
        costs=[rules.CostLine(c.category, c.description, c.amount_cents) for c in app.cost_items],
        funding=funding, requests=requests, request_lines=request_lines,
    )


def problems_before_forum(app: Application) -> list[rules.Problem]:
    """What keeps this stored application from being submitted or put before the forum."""
    programmes = queries.requestable_programmes(app)
    return rules.submission_problems(input_from_application(app), programme_rules(programmes))


def check_input(data: rules.ApplicationInput, programmes: list[Programme], *, complete: bool) -> None:
    """Refuse data that can never be stored; with ``complete``, also what the forum needs."""
    if complete:
        problems = rules.submission_problems(data, programme_rules(programmes))
    else:
        problems = rules.structural_problems(data)
        known = {p.id for p in programmes}
        problems += [rules.Problem(_("Aus diesem Förderprogramm kann nichts beantragt werden."),
                                   rules.request_field(pid)) for pid in data.requests if pid not in known]
    lines = {p.id: {line.id for line in p.lines} for p in programmes}
    problems += [rules.Problem(_("Diese Förderschiene gehört nicht zu diesem Förderprogramm."), rules.line_field(pid))
                 for pid, line_id in data.request_lines.items() if line_id not in lines.get(pid, ())]
    if problems:
        raise InvalidApplication(problems)


def apply_input(app: Application, data: rules.ApplicationInput, programmes: list[Programme]) -> None:
    if db.session.get(Organisation, data.organisation_id) is None:
        raise InvalidApplication([rules.Problem(_("Diesen Träger gibt es nicht."), "organisation_id")])
    for name in ("organisation_id", "title", "year", "summary", "description", "goals", "target_groups",
                 "expected_participants", "place", "start_date", "end_date", "contact_email"):
        setattr(app, name, getattr(data, name))
    app.fields_of_action = list(db.session.execute(
        sa.select(FieldOfAction).where(FieldOfAction.id.in_(data.field_of_action_ids))
        .order_by(FieldOfAction.programme_id, FieldOfAction.position)
    ).scalars()) if data.field_of_action_ids else []
    app.cost_items = [CostItem(position=i, category=c.category, description=c.description,
                               amount_cents=c.amount_cents) for i, c in enumerate(data.costs)]
    items = [FinancingItem(position=i, source=f.source, description=f.description, amount_cents=f.amount_cents)
             for i, f in enumerate(data.funding)]
    by_id = {p.id: p for p in programmes}
    for pid in sorted(data.requests, key=lambda pid: (by_id[pid].position, by_id[pid].code)):
        items.append(FinancingItem(position=len(items), source=FundingSource.PROGRAMME, programme_id=pid,
                                   programme=by_id[pid], amount_cents=data.requests[pid],
                                   line_id=data.request_lines.get(pid)))
    app.financing_items = items
    app.updated_at = utcnow()


def check_funded_year(neighbourhood: Neighbourhood, data: rules.ApplicationInput) -> None:
    """A new application only for a year in which the area is a Fördergebiet (for what it requests)."""
    try:
        neighbourhood_services.require_funded_year(neighbourhood, data.year, list(data.requests) or [None])
    except DomainError as error:
        raise InvalidApplication([rules.Problem(error.message, "year")]) from None


def next_reference(neighbourhood: Neighbourhood, year: int) -> str:
    """``HUC-2026-007``: numbered per neighbourhood and year, in order of creation."""
    lock_row(Neighbourhood, neighbourhood.id)  # serialises numbering on PostgreSQL
    prefix = f"{neighbourhood.code}-{year}-"
    taken = db.session.execute(
        sa.select(Application.reference).where(Application.reference.startswith(prefix, autoescape=True))
    ).scalars()
    numbers = [int(ref[len(prefix):]) for ref in taken if ref[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def create_application(neighbourhood: Neighbourhood, data: rules.ApplicationInput, *, user) -> Application:
    """A new application in Entwurf: it may still be incomplete and unbalanced."""
    require(user, neighbourhood.id)
    with unit_of_work():
        programmes = queries.active_programmes()
        check_input(data, programmes, complete=False)
        check_funded_year(neighbourhood, data)
        app = Application(neighbourhood_id=neighbourhood.id, reference=next_reference(neighbourhood, data.year),
                          state=S.DRAFT, created_by_id=getattr(user, "id", None), version=1)
        apply_input(app, data, programmes)
        db.session.add(app)
        db.session.flush()
        db.session.add(ApplicationTransition(application_id=app.id, from_state=None, to_state=S.DRAFT,
                                             user_id=getattr(user, "id", None)))
        audit.record("application.create", user=user, obj=app, neighbourhood_id=neighbourhood.id,
                     after={"reference": app.reference, "title": app.title})
    return app


def update_application(app: Application, data: rules.ApplicationInput, *, user,
                       loaded_at: str | None = None) -> Application:
    """Save the form. Past the draft, the application must stay complete and balanced.

    If the forum has seen the application (it was deferred) and this is the
    first change since, the state it saw becomes an ``ApplicationVersion``.
    """
    require(user, app.neighbourhood_id)
    with unit_of_work():
        app = lock_row(Application, app.id)
        if app.state not in EDITABLE_STATES:
            raise DomainError(_("Ein Antrag im Status „%(state)s“ kann nicht mehr geändert werden.",
                                state=queries.state_label(app.state)))
        if loaded_at and loaded_at != app.updated_at.isoformat():
            raise EditConflict(app.updated_at)
        programmes = queries.requestable_programmes(app)
        check_input(data, programmes, complete=app.state != S.DRAFT)
        if data.year != app.year:  # moved to another year: that year must be funded too
            check_funded_year(app.neighbourhood, data)
        before = versions.snapshot(app)
        apply_input(app, data, programmes)
        db.session.flush()
        after = versions.snapshot(app)
        if versions.content(before) == versions.content(after):
            return app
        _keep_version_the_forum_saw(app, before)
        changed = [k for k in versions.content(after) if before.get(k) != after.get(k)]
        audit.record("application.update", user=user, obj=app, neighbourhood_id=app.neighbourhood_id,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return app


def _keep_version_the_forum_saw(app: Application, before: dict) -> None:
    deferral_id = db.session.execute(
        sa.select(sa.func.max(ApplicationTransition.id))
        .where(ApplicationTransition.application_id == app.id, ApplicationTransition.to_state == S.DEFERRED)
    ).scalar_one()
    if deferral_id is None:
        return
    latest = db.session.execute(
        sa.select(ApplicationVersion).where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.version.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is not None and latest.snapshot.get("deferral_transition_id") == deferral_id:
        return  # this round's snapshot exists: the change belongs to the same new version
    db.session.add(ApplicationVersion(application_id=app.id, version=app.version,
                                      snapshot={**before, "deferral_transition_id": deferral_id}))
    app.version += 1


# --- life-cycle steps --------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A life-cycle step the applications pages offer (forum outcomes belong to the meetings)."""

    name: str
    target: S
    label: str
    #: Label of the text field; None: the step takes no text.
    text_label: str | None = None
    text_required: bool = False
    #: The application must be complete and balanced for this step.
    needs_complete: bool = False
    #: Only from these states (on top of what the life cycle allows).
    sources: frozenset[S] | None = None


STEPS = {s.name: s for s in (
    Step("einreichen", S.SUBMITTED, _l("Einreichen"), needs_complete=True),
    Step("pruefen", S.IN_REVIEW, _l("In Prüfung nehmen"), _l("Anmerkung (optional)"),
         sources=frozenset({S.SUBMITTED, S.READY, S.DEFERRED})),
    Step("rueckfrage", S.QUERY, _l("Rückfrage stellen"), _l("Frage an den Träger"), text_required=True),
    Step("antwort", S.IN_REVIEW, _l("Antwort erfassen"), _l("Antwort des Trägers"), text_required=True,
         sources=frozenset({S.QUERY})),
    Step("beschlussreif", S.READY, _l("Als beschlussreif markieren"), needs_complete=True),
    Step("zurueckziehen", S.WITHDRAWN, _l("Zurückziehen"), _l("Grund für das Zurückziehen"),
         text_required=True),
)}


def available_steps(app: Application) -> list[Step]:
    targets = allowed_targets(app.state)
    return [s for s in STEPS.values() if s.target in targets and (s.sources is None or app.state in s.sources)]


def perform_step(app: Application, step_name: str, *, user, text: str = "") -> Application:
    """Move the application one step; a question or answer is kept as a comment."""
    step = STEPS.get(step_name)
    if step is None:
        raise DomainError(_("Diesen Schritt gibt es nicht."))
    require(user, app.neighbourhood_id)
    return take_step(app, step, user=user, text=text, author_name=getattr(user, "name", ""))


def take_step(app: Application, step: Step, *, user, text: str, author_name: str,
              token: str | None = None) -> Application:
    """``perform_step`` once access is settled (``user`` is None for an applicant's private link, whose
    ``token`` the receipt links to)."""
    text = (text or "").strip()
    with unit_of_work():
        app = lock_row(Application, app.id)
        if step not in available_steps(app):
            raise DomainError(_("Dieser Schritt ist im Status „%(state)s“ nicht möglich.",
                                state=queries.state_label(app.state)))
        if step.text_required and not text:
            raise DomainError(_("Bitte einen Text eingeben: %(label)s.", label=step.text_label), field="reason")
        if step.needs_complete:
            problems = problems_before_forum(app)
            if problems:
                raise InvalidApplication(problems)
        if step.target == S.WITHDRAWN:
            _release_bound_money(app, user=user, reason=text)
        is_comment = step.name in ("rueckfrage", "antwort")
        moved = transition(app, step.target, user=user, reason="" if is_comment else text)
        moved.created_at = now = utcnow()
        if is_comment:  # same moment as the step: the timeline shows the step, then its text
            db.session.add(ApplicationComment(application_id=app.id, user_id=getattr(user, "id", None),
                                              author_name=author_name, body=text, created_at=now))
        if step.target == S.SUBMITTED:
            app.submitted_at = now
            notices.submitted(app, by_applicant=user is None, token=token)
        elif step.name == "rueckfrage":
            notices.query(app, text)
        elif step.name == "antwort" and user is None:
            notices.answered(app, text)
    return app


def _release_bound_money(app: Application, *, user, reason: str) -> None:
    """A withdrawn application gives back what a forum decision bound for it (Rückfluss)."""
    bound = ledger_queries.balances(extra_filter=LedgerEntry.application_id == app.id)
    for budget_id, balance in sorted(bound.items()):
        if balance.net_committed > 0:
            ledger.release(budget_id, balance.net_committed, user=user, application_id=app.id,
                           memo=_("Antrag %(ref)s zurückgezogen: %(reason)s", ref=app.reference, reason=reason))
