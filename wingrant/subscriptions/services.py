"""Writes on the mailing list: subscribe (double opt-in), confirm, unsubscribe.

Subscribing never tells the visitor whether an address is already on the list (that would
disclose who reads it): the answer is always "please confirm through the link in the mail".
Confirmation mails are rate limited per client address and per e-mail address, so the form
cannot be used to flood someone's inbox.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..core import throttle
from ..core.urls import external_url
from ..database import unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from ..mail import outbox
from ..neighbourhoods.models import Neighbourhood
from . import tokens
from .models import Subscriber

IP_SCOPE = "subscribe.ip"
EMAIL_SCOPE = "subscribe.email"
#: Subscriptions per client address and hour (``SUBSCRIBE_MAX_PER_HOUR`` overrides it).
DEFAULT_MAX_PER_HOUR = 10
#: Confirmation mails per e-mail address and day (``SUBSCRIBE_MAX_PER_ADDRESS`` overrides it).
DEFAULT_MAX_PER_ADDRESS = 3
#: How long a confirmation link works; an unconfirmed subscription is deleted after that.
CONFIRM_DAYS = 7


class Throttled(DomainError):
    pass


def consent_text(neighbourhood: Neighbourhood) -> str:
    """What the subscriber agrees to, shown beside the checkbox and stored with the subscription."""
    return _("Ich möchte Einladungen, Protokollentwürfe und veröffentlichte Protokolle von %(forum)s per E-Mail "
             "erhalten. Meine Adresse wird nur dafür gespeichert und nicht weitergegeben. Ich kann mich mit "
             "einem Klick in jeder Mail abmelden.", forum=neighbourhood.forum_name)


def normalise(email: str) -> str:
    address = parseaddr((email or "").strip())[1].strip().lower()
    if "@" not in address or len(address) > 254 or address.startswith("@") or address.endswith("@"):
        raise DomainError(_("Bitte eine gültige E-Mail-Adresse angeben."), field="email")
    return address


def _check_rate(ip: str, email: str) -> None:
    config = current_app.config
    if throttle.is_limited(IP_SCOPE, ip or "-", limit=config.get("SUBSCRIBE_MAX_PER_HOUR", DEFAULT_MAX_PER_HOUR),
                           window=timedelta(hours=1)) \
            or throttle.is_limited(EMAIL_SCOPE, email, window=timedelta(days=1),
                                   limit=config.get("SUBSCRIBE_MAX_PER_ADDRESS", DEFAULT_MAX_PER_ADDRESS)):
        raise Throttled(_("Für diese Adresse oder von Ihrem Anschluss kamen zuletzt sehr viele Anmeldungen. "
                          "Bitte versuchen Sie es später noch einmal."))


def _issue_tokens(subscriber: Subscriber) -> str:
    """New salt and token hashes; returns the confirmation token for the mail."""
    subscriber.token_salt = tokens.new_salt()
    confirm = tokens.make("confirm", subscriber.id, subscriber.token_salt)
    subscriber.confirm_token_hash = tokens.digest(confirm)
    subscriber.unsubscribe_token_hash = tokens.digest(
        tokens.make("unsubscribe", subscriber.id, subscriber.token_salt))
    return confirm


def subscribe(neighbourhood: Neighbourhood, email: str, *, language: str, consent: str, ip: str) -> None:
    """Put the address on the list unconfirmed and send the confirmation mail (double opt-in)."""
    address = normalise(email)
    language = language if language in ("de", "en") else "de"
    _check_rate(ip, address)
    with unit_of_work():
        throttle.hit(IP_SCOPE, ip or "-")
        throttle.hit(EMAIL_SCOPE, address)
        subscriber = db.session.execute(sa.select(Subscriber).filter_by(
            neighbourhood_id=neighbourhood.id, email=address)).scalar_one_or_none()
        if subscriber is not None and subscriber.active:
            # Already on the list: nothing changes and nothing tells the visitor so.
            return
        if subscriber is None:
            # The hashes are placeholders until the id (part of the token) is known.
            subscriber = Subscriber(neighbourhood_id=neighbourhood.id, email=address, token_salt="",
                                    confirm_token_hash=f"new-{tokens.new_salt()}",
                                    unsubscribe_token_hash=f"new-{tokens.new_salt()}", consent_text="")
            db.session.add(subscriber)
            db.session.flush()
        # New or coming back (unsubscribed, or never confirmed): a fresh consent and fresh links.
        subscriber.language = language
        subscriber.consent_text = consent
        subscriber.subscribed_at = utcnow()
        subscriber.confirmed_at = None
        subscriber.unsubscribed_at = None
        token = _issue_tokens(subscriber)
        outbox.enqueue("subscriber.confirm", to=address, template="subscription_confirm", language=language,
                       neighbourhood_id=neighbourhood.id,
                       context={"forum": neighbourhood.forum_name, "neighbourhood": neighbourhood.name,
                                "link": external_url("subscriptions.confirm", token=token), "days": CONFIRM_DAYS,
                                "contact": neighbourhood.office_contact,
                                "reason": _l("Diese Adresse wurde auf der Portalseite %(name)s für den Verteiler "
                                             "eingetragen. Waren Sie es nicht, beachten Sie die Mail einfach nicht: "
                                             "Ohne Bestätigung bekommen Sie nichts, und die Adresse wird nach "
                                             "%(days)s Tagen gelöscht.", name=neighbourhood.name,
                                             days=CONFIRM_DAYS)})
        # The address is personal data: the audit log keeps that someone subscribed, not who.
        audit.record("subscription.subscribe", obj=subscriber, neighbourhood_id=neighbourhood.id,
                     after={"language": language})


def _by(column, token: str) -> Subscriber | None:
    if not token or len(token) > tokens.MAX_LENGTH:
        return None
    return db.session.execute(sa.select(Subscriber).where(column == tokens.digest(token))).scalar_one_or_none()


def by_confirm_token(token: str) -> Subscriber | None:
    return _by(Subscriber.confirm_token_hash, token)


def by_unsubscribe_token(token: str) -> Subscriber | None:
    return _by(Subscriber.unsubscribe_token_hash, token)


def confirmation_expired(subscriber: Subscriber) -> bool:
    return subscriber.confirmed_at is None and subscriber.subscribed_at < utcnow() - timedelta(days=CONFIRM_DAYS)


def confirm(token: str) -> Subscriber:
    with unit_of_work():
        subscriber = by_confirm_token(token)
        if subscriber is None or subscriber.unsubscribed_at is not None:
            raise DomainError(_("Dieser Bestätigungslink gilt nicht (mehr). Bitte tragen Sie sich erneut ein."))
        if subscriber.confirmed_at is None:
            if confirmation_expired(subscriber):
                raise DomainError(_("Dieser Bestätigungslink ist abgelaufen. Bitte tragen Sie sich erneut ein."))
            subscriber.confirmed_at = utcnow()
            audit.record("subscription.confirm", obj=subscriber, neighbourhood_id=subscriber.neighbourhood_id)
    return subscriber


def unsubscribe(token: str) -> Subscriber | None:
    """One click, no login: the token is the proof. Repeating it changes nothing."""
    with unit_of_work():
        subscriber = by_unsubscribe_token(token)
        if subscriber is None:
            return None
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = utcnow()
            audit.record("subscription.unsubscribe", obj=subscriber, neighbourhood_id=subscriber.neighbourhood_id)
    return subscriber
