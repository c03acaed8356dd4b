"""Fixtures of the API tests: tokens, bearer headers, and the demo world with a token per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa


@pytest.fixture
def make_token(db):
    """``make_token(user)`` → the secret of a new API token of ``user``."""
    from wingrant.api import tokens

    def make(user, name: str = "Test", valid_days: int | None = None) -> str:
        _token, secret = tokens.create_token(user, name, valid_days=valid_days)
        db.session.commit()
        return secret

    return make


def bearer(secret: str | None) -> dict:
    return {"Authorization": f"Bearer {secret}"} if secret else {}


@dataclass
class DemoWorld:
    #: Role name → bearer secret (None: anonymous).
    tokens: dict[str, str | None]
    #: Values for the URL arguments of the API rules.
    values: dict


ROLES = {
    "admin": "geschaeftsfuehrung@wingrant.example",
    "manager": "qm.huchting@wingrant.example",
    "minutes": "protokoll.huchting@wingrant.example",
    "reader": "lesend.huchting@wingrant.example",
    "other_manager": "qm.groepelingen@wingrant.example",
    #: Owns the Innovationstopf (budgets in Gröpelingen and Tenever); no role in any neighbourhood.
    "programme_owner": "innovationstopf@wingrant.example",
    "city_admin": "stadt.bremerhaven@wingrant.example",
}


@pytest.fixture
def demo_world(app, db, demo, make_token):
    """The demo data with an API token for every role and the ids of Huchting's objects."""
    from wingrant.applications.models import Application, Attachment
    from wingrant.auth.models import User
    from wingrant.ledger.models import Budget, LedgerEntry
    from wingrant.meetings.models import AgendaItem, Attendance, Meeting, Objection, Recusal
    from wingrant.neighbourhoods.models import Neighbourhood

    secrets = {}
    for role, email in ROLES.items():
        user = db.session.execute(sa.select(User).filter_by(email=email)).scalar_one()
        secrets[role] = make_token(user)
    secrets["anonymous"] = None
    huchting = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    meeting = db.session.execute(sa.select(Meeting).filter_by(neighbourhood_id=huchting.id)
                                 .order_by(Meeting.date)).scalars().first()
    item = db.session.execute(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                          AgendaItem.application_id.is_not(None))
                              .order_by(AgendaItem.position)).scalars().first()
    budget = db.session.execute(sa.select(Budget).filter_by(neighbourhood_id=huchting.id)).scalars().first()
    application = db.session.execute(sa.select(Application).filter_by(neighbourhood_id=huchting.id)
                                     .order_by(Application.id)).scalars().first()

    def first_id(model, *where):
        return db.session.execute(sa.select(model.id).where(*where).order_by(model.id)).scalars().first() or 999_999

    values = {
        "slug": "huchting", "meeting_id": meeting.id, "item_id": item.id, "budget_id": budget.id,
        "application_id": application.id, "org_id": application.organisation_id,
        "entry_id": first_id(LedgerEntry, LedgerEntry.budget_id == budget.id),
        "attendance_id": first_id(Attendance, Attendance.meeting_id == meeting.id),
        "objection_id": first_id(Objection), "recusal_id": first_id(Recusal), "number": 1,
        "attachment_id": first_id(Attachment, Attachment.application_id == application.id),
    }
    db.session.remove()
    return DemoWorld(secrets, values)
