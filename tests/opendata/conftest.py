"""A small world for open-data tests: Huchting with published, corrected, approved-only
and draft minutes, an announced meeting, and an inactive neighbourhood with published minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.minutes import factories
from tests.minutes.factories import AppSpec
from tests.public.conftest import (  # noqa: F401
    huchting,
    make_meeting,
    manager,
    programmes,
    publish,
    quick_protocol_pdf,
)
from wingrant.auth.models import Role
from wingrant.meetings.models import MeetingState
from wingrant.minutes import services


@dataclass
class World:
    published: factories.Built
    corrected: factories.Built
    approved_only: factories.Built
    draft: factories.Built
    announced: factories.Built
    inactive: factories.Built


@pytest.fixture
def funded_meeting(make_meeting, make_budget, programmes):  # noqa: F811
    """``make_meeting`` with money in the meeting's year (the factories book every approval)."""
    funded: set[tuple[int, int]] = set()

    def make(neighbourhood, specs=None, *, when: date | None = None, **kwargs) -> factories.Built:
        when = when or date.today() - timedelta(days=30)
        if (neighbourhood.id, when.year) not in funded:
            for programme in programmes.values():
                make_budget(500_000_00, neighbourhood=neighbourhood, programme=programme, year=when.year)
            funded.add((neighbourhood.id, when.year))
        return make_meeting(neighbourhood, specs, when=when, **kwargs)

    return make


@pytest.fixture
def world(db, huchting, funded_meeting, manager, make_neighbourhood, make_user) -> World:  # noqa: F811
    published = funded_meeting(huchting)
    publish(published, manager)
    corrected = funded_meeting(huchting, [AppSpec("Stadtteilfest im Park", "Festverein Huchting e. V.",
                                                  {"WIN": 2_500_00})], when=date.today() - timedelta(days=60))
    publish(corrected, manager)
    services.correct(corrected.meeting.id, None, "Schreibfehler im Titel berichtigt", user=manager)
    approved_only = funded_meeting(huchting, [AppSpec("Genehmigt, nicht veröffentlicht", "Träger G",
                                                      {"WIN": 100_00})], when=date.today() - timedelta(days=40))
    publish(approved_only, manager, approve_only=True)
    draft = funded_meeting(huchting, [AppSpec("Entwurfsprojekt", "Träger E", {"WIN": 200_00})],
                           when=date.today() - timedelta(days=10))
    announced = funded_meeting(huchting, [], when=date.today() + timedelta(days=20), state=MeetingState.INVITED,
                               standard_items=False, people=False)
    old = make_neighbourhood("Altquartier", code="ALT", forum_name="WiN-Forum Altquartier")
    old_manager = make_user("qm.alt@example.org", roles={old: Role.MANAGER})
    inactive = funded_meeting(old, [AppSpec("Projekt im aufgelösten Quartier", "Träger A", {"WIN": 300_00})])
    publish(inactive, old_manager)
    old.active = False
    db.session.commit()
    return World(published, corrected, approved_only, draft, announced, inactive)


#: Names and contact data that must never appear in any open-data file or feed.
SECRETS = (factories.CONTACT_EMAIL, factories.CONTACT_PHONE, factories.CONTACT_PERSON, factories.SECRET_RESIDENT,
           factories.SECRET_OBJECTOR, factories.SECRET_RECUSED, factories.SECRET_APOLOGY,
           factories.CONSENTING_RESIDENT, "Interne Beschreibung", "Geheimweg")
#: Titles of applications whose decisions are not (or no longer) public.
HIDDEN_TITLES = ("Genehmigt, nicht veröffentlicht", "Entwurfsprojekt", "Projekt im aufgelösten Quartier")
