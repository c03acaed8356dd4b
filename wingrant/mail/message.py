"""An outbox row as an RFC 5322 message (``email.message.EmailMessage``)."""

from __future__ import annotations

from datetime import UTC
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from ..database import utcnow
from .models import OutboxMail


def build(mail: OutboxMail, mail_from: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime((mail.created_at or utcnow()).replace(tzinfo=UTC))
    msg["Message-ID"] = mail.message_id
    # Tells auto-responders and out-of-office replies not to answer (RFC 3834).
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (mail.headers or {}).items():
        msg[name] = value
    msg.set_content(mail.body_text)
    if mail.body_html:
        msg.add_alternative(mail.body_html, subtype="html")
    for attachment in mail.attachments:
        if attachment.data is None:  # not rendered yet (the worker renders before it sends)
            continue
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=attachment.filename)
    # After the body: setting the content clears every Content-* header.
    msg["Content-Language"] = mail.language
    # Headers unfolded up to RFC 5322's 998: Python folds "mit Änderungen" between an ASCII word and an
    # encoded word so that readers show two spaces. The parts' encodings were chosen at 78 already.
    msg.policy = policy.default.clone(max_line_length=998)
    return msg
