"""The notices wingrant sends, who gets them, and which an account may switch off.

Mail to applicants, subscribers and attendees answers something they did (applied, subscribed,
gave their address at a meeting) and is not switched off here (subscribers unsubscribe with one
click). Staff notices are on by default; every
account chooses on its settings page (``preferences.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # a lazy string: rendered in the reader's language
    #: ``manager``/``minutes`` (a neighbourhood role), ``admin``, or ``applicant``/``subscriber``/``attendee``.
    audience: str

    @property
    def for_accounts(self) -> bool:
        return self.audience in ("manager", "minutes", "admin")


KINDS: dict[str, Kind] = {k.name: k for k in (
    # To the Träger (through the application's contact address).
    Kind("applicant.receipt", _l("Eingangsbestätigung eines Antrags"), "applicant"),
    Kind("applicant.query", _l("Rückfrage zu einem Antrag"), "applicant"),
    Kind("applicant.decision", _l("Beschlussmitteilung"), "applicant"),
    Kind("applicant.grant", _l("Bewilligung"), "applicant"),
    Kind("applicant.payout", _l("Auszahlung"), "applicant"),
    Kind("applicant.report_due", _l("Erinnerung an den Verwendungsnachweis"), "applicant"),
    Kind("applicant.link", _l("Privater Link zum Antrag"), "applicant"),
    Kind("applicant.report_returned", _l("Verwendungsnachweis zurückgegeben"), "applicant"),
    # To the forum's mailing list (Verteiler), and to the named attendees of a meeting.
    Kind("subscriber.confirm", _l("Bestätigung der Anmeldung zum Verteiler"), "subscriber"),
    Kind("subscriber.invitation", _l("Einladung zu einer Sitzung"), "subscriber"),
    Kind("subscriber.minutes_draft", _l("Protokollentwurf"), "subscriber"),
    Kind("subscriber.minutes_published", _l("Protokoll veröffentlicht"), "subscriber"),
    Kind("attendee.minutes_draft", _l("Protokollentwurf an die Anwesenden"), "attendee"),
    # To the Quartiersmanagement.
    Kind("manager.submission", _l("Neuer Antrag eingereicht"), "manager"),
    Kind("manager.answer", _l("Antwort auf eine Rückfrage"), "manager"),
    Kind("manager.report_draft", _l("Verwendungsnachweis vom Träger eingegangen"), "manager"),
    Kind("manager.objection_period", _l("Einspruchsfrist eines Protokolls abgelaufen"), "manager"),
    Kind("manager.referral_decided", _l("Entscheidung in einem Dissens-Verfahren"), "manager"),
    # To the WiN-Geschäftsführung.
    Kind("admin.referral", _l("Dissens-Verfahren wartet auf Entscheidung"), "admin"),
    Kind("admin.grant_due", _l("Bewilligung auszustellen"), "admin"),
)}


def account_kinds() -> list[Kind]:
    return [k for k in KINDS.values() if k.for_accounts]


def offered_to(user) -> list[Kind]:
    """The notices of the account's roles: a QM's, a minute-taker's, the administration's."""
    roles = {m.role.value for m in user.memberships} | ({"admin"} if user.is_admin else set())
    return [k for k in account_kinds() if k.audience in roles]
