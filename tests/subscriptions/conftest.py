"""Subscribers of a forum's mailing list, and the real SMTP server of the mail tests."""

from __future__ import annotations

import re

import pytest

from tests.mail.conftest import smtp_server  # noqa: F401 - the fixture, shared
from wingrant.extensions import db as _db
from wingrant.subscriptions import services, tokens
from wingrant.subscriptions.models import Subscriber


@pytest.fixture
def huchting(make_neighbourhood):
    return make_neighbourhood("Huchting", code="HUC", forum_name="Stadtteilgruppe Huchting",
                              office_name="Quartiersmanagement Huchting", office_email="qm-huchting@example.org")


@pytest.fixture
def make_subscriber(db):
    """A subscriber through the service (consent, tokens), confirmed unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(neighbourhood, email=None, *, confirmed=True, language="de") -> Subscriber:
        email = email or f"abo{next(counter)}@example.org"
        services.subscribe(neighbourhood, email, language=language, consent=services.consent_text(neighbourhood),
                           ip=f"10.0.0.{next(counter)}")
        subscriber = _db.session.execute(
            _db.select(Subscriber).filter_by(neighbourhood_id=neighbourhood.id, email=email)).scalar_one()
        if confirmed:
            services.confirm(tokens.make("confirm", subscriber.id, subscriber.token_salt))
        return subscriber

    return make


def link_in(text: str, path: str) -> str:
    match = re.search(r"(http://localhost" + re.escape(path) + r"[A-Za-z0-9_-]+)", text)
    assert match, f"no {path} link in {text!r}"
    return match.group(1)
