"""The Beschlussmitteilung: after the minutes are approved, each Träger is told what the forum decided.

Written in the unit of work that approves the minutes (one mail per decided application with a contact
address), with the letter as PDF/A attached. The PDF is rendered by the mail worker at the first
delivery attempt (``render_letter``): the decision is final once the minutes are approved, and the
approving request should not wait a second per letter. The WiN-Geschäftsführung is told in the same
unit of work which approved applications now wait for their grant.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..applications.models import Application
from ..core.urls import external_url
from ..extensions import db
from ..mail import outbox, recipients
from ..meetings.consensus import APPROVALS, Outcome
from ..meetings.labels import OUTCOMES
from ..meetings.models import AgendaItem, Decision, Meeting
from ..neighbourhoods.models import Neighbourhood, Programme
from .pdf import render_template_pdf


@dataclass(frozen=True)
class Letter:
    decision: Decision
    application: Application
    meeting: Meeting
    neighbourhood: Neighbourhood
    #: (programme name, requested cents, approved cents) per programme asked or granted.
    lines: list[tuple[str, int, int]]

    @property
    def outcome(self) -> Outcome:
        return self.decision.outcome

    @property
    def approved(self) -> bool:
        return self.outcome in APPROVALS


def _letters(meeting_id: int, decision_id: int | None = None) -> list[Letter]:
    stmt = (sa.select(Decision).join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting_id, Decision.outcome.is_not(None))
            .order_by(AgendaItem.position))
    if decision_id is not None:
        stmt = stmt.where(Decision.id == decision_id)
    decisions = db.session.execute(stmt).scalars().all()
    if not decisions:
        return []
    meeting = db.session.get(Meeting, meeting_id)
    neighbourhood = db.session.get(Neighbourhood, meeting.neighbourhood_id)
    programmes = {p.id: p.name for p in db.session.execute(sa.select(Programme)).scalars()}
    letters = []
    for decision in decisions:
        application = decision.application
        approved = {a.programme_id: a.amount_cents for a in decision.amounts}
        requested = {f.programme_id: f.amount_cents for f in application.financing_items if f.programme_id}
        lines = [(programmes[pid], requested.get(pid, 0), approved.get(pid, 0))
                 for pid in sorted(set(requested) | set(approved), key=lambda p: programmes[p])]
        letters.append(Letter(decision, application, meeting, neighbourhood, lines))
    return letters


NEXT_STEPS = {
    Outcome.APPROVED: "approved",
    Outcome.APPROVED_WITH_CHANGES: "approved",
    Outcome.DEFERRED: "deferred",
    Outcome.REJECTED: "rejected",
    Outcome.WITHDRAWN: "withdrawn",
    Outcome.REFERRED: "referred",
}


def write_letters(meeting_id: int) -> int:
    """In the approving unit of work: a letter to each Träger, a note to the administration."""
    letters = _letters(meeting_id)
    written = 0
    for letter in letters:
        app = letter.application
        if not app.contact_email:
            continue
        with force_locale(app.contact_language):
            reason = _("Das Protokoll der Sitzung vom %(date)s ist genehmigt; Sie sind als Kontakt des Antrags "
                       "%(reference)s angegeben.", date=letter.meeting.date.strftime("%d.%m.%Y"),
                       reference=app.reference)
            outcome = str(OUTCOMES[letter.outcome])
        outbox.enqueue(
            "applicant.decision", to=app.contact_email, template="applicant_decision", language=app.contact_language,
            neighbourhood_id=app.neighbourhood_id,
            context={"l": letter, "app": app, "reference": app.reference, "title": app.title,
                     "outcome": outcome, "next_step": NEXT_STEPS[letter.outcome], "reason": reason,
                     "contact": letter.neighbourhood.office_contact,
                     "link": external_url("public.minutes", slug=letter.neighbourhood.slug,
                                          meeting_id=letter.meeting.id)},
            attachments=[outbox.Attachment(f"Beschlussmitteilung-{app.reference}.pdf", "application/pdf",
                                           source=f"decision_letter:{letter.decision.id}")])
        written += 1
    _grants_to_issue([letter for letter in letters if letter.approved])
    return written


def _grants_to_issue(letters: list[Letter]) -> None:
    if not letters:
        return
    neighbourhood = letters[0].neighbourhood
    for r in recipients.administrators("admin.grant_due", neighbourhood.city_id):
        with force_locale(r.language):
            reason = _("Sie gehören zur WiN-Geschäftsführung, die die Zuwendungsbescheide ausstellt.")
        outbox.enqueue("admin.grant_due", to=r.email, template="admin_grant_due", language=r.language,
                       neighbourhood_id=neighbourhood.id,
                       context={"letters": letters, "neighbourhood": neighbourhood, "name": r.name,
                                "meeting": letters[0].meeting, "reason": reason, "contact": None,
                                "links": {lt.application.id: external_url(
                                    "applications.detail", slug=neighbourhood.slug,
                                    application_id=lt.application.id) for lt in letters}})


def render_letter(decision_id: str) -> bytes:
    """The letter of one decision as PDF/A (German, as every print document)."""
    meeting_id = db.session.execute(
        sa.select(AgendaItem.meeting_id).join(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(Decision.id == int(decision_id))).scalar_one()
    [letter] = _letters(meeting_id, int(decision_id))
    return render_template_pdf("pdf/decision_letter.html", l=letter, outcome=str(OUTCOMES[letter.outcome]),
                               next_step=NEXT_STEPS[letter.outcome])
