"""What the public may see of decisions: the one read model of published decisions.

A decision is public when the minutes of its meeting are **published**, it has
an outcome, its meeting belongs to an **active** neighbourhood and its
application to that same neighbourhood. ``decision_select`` is that rule as SQL
and the only place it is written: the portal, the open-data downloads and the
OParl feed read decisions through ``published_decisions``, ``decision_select``
or ``published_decision_ids``, never with filters of their own, so they cannot
differ in what they show.

Money is read by ``load_amounts`` — programmes, requested amounts (the
application's financing plan) and approved amounts (the decision) in three
queries however many decisions — and the minutes record reads it the same
way. Approved money counts only for an approval.

Applications contribute their public fields only (reference, title,
organisation name, summary, year, fields of action), the fields the published
minutes print; nothing here reads a person's name or contact data. Where the
minutes record does carry names, ``for_audience`` is the one reduction for the
public: names only with recorded consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa

from ..applications.models import Application, FinancingItem, FundingSource, application_field
from ..extensions import db
from ..meetings import consensus
from ..meetings.consensus import APPROVALS
from ..meetings.models import AgendaItem, AttendeeGroup, Decision, DecisionAmount, Meeting, Objection, Outcome, Recusal
from ..neighbourhoods.models import FieldOfAction, Neighbourhood, Programme
from ..organisations.models import Organisation
from .models import Minutes, MinutesState
from .record import AttendanceSummary, MinutesRecord

# --- visibility ----------------------------------------------------------------------------


#: The public decisions with their joins, built once (each page asks two or three times).
_PUBLISHED_DECISIONS = (
    sa.select(Decision.id)
    .select_from(Decision)
    .join(Application, Decision.application_id == Application.id)
    .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
    .join(Meeting, AgendaItem.meeting_id == Meeting.id)
    .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
    .join(Minutes, Minutes.meeting_id == Meeting.id)
    .where(Minutes.state == MinutesState.PUBLISHED, Decision.outcome.is_not(None),
           Neighbourhood.active.is_(True), Application.neighbourhood_id == Meeting.neighbourhood_id)
)


def decision_select(*columns):
    """``SELECT columns`` over the decisions the public may see, with their application,
    agenda item, meeting, neighbourhood and minutes joined (callers add filters and order).

    The minutes are joined rather than tested with an ``IN`` over every published decision,
    so a query about one neighbourhood costs what that neighbourhood holds.
    """
    return _PUBLISHED_DECISIONS.with_only_columns(*columns, maintain_column_froms=False)


def published_decision_ids():
    """The ids of the public decisions, for an ``IN`` where the caller's joins differ."""
    return decision_select(Decision.id)


# --- amounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    programme_id: int
    code: str
    name: str
    requested: int
    #: What the forum approved from this programme; 0 unless the decision is an approval.
    approved: int


@dataclass(frozen=True)
class AmountBook:
    """The programmes and the money of a set of applications and decisions, read in bulk."""

    programmes: dict[int, Programme]
    #: Cents per programme id that each application asks for (its financing plan).
    requested: dict[int, dict[int, int]]
    #: Cents per programme id that each decision approved.
    approved: dict[int, dict[int, int]]

    def amounts(self, application_id: int, decision_id: int | None = None,
                outcome: Outcome | None = None) -> tuple[Amount, ...]:
        """Requested and approved per programme, in the programmes' display order."""
        asked = self.requested.get(application_id, {})
        decided = self.approved.get(decision_id, {}) if outcome in APPROVALS else {}
        p = self.programmes
        pids = sorted(set(asked) | set(decided), key=lambda pid: (p[pid].position, p[pid].code))
        return tuple(Amount(pid, p[pid].code, p[pid].name, asked.get(pid, 0), decided.get(pid, 0)) for pid in pids)


_PROGRAMMES = sa.select(Programme)
_REQUESTED = (
    sa.select(FinancingItem.application_id, FinancingItem.programme_id, sa.func.sum(FinancingItem.amount_cents))
    .where(FinancingItem.application_id.in_(sa.bindparam("ids", expanding=True)),
           FinancingItem.source == FundingSource.PROGRAMME)
    .group_by(FinancingItem.application_id, FinancingItem.programme_id)
)
_APPROVED = (
    sa.select(DecisionAmount.decision_id, DecisionAmount.programme_id, DecisionAmount.amount_cents)
    .where(DecisionAmount.decision_id.in_(sa.bindparam("ids", expanding=True)))
)


