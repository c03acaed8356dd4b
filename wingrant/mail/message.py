"""An outbox row as an RFC 5322 message (``email.message.EmailMessage``)."""

from __future__ import annotations

import email.policy
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime

from ..database import utcnow
from .models import OutboxMail

#: RFC 5322 allows 998 characters a line. With the default 78 the ``email`` package turns a long
#: unbreakable header value (a ``List-Unsubscribe`` URL) into an RFC 2047 encoded word, which mail
#: programs then do not recognise as a link.
POLICY = email.policy.default.clone(max_line_length=998)


def build(mail: OutboxMail, mail_from: str) -> EmailMessage:
    msg = EmailMessage()  # the parts' transfer encodings are chosen for 78-character lines
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
        # "text/calendar; charset=utf-8; method=PUBLISH": the parameters go on the part's Content-Type.
        kind, *parameters = (p.strip() for p in attachment.content_type.split(";"))
        maintype, _, subtype = kind.partition("/")
        params = dict(p.partition("=")[::2] for p in parameters if "=" in p)
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=attachment.filename, params=params)
    # After the body: setting the content clears every Content-* header.
    msg["Content-Language"] = mail.language
    # The headers leave with up to 998 characters a line: a long List-Unsubscribe stays a link, and
    # "mit Änderungen" is not folded before its encoded word (readers showed two spaces there).
    msg.policy = POLICY
    return msg
