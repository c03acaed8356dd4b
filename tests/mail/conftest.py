"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, and can refuse."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from wingrant.database import unit_of_work
from wingrant.mail import outbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Handler:
    """Accepts every message, unless told to answer the next ``refuse`` DATA commands with ``code``."""

    received: list = field(default_factory=list)
    refuse: int = 0
    code: str = "451 4.3.0 Bitte später noch einmal"
    refuse_recipients: set = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return "550 5.1.1 Unbekannter Empfänger"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return self.code
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Handler()
        # Our own loop, closed in ``close()``: aiosmtpd leaves the one it makes open (a socket leak).
        self.loop = asyncio.new_event_loop()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, loop=self.loop)
        self.running = False

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list:
        return [m for _, _, m in self.handler.received]

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def close(self) -> None:
        if self.running:
            self.controller.stop()
        self.loop.close()


@pytest.fixture
def smtp_server(app) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    app.config["MAIL_URL"] = server.url
    yield server
    server.close()


@pytest.fixture
def smtp_down(app) -> Iterator[SmtpServer]:
    """A server configured but not (yet) listening: ``start()`` brings it up."""
    server = SmtpServer()
    app.config["MAIL_URL"] = server.url
    yield server
    server.close()


LINK_CONTEXT = {"title": "Stadtteilfest 2026", "link": "http://localhost/antrag/geheim",
                "reason": "Sie haben einen neuen Link angefordert.",
                "contact": {"name": "Quartiersmanagement Huchting", "email": "qm@example.org", "phone": ""}}


@pytest.fixture
def write_mail(app, db):
    """Writes one test mail in its own unit of work; returns its id."""

    def write(to="traeger@example.org", *, reference="HUC-2026-001", language="de", attachments=(), headers=None):
        with unit_of_work():
            mail = outbox.enqueue("applicant.link", to=to, template="applicant_link", language=language,
                                  context=LINK_CONTEXT | {"reference": reference}, attachments=attachments,
                                  headers=headers)
        return mail.id

    return write
