"""The "Zu erledigen" entries as the start page shows them: a counted German label and the page where the
work is done (a filtered application list, the meetings or the minutes — or the one meeting concerned)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import ngettext

from .queries import NeighbourhoodWork, Work


@dataclass(frozen=True)
class Entry:
    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class Group:
    name: str
    slug: str
    entries: list[Entry]


def _label(kind: str, n: int) -> str:
    labels = {
        "new": lambda: ngettext("%(num)s neuer Antrag", "%(num)s neue Anträge", n),
        "answered": lambda: ngettext("%(num)s Antwort auf eine Rückfrage", "%(num)s Antworten auf Rückfragen", n),
        "agenda": lambda: ngettext("%(num)s Antrag bereit für die Tagesordnung",
                                   "%(num)s Anträge bereit für die Tagesordnung", n),
        "invite": lambda: ngettext("%(num)s Sitzung einzuladen", "%(num)s Sitzungen einzuladen", n),
        "hold": lambda: ngettext("%(num)s vergangene Sitzung nicht als durchgeführt markiert",
                                 "%(num)s vergangene Sitzungen nicht als durchgeführt markiert", n),
        "minutes_write": lambda: ngettext("%(num)s Protokoll zu schreiben", "%(num)s Protokolle zu schreiben", n),
        "minutes_draft": lambda: ngettext("%(num)s Protokollentwurf noch nicht genehmigt",
                                          "%(num)s Protokollentwürfe noch nicht genehmigt", n),
        "minutes_approve": lambda: ngettext("%(num)s Protokollentwurf zu genehmigen",
                                            "%(num)s Protokollentwürfe zu genehmigen", n),
        "minutes_publish": lambda: ngettext("%(num)s genehmigtes Protokoll zu veröffentlichen",
                                            "%(num)s genehmigte Protokolle zu veröffentlichen", n),
        "referred": lambda: ngettext("%(num)s verwiesener Fall (Dissens-Verfahren)",
                                     "%(num)s verwiesene Fälle (Dissens-Verfahren)", n),
        "grant": lambda: ngettext("%(num)s Bewilligung zu erteilen", "%(num)s Bewilligungen zu erteilen", n),
        "payout": lambda: ngettext("%(num)s bewilligtes Projekt ohne Auszahlung",
                                   "%(num)s bewilligte Projekte ohne Auszahlung", n),
        "report_overdue": lambda: ngettext("%(num)s Verwendungsnachweis überfällig",
                                           "%(num)s Verwendungsnachweise überfällig", n),
    }
    return labels[kind]()


#: Where each kind's work is done: the application list filtered to exactly the counted applications.
_APPLICATION_LIST_ARGS = {
    "new": {"state": "submitted"}, "answered": {"offen": "antworten"}, "referred": {"state": "referred"},
    "grant": {"offen": "bewilligen"}, "payout": {"offen": "auszahlen"}, "report_overdue": {"offen": "nachweis"},
}


def _url(slug: str, item: Work) -> str:
    if item.kind in _APPLICATION_LIST_ARGS:
        return url_for("applications.index", slug=slug, **_APPLICATION_LIST_ARGS[item.kind])
    if item.kind in ("agenda", "invite", "hold"):  # the agenda is built on a meeting's page
        if item.meeting_id is not None:
            return url_for("meetings.show", slug=slug, meeting_id=item.meeting_id)
        return url_for("meetings.index", slug=slug)
    if item.meeting_id is not None:
        return url_for("minutes.show", slug=slug, meeting_id=item.meeting_id)
    return url_for("minutes.index", slug=slug)


def groups(work: list[NeighbourhoodWork]) -> list[Group]:
    return [Group(w.name, w.slug, [Entry(i.kind, _label(i.kind, i.count), _url(w.slug, i)) for i in w.items])
            for w in work]
