"""Mail about a forum decision's afterlife: a case referred to the WiN-Geschäftsführung, its decision,
and the grant (Bewilligung). Called inside the unit of work of the act that causes it."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..applications.models import Application
from ..applications.notices import to_applicant, to_managers
from ..core.urls import external_url
from ..mail import outbox, recipients
from .labels import OUTCOMES
from .models import Decision, Meeting
from .queries import requested_amounts


def _page(app: Application) -> str:
    return external_url("applications.detail", slug=app.neighbourhood.slug, application_id=app.id)


def _context(app: Application, **extra) -> dict:
    return {"app": app, "reference": app.reference, "title": app.title, "organisation": app.organisation.name,
            "neighbourhood": app.neighbourhood, "page": _page(app), "contact": app.neighbourhood.office_contact,
            **extra}


def referred(decision: Decision, app: Application, meeting: Meeting) -> None:
    """The forum found no consensus and hands the case to the administration."""
    for r in recipients.administrators("admin.referral", app.neighbourhood.city_id):
        with force_locale(r.language):
            reason = _("Sie gehören zur WiN-Geschäftsführung, die im Dissens-Verfahren entscheidet.")
        outbox.enqueue("admin.referral", to=r.email, template="admin_referral", language=r.language,
                       neighbourhood_id=app.neighbourhood_id,
                       context=_context(app, decision=decision, meeting=meeting, name=r.name, reason=reason))
    # The owner of the programmes asked (e.g. the Innovationstopf) decides too; its page is its case list.
    for r in recipients.programme_owners(requested_amounts(app), "admin.referral"):
        with force_locale(r.language):
            reason = _("Sie sind für das Förderprogramm zuständig, aus dem der Antrag Mittel beantragt.")
        outbox.enqueue("admin.referral", to=r.email, template="admin_referral", language=r.language,
                       neighbourhood_id=app.neighbourhood_id,
                       context=_context(app, decision=decision, meeting=meeting, name=r.name, reason=reason,
                                        page=external_url("owner_cases.index")))


def referral_decided(decision: Decision, app: Application) -> None:
    """The administration decided a referred case: the neighbourhood's QM hears of it."""
    # A lazy label: each mail renders it in its recipient's language.
    to_managers("manager.referral_decided", "manager_referral_decided", app, decision=decision,
                outcome=OUTCOMES[decision.admin_outcome])


def granted(app: Application, grants: list) -> None:
    """The Zuwendungsbescheid is issued: the Träger learns the numbers, amounts and what comes next."""
    to_applicant("applicant.grant", "applicant_grant", app, grants=grants)
