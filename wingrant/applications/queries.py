"""Reads shared by the applications pages. Lists cost a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..core.pagination import Window, count
from ..extensions import db
from ..ledger.models import Budget
from ..ledger.queries import balances
from ..ledger.years import usable_years
from ..neighbourhoods.models import FieldOfAction, Programme
from ..organisations.models import Organisation
from .lifecycle import STATE_LABELS
from .models import (
    Application,
    ApplicationTransition,
    ApplicationVersion,
    Attachment,
    CostItem,
    FinancingItem,
    FundingSource,
    ImportRecord,
    application_field,
)
from .models import (
    ApplicationState as S,
)
from .rules import report_overdue_before

PER_PAGE = 25


def state_label(state: S) -> str:
    return str(STATE_LABELS[state])


# --- programmes and fields of action ------------------------------------------------


def active_programmes() -> list[Programme]:
    return list(db.session.execute(
        sa.select(Programme).where(Programme.active.is_(True)).order_by(Programme.position, Programme.code)
        .options(selectinload(Programme.lines))
    ).scalars())


def requestable_programmes(app: Application | None = None) -> list[Programme]:
    """Active programmes, plus any an existing application already requests from."""
    condition = Programme.active.is_(True)
    if app is not None and app.id is not None:
        condition = condition | Programme.id.in_(
            sa.select(FinancingItem.programme_id).where(FinancingItem.application_id == app.id))
    return list(db.session.execute(
        sa.select(Programme).where(condition).order_by(Programme.position, Programme.code)
        .options(selectinload(Programme.lines))).scalars())


def open_budget_programmes(neighbourhood_id: int, years: list[int]) -> dict[int, list[Programme]]:
    """Per year, the active programmes the neighbourhood has an open budget for: money allocated
    (more than 0 €) and the year not closed. What the public form offers; two queries.

    Money already bound does not close a budget: the forum may still decide (and the QM advise)
    on an application for a programme that is spent for now.
    """
    if not years:
        return {}
    rows = db.session.execute(
        sa.select(Budget.id, Budget.year, Programme)
        .join(Programme, Budget.programme_id == Programme.id)
        .where(Budget.neighbourhood_id == neighbourhood_id, Budget.year.in_(years), Budget.closed.is_(False),
               Programme.active.is_(True))
        .order_by(Budget.year, Programme.position, Programme.code)).all()
    allocated = balances([budget_id for budget_id, _year, _p in rows]) if rows else {}
    result: dict[int, list[Programme]] = {year: [] for year in years}
    for budget_id, year, programme in rows:
        # A programme with lines has one budget per line: it is offered once.
        if budget_id in allocated and allocated[budget_id].allocated > 0 and programme not in result[year]:
            result[year].append(programme)
    return result


def field_groups(selected_ids: list[int] | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The fields of action to choose from, grouped by programme: [(programme, [(id, name)])]."""
    condition = Programme.active.is_(True)
    if selected_ids:
        condition = condition | FieldOfAction.id.in_(selected_ids)
    rows = db.session.execute(
        sa.select(FieldOfAction.id, FieldOfAction.name, Programme.name.label("programme"))
        .join(Programme, FieldOfAction.programme_id == Programme.id)
        .where(condition)
        .order_by(Programme.position, Programme.code, FieldOfAction.position, FieldOfAction.name)
    ).all()
    groups: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        groups.setdefault(row.programme, []).append((row.id, row.name))
    return list(groups.items())


def form_years(current: int | None = None) -> list[int]:
    """The years an application may ask money for (``ledger.years``), and the one it already has."""
    years = set(usable_years())
    if current:
        years.add(current)
    return sorted(years)


# --- open work: shared by the list's filter and the start page's to-do list ----------------


def answered_query():
    """In review again because the applicant answered the Rückfrage: the last step came from "Rückfrage"."""
    last_from = (sa.select(ApplicationTransition.from_state)
                 .where(ApplicationTransition.application_id == Application.id)
                 .order_by(ApplicationTransition.id.desc()).limit(1).scalar_subquery())
    return sa.and_(Application.state == S.IN_REVIEW, last_from == S.QUERY.value)


