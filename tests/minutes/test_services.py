"""Minutes life cycle: draft texts, approval, publication once, corrections as new versions."""

import hashlib
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from wingrant.audit.models import AuditEvent
from wingrant.meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingState
from wingrant.minutes import services
from wingrant.minutes.models import Minutes, MinutesState, MinutesVersion
from wingrant.minutes.services import MinutesError, MinutesText

from . import factories
from .conftest import pdf_text
from .factories import AppSpec


def _minutes(db, meeting_id) -> Minutes:
    db.session.rollback()
    return db.session.execute(sa.select(Minutes).filter_by(meeting_id=meeting_id)).scalar_one()


def _text(built) -> MinutesText:
    return MinutesText(introduction="Frau Moderatorin eröffnet die Sitzung.", closing_remarks="Ende 20:15 Uhr.",
                       notes={built.items[0].id: "Begrüßung durch die Moderation."})


@pytest.fixture
def later(db, funded, held):
    """A later meeting of the same forum with the item "Genehmigung des Protokolls", held 2 days ago."""
    return factories.meeting(funded, {}, [], when=date.today() - timedelta(days=2))


def test_draft_texts_are_saved_with_audit(db, held, staff):
    services.update_texts(held.meeting.id, _text(held), user=staff["minutes"])
    minutes = _minutes(db, held.meeting.id)
    assert minutes.state == MinutesState.DRAFT
    assert minutes.introduction == "Frau Moderatorin eröffnet die Sitzung."
    assert db.session.get(AgendaItem, held.items[0].id).notes == "Begrüßung durch die Moderation."
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="minutes.update")).scalar_one()
    assert event.user_id == staff["minutes"].id and event.object_id == minutes.id
    assert event.before["notes"][str(held.items[0].id)] == "Die Moderation begrüßt die Anwesenden."
    assert event.after["introduction"] == "Frau Moderatorin eröffnet die Sitzung."


def test_notes_of_another_meetings_item_are_refused(db, held, funded, staff):
    other = factories.meeting(funded, {}, [], when=date.today() - timedelta(days=3))
    with pytest.raises(MinutesError):
        services.update_texts(held.meeting.id, MinutesText(notes={other.items[0].id: "fremd"}), user=staff["manager"])
    db.session.rollback()
    assert db.session.get(AgendaItem, other.items[0].id).notes == "Die Moderation begrüßt die Anwesenden."


def test_next_meeting_must_be_after_this_meeting(held, staff):
    with pytest.raises(MinutesError) as error:
        services.update_texts(held.meeting.id, MinutesText(next_meeting_date=held.meeting.date), user=staff["manager"])
    assert error.value.field == "next_meeting_date"


def test_approval_in_a_later_meeting_records_it_and_locks_the_meeting(db, held, later, staff):
    services.approve(held.meeting.id, user=staff["manager"], in_meeting_id=later.meeting.id)
    minutes = _minutes(db, held.meeting.id)
    assert minutes.state == MinutesState.APPROVED
    assert minutes.approved_in_meeting_id == later.meeting.id and minutes.approved_by_id == staff["manager"].id
    assert db.session.get(Meeting, held.meeting.id).state == MeetingState.MINUTES_APPROVED
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="minutes.approve")).scalar_one()


def test_texts_are_not_editable_after_approval(db, held, later, staff):
    services.approve(held.meeting.id, user=staff["manager"], in_meeting_id=later.meeting.id)
    with pytest.raises(MinutesError):
        services.update_texts(held.meeting.id, _text(held), user=staff["manager"])
    assert _minutes(db, held.meeting.id).introduction == ""


def test_texts_are_not_editable_once_the_meeting_is_locked_elsewhere(db, held, staff):
    meeting = db.session.get(Meeting, held.meeting.id)
    meeting.state = MeetingState.MINUTES_APPROVED  # the meetings feature's own approval button
    db.session.commit()
    with pytest.raises(MinutesError):
        services.update_texts(held.meeting.id, _text(held), user=staff["manager"])


