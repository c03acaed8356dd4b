"""Applicants without an account: a private link instead of a login.

The link carries a random token; only its SHA-256 is stored
(``Application.access_token_hash``), so a copy of the database does not open
anyone's application. Whoever holds the link may edit the draft, submit it and
answer a Rückfrage, read the released decision and send a Verwendungsnachweis
as a draft for the QM — nothing else. A lost link is sent again (as a new
link) to the application's contact address only. New applications from the public form are
rate limited per client address (``ThrottleEvent``, so the limit holds across
server processes).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..applications import queries, rules, tokens
from ..applications import services as application_services
from ..applications.models import Application, ApplicationTransition
from ..applications.models import ApplicationState as S
from ..applications.tokens import hash_token
from ..audit import services as audit
from ..core import throttle
from ..core.urls import external_url
from ..database import lock_row, unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..mail import outbox
from ..neighbourhoods.models import Neighbourhood, Programme
from ..organisations.models import Organisation

THROTTLE_SCOPE = "public_form.ip"
#: New applications per client address and hour (``PUBLIC_FORM_MAX_PER_HOUR`` overrides it).
DEFAULT_MAX_PER_HOUR = 10
#: Longest token accepted in a URL (``token_urlsafe(32)`` gives 43 characters).
MAX_TOKEN_LENGTH = 100


class Throttled(DomainError):
    pass


def find_by_token(token: str) -> Application | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.execute(
        sa.select(Application).where(Application.access_token_hash == hash_token(token))
    ).scalar_one_or_none()


def _limit() -> int:
    return current_app.config.get("PUBLIC_FORM_MAX_PER_HOUR", DEFAULT_MAX_PER_HOUR)


def check_rate(ip: str) -> None:
    if throttle.is_limited(THROTTLE_SCOPE, ip or "-", limit=_limit(), window=timedelta(hours=1)):
        raise Throttled(_("Von Ihrem Anschluss kamen in der letzten Stunde sehr viele Anträge. Bitte versuchen "
                          "Sie es später noch einmal oder wenden Sie sich an das Quartiersmanagement."))


def record_trap(ip: str) -> None:
    """Something filled in the field people never see: count it against the address and audit it."""
    with unit_of_work():
        throttle.hit(THROTTLE_SCOPE, ip or "-")
        audit.record("application.public_trap", after={"ip": ip})


def programmes_with_budget(neighbourhood_id: int, data: rules.ApplicationInput,
                           keep: list[Programme] = ()) -> list[Programme]:
    """What an applicant may request from: the programmes with an open budget in the neighbourhood and
    the application's year — plus ``keep``, what a stored draft already requests — refusing every other
    requested programme with a message that says why."""
    allowed = {p.id: p for p in [*queries.open_budget_programmes(neighbourhood_id, [data.year])[data.year], *keep]}
    refused = [pid for pid in data.requests if pid not in allowed]
    if refused:
        names = dict(db.session.execute(sa.select(Programme.id, Programme.name).where(Programme.id.in_(refused))).all())
        raise application_services.InvalidApplication([rules.Problem(
            _("Aus „%(programme)s“ kann für %(year)s nichts beantragt werden: In diesem Quartier ist dafür kein "
              "Budget offen. Bitte ein anderes Förderprogramm oder Förderjahr wählen oder das Quartiersmanagement "
              "fragen.", programme=names.get(pid, "?"), year=data.year),
            rules.request_field(pid)) for pid in refused])
    return list(allowed.values())


def start_application(neighbourhood: Neighbourhood, organisation: dict, data: rules.ApplicationInput, *,
                      ip: str) -> tuple[Application, str]:
    """A new draft with its Träger, from the public form; returns it with the token of its private link."""
    check_rate(ip)
    with unit_of_work():
        application_services.check_funded_year(neighbourhood, data)
        programmes = programmes_with_budget(neighbourhood.id, data)
        org = Organisation(**organisation)
        db.session.add(org)
        db.session.flush()
        data.organisation_id = org.id
        data.contact_email = org.email
        application_services.check_input(data, programmes, complete=False)
        app = Application(neighbourhood_id=neighbourhood.id,
                          reference=application_services.next_reference(neighbourhood, data.year),
                          state=S.DRAFT, version=1)
        application_services.apply_input(app, data, programmes)
        # Mail to the applicant speaks the language the form was filled in.
        app.contact_language = str(get_locale() or "de").split("_")[0]
        db.session.add(app)
        db.session.flush()
        token = tokens.issue(app)
        db.session.add(ApplicationTransition(application_id=app.id, from_state=None, to_state=S.DRAFT,
                                             reason=_("Über das öffentliche Antragsformular")))
        throttle.hit(THROTTLE_SCOPE, ip or "-")
        audit.record("application.create_public", obj=app, neighbourhood_id=neighbourhood.id,
                     after={"reference": app.reference, "title": app.title, "organisation": org.name})
    return app, token


def update_draft(app: Application, data: rules.ApplicationInput, *, loaded_at: str | None = None) -> Application:
    """The applicant changes the draft (only a draft: once submitted, the QM takes over)."""
    with unit_of_work():
        app = lock_row(Application, app.id)
        if app.state != S.DRAFT:
            raise DomainError(_("Der Antrag ist eingereicht und kann über diesen Link nicht mehr geändert "
                                "werden. Bitte wenden Sie sich an das Quartiersmanagement."))
        if loaded_at and loaded_at != app.updated_at.isoformat():
            raise application_services.EditConflict(app.updated_at)
        data.organisation_id = app.organisation_id
        data.contact_email = app.contact_email
        requested = {item.programme_id for item in app.financing_items if item.programme_id is not None}
        programmes = programmes_with_budget(
            app.neighbourhood_id, data, [p for p in queries.requestable_programmes(app) if p.id in requested])
        application_services.check_input(data, programmes, complete=False)
        if data.year != app.year:
            application_services.check_funded_year(app.neighbourhood, data)
        application_services.apply_input(app, data, programmes)
        audit.record("application.update_public", obj=app, neighbourhood_id=app.neighbourhood_id,
                     after={"title": app.title})
    return app


def submit(app: Application, token: str) -> Application:
    """The applicant submits through the private link ``token`` (the receipt links back to it)."""
    return application_services.take_step(app, application_services.STEPS["einreichen"], user=None, text="",
                                          author_name=_applicant_name(app), token=token)


def answer(app: Application, text: str) -> Application:
    """The applicant answers the QM's Rückfrage; the application goes back into review."""
    return application_services.take_step(app, application_services.STEPS["antwort"], user=None, text=text,
                              author_name=_applicant_name(app))


