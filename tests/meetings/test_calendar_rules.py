"""Meetings follow the calendar: nothing is held or decided before the start, a meeting with
decisions keeps its date, decisions need the attendance, and a recused person's named objection
does not count whatever group is picked beside the name."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.conftest import item_for, post
from wingrant.errors import DomainError
from wingrant.meetings import consensus, decisions, queries, services, timing
from wingrant.meetings.consensus import Outcome
from wingrant.meetings.models import AttendeeGroup, Decision, Meeting, MeetingState, Objection


def _data(meeting: Meeting, **changes) -> services.MeetingData:
    values = dict(date=meeting.date, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place=meeting.place)
    values.update(changes)
    return services.MeetingData(**values)


def _clock(monkeypatch, day: date, at: time) -> None:
    monkeypatch.setattr(timing, "now", lambda: datetime.combine(day, at, tzinfo=timing.BERLIN))


@pytest.fixture
def upcoming(db, forum, make_meeting, make_application):
    """A meeting in three days, 18:00, with one application on the agenda and 20 people counted."""
    meeting = make_meeting(forum.neighbourhood, user=forum.manager, on=date.today() + timedelta(days=3))
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    services.add_applications(meeting, [application.id], user=forum.manager)
    services.change_state(meeting, MeetingState.INVITED, user=forum.manager)
    return meeting, item_for(db, meeting, application)


def _approve(meeting, item, user):
    return decisions.record_outcome(meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=user)


def test_meeting_cannot_be_marked_held_before_it_starts(forum, upcoming, monkeypatch):
    meeting, _item = upcoming
    _clock(monkeypatch, meeting.date, time(17, 59))
    with pytest.raises(DomainError, match="beginnt am .* um 18:00 Uhr; erst dann kann sie als durchgeführt"):
        services.change_state(meeting, MeetingState.HELD, user=forum.manager)
    _clock(monkeypatch, meeting.date, time(18, 0))
    assert services.change_state(meeting, MeetingState.HELD, user=forum.manager).state == MeetingState.HELD


def test_no_decision_before_the_meeting_starts(db, forum, upcoming, monkeypatch):
    meeting, item = upcoming
    with pytest.raises(DomainError, match="Beschlüsse lassen sich erst ab ihrem Beginn erfassen"):
        _approve(meeting, item, forum.manager)
    assert db.session.execute(sa.select(Decision.outcome).filter_by(agenda_item_id=item.id)).scalar() is None
    _clock(monkeypatch, meeting.date, time(18, 30))
    assert _approve(meeting, item, forum.manager).outcome == Outcome.APPROVED


def test_meeting_without_start_time_begins_with_its_day():
    day = date(2026, 12, 10)
    assert not timing.has_begun(day, None, datetime(2026, 12, 9, 23, 59, tzinfo=timing.BERLIN))
    assert timing.has_begun(day, None, datetime(2026, 12, 10, 0, 0, tzinfo=timing.BERLIN))
    # Berlin wall-clock time: 18:00 in December is 17:00 UTC.
    assert timing.has_begun(day, time(18), datetime(2026, 12, 10, 17, 0, tzinfo=UTC))
    assert not timing.has_begun(day, time(18), datetime(2026, 12, 10, 16, 59, tzinfo=UTC))


def test_decision_before_the_start_is_refused_with_a_message_in_the_live_meeting(db, client, auth, forum,
                                                                                   upcoming):
    meeting, item = upcoming
    auth.login(forum.manager.email)
    url = f"/quartiere/{forum.neighbourhood.slug}/sitzungen/{meeting.id}"
    response = post(client, f"{url}/top/{item.id}/beschluss", {"outcome": "approved"}, prefix="outcome")
    assert response.status_code == 422  # shown at the outcome, where the QM is looking
    assert "Beschlüsse lassen sich erst ab ihrem Beginn erfassen" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(Decision.outcome).filter_by(agenda_item_id=item.id)).scalar() is None


def test_decision_needs_the_attendance(db, forum, make_meeting, make_application):
    meeting = make_meeting(forum.neighbourhood, user=forum.manager, present=0)
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    services.add_applications(meeting, [application.id], user=forum.manager)
    item = item_for(db, meeting, application)
    with pytest.raises(DomainError, match="Bitte zuerst die Anwesenheit erfassen") as refused:
        _approve(meeting, item, forum.manager)
    assert refused.value.field == "outcome"
    services.add_attendee(meeting, services.AttendeeData("Paula Entschuldigt", AttendeeGroup.POLITICS,
                                                         apologised=True), user=forum.manager)
    with pytest.raises(DomainError, match="Anwesenheit"):  # an apology is not presence
        _approve(meeting, item, forum.manager)
    services.add_attendee(meeting, services.AttendeeData("Petra Lange", AttendeeGroup.RESIDENTS),
                          user=forum.manager)
    assert _approve(meeting, item, forum.manager).outcome == Outcome.APPROVED


@pytest.fixture
def decided(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    _approve(forum.meeting, item_for(db, forum.meeting, application), forum.manager)
    return forum.meeting


def test_date_cannot_move_once_decisions_exist(db, forum, decided):
    with pytest.raises(DomainError, match="bereits Beschlüsse erfasst; ihr Datum") as refused:
        services.update_meeting(decided, _data(decided, date=decided.date + timedelta(days=7)), user=forum.manager)
    assert refused.value.field == "date"
    db.session.expire_all()
    assert db.session.get(Meeting, decided.id).date == date(2026, 11, 26)
    # Place and end time may still be corrected.
    services.update_meeting(decided, _data(decided, place="Bürgerhaus, Saal 2"), user=forum.manager)


def test_start_cannot_move_after_the_first_decision(db, forum, decided):
    db.session.execute(sa.update(Decision).values(decided_at=datetime(2026, 11, 26, 17, 30)))  # 18:30 in Bremen
    db.session.commit()
    with pytest.raises(DomainError, match="um 18:30 Uhr erfasst") as refused:
        services.update_meeting(decided, _data(decided, starts_at=time(19), ends_at=time(21)), user=forum.manager)
    assert refused.value.field == "starts_at"
    services.update_meeting(decided, _data(decided, starts_at=time(18, 15)), user=forum.manager)


def test_held_meeting_cannot_move_into_the_future(forum):
    services.change_state(forum.meeting, MeetingState.INVITED, user=forum.manager)
    services.change_state(forum.meeting, MeetingState.HELD, user=forum.manager)
    with pytest.raises(DomainError, match="nicht in die Zukunft verlegt"):
        services.update_meeting(forum.meeting, _data(forum.meeting, date=date.today() + timedelta(days=1)),
                                user=forum.manager)


# --- the objection form's trap ---------------------------------------------------------------


def _objection(**values) -> Objection:
    return Objection(person_name=values.pop("person_name", ""), withdrawn=False, **values)


def test_named_objection_of_a_recused_person_does_not_count_even_with_a_group():
    """The form takes a group and a name; a name makes it that person's objection."""
    pure = queries.pure_objection(_objection(group=AttendeeGroup.INSTITUTIONS, person_name="Petra Lange"))
    assert consensus.is_recused(pure, (consensus.Recusal("Petra  lange", "Nachbarschaftsgarten e. V."),))
    assert not pure.is_group