def load_amounts(application_ids: Iterable[int], decision_ids: Iterable[int] | None = None) -> AmountBook:
    """Three queries (two when no decisions are asked for), however many ids; statements built once."""
    programmes = {p.id: p for p in db.session.execute(_PROGRAMMES).scalars()}
    requested: dict[int, dict[int, int]] = {}
    for app_id, pid, cents in db.session.execute(_REQUESTED, {"ids": list(application_ids)}):
        requested.setdefault(app_id, {})[pid] = int(cents)
    approved: dict[int, dict[int, int]] = {}
    if decision_ids is not None:
        for decision_id, pid, cents in db.session.execute(_APPROVED, {"ids": list(decision_ids)}):
            approved.setdefault(decision_id, {})[pid] = int(cents)
    return AmountBook(programmes, requested, approved)


def fields_of(application_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The names of each application's fields of action, in display order: one query."""
    fields: dict[int, list[str]] = {}
    for app_id, name in db.session.execute(
        sa.select(application_field.c.application_id, FieldOfAction.name)
        .join(FieldOfAction, application_field.c.field_of_action_id == FieldOfAction.id)
        .where(application_field.c.application_id.in_(list(application_ids)))
        .order_by(FieldOfAction.position, FieldOfAction.name)
    ):
        fields.setdefault(app_id, []).append(name)
    return {app_id: tuple(names) for app_id, names in fields.items()}


# --- objections -----------------------------------------------------------------------------


def is_recused(group: AttendeeGroup | None, person_name: str, recusals: Iterable[consensus.Recusal]) -> bool:
    """An objection made by a recused participant: recorded, but it does not count (meetings.consensus)."""
    objection = consensus.Objection(group.value if group else person_name, is_group=group is not None)
    return consensus.is_recused(objection, tuple(recusals))


def objection_counts(decision_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per decision: objections raised and, of those, standing — not withdrawn and not made by
    a recused participant, as the minutes count them. Two queries; the names compared here
    never leave this function."""
    ids = list(decision_ids)
    recusals: dict[int, list[consensus.Recusal]] = {}
    for decision_id, person, organisation in db.session.execute(
        sa.select(Recusal.decision_id, Recusal.person_name, Recusal.organisation).where(Recusal.decision_id.in_(ids))
    ):
        recusals.setdefault(decision_id, []).append(consensus.Recusal(person, organisation))
    counts: dict[int, tuple[int, int]] = {}
    for decision_id, group, person, withdrawn in db.session.execute(
        sa.select(Objection.decision_id, Objection.group, Objection.person_name, Objection.withdrawn)
        .where(Objection.decision_id.in_(ids))
    ):
        raised, standing = counts.get(decision_id, (0, 0))
        counts_now = not withdrawn and not is_recused(group, person, recusals.get(decision_id, ()))
        counts[decision_id] = (raised + 1, standing + counts_now)
    return counts


# --- the published decisions ---------------------------------------------------------------


@dataclass(frozen=True)
class PublishedDecision:
    decision_id: int
    outcome: Outcome
    conditions: str
    #: Why the forum deferred or rejected (printed in the published minutes).
    reason: str
    application_id: int
    reference: str
    title: str
    organisation: str
    summary: str
    year: int
    fields: tuple[str, ...]
    meeting_id: int
    meeting_date: date
    neighbourhood_slug: str
    neighbourhood: str
    forum: str
    amounts: tuple[Amount, ...]
    #: Why money was deferred, refused or cut (``consensus.ReasonCategory``); None otherwise.
    reason_category: consensus.ReasonCategory | None = None

    @property
    def approved(self) -> bool:
        return self.outcome in APPROVALS

    @property
    def approved_total(self) -> int:
        return sum(a.approved for a in self.amounts)

    @property
    def requested_total(self) -> int:
        return sum(a.requested for a in self.amounts)


def _filtered(neighbourhood_id: int | None = None, *, year: int | None = None, programme_id: int | None = None,
              field_id: int | None = None, application_id: int | None = None, meeting_id: int | None = None,
              city_id: int | None = None, columns=(Decision.id,)):
    stmt = decision_select(*columns).join(Organisation, Application.organisation_id == Organisation.id)
    if city_id is not None:
        stmt = stmt.where(Neighbourhood.city_id == city_id)
    if neighbourhood_id is not None:
        stmt = stmt.where(Meeting.neighbourhood_id == neighbourhood_id,
                          Application.neighbourhood_id == neighbourhood_id)
    if year is not None:
        stmt = stmt.where(Application.year == year)
    if application_id is not None:
        stmt = stmt.where(Application.id == application_id)
    if meeting_id is not None:
        stmt = stmt.where(Meeting.id == meeting_id)
    if programme_id is not None:
        stmt = stmt.where(sa.or_(
            sa.exists().where(DecisionAmount.decision_id == Decision.id, DecisionAmount.programme_id == programme_id),
            sa.exists().where(FinancingItem.application_id == Application.id,
                              FinancingItem.source == FundingSource.PROGRAMME,
                              FinancingItem.programme_id == programme_id),
        ))
    if field_id is not None:
        stmt = stmt.where(sa.exists().where(application_field.c.application_id == Application.id,
                                            application_field.c.field_of_action_id == field_id))
    return stmt


def count_published_decisions(neighbourhood_id: int | None = None, **filters) -> int:
    """How many published decisions match (for the pages of a list): one query."""
    stmt = _filtered(neighbourhood_id, **filters)
    return db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()


def published_decisions(neighbourhood_id: int | None = None, *, year: int | None = None,
                        programme_id: int | None = None, field_id: int | None = None,
                        application_id: int | None = None, meeting_id: int | None = None,
                        limit: int | None = None, offset: int = 0, city_id: int | None = None,
                        newest_first: bool = True) -> list[PublishedDecision]:
    """Published decisions with their money and fields: five queries however many there are.

    ``neighbourhood_id=None``: every active neighbourhood. ``newest_first``: newest meeting
    first (the portal); otherwise by neighbourhood, then oldest meeting first (open data).
    ``limit``/``offset``: one page of them (years of decisions pile up; a page must not grow
    with them).
    """
    stmt = _filtered(neighbourhood_id, year=year, programme_id=programme_id, field_id=field_id,
                     application_id=application_id, meeting_id=meeting_id, city_id=city_id, columns=(
                         Decision.id, Decision.outcome, Decision.conditions, Decision.reason, Application.id,
                         Application.reference, Application.title, Organisation.name, Application.summary,
                         Application.year, Meeting.id, Meeting.date, Neighbourhood.slug, Neighbourhood.name,
                         Neighbourhood.forum_name, Decision.reason_category))
    if newest_first:
        stmt = stmt.order_by(Meeting.date.desc(), AgendaItem.position, Decision.id)
    else:
        stmt = stmt.order_by(Neighbourhood.name, Meeting.date, Meeting.id, AgendaItem.position, Decision.id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = db.session.execute(stmt).all()
    app_ids = list({r[4] for r in rows})
    book = load_amounts(app_ids, [r[0] for r in rows])
    fields = fields_of(app_ids)
    return [
        PublishedDecision(d_id, outcome, conditions or "", reason or "", app_id, reference, title, org, summary or "",
                          app_year, fields.get(app_id, ()), m_id, m_date, slug, nb_name, forum,
                          book.amounts(app_id, d_id, outcome), category)
        for (d_id, outcome, conditions, reason, app_id, reference, title, org, summary, app_year, m_id, m_date,
             slug, nb_name, forum, category) in rows
    ]


# --- the minutes record for the public -----------------------------------------------------


def for_audience(record: MinutesRecord, *, public: bool) -> MinutesRecord:
    """The record as the audience may see it.

    Internal: names as recorded. Public: residents' (everyone's) names only
    with recorded consent; apologies without consent are counted, not named.
    """

    def named(entry):
        return entry if (not public or entry.consent) else replace(entry, name="")

    agenda = []
    for entry in record.agenda:
        app = entry.application
        if app is not None:
            app = replace(app, objections=tuple(named(o) for o in app.objections),
                          recusals=tuple(named(r) for r in app.recusals))
        resolution = entry.resolution
        if resolution is not None:
            resolution = replace(resolution, objections=tuple(named(o) for o in resolution.objections),
                                 recusals=tuple(named(r) for r in resolution.recusals))
        agenda.append(replace(entry, application=app, resolution=resolution))

    attendance = record.attendance
    if public:
        attendance = AttendanceSummary(
            counts=attendance.counts,
            present=tuple(p for p in attendance.present if p.consent),
            apologies=tuple(p for p in attendance.apologies if p.consent),
            unnamed_apologies=sum(1 for p in attendance.apologies if not p.consent),
        )
    return replace(record, agenda=tuple(agenda), attendance=attendance, public=public)