def _applicant_name(app: Application) -> str:
    org = db.session.get(Organisation, app.organisation_id)
    person = org.contact_person if org else ""
    return f"{person} ({org.name})" if person and org else (org.name if org else _("Antragsteller:in"))


# --- a lost link sent again ------------------------------------------------------------------------

LOST_LINK_SCOPE = "lost_link.ip"
#: Requests per client address and hour (``LOST_LINK_MAX_PER_HOUR`` overrides it).
DEFAULT_LOST_LINK_PER_HOUR = 5


def check_lost_link_rate(ip: str) -> None:
    limit = current_app.config.get("LOST_LINK_MAX_PER_HOUR", DEFAULT_LOST_LINK_PER_HOUR)
    if throttle.is_limited(LOST_LINK_SCOPE, ip or "-", limit=limit, window=timedelta(hours=1)):
        raise Throttled(_("Von Ihrem Anschluss kamen in der letzten Stunde sehr viele Anfragen. Bitte versuchen Sie "
                          "es später noch einmal oder wenden Sie sich an das Quartiersmanagement."))


def _same_address(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()


def resend_link(reference: str, email: str, *, ip: str) -> bool:
    """Mail a NEW private link when ``reference`` and ``email`` match an application's contact address.

    Every request counts against the client address, matched or not; the caller answers the
    same either way (whether it matched is for tests and the audit, never for the page). The
    old link stops working: only the new token's hash is stored.
    """
    check_lost_link_rate(ip)
    with unit_of_work():
        throttle.hit(LOST_LINK_SCOPE, ip or "-")
        app = db.session.execute(
            sa.select(Application).where(sa.func.upper(Application.reference) == (reference or "").strip().upper())
        ).scalar_one_or_none()
        if app is None or not _same_address(app.contact_email, email):
            return False
        app = lock_row(Application, app.id)
        # The link the applicant had (a bookmark keeps working); a leaked link is ended by the QM's "Neuer Link".
        token = tokens.current(app)
        contact = app.neighbourhood.office_contact
        with force_locale(app.contact_language):
            reason = _("Jemand hat auf der Seite „Link verloren?“ den Link zu Ihrem Antrag angefordert. Waren Sie "
                       "das nicht, können Sie diese Mail ignorieren.")
        outbox.enqueue("applicant.link", to=app.contact_email, template="applicant_link",
                       language=app.contact_language, neighbourhood_id=app.neighbourhood_id,
                       context={"app": app, "reference": app.reference, "title": app.title, "contact": contact,
                                "link": external_url("applicant.private", token=token), "reason": reason})
        audit.record("application.link_resent", obj=app, neighbourhood_id=app.neighbourhood_id, after={"ip": ip})
    return True
