"""German wording used in the minutes (lazy, via Babel).

The minutes keep their own copy of these few labels rather than importing the
meetings feature's view helpers: the minutes are a document of record, and
their wording should not change when a screen of the live meeting does.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..meetings.consensus import ReasonCategory
from ..meetings.models import AgendaItemKind, AttendeeGroup, Outcome, ResolutionKind
from .models import MinutesState

GROUPS = {
    AttendeeGroup.RESIDENTS: _l("Bewohner:innen"),
    AttendeeGroup.INSTITUTIONS: _l("Einrichtungen und Träger"),
    AttendeeGroup.ADMINISTRATION: _l("Verwaltung"),
    AttendeeGroup.POLITICS: _l("Politik / Beirat"),
    AttendeeGroup.HOUSING: _l("Wohnungswirtschaft"),
    AttendeeGroup.GUESTS: _l("Gäste"),
}

OUTCOMES = {
    Outcome.APPROVED: _l("beschlossen"),
    Outcome.APPROVED_WITH_CHANGES: _l("beschlossen mit Änderungen"),
    Outcome.DEFERRED: _l("vertagt"),
    Outcome.REJECTED: _l("abgelehnt"),
    Outcome.WITHDRAWN: _l("zurückgezogen"),
    Outcome.REFERRED: _l("an die WiN-Geschäftsführung verwiesen"),
}

KINDS = {
    AgendaItemKind.WELCOME: _l("Begrüßung"),
    AgendaItemKind.MINUTES_APPROVAL: _l("Genehmigung des Protokolls der letzten Sitzung"),
    AgendaItemKind.REPORTS: _l("Berichte / Vorstellungen"),
    AgendaItemKind.APPLICATION: _l("Beratung und Beschluss der Anträge"),
    AgendaItemKind.RESIDENTS: _l("Wünsche und Anliegen der Bewohner:innen"),
    AgendaItemKind.OTHER: _l("Sonstiges"),
    AgendaItemKind.CUSTOM: _l("Weiterer Tagesordnungspunkt"),
    AgendaItemKind.RESOLUTION: _l("Beschluss / Stellungnahme ohne Antrag"),
}

RESOLUTION_KINDS = {
    ResolutionKind.RESOLUTION: _l("Beschluss"),
    ResolutionKind.STATEMENT: _l("Stellungnahme"),
}

#: A resolution is not an application: it is "nicht beschlossen", not "abgelehnt".
RESOLUTION_OUTCOMES = {
    Outcome.APPROVED: _l("beschlossen"),
    Outcome.APPROVED_WITH_CHANGES: _l("geändert beschlossen"),
    Outcome.DEFERRED: _l("vertagt"),
    Outcome.REJECTED: _l("nicht beschlossen"),
}

#: Why money was deferred, refused or cut: printed beside the outcome, so unmet demand is visible.
REASON_CATEGORIES = {
    ReasonCategory.LACK_OF_MONEY: _l("Mittel nicht ausreichend"),
    ReasonCategory.CONTENT: _l("Inhaltliche Gründe"),
    ReasonCategory.FORMAL: _l("Formale Gründe / unvollständig"),
    ReasonCategory.OTHER: _l("Sonstiges"),
    ReasonCategory.NOT_RECORDED: _l("nicht erfasst"),
}

STATES = {
    MinutesState.DRAFT: _l("Entwurf"),
    MinutesState.APPROVED: _l("genehmigt"),
    MinutesState.PUBLISHED: _l("veröffentlicht"),
}


def init_labels(app) -> None:
    """Make the labels available to every template as ``minutes_labels``."""
    app.jinja_env.globals["minutes_labels"] = {
        "groups": GROUPS, "outcomes": OUTCOMES, "kinds": KINDS, "states": STATES,
        "resolution_kinds": RESOLUTION_KINDS, "resolution_outcomes": RESOLUTION_OUTCOMES,
        "reason_categories": REASON_CATEGORIES,
    }