def test_group_objection_without_a_name_still_counts():
    pure = queries.pure_objection(_objection(group=AttendeeGroup.RESIDENTS))
    assert pure.is_group and not consensus.is_recused(pure, (consensus.Recusal("residents"),))


def test_recused_persons_objection_with_a_group_cannot_block_the_approval(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    decisions.record_recusal(forum.meeting, item.id, decisions.RecusalData("Petra Lange", "Garten e. V."),
                             user=forum.manager)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(
        group=AttendeeGroup.INSTITUTIONS, person_name="Petra Lange", reason="Mehr Geld"), user=forum.manager)
    decision = db.session.execute(sa.select(Decision).filter_by(agenda_item_id=item.id)).scalar_one()
    counting, discounted = queries.objection_counts(decision)
    assert counting == [] and [o.person_name for o in discounted] == ["Petra Lange"]
    assert _approve(forum.meeting, item, forum.manager).outcome == Outcome.APPROVED


def test_live_meeting_offers_the_attendees_names_for_objections_and_recusals(db, client, auth, forum,
                                                                             make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    services.set_current_item(forum.meeting, item_for(db, forum.meeting, application).id, user=forum.manager)
    for name, apologised in (("Petra Lange", False), ("Paula Entschuldigt", True)):
        services.add_attendee(forum.meeting, services.AttendeeData(name, AttendeeGroup.RESIDENTS,
                                                                   apologised=apologised), user=forum.manager)
    auth.login(forum.manager.email)
    html = client.get(forum.base + "/live").get_data(as_text=True)
    datalist = html.split('<datalist id="anwesende">')[1].split("</datalist>")[0]
    assert '<option value="Petra Lange">' in datalist and "Paula Entschuldigt" not in datalist
    assert 'id="objection-person_name"' in html and html.count('list="anwesende"') == 2
