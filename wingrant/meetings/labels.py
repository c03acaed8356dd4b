"""German wording of the meeting enums and of the consensus reasons (lazy, via Babel)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .consensus import Outcome, Reason, ReasonCategory
from .models import AgendaItemKind, AttendeeGroup, MeetingState, ResolutionKind, SignalKind, SignalState

#: Why money was deferred, refused or cut (the figures of unmet demand count "lack of money").
REASON_CATEGORIES = {
    ReasonCategory.LACK_OF_MONEY: _l("Mittel nicht ausreichend"),
    ReasonCategory.CONTENT: _l("Inhaltliche Gründe"),
    ReasonCategory.FORMAL: _l("Formale Gründe / unvollständig"),
    ReasonCategory.OTHER: _l("Sonstiges"),
    ReasonCategory.NOT_RECORDED: _l("nicht erfasst"),
}

MEETING_STATES = {
    MeetingState.PLANNED: _l("geplant"),
    MeetingState.INVITED: _l("eingeladen"),
    MeetingState.HELD: _l("durchgeführt"),
    MeetingState.MINUTES_APPROVED: _l("Protokoll genehmigt"),
}

#: The button that moves a meeting into the state.
MEETING_STATE_ACTIONS = {
    MeetingState.INVITED: _l("Als eingeladen markieren"),
    MeetingState.HELD: _l("Als durchgeführt markieren"),
}

OUTCOMES = {
    Outcome.APPROVED: _l("beschlossen"),
    Outcome.APPROVED_WITH_CHANGES: _l("beschlossen mit Änderungen"),
    Outcome.DEFERRED: _l("vertagt"),
    Outcome.REJECTED: _l("abgelehnt"),
    Outcome.WITHDRAWN: _l("zurückgezogen"),
    Outcome.REFERRED: _l("an die Geschäftsführung verwiesen"),
}

GROUPS = {
    AttendeeGroup.RESIDENTS: _l("Bewohner:innen"),
    AttendeeGroup.INSTITUTIONS: _l("Einrichtungen und Träger"),
    AttendeeGroup.ADMINISTRATION: _l("Verwaltung"),
    AttendeeGroup.POLITICS: _l("Politik / Beirat"),
    AttendeeGroup.HOUSING: _l("Wohnungswirtschaft"),
    AttendeeGroup.GUESTS: _l("Gäste"),
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

#: How the outcome of a resolution reads (it is not an application: "nicht beschlossen", not "abgelehnt").
RESOLUTION_OUTCOME_LABELS = {
    Outcome.APPROVED: _l("beschlossen"),
    Outcome.APPROVED_WITH_CHANGES: _l("geändert beschlossen"),
    Outcome.DEFERRED: _l("vertagt"),
    Outcome.REJECTED: _l("nicht beschlossen"),
}

#: Why an outcome is or is not possible: shown in the live meeting and as refusal messages.
REASONS = {
    Reason.CONSENSUS: _l("Konsens: Es steht kein Einwand. Das Forum kann den Antrag beschließen."),
    Reason.MAJORITY: _l("Die Abstimmung hat eine Mehrheit ergeben."),
    Reason.OPEN: _l("Vertagen, Ablehnen und Zurückziehen sind immer möglich."),
    Reason.DISSENT_REFERRAL: _l("Kein Konsens: Der Fall geht an die WiN-Geschäftsführung (Dissens-Verfahren)."),
    Reason.BLOCKED: _l("Kein Konsens: Solange ein Einwand steht, kann der Antrag nicht beschlossen werden. "
                       "Möglich sind Vertagen, Ablehnen, Zurückziehen oder – wenn die Geschäftsordnung es "
                       "erlaubt – die Verweisung an die Geschäftsführung."),
    Reason.VOTE_REQUIRED: _l("Kein Konsens. Nach den Vertagungen, die die Geschäftsordnung verlangt, darf "
                             "abgestimmt werden: Bitte das Abstimmungsergebnis eintragen."),
    Reason.NO_MAJORITY: _l("Die Abstimmung hat keine Mehrheit ergeben (Ja-Stimmen müssen die Nein-Stimmen "
                           "übersteigen)."),
    Reason.REFERRAL_NOT_ALLOWED: _l("Die Geschäftsordnung dieses Forums sieht keine Verweisung an die "
                                    "Geschäftsführung vor."),
    Reason.NO_DISSENT: _l("Es gibt keinen Dissens: Eine Verweisung an die Geschäftsführung ist nur möglich, "
                          "wenn ein Einwand steht."),
    Reason.VOTE_NOT_ALLOWED: _l("Eine Abstimmung ist nach der Geschäftsordnung hier (noch) nicht zulässig; "
                                "das Forum entscheidet im Konsens."),
    Reason.INVALID_VOTES: _l("Das Abstimmungsergebnis ist nicht möglich: keine negativen Zahlen und nicht mehr "
                             "Stimmen als stimmberechtigte Anwesende."),
}

#: Why a resolution cannot be adopted (the application's wording speaks of withdrawal and referral).
RESOLUTION_BLOCKED = _l("Kein Konsens: Solange ein Einwand steht, kann der Entwurf nicht beschlossen werden – auch "
                        "nicht geändert. Möglich sind Vertagen oder „nicht beschlossen“; ein zurückgezogener Einwand "
                        "blockiert nicht mehr.")

SIGNAL_KINDS = {
    SignalKind.OBJECTION: _l("Einwand"),
    SignalKind.QUESTION: _l("Frage"),
    SignalKind.CONSENT: _l("Zustimmung"),
}

SIGNAL_STATES = {
    SignalState.PENDING: _l("wartet auf die Sitzungsleitung"),
    SignalState.RECORDED: _l("als Einwand aufgenommen"),
    SignalState.DISMISSED: _l("von der Sitzungsleitung verworfen"),
    SignalState.SEEN: _l("von der Sitzungsleitung gesehen"),
}
