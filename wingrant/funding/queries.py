"""Reads of the funding feature: an application's grants with what was paid and spent, its payouts,
its proof of use, and the grant and payout events of its timeline.

Importing this module adds those events to ``applications.timeline`` (the funding
blueprint imports it, so every app has them).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..applications.models import Application
from ..applications.timeline import TimelineEvent, add_source
from ..auth.models import User
from ..extensions import db
from ..neighbourhoods.models import Programme
from .models import Grant, Payout, UseOfFundsLine, UseOfFundsReport


@dataclass
class GrantRow:
    grant: Grant
    programme_name: str
    paid_cents: int
    line: UseOfFundsLine | None

    @property
    def spent_cents(self) -> int | None:
        return self.line.spent_cents if self.line else None


def grant_rows(app: Application) -> list[GrantRow]:
    """The application's grants with what was paid out and spent: three queries."""
    grants = db.session.execute(
        sa.select(Grant, Programme.name).join(Programme, Grant.programme_id == Programme.id)
        .where(Grant.application_id == app.id).order_by(Programme.position, Programme.code, Grant.id)).all()
    ids = [g.id for g, _name in grants]
    paid = dict(db.session.execute(
        sa.select(Payout.grant_id, sa.cast(sa.func.sum(Payout.amount_cents), sa.BigInteger))
        .where(Payout.grant_id.in_(ids)).group_by(Payout.grant_id)).all()) if ids else {}
    lines = {line.grant_id: line for line in db.session.execute(
        sa.select(UseOfFundsLine).where(UseOfFundsLine.grant_id.in_(ids))).scalars()} if ids else {}
    return [GrantRow(g, name, int(paid.get(g.id) or 0), lines.get(g.id)) for g, name in grants]


def payouts_query(application_id: int, grant_id: int | None = None) -> sa.Select:
    """The application's payouts (of one grant), oldest first, with their grant (a SELECT: the API pages)."""
    stmt = (sa.select(Payout, Grant).join(Grant, Payout.grant_id == Grant.id)
            .where(Grant.application_id == application_id).order_by(Payout.paid_on, Payout.id))
    return stmt if grant_id is None else stmt.where(Grant.id == grant_id)


def payouts(app: Application) -> list[Payout]:
    return [payout for payout, _grant in db.session.execute(payouts_query(app.id)).all()]


def report_of(app: Application) -> UseOfFundsReport | None:
    return db.session.execute(
        sa.select(UseOfFundsReport).filter_by(application_id=app.id)).scalar_one_or_none()


@add_source
def timeline_events(app: Application) -> list[TimelineEvent]:
    """The grants and payouts of the application's story (its page's timeline): two queries."""
    events = [
        TimelineEvent(g.created_at, "grant", name or "", amount_cents=g.amount_cents, programme=programme,
                      grant_number=g.number, on=g.granted_on)
        for g, programme, name in db.session.execute(
            sa.select(Grant, Programme.name, User.name).join(Programme, Grant.programme_id == Programme.id)
            .outerjoin(User, Grant.granted_by_id == User.id).where(Grant.application_id == app.id))
    ]
    events += [
        TimelineEvent(p.created_at, "payout", name or "", text=p.memo, amount_cents=p.amount_cents,
                      programme=programme, grant_number=number, on=p.paid_on)
        for p, number, programme, name in db.session.execute(
            sa.select(Payout, Grant.number, Programme.name, User.name).join(Grant, Payout.grant_id == Grant.id)
            .join(Programme, Grant.programme_id == Programme.id)
            .outerjoin(User, Payout.created_by_id == User.id).where(Grant.application_id == app.id))
    ]
    return events
