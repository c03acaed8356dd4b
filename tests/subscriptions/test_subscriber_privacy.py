"""Subscribers, attendees' addresses and objections to draft minutes are personal data: export and retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from wingrant.maintenance.privacy import ANONYMISED, anonymise_expired, export_person
from wingrant.meetings.models import Attendance, AttendeeGroup, Meeting
from wingrant.minutes.models import Minutes, MinutesObjection
from wingrant.subscriptions import services
from wingrant.subscriptions.models import Subscriber

TODAY = date(2026, 11, 21)
MIDNIGHT = datetime.combine(TODAY, datetime.min.time())


def _set(db, subscriber, **values) -> None:
    db.session.execute(sa.update(Subscriber).where(Subscriber.id == subscriber.id).values(**values))
    db.session.commit()


def test_export_person_lists_the_subscriptions_with_their_consent(db, huchting, make_subscriber):
    make_subscriber(huchting, "nachbarin@example.org")
    data = export_person("Nachbarin@Example.org")
    [entry] = data["subscriptions"]
    assert entry["neighbourhood"] == "Huchting" and entry["email"] == "nachbarin@example.org"
    assert entry["consent_text"] == services.consent_text(huchting)
    assert entry["subscribed_at"] and entry["confirmed_at"] and entry["unsubscribed_at"] is None


def test_unconfirmed_subscriptions_are_deleted_after_seven_days(db, huchting, make_subscriber):
    old = make_subscriber(huchting, "alt@example.org", confirmed=False)
    make_subscriber(huchting, "neu@example.org", confirmed=False)
    _set(db, old, subscribed_at=MIDNIGHT - timedelta(days=8))
    result = anonymise_expired(today=TODAY)
    assert result.unconfirmed_subscribers == 1
    assert db.session.execute(sa.select(Subscriber.email)).scalars().all() == ["neu@example.org"]


def test_unsubscribed_addresses_are_deleted_after_the_retention_period(db, app, huchting, make_subscriber):
    days = app.config["PERSONAL_DATA_RETENTION_DAYS"]
    gone = make_subscriber(huchting, "weg@example.org")
    recent = make_subscriber(huchting, "kuerzlich@example.org")
    active = make_subscriber(huchting, "aktiv@example.org")
    _set(db, gone, unsubscribed_at=MIDNIGHT - timedelta(days=days + 1))
    _set(db, recent, unsubscribed_at=MIDNIGHT - timedelta(days=days - 1))  # still proves the consent it ended
    long_ago = MIDNIGHT - timedelta(days=days * 3)
    _set(db, active, subscribed_at=long_ago, confirmed_at=long_ago)
    result = anonymise_expired(today=TODAY)
    assert result.unsubscribed_subscribers == 1
    assert sorted(db.session.execute(sa.select(Subscriber.email)).scalars()) == ["aktiv@example.org",
                                                                                 "kuerzlich@example.org"]


def test_attendee_addresses_and_minutes_objections_expire_with_the_meeting(db, app, huchting):
    meeting = Meeting(neighbourhood_id=huchting.id, date=TODAY - timedelta(days=app.config[
        "PERSONAL_DATA_RETENTION_DAYS"] + 1))
    db.session.add(meeting)
    db.session.flush()
    minutes = Minutes(meeting_id=meeting.id)
    db.session.add_all([minutes, Attendance(meeting_id=meeting.id, name="Erika", group=AttendeeGroup.RESIDENTS,
                                            email="erika@example.org")])
    db.session.flush()
    db.session.add(MinutesObjection(minutes_id=minutes.id, author="Erika", text="TOP 3 fehlt.",
                                    received_on=meeting.date))
    db.session.commit()
    assert export_person("erika@example.org")["attendance"][0]["email"] == "erika@example.org"
    assert export_person("Erika")["minutes_objections"][0]["text"] == "TOP 3 fehlt."

    result = anonymise_expired(today=TODAY)

    assert (result.attendees, result.minutes_objections) == (1, 1)
    db.session.rollback()
    assert db.session.execute(sa.select(Attendance.email)).scalar_one() == ""
    assert db.session.execute(sa.select(MinutesObjection.author, MinutesObjection.text)).one() == (
        ANONYMISED, "TOP 3 fehlt.")