def test_approval_needs_a_later_held_meeting_of_the_same_forum_with_the_item(
        db, held, funded, make_neighbourhood, staff):
    elsewhere = factories.meeting(make_neighbourhood("Tenever"), {}, [], when=date.today() - timedelta(days=2))
    earlier = factories.meeting(funded, {}, [], when=held.meeting.date - timedelta(days=30))
    no_item = factories.meeting(funded, {}, [], when=date.today() - timedelta(days=1), standard_items=False)
    future = factories.meeting(funded, {}, [], when=date.today() + timedelta(days=7))
    for candidate in (elsewhere, earlier, no_item, future):
        with pytest.raises(MinutesError) as error:
            services.approve(held.meeting.id, user=staff["manager"], in_meeting_id=candidate.meeting.id)
        assert error.value.field == "meeting_id"
    db.session.rollback()
    assert db.session.get(Meeting, held.meeting.id).state == MeetingState.HELD


def test_qm_may_approve_only_after_the_objection_period(db, held, staff):
    # Held 30 days ago, 14 days' objection period, draft never changed: the period ended 16 days ago.
    with pytest.raises(MinutesError, match="Einspruchsfrist"):
        services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                         today=held.meeting.date + timedelta(days=13))
    services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                     today=held.meeting.date + timedelta(days=14))
    minutes = _minutes(db, held.meeting.id)
    assert minutes.state == MinutesState.APPROVED and minutes.approved_in_meeting_id is None


def test_objection_period_restarts_when_the_draft_changes(db, held, staff):
    services.update_texts(held.meeting.id, _text(held), user=staff["manager"])  # changed today
    with pytest.raises(MinutesError, match="Einspruchsfrist"):
        services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                         today=date.today() + timedelta(days=13))
    services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                     today=date.today() + timedelta(days=14))


def test_period_approval_requires_confirming_that_nobody_objected(held, staff):
    with pytest.raises(MinutesError) as error:
        services.approve(held.meeting.id, user=staff["manager"], no_objections=False,
                         today=date.today() + timedelta(days=60))
    assert error.value.field == "no_objections"


def test_approval_is_refused_while_a_decision_is_missing(db, funded, make_meeting, staff):
    built = make_meeting(funded, [factories.AppSpec("Offen", "Träger", {"WIN": 100_00}, outcome=None)])
    with pytest.raises(MinutesError, match="Beschluss"):
        services.approve(built.meeting.id, user=staff["manager"], no_objections=True,
                         today=date.today() + timedelta(days=60))


def test_approval_is_refused_before_the_meeting_was_held(db, funded, make_meeting, staff):
    built = make_meeting(funded, [], state=MeetingState.INVITED)
    with pytest.raises(MinutesError):
        services.approve(built.meeting.id, user=staff["manager"], no_objections=True,
                         today=date.today() + timedelta(days=60))


@pytest.fixture
def approved(db, held, later, staff):
    services.update_texts(held.meeting.id, _text(held), user=staff["manager"])
    services.approve(held.meeting.id, user=staff["manager"], in_meeting_id=later.meeting.id)
    return held


def test_only_approved_minutes_can_be_published(held, staff):
    with pytest.raises(MinutesError):
        services.publish(held.meeting.id, user=staff["manager"])


def test_publish_stores_the_public_pdf_with_its_sha256(db, approved, staff):
    version = services.publish(approved.meeting.id, user=staff["manager"])
    db.session.rollback()
    stored = db.session.get(MinutesVersion, version.id)
    assert stored.number == 1 and stored.reason == ""
    assert stored.sha256 == hashlib.sha256(stored.pdf).hexdigest() and stored.size_bytes == len(stored.pdf)
    text = pdf_text(stored.pdf)
    assert "Version 1" in text and factories.SECRET_OBJECTOR not in text
    assert factories.CONSENTING_RESIDENT in text
    minutes = _minutes(db, approved.meeting.id)
    assert minutes.state == MinutesState.PUBLISHED and minutes.published_at is not None
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="minutes.publish")).scalar_one()
    assert event.after["sha256"] == stored.sha256


