"""The minutes record: one plain structure, a constant number of queries, two audiences."""

from dataclasses import asdict
from datetime import date, timedelta

import sqlalchemy as sa

from wingrant.ledger import services as ledger
from wingrant.ledger.models import Budget
from wingrant.meetings.models import AttendeeGroup, Outcome
from wingrant.minutes.models import Minutes
from wingrant.minutes.record_loader import minutes_record

from . import factories
from .factories import AppSpec


def _budget(db, nb, programme, year):
    return db.session.execute(sa.select(Budget).filter_by(neighbourhood_id=nb.id, programme_id=programme.id,
                                                          year=year)).scalar_one()


def test_record_is_built_with_a_constant_number_of_queries(funded, make_meeting, count_queries, app):
    small = make_meeting(funded, [AppSpec("Eins", "Träger A", {"WIN": 100_00})])
    big = make_meeting(funded, [AppSpec(f"Projekt {n}", f"Träger {n}", {"WIN": 100_00, "SOZ": 50_00},
                                        objections=[{"group": AttendeeGroup.RESIDENTS, "reason": "zu teuer"}],
                                        recusals=[{"person_name": f"Person {n}"}], outcome=Outcome.REJECTED)
                               for n in range(8)], when=small.meeting.date + timedelta(days=1))
    with app.app_context():
        with count_queries() as one:
            minutes_record(small.meeting.id, public=False)
        with count_queries() as eight:
            record = minutes_record(big.meeting.id, public=False)
    assert len(record.decisions) == 8
    assert eight.count == one.count <= 15  # 14, and one for the open concerns (none here)


def test_agenda_numbers_application_items_under_their_heading(held):
    record = minutes_record(held.meeting.id, public=False)
    assert [e.number for e in record.agenda] == ["1", "2", "3", "4", "4.1", "4.2", "4.3", "5", "6"]
    assert record.agenda[3].is_header and not record.agenda[4].is_header
    assert record.agenda[4].group_heading == f"WiN {held.meeting.date.year}"
    assert record.agenda[5].group_heading == ""  # same programme and year: no new group


def test_application_items_read_title_dash_organisation(held):
    record = minutes_record(held.meeting.id, public=False)
    assert [d.label for d in record.decisions] == [
        "Hochbeete für den Nachbarschaftsgarten – Nachbarschaftsgarten e. V.",
        "Theaterprojekt mit Jugendlichen – Jugendtheater e. V.",
        "Offene Fahrradwerkstatt – Fahrradwerkstatt gGmbH",
    ]


def test_record_holds_requested_approved_and_committed_amounts_per_programme(held):
    theatre = minutes_record(held.meeting.id, public=False).decisions[1]
    assert theatre.outcome == Outcome.APPROVED_WITH_CHANGES
    assert theatre.conditions == "Aufführung im Bürgerhaus."
    assert [(a.code, a.requested, a.approved, a.committed) for a in theatre.amounts] == [
        ("WIN", 7_500_00, 6_000_00, 6_000_00), ("SOZ", 2_000_00, 1_999_99, 1_999_99)]
    deferred = minutes_record(held.meeting.id, public=False).decisions[2]
    assert deferred.outcome == Outcome.DEFERRED and deferred.reason == "Offene Fragen zur Anleitung"
    assert [(a.requested, a.approved, a.committed) for a in deferred.amounts] == [(5_000_00, 0, 0)]
    assert len(deferred.standing_objections) == 1


def test_budget_table_splits_commitments_before_at_and_after_this_meeting(db, funded, make_meeting, programmes):
    year = (date.today() - timedelta(days=30)).year  # the year the fixture funded
    earlier = make_meeting(funded, [AppSpec("Früher", "Träger F", {"WIN": 1_000_00})], when=date(year, 2, 3))
    this = make_meeting(funded, [AppSpec("Heute", "Träger H", {"WIN": 2_000_00})], when=date(year, 3, 3))
    make_meeting(funded, [AppSpec("Später", "Träger S", {"WIN": 4_000_00})], when=date(year, 4, 7))
    win = _budget(db, funded, programmes["WIN"], year)
    ledger.commit(win.id, 300_00, user=None, memo="Buchung ohne Beschluss")
    ledger.release(win.id, 250_00, user=None, application_id=earlier.applications[0].id, memo="Rückfluss")
    line = next(b for b in minutes_record(this.meeting.id, public=False).budgets if b.code == "WIN")
    assert line.allocated == 150_000_00
    assert line.committed_before == 1_000_00 + 300_00
    assert line.committed_here == 2_000_00
    assert line.released == 250_00
    assert line.available == 150_000_00 - 1_300_00 - 2_000_00 + 250_00  # the later 4 000 € not counted


