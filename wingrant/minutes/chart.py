"""Geometry of the budget bar chart, drawn as inline SVG by a template macro.

Pure arithmetic, no Flask: every bar is split into segments (money bound
earlier, bound at this meeting, still available) with widths proportional to
the largest bar. Colours are SVG presentation attributes and classes — never
``style`` attributes — so the same SVG passes the web CSP and renders in
WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Drawing units of the viewBox; the SVG scales to its container.
WIDTH = 600
LABEL_WIDTH = 150
BAR_HEIGHT = 22
GAP = 14
TOP = 8

#: (css class, fill colour) per segment kind; colours meet 3:1 against white and each other.
SEGMENT_STYLES = {
    "before": ("seg-before", "#003a63"),
    "here": ("seg-here", "#b85c00"),
    "available": ("seg-available", "#8fb8d8"),
}


@dataclass(frozen=True)
class Segment:
    kind: str
    css_class: str
    fill: str
    x: float
    width: float
    value: int


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple[Segment, ...]
    total: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    #: Segment kinds that occur, in drawing order (for the legend).
    kinds: tuple[str, ...]


def bar_chart(rows: list[tuple[str, list[tuple[str, int]]]]) -> Chart:
    """``rows``: (label, [(kind, cents), …]); negative or zero segments are not drawn."""
    span = WIDTH - LABEL_WIDTH - 10
    largest = max((sum(max(v, 0) for _k, v in segs) for _l, segs in rows), default=0) or 1
    bars = []
    kinds: list[str] = []
    for n, (label, segs) in enumerate(rows):
        x = float(LABEL_WIDTH)
        segments = []
        for kind, value in segs:
            if value <= 0:
                continue
            width = round(span * value / largest, 2)
            css_class, fill = SEGMENT_STYLES[kind]
            segments.append(Segment(kind, css_class, fill, round(x, 2), width, value))
            x += width
            if kind not in kinds:
                kinds.append(kind)
        bars.append(Bar(label, TOP + n * (BAR_HEIGHT + GAP), tuple(segments), sum(max(v, 0) for _k, v in segs)))
    order = list(SEGMENT_STYLES)
    height = TOP * 2 + len(rows) * (BAR_HEIGHT + GAP)
    return Chart(WIDTH, height, LABEL_WIDTH, BAR_HEIGHT, tuple(bars), tuple(sorted(kinds, key=order.index)))


def minutes_chart(budgets) -> Chart:
    """The minutes' chart: per budget, bound before / at this meeting / still available."""
    return bar_chart([
        (f"{_short(b.name, b.code)} {b.year}", [("before", b.committed_before), ("here", b.committed_here),
                                ("available", b.available)])
        for b in budgets
    ])


def status_chart(rows) -> Chart:
    """The portal's chart: per budget, bound (net) and still available."""
    return bar_chart([
        (_short(row.programme.name, row.programme.code),
         [("before", row.balance.net_committed), ("available", row.balance.available)])
        for row in rows
    ])


def _short(name: str, code: str) -> str:
    """The programme's name where it fits the label column, else its code."""
    return name if len(name) <= 14 else code
