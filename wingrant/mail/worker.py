"""Delivering the outbox: claim due rows, send them, retry with back-off, never send one twice.

A worker claims a batch in a short transaction: the due rows are locked (PostgreSQL: ``FOR UPDATE
SKIP LOCKED``, so a second worker takes other rows instead of waiting; SQLite: the unit of work's
write lock), stamped with the worker's name and a lease, and committed. Sending happens outside any
transaction, so a slow SMTP server never holds a database lock. Each row is then marked sent, or
scheduled again with back-off. A worker that dies mid-batch leaves its claims to expire; the rows
are sent again with the same Message-ID, which lets the receiving side recognise the duplicate.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..database import unit_of_work, utcnow
from ..extensions import db
from . import message, transport
from .models import MailStatus, OutboxAttachment, OutboxMail

#: How long a claim holds: longer than any send (the SMTP timeout) of a batch.
LEASE = timedelta(minutes=10)
BATCH = 20


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} gesendet, {self.retried} später erneut, {self.failed} fehlgeschlagen"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the first, second, third failure; at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def claim(name: str, *, limit: int = BATCH) -> list[int]:
    now = utcnow()
    with unit_of_work():
        stmt = (sa.select(OutboxMail.id)
                .where(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now,
                       sa.or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(limit))
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(db.session.execute(stmt).scalars())
        if ids:
            db.session.execute(sa.update(OutboxMail).where(OutboxMail.id.in_(ids))
                               .values(claimed_by=name, claimed_until=now + LEASE))
    return ids


def _finish(mail_id: int, name: str, **values) -> None:
    with unit_of_work():
        db.session.execute(sa.update(OutboxMail)
                           .where(OutboxMail.id == mail_id, OutboxMail.claimed_by == name)
                           .values(claimed_by=None, claimed_until=None, **values))


def render_missing(mail_id: int) -> None:
    """Render the attachments that are given by their source, once, and keep the bytes.

    The renderers come from the app (``app.extensions["wingrant.attachment_renderers"]``, filled by
    the app factory): the features that own the documents sit above the mail component.
    """
    missing = db.session.execute(sa.select(OutboxAttachment).where(
        OutboxAttachment.mail_id == mail_id, OutboxAttachment.data.is_(None))).scalars().all()
    if not missing:
        return
    renderers = current_app.extensions.get("wingrant.attachment_renderers", {})
    rendered = {}
    for attachment in missing:
        kind, _, argument = (attachment.source or "").partition(":")
        if kind not in renderers:
            raise LookupError(f"no renderer for attachment source {attachment.source!r}")
        rendered[attachment.id] = renderers[kind](argument)
    db.session.rollback()
    with unit_of_work():
        for attachment_id, data in rendered.items():
            db.session.execute(sa.update(OutboxAttachment).where(OutboxAttachment.id == attachment_id)
                               .values(data=data))


def deliver(mail_id: int, name: str, sender, report: Report) -> None:
    mail = db.session.get(OutboxMail, mail_id, populate_existing=True)
    attempts = mail.attempts + 1
    try:
        render_missing(mail_id)
        mail = db.session.get(OutboxMail, mail_id, populate_existing=True)
        msg = message.build(mail, current_app.config["MAIL_FROM"])
        db.session.rollback()  # end the read before talking to the server
        sender.send(msg, f"{mail_id:08d}")
    except transport.PermanentFailure as e:
        report.failed += 1
        _finish(mail_id, name, status=MailStatus.FAILED, attempts=attempts, last_error=str(e)[:500])
        return
    except Exception as e:  # noqa: BLE001 - a temporary failure or a bug: keep the mail, say why
        db.session.rollback()
        if not isinstance(e, transport.TemporaryFailure):
            current_app.logger.exception("mail %s: unexpected error while sending", mail_id)
        give_up = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
        if give_up:
            report.failed += 1
        else:
            report.retried += 1
        _finish(mail_id, name, status=MailStatus.FAILED if give_up else MailStatus.PENDING, attempts=attempts,
                next_attempt_at=utcnow() + backoff(attempts), last_error=(str(e) or type(e).__name__)[:500])
        return
    report.sent += 1
    _finish(mail_id, name, status=MailStatus.SENT, attempts=attempts, sent_at=utcnow(), last_error="")


def deliver_due(*, name: str | None = None, sender=None) -> Report:
    """Deliver every mail that is due now (batch after batch); what fails waits for its next turn."""
    name = name or worker_name()
    sender = sender or transport.from_config(current_app.config)
    report = Report()
    while ids := claim(name):
        for mail_id in ids:
            deliver(mail_id, name, sender, report)
    return report


def run_forever(*, poll_seconds: float, stop=lambda: False, before=lambda: None,
                on_report=lambda report: None) -> None:
    """Deliver until stopped; ``before`` runs first each round (the scheduled reminders)."""
    name = worker_name()
    while not stop():
        before()
        report = deliver_due(name=name)
        if report.sent or report.retried or report.failed:
            on_report(report)
        db.session.remove()
        time.sleep(poll_seconds)
