"""Factories for the meeting tests: applications with a financing plan, meetings, a forum world."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from

YEAR = 2026


@pytest.fixture
def make_organisation(db):
    from wingrant.organisations.models import Organisation

    counter = itertools.count(1)

    def make(name: str | None = None) -> Organisation:
        org = Organisation(name=name or f"Träger {next(counter)} e. V.")
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_application(db, make_neighbourhood, make_organisation, make_programme):
    """``make_application(state=READY, requested={programme: cents})``: an application with a plan."""
    from wingrant.applications.models import (
        Application,
        ApplicationState,
        CostCategory,
        CostItem,
        FinancingItem,
        FundingSource,
    )

    counter = itertools.count(1)

    def make(*, neighbourhood=None, state=ApplicationState.READY, requested=None, title=None,
             organisation=None, year: int = YEAR, summary: str = "Ein Projekt für die Nachbarschaft.") -> Application:
        n = next(counter)
        neighbourhood = neighbourhood or make_neighbourhood()
        requested = requested if requested is not None else {make_programme("WIN"): 1_000_00}
        organisation = organisation or make_organisation()
        application = Application(
            reference=f"{neighbourhood.code}-{year}-{n:03d}-{neighbourhood.id}", neighbourhood_id=neighbourhood.id,
            organisation_id=organisation.id, year=year, title=title or f"Projekt {n}", summary=summary,
            state=state)
        total = sum(requested.values())
        application.cost_items.append(CostItem(position=0, category=CostCategory.MATERIAL, description="Material",
                                               amount_cents=max(total * 2, 1)))
        application.financing_items.append(FinancingItem(position=0, source=FundingSource.OWN_FUNDS,
                                                         amount_cents=max(total, 1)))
        for i, (programme, cents) in enumerate(requested.items(), start=1):
            application.financing_items.append(FinancingItem(position=i, source=FundingSource.PROGRAMME,
                                                             programme_id=programme.id, amount_cents=cents))
        db.session.add(application)
        db.session.commit()
        return application

    return make


#: Meetings of these tests took place (decisions need a meeting that has begun) ...
MEETING_DAY = date(YEAR, 11, 26)
#: ... and counted who was there (decisions need the attendance).
PRESENT = 20


@pytest.fixture
def make_meeting(db):
    """``make_meeting(neighbourhood, on=…, present=20)``: a meeting of the past with 20 people counted
    (``present=0``: no attendance recorded)."""
    from wingrant.meetings import services
    from wingrant.meetings.models import AttendeeGroup, HeadCount

    def make(neighbourhood, *, user=None, on: date = MEETING_DAY, present: int = PRESENT, **values):
        data = services.MeetingData(date=on, starts_at=values.pop("starts_at", time(18, 0)),
                                    ends_at=values.pop("ends_at", time(20, 0)),
                                    place=values.pop("place", "Bürgerhaus, Saal 1"), **values)
        meeting = services.create_meeting(neighbourhood, data, user=user)
        if present:
            db.session.add(HeadCount(meeting_id=meeting.id, group=AttendeeGroup.RESIDENTS, count=present))
        db.session.commit()
        return meeting

    return make


@dataclass
class Forum:
    neighbourhood: object
    win: object
    soz: object
    win_budget: object
    soz_budget: object
    manager: object
    meeting: object

    @property
    def base(self) -> str:
        return f"/quartiere/{self.neighbourhood.slug}/sitzungen/{self.meeting.id}"


@pytest.fixture
def forum(db, make_neighbourhood, make_programme, make_budget, make_user, make_meeting):
    """A neighbourhood with a WiN budget of 10.000 € and a Soziale-Stadt budget of 20.000 €, its
    Quartiersmanagerin and one meeting (planned; dated in the past, with 20 people counted)."""
    from wingrant.auth.models import Role

    neighbourhood = make_neighbourhood("Huchting", slug="huchting", code="HUC")
    win = make_programme("WIN", name="WiN – Wohnen in Nachbarschaften", position=0)
    soz = make_programme("SOZ", name="Sozialer Zusammenhalt", position=1)
    win_budget = make_budget(10_000_00, neighbourhood=neighbourhood, programme=win, year=YEAR)
    soz_budget = make_budget(20_000_00, neighbourhood=neighbourhood, programme=soz, year=YEAR)
    manager = make_user("qm@example.org", roles={neighbourhood: Role.MANAGER}, name="Maren Hollmann")
    meeting = make_meeting(neighbourhood, user=manager)
    return Forum(neighbourhood, win, soz, win_budget, soz_budget, manager, meeting)


def item_for(db, meeting, application):
    from wingrant.meetings.models import AgendaItem

    return db.session.execute(sa.select(AgendaItem).filter_by(meeting_id=meeting.id,
                                                              application_id=application.id)).scalar_one()


def post(client, url: str, data: dict, *, prefix: str | None = None, follow_redirects=False):
    """POST a form the way a browser does: CSRF token from a page, fields with the form's prefix."""
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    fields = {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()}
    fields[f"{prefix}-csrf_token" if prefix else "csrf_token"] = token
    return client.post(url, data=fields, follow_redirects=follow_redirects)


def approve_minutes(db, meeting) -> None:
    """Stand in for the minutes feature: the meeting's minutes are approved (the meeting is locked)."""
    from wingrant.meetings.models import Meeting, MeetingState

    db.session.rollback()
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id)
                       .values(state=MeetingState.MINUTES_APPROVED))
    db.session.commit()
