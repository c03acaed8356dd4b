"""The audit log and the published minutes versions are history: the database refuses UPDATE and
DELETE of their rows, on SQLite and PostgreSQL alike (issue 19, item 9)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from wingrant.audit import services as audit
from wingrant.audit.models import AuditEvent
from wingrant.database import unit_of_work
from wingrant.meetings.models import Meeting
from wingrant.minutes.models import Minutes, MinutesVersion

PDF = b"%PDF-1.7\n% published\n"


@pytest.fixture
def audit_event_id(db) -> int:
    with unit_of_work():
        event = audit.record("auth.login_failed", after={"email": "qm@example.org"})
    return event.id


@pytest.fixture
def version_id(db, make_neighbourhood) -> int:
    meeting = Meeting(neighbourhood_id=make_neighbourhood().id, date=date(2026, 3, 4))
    db.session.add(meeting)
    db.session.flush()
    minutes = Minutes(meeting_id=meeting.id)
    db.session.add(minutes)
    db.session.flush()
    version = MinutesVersion(minutes_id=minutes.id, number=1, pdf=PDF, sha256=hashlib.sha256(PDF).hexdigest(),
                             size_bytes=len(PDF))
    db.session.add(version)
    db.session.commit()
    return version.id


def _refused(db, statement: str, **params) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(sa.text(statement), params)
        db.session.commit()
    db.session.rollback()


def test_database_refuses_to_rewrite_an_audit_event(db, audit_event_id):
    _refused(db, "UPDATE audit_event SET action = 'auth.login', user_id = NULL WHERE id = :id", id=audit_event_id)
    assert db.session.get(AuditEvent, audit_event_id).action == "auth.login_failed"


def test_database_refuses_to_delete_an_audit_event(db, audit_event_id):
    _refused(db, "DELETE FROM audit_event")
    assert db.session.get(AuditEvent, audit_event_id) is not None


def test_database_refuses_to_change_the_bytes_or_checksum_of_published_minutes(db, version_id):
    forged = b"%PDF-1.7\n% forged\n"
    _refused(db, "UPDATE minutes_version SET pdf = :pdf, sha256 = :sha WHERE id = :id",
             pdf=forged, sha=hashlib.sha256(forged).hexdigest(), id=version_id)
    _refused(db, "UPDATE minutes_version SET reason = 'nachträglich' WHERE id = :id", id=version_id)
    version = db.session.get(MinutesVersion, version_id)
    assert version.pdf == PDF and version.sha256 == hashlib.sha256(PDF).hexdigest()


def test_database_refuses_to_delete_published_minutes(db, version_id):
    _refused(db, "DELETE FROM minutes_version WHERE id = :id", id=version_id)
    assert db.session.get(MinutesVersion, version_id) is not None


def test_new_audit_events_and_minutes_versions_are_still_written(db, version_id, audit_event_id):
    version = db.session.get(MinutesVersion, version_id)
    db.session.add(MinutesVersion(minutes_id=version.minutes_id, number=2, reason="Tippfehler", pdf=PDF,
                                  sha256=hashlib.sha256(PDF).hexdigest(), size_bytes=len(PDF)))
    db.session.commit()
    with unit_of_work():
        audit.record("minutes.correct", obj=version)
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == 2
