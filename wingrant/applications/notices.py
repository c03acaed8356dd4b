"""Mail about an application's steps: the receipt, a Rückfrage, the QM told of a submission or an answer.

Called by ``services.take_step`` inside its unit of work, so the mail is written with the step or not
at all. Links to the applicant's private page carry a token of which only the hash is stored: the
page that has the token (the applicant's own submission) passes it in; a Rückfrage, written by the
QM, derives the same link again (``tokens.current``), so the applicant's bookmark keeps working.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.models import Role
from ..core.urls import external_url
from ..mail import outbox, recipients
from . import tokens
from .models import Application


def _common(app: Application) -> dict:
    return {"app": app, "reference": app.reference, "title": app.title, "organisation": app.organisation.name,
            "neighbourhood": app.neighbourhood.name, "forum": app.neighbourhood.forum_name,
            "contact": app.neighbourhood.office_contact}


def private_link(token: str) -> str:
    return external_url("applicant.private", token=token)


def current_private_link(app: Application) -> str:
    """The applicant's link, as in the receipt (``tokens.current``), for a mail from the staff side."""
    return private_link(tokens.current(app))


def to_applicant(kind: str, template: str, app: Application, **context):
    """A mail to the application's contact address (none without one); returns the outbox row."""
    with force_locale(app.contact_language):
        reason = context.pop("reason", None) or _(
            "Sie sind als Kontakt des Antrags %(reference)s beim %(office)s angegeben.",
            reference=app.reference, office=app.neighbourhood.office_contact["name"])
    return outbox.enqueue(kind, to=app.contact_email, template=template, language=app.contact_language,
                          neighbourhood_id=app.neighbourhood_id, context=_common(app) | {"reason": reason} | context)


def to_managers(kind: str, template: str, app: Application, **context) -> None:
    page = external_url("applications.detail", slug=app.neighbourhood.slug, application_id=app.id)
    for r in recipients.staff(app.neighbourhood_id, Role.MANAGER, kind):
        with force_locale(r.language):
            reason = _("Sie sind Quartiersmanager:in in %(neighbourhood)s. Welche Mails Sie erhalten, wählen Sie "
                       "unter „Benachrichtigungen“: %(url)s", neighbourhood=app.neighbourhood.name,
                       url=external_url("mail.choices"))
        outbox.enqueue(kind, to=r.email, template=template, language=r.language,
                       neighbourhood_id=app.neighbourhood_id,
                       context=_common(app) | {"reason": reason, "page": page, "name": r.name} | context)


def submitted(app: Application, *, by_applicant: bool, token: str | None) -> None:
    link = private_link(token) if token else None
    to_applicant("applicant.receipt", "applicant_receipt", app, link=link)
    if by_applicant:
        to_managers("manager.submission", "manager_submission", app)


def query(app: Application, question: str) -> None:
    if app.contact_email:
        to_applicant("applicant.query", "applicant_query", app, question=question, link=current_private_link(app))


def answered(app: Application, answer: str) -> None:
    to_managers("manager.answer", "manager_answer", app, answer=answer)
