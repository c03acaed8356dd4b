"""The concerns' rules as pure functions: what a follow-up may say, and a concern's state on a day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from .models import OPEN_STATUSES, ConcernStatus


@dataclass(frozen=True)
class Step:
    """A follow-up as the rules see it."""

    date: date
    status: ConcernStatus
    office: str = ""
    note: str = ""


@dataclass(frozen=True)
class Problem:
    message: str
    field: str


def follow_up_problems(new: Step, history: Sequence[Step], *, raised_on: date, today: date) -> list[Problem]:
    """Why ``new`` cannot be appended to ``history`` (oldest first); empty when it can.

    The history is told in order: a step is never dated before the concern was raised, before the
    step it follows, or in the future. "Weitergeleitet" names where to; a step says something new
    (a status, an office or a note), so the public list does not fill with empty lines.
    """
    problems = []
    if new.date > today:
        problems.append(Problem(str(_l("Das Datum liegt in der Zukunft.")), "date"))
    elif new.date < raised_on:
        problems.append(Problem(str(_l("Das Datum liegt vor dem Tag, an dem das Anliegen aufgenommen wurde "
                                       "(%(day)s).", day=raised_on.strftime("%d.%m.%Y"))), "date"))
    elif history and new.date < history[-1].date:
        problems.append(Problem(str(_l("Das Datum liegt vor dem letzten Schritt (%(day)s). Die Schritte stehen "
                                       "in zeitlicher Folge.", day=history[-1].date.strftime("%d.%m.%Y"))), "date"))
    office = current_office(history)
    if new.status == ConcernStatus.FORWARDED and not (new.office or office):
        problems.append(Problem(str(_l("Bitte angeben, an welche Stelle das Anliegen weitergeleitet wurde.")),
                                "office"))
    if history and new.status == history[-1].status and not new.note and new.office in ("", office):
        problems.append(Problem(str(_l("Der Schritt ändert nichts: bitte einen anderen Status, eine Stelle oder "
                                       "eine Notiz angeben.")), "note"))
    return problems


def current_office(history: Sequence[Step]) -> str:
    """The office named last (a step without one keeps the previous)."""
    for step in reversed(history):
        if step.office:
            return step.office
    return ""


def state_on(history: Iterable[Step], day: date) -> Step | None:
    """Status and office as they stood at the end of ``day`` (``None``: not raised yet)."""
    found: Step | None = None
    office = ""
    for step in history:
        if step.date > day:
            break
        office = step.office or office
        found = Step(step.date, step.status, office, step.note)
    return found


def is_open(status: ConcernStatus) -> bool:
    return status in OPEN_STATUSES


def office_suggestions(offices: Iterable[str], limit: int = 30) -> list[str]:
    """Earlier offices for the input's suggestions: each once (ignoring case and spaces), most used first."""
    counts: dict[str, tuple[int, str]] = {}
    for office in offices:
        text = " ".join((office or "").split())
        if not text:
            continue
        key = text.casefold()
        n, first = counts.get(key, (0, text))
        counts[key] = (n + 1, first)
    ranked = sorted(counts.values(), key=lambda pair: (-pair[0], pair[1].casefold()))
    return [text for _n, text in ranked[:limit]]
