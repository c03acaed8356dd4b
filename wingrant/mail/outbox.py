"""Writing mail: render it in the recipient's language and add it to the outbox of the unit of work.

``enqueue`` must run inside the unit of work of the event that causes the mail (it refuses
otherwise): the row commits with the event or not at all. Rendering happens now, so the mail says
what was true when it was written, even if it is delivered hours later after an outage.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape

from ..core.urls import public_host
from ..extensions import db
from .kinds import KINDS
from .models import OutboxAttachment, OutboxMail


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes | None = None
    #: Instead of ``data``: rendered by the worker (``renderer:argument``, see ``worker.render_missing``).
    source: str | None = None


class NotInUnitOfWork(RuntimeError):
    """A mail without its event's transaction could be sent for an event that never happened."""


def _render_block(template_name: str, block: str, context: dict) -> str:
    env = current_app.jinja_env
    template = env.get_template(template_name)
    ctx = dict(context)
    current_app.update_template_context(ctx)
    return "".join(template.blocks[block](template.new_context(ctx))).strip()


_URL = re.compile(r"https?://[^\s<>\"]+")


def text_to_html(text: str) -> Markup:
    """Paragraphs and lines of a plain-text body as HTML, its links clickable (everything else escaped)."""

    def line(value: str) -> str:
        out, last = [], 0
        for match in _URL.finditer(value):
            out.append(str(escape(value[last:match.start()])))
            url = escape(match.group())
            out.append(f'<a href="{url}" style="color:#00528a">{url}</a>')
            last = match.end()
        out.append(str(escape(value[last:])))
        return "".join(out)

    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("\n".join(f"<p>{'<br>'.join(line(x) for x in p.splitlines())}</p>" for p in paragraphs))


def render(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``templates/mail/<template>.txt`` in ``language``.

    The HTML part comes from ``<template>.html`` where a mail has one of its own, else from the
    text's body block, so that every mail is written once and reads the same in both parts.
    """
    with force_locale(language):
        # One line (template whitespace collapsed); the no-break space in "400,00 €" stays.
        subject = re.sub(r"[ \t\r\n]+", " ", _render_block(f"mail/{template}.txt", "subject", context)).strip()
        text = render_template(f"mail/{template}.txt", **context).strip() + "\n"
        try:
            html = render_template(f"mail/{template}.html", subject=subject, **context)
        except TemplateNotFound:
            body = text_to_html(_render_block(f"mail/{template}.txt", "body", context))
            html = render_template("mail/_text_as_html.html", subject=subject, body_html=body, **context)
    return subject, text, html


def new_message_id() -> str:
    return f"<{secrets.token_hex(16)}@{public_host()}>"


def enqueue(kind: str, *, to: str, template: str, context: dict, language: str | None = "de",
            neighbourhood_id: int | None = None, attachments: Iterable[Attachment] = (),
            headers: dict[str, str] | None = None) -> OutboxMail | None:
    """Add one mail to the outbox of the running unit of work; None when there is no address."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    if not db.session().info.get("uow_depth"):
        raise NotInUnitOfWork(kind)
    address = parseaddr(to or "")[1]
    if "@" not in address:
        return None
    language = language if language in current_app.config["LANGUAGES"] else "de"
    subject, text, html = render(template, context, language)
    mail = OutboxMail(kind=kind, neighbourhood_id=neighbourhood_id, recipient=address, subject=subject[:300],
                      body_text=text, body_html=html, language=language, headers=headers or None,
                      message_id=new_message_id())
    mail.attachments = [OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data,
                                         source=a.source) for a in attachments]
    db.session.add(mail)
    return mail
