"""Writes on the outbox and on notice choices (each its own unit of work, audited)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from .kinds import account_kinds
from .models import MailStatus, NotificationOptOut, OutboxMail


def retry(mail_id: int, *, user) -> OutboxMail:
    """An administrator sends a failed mail again (after mending the address or the server settings)."""
    with unit_of_work():
        mail = lock_row(OutboxMail, mail_id)
        if mail.status != MailStatus.FAILED:
            raise DomainError(_("Nur eine fehlgeschlagene Mail kann erneut gesendet werden."))
        mail.status = MailStatus.PENDING
        mail.next_attempt_at = utcnow()
        mail.attempts = 0
        audit.record("mail.retry", user=user, obj=mail, neighbourhood_id=mail.neighbourhood_id,
                     after={"recipient": mail.recipient, "subject": mail.subject})
    return mail


def set_choices(user, *, wanted: set[str], language: str) -> None:
    """The account gets exactly the notices in ``wanted`` (of those meant for accounts), in ``language``."""
    offered = {k.name for k in account_kinds()}
    with unit_of_work():
        db.session.execute(sa.delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
        for kind in sorted(offered - wanted):
            db.session.add(NotificationOptOut(user_id=user.id, kind=kind))
        user.language = language
        audit.record("mail.choices", user=user, obj=user,
                     after={"off": sorted(offered - wanted), "language": language})