def test_reversed_commitment_no_longer_counts_at_this_meeting(db, held, programmes):
    from wingrant.ledger.models import LedgerEntry

    entry = db.session.execute(sa.select(LedgerEntry).filter_by(decision_id=held.decisions[0].id)).scalar_one()
    ledger.reverse(entry.id, user=None, reason="Beschluss korrigiert")
    record = minutes_record(held.meeting.id, public=False)
    assert record.decisions[0].amounts[0].committed == 0
    win = next(b for b in record.budgets if b.code == "WIN")
    assert win.committed_here == 6_000_00


def test_internal_record_keeps_names_as_recorded(held):
    record = minutes_record(held.meeting.id, public=False)
    assert {p.name for p in record.attendance.present} == {factories.SECRET_RESIDENT, factories.CONSENTING_RESIDENT}
    assert [p.name for p in record.attendance.apologies] == [factories.SECRET_APOLOGY]
    assert record.decisions[2].objections[0].name == factories.SECRET_OBJECTOR
    assert record.decisions[1].recusals[0].name == factories.SECRET_RECUSED


def test_public_minutes_hide_names_without_consent(held):
    record = minutes_record(held.meeting.id, public=True)
    assert [p.name for p in record.attendance.present] == [factories.CONSENTING_RESIDENT]
    assert record.attendance.apologies == () and record.attendance.unnamed_apologies == 1
    objection = record.decisions[2].objections[0]
    assert objection.name == "" and objection.group == AttendeeGroup.RESIDENTS
    assert objection.reason == "Die Finanzierung nach Projektende ist unklar."
    recusal = record.decisions[1].recusals[0]
    assert recusal.name == "" and recusal.organisation == "Jugendtheater e. V."
    text = repr(asdict(record))
    for name in (factories.SECRET_RESIDENT, factories.SECRET_APOLOGY, factories.SECRET_OBJECTOR,
                 factories.SECRET_RECUSED):
        assert name not in text
    assert record.attendance.total == 25  # the head count stays complete


def test_public_minutes_keep_names_given_with_consent(db, funded, make_meeting):
    built = make_meeting(funded, [AppSpec("Projekt", "Träger", {"WIN": 100_00}, outcome=Outcome.DEFERRED,
                                          objections=[{"person_name": "Frau Offen", "consent_to_publish": True,
                                                       "reason": "Bitte erst Kostenplan"}])])
    assert minutes_record(built.meeting.id, public=True).decisions[0].objections[0].name == "Frau Offen"


def test_record_carries_no_contact_data(held):
    for public in (False, True):
        text = repr(asdict(minutes_record(held.meeting.id, public=public)))
        for secret in (factories.CONTACT_EMAIL, factories.CONTACT_PHONE, factories.CONTACT_PERSON, "Geheimweg"):
            assert secret not in text


def test_next_meeting_is_the_date_in_the_minutes_or_else_the_next_scheduled(db, funded, make_meeting):
    first = make_meeting(funded, [], when=date.today() - timedelta(days=30))
    assert minutes_record(first.meeting.id, public=False).next_meeting_date is None
    second = make_meeting(funded, [], when=date.today() + timedelta(days=10))
    record = minutes_record(first.meeting.id, public=False)
    assert record.next_meeting_date == second.meeting.date and record.next_meeting_date_recorded is None
    chosen = date.today() + timedelta(days=20)
    db.session.add(Minutes(meeting_id=first.meeting.id, next_meeting_date=chosen))
    db.session.commit()
    assert minutes_record(first.meeting.id, public=False).next_meeting_date == chosen


def test_unknown_meeting_has_no_record(db):
    assert minutes_record(999_999, public=True) is None


def test_objection_of_a_recused_participant_is_recorded_but_does_not_count(db, funded, make_meeting):
    built = make_meeting(funded, [AppSpec("Projekt", "Träger", {"WIN": 100_00},
                                          objections=[{"person_name": "Frau Befangen", "reason": "Dagegen"},
                                                      {"person_name": "Herr Dagegen", "reason": "Zu teuer",
                                                       "withdrawn": True}],
                                          recusals=[{"person_name": "frau  befangen"}])])
    for public in (False, True):
        decision = minutes_record(built.meeting.id, public=public).decisions[0]
        assert [o.recused for o in decision.objections] == [True, False]
        assert decision.standing_objections == ()
