"""Mail about a forum decision's afterlife: a case referred to the WiN-Geschäftsführung, its decision,
and the grant (Bewilligung). Called inside the unit of work of the act that causes it."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..applications.models import Application
from ..auth.models import Role
from ..core.urls import external_url
from ..mail import outbox, recipients
from .labels import OUTCOMES
from .models import Decision, Meeting


def _page(app: Application) -> str:
    return external_url("applications.detail", slug=app.neighbourhood.slug, application_id=app.id)


def _context(app: Application, **extra) -> dict:
    return {"app": app, "reference": app.reference, "title": app.title, "organisation": app.organisation.name,
            "neighbourhood": app.neighbourhood, "page": _page(app), "contact": app.neighbourhood.office_contact,
            **extra}


def referred(decision: Decision, app: Application, meeting: Meeting) -> None:
    """The forum found no consensus and hands the case to the administration."""
    for r in recipients.administrators("admin.referral"):
        with force_locale(r.language):
            reason = _("Sie gehören zur WiN-Geschäftsführung, die im Dissens-Verfahren entscheidet.")
        outbox.enqueue("admin.referral", to=r.email, template="admin_referral", language=r.language,
                       neighbourhood_id=app.neighbourhood_id,
                       context=_context(app, decision=decision, meeting=meeting, name=r.name, reason=reason))


def referral_decided(decision: Decision, app: Application) -> None:
    """The administration decided a referred case: the neighbourhood's QM hears of it."""
    for r in recipients.staff(app.neighbourhood_id, Role.MANAGER, "manager.referral_decided"):
        with force_locale(r.language):
            reason = _("Sie sind Quartiersmanager:in in %(neighbourhood)s.", neighbourhood=app.neighbourhood.name)
            outcome = str(OUTCOMES[decision.admin_outcome])
        outbox.enqueue("manager.referral_decided", to=r.email, template="manager_referral_decided",
                       language=r.language, neighbourhood_id=app.neighbourhood_id,
                       context=_context(app, decision=decision, outcome=outcome, name=r.name, reason=reason))


def granted(app: Application, grants: list) -> None:
    """The Zuwendungsbescheid is issued: the Träger learns the numbers, amounts and what comes next."""
    if not app.contact_email:
        return
    with force_locale(app.contact_language):
        reason = _("Sie sind als Kontakt des Antrags %(reference)s angegeben.", reference=app.reference)
    outbox.enqueue("applicant.grant", to=app.contact_email, template="applicant_grant",
                   language=app.contact_language, neighbourhood_id=app.neighbourhood_id,
                   context=_context(app, grants=grants, reason=reason))
