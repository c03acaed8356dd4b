"""List mail: one outbox row per confirmed subscriber, with the list headers of RFC 2369/2919/8058.

Call ``send_to_list`` inside the unit of work of the event (an invitation, a publication): the
mails commit with it or not at all. Each mail carries the subscriber's own unsubscribe link, as a
visible link and in ``List-Unsubscribe`` with ``List-Unsubscribe-Post`` (one click, no login).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.urls import external_url, public_host
from ..extensions import db
from ..mail import outbox
from ..neighbourhoods.models import Neighbourhood
from . import tokens
from .models import Subscriber

LIST_REASON = _l("Sie haben den Verteiler dieses Forums abonniert und Ihre Anmeldung bestätigt.")


def active_subscribers(neighbourhood_id: int) -> list[Subscriber]:
    return list(db.session.execute(
        sa.select(Subscriber).where(Subscriber.neighbourhood_id == neighbourhood_id,
                                    Subscriber.confirmed_at.is_not(None), Subscriber.unsubscribed_at.is_(None))
        .order_by(Subscriber.id)).scalars())


def unsubscribe_url(subscriber: Subscriber) -> str:
    return external_url("subscriptions.unsubscribe",
                        token=tokens.make("unsubscribe", subscriber.id, subscriber.token_salt))


def list_id(neighbourhood: Neighbourhood) -> str:
    """RFC 2919: a description, then the list's unique dot-atom in angle brackets."""
    description = " ".join(neighbourhood.forum_name.translate(str.maketrans("", "", '<>"')).split())
    return f"{description} <{neighbourhood.slug}.verteiler.{public_host()}>"


def list_headers(neighbourhood: Neighbourhood, unsubscribe: str) -> dict[str, str]:
    # The mailto alternative reaches the office (people read it there and can open the link in it).
    office = neighbourhood.office_email or parseaddr(current_app.config["MAIL_FROM"])[1]
    mailto = f"mailto:{office}?subject={quote('Abmeldung vom Verteiler')}&body={quote(unsubscribe, safe='')}"
    return {
        "List-Id": list_id(neighbourhood),
        "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "list",
    }


def send_to_list(neighbourhood: Neighbourhood, kind: str, *, template: str, context: dict,
                 attachments: Iterable[outbox.Attachment] = (), skip: Iterable[str] = ()) -> int:
    """Write the mail for every confirmed subscriber (except the addresses in ``skip``); returns the count."""
    skipped = {a.lower() for a in skip}
    attachments = list(attachments)
    count = 0
    for subscriber in active_subscribers(neighbourhood.id):
        if subscriber.email in skipped:
            continue
        link = unsubscribe_url(subscriber)
        outbox.enqueue(kind, to=subscriber.email, template=template, language=subscriber.language,
                       neighbourhood_id=neighbourhood.id, attachments=attachments,
                       headers=list_headers(neighbourhood, link),
                       context={"reason": LIST_REASON, "contact": neighbourhood.office_contact, **context,
                                "unsubscribe_url": link})
        count += 1
    return count
