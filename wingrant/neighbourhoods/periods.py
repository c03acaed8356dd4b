"""The pure rules of Förderzeiträume (funding periods of an area), without database or Flask.

A neighbourhood is a Fördergebiet while one of its periods covers the day. Periods of the same
neighbourhood and programme (``programme_id`` None = the WiN area as a whole) never overlap; a period
ends on or after the day it starts; an open period (no end) runs on. A neighbourhood with no period
recorded at all is treated as current: the rules restrict only where the history has been entered
(the migration gives every existing neighbourhood an open period).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol


class PeriodLike(Protocol):
    @property
    def programme_id(self) -> int | None: ...
    @property
    def valid_from(self) -> date: ...
    @property
    def valid_until(self) -> date | None: ...


@dataclass(frozen=True)
class Span:
    """A period as the rules see it."""

    valid_from: date
    valid_until: date | None = None
    programme_id: int | None = None


@dataclass(frozen=True)
class Range:
    """Years of a merged stretch of periods, as the portal shows it ("seit 1999", "1999–2024")."""

    first_year: int
    last_year: int | None  # None: still running


def in_order(valid_from: date, valid_until: date | None) -> bool:
    """An end, if there is one, lies on or after the start."""
    return valid_until is None or valid_until >= valid_from


def overlaps(a: PeriodLike, b: PeriodLike) -> bool:
    """Two periods of the same programme (or both of the whole area) that share at least one day."""
    if a.programme_id != b.programme_id:
        return False
    a_ends_before_b = a.valid_until is not None and a.valid_until < b.valid_from
    b_ends_before_a = b.valid_until is not None and b.valid_until < a.valid_from
    return not (a_ends_before_b or b_ends_before_a)


def first_overlap(existing: Iterable[PeriodLike], new: PeriodLike) -> PeriodLike | None:
    """The first stored period the new one would overlap, or None when it fits."""
    return next((p for p in existing if overlaps(p, new)), None)


def covers(period: PeriodLike, day: date) -> bool:
    return period.valid_from <= day and (period.valid_until is None or day <= period.valid_until)


def is_current(periods: Sequence[PeriodLike], day: date) -> bool:
    """A current area on ``day``: some period (of any programme) covers it, or no history is recorded."""
    return not periods or any(covers(p, day) for p in periods)


def _applies_to(period: PeriodLike, programme_id: int | None) -> bool:
    """A whole-area period applies to every programme; a programme's period only to its programme."""
    return period.programme_id is None or programme_id is None or period.programme_id == programme_id


def covers_year(periods: Sequence[PeriodLike], year: int, programme_id: int | None = None) -> bool:
    """May money of ``year`` (a budget, an application's Förderjahr) be planned for the area?

    Yes when a period that applies to the programme shares a day with the year, or when no history is
    recorded. ``programme_id`` None asks about any programme.
    """
    if not periods:
        return True
    year_span = Span(date(year, 1, 1), date(year, 12, 31))
    return any(_applies_to(p, programme_id) and overlaps(Span(p.valid_from, p.valid_until), year_span)
               for p in periods)


def last_end(periods: Sequence[PeriodLike]) -> date | None:
    """The day the area stopped being funded (None while a period is open or none is recorded)."""
    if not periods or any(p.valid_until is None for p in periods):
        return None
    return max(p.valid_until for p in periods if p.valid_until is not None)


def ranges(periods: Sequence[PeriodLike]) -> list[Range]:
    """The whole-area periods (or, where there are none, all periods) merged where they touch or
    overlap, as years, oldest first: a correction that ends one period and starts the next the day
    after reads as one stretch."""
    chosen = [p for p in periods if p.programme_id is None] or list(periods)
    merged: list[list[date | None]] = []
    for p in sorted(chosen, key=lambda p: p.valid_from):
        if merged:
            end = merged[-1][1]
            if end is None or p.valid_from <= end + timedelta(days=1):
                if end is not None and (p.valid_until is None or p.valid_until > end):
                    merged[-1][1] = p.valid_until
                continue
        merged.append([p.valid_from, p.valid_until])
    return [Range(start.year, end.year if end else None) for start, end in merged if start is not None]
