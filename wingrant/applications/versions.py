"""Snapshots of an application as the forum saw it, and what changed since.

When the forum has seen an application (it deferred it) and the application is
changed afterwards, the state the forum saw is kept as an ``ApplicationVersion``
and ``Application.version`` goes up by one — once per round: further edits
before the forum sees it again belong to the same new version. The detail page
compares the newest snapshot with the application as it is now.

``snapshot`` reads an application; ``diff`` is pure and works on two snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .forms import COST_CATEGORY_LABELS, FUNDING_SOURCE_LABELS
from .models import Application, CostCategory, FundingSource

#: Text fields compared between versions, in the order of the page.
TEXT_FIELDS = {
    "organisation": _l("Träger"),
    "title": _l("Titel"),
    "summary": _l("Kurzbeschreibung"),
    "description": _l("Beschreibung"),
    "goals": _l("Ziele"),
    "target_groups": _l("Zielgruppen"),
    "fields_of_action": _l("Handlungsfelder"),
    "place": _l("Ort"),
    "period": _l("Zeitraum"),
    "expected_participants": _l("Erwartete Teilnehmende"),
    "year": _l("Förderjahr"),
}


def snapshot(app: Application) -> dict:
    """The application's texts and amounts as JSON-safe data."""
    period = " – ".join(d.strftime("%d.%m.%Y") for d in (app.start_date, app.end_date) if d)
    requested: dict[str, int] = {}
    funding = []
    for item in app.financing_items:
        name = item.programme.name if item.programme is not None else None
        funding.append({"source": item.source.value, "programme": name, "description": item.description,
                        "amount_cents": item.amount_cents})
        if name is not None:
            requested[name] = requested.get(name, 0) + item.amount_cents
    return {
        "version": app.version,
        "organisation": app.organisation.name if app.organisation else "",
        "title": app.title,
        "summary": app.summary,
        "description": app.description,
        "goals": app.goals,
        "target_groups": app.target_groups,
        "fields_of_action": ", ".join(sorted(f.name for f in app.fields_of_action)),
        "place": app.place,
        "period": period,
        "expected_participants": "" if app.expected_participants is None else str(app.expected_participants),
        "year": str(app.year),
        "costs": [{"category": c.category.value, "description": c.description, "amount_cents": c.amount_cents}
                  for c in app.cost_items],
        "funding": funding,
        "total_cost_cents": sum(c.amount_cents for c in app.cost_items),
        "requested": requested,
    }


def content(snap: dict) -> dict:
    """A snapshot without its bookkeeping keys: equal content means nothing changed."""
    return {k: v for k, v in snap.items() if k not in ("version", "deferral_transition_id")}


@dataclass(frozen=True)
class TextChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AmountChange:
    label: str
    before: int | None  # None: did not exist
    after: int | None

    @property
    def difference(self) -> int:
        return (self.after or 0) - (self.before or 0)


@dataclass(frozen=True)
class Changes:
    since_version: int
    texts: list[TextChange]
    amounts: list[AmountChange]

    def __bool__(self) -> bool:
        return bool(self.texts or self.amounts)


def _funding_totals(snap: dict) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in snap.get("funding", []):
        if line.get("programme") is None:
            totals[line["source"]] = totals.get(line["source"], 0) + line["amount_cents"]
    return totals


def _cost_lines(snap: dict) -> dict[tuple[str, str], int]:
    lines: dict[tuple[str, str], int] = {}
    for line in snap.get("costs", []):
        key = (line["category"], line["description"])
        lines[key] = lines.get(key, 0) + line["amount_cents"]
    return lines


def diff(old: dict, new: dict) -> Changes:
    """What changed from ``old`` (as the forum saw it) to ``new``: texts, then amounts."""
    texts = [TextChange(str(label), str(old.get(key, "")), str(new.get(key, "")))
             for key, label in TEXT_FIELDS.items() if old.get(key, "") != new.get(key, "")]
    amounts: list[AmountChange] = []
    if old.get("total_cost_cents") != new.get("total_cost_cents"):
        amounts.append(AmountChange(str(_l("Gesamtkosten")), old.get("total_cost_cents"),
                                    new.get("total_cost_cents")))
    old_req, new_req = old.get("requested", {}), new.get("requested", {})
    for name in sorted(set(old_req) | set(new_req)):
        if old_req.get(name) != new_req.get(name):
            amounts.append(AmountChange(str(_l("Beantragt aus %(programme)s", programme=name)),
                                        old_req.get(name), new_req.get(name)))
    old_fund, new_fund = _funding_totals(old), _funding_totals(new)
    for source in FundingSource:
        if source.value in old_fund or source.value in new_fund:
            if old_fund.get(source.value) != new_fund.get(source.value):
                amounts.append(AmountChange(str(FUNDING_SOURCE_LABELS[source]), old_fund.get(source.value),
                                            new_fund.get(source.value)))
    old_costs, new_costs = _cost_lines(old), _cost_lines(new)
    for key in list(old_costs) + [k for k in new_costs if k not in old_costs]:
        if old_costs.get(key) != new_costs.get(key):
            category, description = key
            label = f"{COST_CATEGORY_LABELS[CostCategory(category)]}: {description}"
            amounts.append(AmountChange(str(_l("Kostenplan – %(line)s", line=label)),
                                        old_costs.get(key), new_costs.get(key)))
    return Changes(since_version=old.get("version", 0), texts=texts, amounts=amounts)
