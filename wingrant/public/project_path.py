"""A funded project's way after the forum's decision, as the public sees it.

decided → granted → paid (share) → proof of use → closed, each with its date, read from what the
funding feature already holds, in one query. Amounts stay with the decision (the forum's figures);
payouts show as a share of the grant, which is what a reader wants to know ("has the money flowed?").
The report text and the photos are the QM's, published with the project page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..applications.models import ApplicationState, ApplicationTransition
from ..extensions import db
from ..funding.models import Grant, Payout, ProjectPhoto, ProjectReport, UseOfFundsReport


@dataclass(frozen=True)
class Step:
    key: str  # decided | granted | paid | report | closed
    done: bool
    on: date | None = None
    #: Paid share of the grant in whole percent (the "paid" step only).
    percent: int | None = None


@dataclass(frozen=True)
class ProjectPath:
    steps: tuple[Step, ...]
    report_text: str
    photos: tuple[ProjectPhoto, ...]

    @property
    def current(self) -> Step:
        """The last step reached."""
        return [s for s in self.steps if s.done][-1]


def _day(value) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def paid_percent(paid_cents: int, granted_cents: int) -> int:
    """Whole percent paid out, rounded down, so 99.6 % does not read as "all paid"."""
    if granted_cents <= 0:
        return 0
    return min(100, paid_cents * 100 // granted_cents)


def path_of(application_id: int, decided_on: date) -> ProjectPath:
    """The path of an application the forum approved on ``decided_on`` (the caller checked that it is
    public). Three small queries: the dates and sums, the report text, the photos."""
    grants = sa.select(Grant.id).where(Grant.application_id == application_id).scalar_subquery()
    row = db.session.execute(sa.select(
        sa.select(sa.func.min(Grant.granted_on)).where(Grant.application_id == application_id).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(Grant.amount_cents), 0))
        .where(Grant.application_id == application_id).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(Payout.amount_cents), 0))
        .where(Payout.grant_id.in_(grants)).scalar_subquery(),
        sa.select(sa.func.max(Payout.paid_on)).where(Payout.grant_id.in_(grants)).scalar_subquery(),
        sa.select(UseOfFundsReport.created_at).where(UseOfFundsReport.application_id == application_id)
        .scalar_subquery(),
        sa.select(sa.func.max(ApplicationTransition.created_at))
        .where(ApplicationTransition.application_id == application_id,
               ApplicationTransition.to_state == ApplicationState.CLOSED).scalar_subquery(),
    )).one()
    granted_at, granted, paid, last_paid, report_at, closed_at = row
    percent = paid_percent(paid, granted)
    steps = (
        Step("decided", True, decided_on),
        Step("granted", granted_at is not None, _day(granted_at)),
        Step("paid", paid > 0, _day(last_paid), percent if granted_at is not None else None),
        Step("report", report_at is not None, _day(report_at)),
        Step("closed", closed_at is not None, _day(closed_at)),
    )
    text = db.session.scalar(sa.select(ProjectReport.text).where(ProjectReport.application_id == application_id))
    photos = tuple(db.session.scalars(sa.select(ProjectPhoto).where(ProjectPhoto.application_id == application_id)
                                      .order_by(ProjectPhoto.id)))
    return ProjectPath(steps, text or "", photos)


def photo(application_id: int, storage_name: str) -> ProjectPhoto | None:
    return db.session.scalar(sa.select(ProjectPhoto).where(ProjectPhoto.storage_name == storage_name,
                                                           ProjectPhoto.application_id == application_id))