def test_publishing_twice_is_refused(db, approved, staff):
    services.publish(approved.meeting.id, user=staff["manager"])
    with pytest.raises(MinutesError, match="bereits veröffentlicht"):
        services.publish(approved.meeting.id, user=staff["manager"])
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(MinutesVersion.id))).scalar_one() == 1


def test_correction_is_a_new_version_with_a_mandatory_reason(db, approved, staff):
    first = services.publish(approved.meeting.id, user=staff["manager"])
    db.session.rollback()
    first_bytes = db.session.get(MinutesVersion, first.id).pdf
    for reason in ("", "   ", "kurz"):
        with pytest.raises(MinutesError) as error:
            services.correct(approved.meeting.id, None, reason, user=staff["manager"])
        assert error.value.field == "reason"
    text = MinutesText(introduction="Berichtigte Vorbemerkung.", notes={approved.items[0].id: "Neu."})
    second = services.correct(approved.meeting.id, text, "Tippfehler in der Vorbemerkung", user=staff["manager"])
    db.session.rollback()
    versions = db.session.execute(sa.select(MinutesVersion).order_by(MinutesVersion.number)).scalars().all()
    assert [(v.number, v.reason) for v in versions] == [(1, ""), (2, "Tippfehler in der Vorbemerkung")]
    assert versions[0].pdf == first_bytes  # the first version is kept as it was
    assert versions[1].sha256 == hashlib.sha256(versions[1].pdf).hexdigest() != versions[0].sha256
    pdf2 = pdf_text(versions[1].pdf)
    assert "Berichtigte Vorbemerkung." in pdf2 and "Tippfehler in der Vorbemerkung" in pdf2
    assert second.number == 2
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="minutes.correct")).scalar_one()


def test_correction_needs_published_minutes(approved, staff):
    with pytest.raises(MinutesError):
        services.correct(approved.meeting.id, None, "Ein ausreichender Grund", user=staff["manager"])


def test_database_refuses_a_correction_without_reason(db, approved, staff):
    version = services.publish(approved.meeting.id, user=staff["manager"])
    db.session.add(MinutesVersion(minutes_id=version.minutes_id, number=2, reason="", pdf=b"%PDF", sha256="0" * 64,
                                  size_bytes=4))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_approving_meetings_offers_only_later_meetings_with_the_item(db, held, later, funded):
    from wingrant.minutes.queries import approving_meetings

    factories.meeting(funded, {}, [], when=date.today() - timedelta(days=1), standard_items=False)
    factories.meeting(funded, {}, [], when=date.today() + timedelta(days=7))  # not held yet
    meeting = db.session.get(Meeting, held.meeting.id)
    assert [m.id for m in approving_meetings(meeting, date.today())] == [later.meeting.id]
    assert db.session.execute(sa.select(AgendaItem.kind).filter_by(meeting_id=later.meeting.id)).scalars().all() \
        .count(AgendaItemKind.MINUTES_APPROVAL) == 1


@pytest.mark.parametrize("open_cases, message", [
    (1, "Zu 1 Antrag fehlt noch der Beschluss"),
    (2, "Zu 2 Anträgen fehlt noch der Beschluss"),
])
def test_undecided_application_blocks_approval_with_a_counted_message(db, funded, make_meeting, staff, open_cases,
                                                                      message):
    specs = [AppSpec(f"Offen {n}", "Kita", {"WIN": 500_00}, outcome=None) for n in range(open_cases)]
    built = make_meeting(funded, specs + [AppSpec("Entschieden", "Kita", {"WIN": 700_00})])
    with pytest.raises(MinutesError, match=message):
        services.approve(built.meeting.id, user=staff["manager"], no_objections=True,
                         today=date.today() + timedelta(days=60))
    db.session.rollback()
    assert db.session.get(Meeting, built.meeting.id).state == MeetingState.HELD
