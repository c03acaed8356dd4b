"""Demo data of the Förderzeiträume: every demo area funded since WiN began (1999), and one past area
(Früheres Fördergebiet) that ended two years ago, with a published meeting, so that the portal shows
"Frühere Fördergebiete" and a past area's decisions and minutes can be read right after ``make run``.

Idempotent like ``demo``: an area that already has periods, and a past area that already has its
meeting, are left alone.
"""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from ..applications.models import (
    Application,
    ApplicationState,
    ApplicationTransition,
    CostCategory,
    CostItem,
    FinancingItem,
    FundingSource,
)
from ..database import unit_of_work, utcnow
from ..extensions import db
from ..ledger import services as ledger
from ..meetings.models import AttendeeGroup, Meeting, MeetingState, Outcome
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import AreaPeriod, ForumArticle, Neighbourhood
from ..organisations.models import Organisation

#: WiN began in 1999: the demo's current areas are funded since then.
WIN_START = date(1999, 1, 1)
PAST_AREA = dict(slug="hohentor", name="Hohentor", code="HOH", forum_name="WiN-Forum Hohentor",
                 forum_article=ForumArticle.DAS, social_index_percent=50, office_name="Quartiersmanagement Hohentor",
                 office_address="Quartiersbüro Hohentor, Bremen", office_email="qm-hohentor@wingrant.example")
ORGANISATION = dict(name="Bürgerverein Hohentor e. V.", legal_form="e. V.", street="Hohentorsheerstr. 20",
                    postcode="28199", city="Bremen", contact_person="Gerd Wiechmann",
                    email="kontakt@buergerverein-hohentor.example", phone="0421 000000", non_profit=True)


def load(neighbourhoods: dict, programmes: dict, admin, today: date) -> str:
    """Periods for the demo areas and the past area Hohentor; returns a line for the report."""
    ended = date(today.year - 2, 12, 31)
    past = _past_area()
    added = 0
    for nb in [*neighbourhoods.values(), past]:
        if db.session.execute(sa.select(AreaPeriod.id).filter_by(neighbourhood_id=nb.id)).first():
            continue
        neighbourhood_services.add_period(
            nb.id, valid_from=WIN_START, valid_until=ended if nb is past else None, programme_id=None,
            decision_reference=(f"Senatsbeschluss vom 10.12.{ended.year} (Beispieldaten)" if nb is past
                                else "Senatsbeschluss vom 15.12.1998 (Beispieldaten)"), user=admin)
        added += 1
    if not db.session.execute(sa.select(Meeting.id).filter_by(neighbourhood_id=past.id)).first():
        _published_meeting(past, programmes["WIN"], admin, date(ended.year, 11, 12), today)
    return f"Förderzeiträume: {added} neu; früheres Fördergebiet {past.name} bis {ended:%d.%m.%Y}"


def _past_area() -> Neighbourhood:
    with unit_of_work():
        nb = db.session.execute(sa.select(Neighbourhood).filter_by(slug=PAST_AREA["slug"])).scalar_one_or_none()
        if nb is None:
            nb = Neighbourhood(**PAST_AREA)
            db.session.add(nb)
            db.session.flush()
    return nb


def _published_meeting(nb: Neighbourhood, win, admin, day: date, today: date) -> None:
    """The area's last meeting: one project approved, the minutes approved and published."""
    from ..meetings import decisions
    from ..meetings import services as meetings
    from ..meetings.models import AgendaItem
    from ..minutes import services as minutes_services
    from ..minutes.models import Minutes

    year = day.year
    with unit_of_work():
        budget = ledger.get_or_create_budget(nb, win, year, user=admin)
    ledger.allocate(budget.id, 75_000_00, user=admin, memo=f"Mittelansatz {year} (50 % Sozialindex)")
    with unit_of_work():
        org = db.session.execute(sa.select(Organisation).filter_by(name=ORGANISATION["name"])).scalar_one_or_none()
        if org is None:
            org = Organisation(**ORGANISATION)
            db.session.add(org)
            db.session.flush()
        app = Application(reference=f"{nb.code}-{year}-001", neighbourhood_id=nb.id, organisation_id=org.id,
                          year=year, title="Abschlussfest im Quartier", place="Hohentor", created_by_id=admin.id,
                          summary="Ein Fest zum Abschied vom WiN-Programm, mit Rückblick auf 25 Jahre Projekte.",
                          description="Ein Fest zum Abschied vom WiN-Programm.", state=ApplicationState.READY,
                          contact_email=org.email, start_date=date(year, 12, 1), end_date=date(year, 12, 1),
                          submitted_at=utcnow())
        app.cost_items.append(CostItem(position=0, category=CostCategory.MATERIAL, description="Bühne, Zelte",
                                       amount_cents=4_000_00))
        app.financing_items.append(FinancingItem(position=0, source=FundingSource.OWN_FUNDS, amount_cents=2_000_00))
        app.financing_items.append(FinancingItem(position=1, source=FundingSource.PROGRAMME, programme_id=win.id,
                                                 amount_cents=2_000_00))
        db.session.add(app)
        db.session.flush()
        db.session.add(ApplicationTransition(application_id=app.id, from_state=None, to_state=app.state,
                                             reason="Beispieldaten", user_id=admin.id))
    meeting = meetings.create_meeting(nb, meetings.MeetingData(
        date=day, starts_at=time(18, 0), ends_at=time(19, 30), place="Bürgerhaus Hohentor",
        address="Hohentorsheerstraße 20, 28199 Bremen",
        invitation_text="Herzliche Einladung zur letzten Sitzung des WiN-Forums Hohentor."), user=admin)
    meetings.add_applications(meeting, [app.id], user=admin)
    meetings.change_state(meeting, MeetingState.INVITED, user=admin)
    meetings.set_head_counts(meeting, {AttendeeGroup.RESIDENTS: 18, AttendeeGroup.INSTITUTIONS: 7}, user=admin)
    item = db.session.execute(sa.select(AgendaItem.id).filter_by(meeting_id=meeting.id,
                                                                 application_id=app.id)).scalar_one()
    decisions.record_outcome(meeting, item, decisions.OutcomeData(Outcome.APPROVED), user=admin)
    meetings.change_state(meeting, MeetingState.HELD, user=admin)
    with unit_of_work():
        db.session.add(Minutes(meeting_id=meeting.id, introduction="Das WiN-Forum Hohentor trifft sich zum "
                                                                   "letzten Mal als Fördergebiet."))
    minutes_services.approve(meeting.id, user=admin, no_objections=True, today=today)
    minutes_services.publish(meeting.id, user=admin)
