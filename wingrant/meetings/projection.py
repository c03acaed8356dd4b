"""What the budgets would look like if the forum approved every application on an agenda: pure.

The forum reads the agenda top to bottom; each application spends from what the
ones before it left. So the projection is cumulative: item 1 starts from what is
available now, item 2 from what item 1 would leave, and so on. Computing every
item from the same start (as the invitation once did) shows each item as
affordable even when together they are not.

Keys are whatever identifies a budget (the caller uses ``(programme_id, line_id, year)``);
a request for a key without a budget has no step (the caller says "kein Budget").
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Step:
    """One budget around one item: available before it, and after it if it is approved as requested."""

    before: int
    after: int

    @property
    def overspend(self) -> bool:
        return self.after < 0


def available_after_agenda(available: Mapping[K, int],
                           requests: Sequence[Mapping[K, int]]) -> list[dict[K, Step]]:
    """Per item in agenda order, per budget it asks money from: available before and after it."""
    left = dict(available)
    steps: list[dict[K, Step]] = []
    for request in requests:
        item: dict[K, Step] = {}
        for key, cents in request.items():
            if key not in left:
                continue
            item[key] = Step(left[key], left[key] - cents)
            left[key] -= cents
        steps.append(item)
    return steps


def totals_after_agenda(available: Mapping[K, int], requests: Sequence[Mapping[K, int]]) -> dict[K, Step]:
    """Per budget the agenda asks money from: available now, and after everything on it is approved."""
    asked = {key for request in requests for key in request if key in available}
    after = dict(available)
    for request in requests:
        for key, cents in request.items():
            if key in after:
                after[key] -= cents
    return {key: Step(available[key], after[key]) for key in available if key in asked}
