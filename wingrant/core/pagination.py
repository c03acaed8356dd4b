"""Paging through a counted list: which slice a page shows, the requested number clamped into range.

Every paged list (applications, Träger, the budget overview, the portal's decisions) counts its
rows with one query and reads one page with LIMIT/OFFSET; ``Window`` is the arithmetic they share,
and the ``pagination`` template macro shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db


@dataclass(frozen=True)
class Window:
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, total: int, requested: int | None, per_page: int) -> Window:
        """Page ``requested`` of ``total`` rows; a number past the end shows the last page, garbage the first."""
        last = cls(1, per_page, total).pages
        return cls(min(max(1, requested or 1), last), per_page, total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def count(stmt: sa.Select) -> int:
    """How many rows ``stmt`` selects (one query)."""
    return db.session.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