def awaiting_grant():
    """Decided by the forum (or the administration), not yet formally granted."""
    return Application.state.in_([S.APPROVED, S.APPROVED_WITH_CHANGES])


def awaiting_first_payout():
    """Granted, nothing paid out yet (the first payout sets the project running)."""
    return Application.state == S.GRANTED


def report_overdue(today: date):
    """Granted or running, the proof of use not in, and its due date (``rules.report_due_on``) passed."""
    before = report_overdue_before(today)
    return sa.and_(Application.state.in_([S.GRANTED, S.RUNNING]),
                   sa.or_(Application.end_date < before,
                          sa.and_(Application.end_date.is_(None), Application.year < before.year)))


#: The list's "open work" filters (``?offen=…``): the same conditions the start page counts.
OPEN_WORK = {
    "antworten": lambda today: answered_query(),
    "bewilligen": lambda today: awaiting_grant(),
    "auszahlen": lambda today: awaiting_first_payout(),
    "nachweis": report_overdue,
}


# --- the list of applications -------------------------------------------------------


@dataclass
class Filters:
    q: str = ""
    state: S | None = None
    year: int | None = None
    programme_id: int | None = None
    organisation_id: int | None = None
    field_id: int | None = None
    #: A key of ``OPEN_WORK``.
    open_work: str | None = None
    sort: str = "-updated"
    page: int = 1


@dataclass
class ApplicationRow:
    id: int
    reference: str
    title: str
    state: S
    year: int
    organisation_id: int
    organisation_name: str
    total_cost_cents: int
    requested_cents: int
    updated_at: datetime
    #: [(programme code, programme name, cents)]
    requests: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return Window(self.page, self.per_page, self.total).pages


_STATE_ORDER = sa.case({state: i for i, state in enumerate(S)}, value=Application.state, else_=len(S))


def _sum_cents(column):
    """SUM of a BIGINT column as BIGINT (PostgreSQL widens it to NUMERIC, which reads as Decimal)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(column), 0), sa.BigInteger)


def _cost_total():
    return (sa.select(_sum_cents(CostItem.amount_cents))
            .where(CostItem.application_id == Application.id).scalar_subquery())


def _requested_total():
    return (sa.select(_sum_cents(FinancingItem.amount_cents))
            .where(FinancingItem.application_id == Application.id,
                   FinancingItem.source == FundingSource.PROGRAMME).scalar_subquery())


#: Sort keys of the list (``-key``: descending).
SORT_KEYS = ("updated", "reference", "title", "organisation", "requested", "cost", "state", "year")


def _sort_column(key: str, cost, requested):
    return {
        "updated": Application.updated_at, "reference": Application.reference,
        "title": sa.func.lower(Application.title), "organisation": sa.func.lower(Organisation.name),
        "requested": requested, "cost": cost, "state": _STATE_ORDER, "year": Application.year,
    }[key]


def _conditions(neighbourhood_id: int, filters: Filters) -> list:
    conditions = [Application.neighbourhood_id == neighbourhood_id]
    if filters.q:
        conditions.append(Application.title.icontains(filters.q, autoescape=True)
                          | Organisation.name.icontains(filters.q, autoescape=True)
                          | Application.reference.icontains(filters.q, autoescape=True))
    if filters.state is not None:
        conditions.append(Application.state == filters.state)
    if filters.year is not None:
        conditions.append(Application.year == filters.year)
    if filters.organisation_id is not None:
        conditions.append(Application.organisation_id == filters.organisation_id)
    if filters.programme_id is not None:
        conditions.append(sa.exists().where(FinancingItem.application_id == Application.id,
                                            FinancingItem.programme_id == filters.programme_id))
    if filters.field_id is not None:
        conditions.append(sa.exists().where(application_field.c.application_id == Application.id,
                                            application_field.c.field_of_action_id == filters.field_id))
    if filters.open_work in OPEN_WORK:
        conditions.append(OPEN_WORK[filters.open_work](date.today()))
    return conditions


def _rows(conditions: list, sort: str, *, limit: int, offset: int = 0) -> list[ApplicationRow]:
    """The rows of one page (or an export) with each row's requests per programme: two queries."""
    cost, requested = _cost_total(), _requested_total()
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    column = _sort_column(key if key in SORT_KEYS else "updated", cost, requested)
    order = [column.desc() if descending else column.asc(), Application.id.desc() if descending
             else Application.id.asc()]
    result = db.session.execute(
        sa.select(Application.id, Application.reference, Application.title, Application.state, Application.year,
                  Application.organisation_id, Organisation.name.label("organisation_name"),
                  cost.label("total_cost_cents"), requested.label("requested_cents"), Application.updated_at)
        .join(Organisation, Application.organisation_id == Organisation.id)
        .where(*conditions).order_by(*order).limit(limit).offset(offset)
    ).all()
    rows = [ApplicationRow(**r._asdict()) for r in result]
    if rows:
        by_id = {r.id: r for r in rows}
        for app_id, code, name, cents in db.session.execute(
            sa.select(FinancingItem.application_id, Programme.code, Programme.name,
                      _sum_cents(FinancingItem.amount_cents))
            .join(Programme, FinancingItem.programme_id == Programme.id)
            .where(FinancingItem.application_id.in_(by_id))
            .group_by(FinancingItem.application_id, Programme.code, Programme.name, Programme.position)
            .order_by(Programme.position, Programme.code)
        ):
            by_id[app_id].requests.append((code, name, int(cents)))
    return rows


def list_applications(neighbourhood_id: int, filters: Filters, per_page: int = PER_PAGE) -> Page:
    """One page of a neighbourhood's applications: three queries, whatever the page holds."""
    conditions = _conditions(neighbourhood_id, filters)
    base = sa.select(Application.id).join(Organisation, Application.organisation_id == Organisation.id) \
        .where(*conditions)
    window = Window.of(count(base), filters.page, per_page)
    rows = _rows(conditions, filters.sort, limit=per_page, offset=window.offset)
    return Page(rows=rows, total=window.total, page=window.page, per_page=per_page)


#: The most rows one export holds (a neighbourhood has 10–50 applications a year).
EXPORT_LIMIT = 10_000


def export_rows(neighbourhood_id: int, filters: Filters) -> list[ApplicationRow]:
    """Every application matching the filters, in the list's order: two queries."""
    return _rows(_conditions(neighbourhood_id, filters), filters.sort, limit=EXPORT_LIMIT)


def filter_choices(neighbourhood_id: int) -> dict:
    """What the list's filters offer: four small queries."""
    programmes = db.session.execute(
        sa.select(Programme.id, Programme.code, Programme.name).order_by(Programme.position, Programme.code)).all()
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(sa.select(Application.organisation_id)
                                   .where(Application.neighbourhood_id == neighbourhood_id)))
        .order_by(Organisation.name)).all()
    years = db.session.execute(
        sa.select(Application.year).where(Application.neighbourhood_id == neighbourhood_id).distinct()
        .order_by(Application.year.desc())).scalars().all()
    return {"programmes": programmes, "organisations": organisations, "years": years,
            "fields": field_groups()}


# --- one application ---------------------------------------------------------------


def latest_version(app: Application) -> ApplicationVersion | None:
    return db.session.execute(
        sa.select(ApplicationVersion).where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.version.desc()).limit(1)).scalar_one_or_none()


def attachments_query(application_id: int) -> sa.Select:
    """The application's attachments, oldest first (a SELECT: the API pages through it)."""
    return (sa.select(Attachment).where(Attachment.application_id == application_id)
            .order_by(Attachment.created_at, Attachment.id))


def attachments(app: Application) -> list[Attachment]:
    return list(db.session.execute(attachments_query(app.id)).scalars())


def import_record(app: Application) -> ImportRecord | None:
    """Where an imported application came from (None: it was entered in wingrant)."""
    return db.session.execute(sa.select(ImportRecord).filter_by(application_id=app.id)).scalar_one_or_none()
