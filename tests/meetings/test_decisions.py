"""Decisions move money atomically; corrections reverse and re-commit; approved minutes lock."""

import pytest
import sqlalchemy as sa

from tests.meetings.conftest import approve_minutes, item_for
from wingrant.applications.models import Application, ApplicationTransition
from wingrant.applications.models import ApplicationState as S
from wingrant.audit.models import AuditEvent
from wingrant.errors import DomainError
from wingrant.funding.models import Grant
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import EntryKind, LedgerEntry
from wingrant.ledger.services import InsufficientFunds
from wingrant.meetings import administration, decisions, services
from wingrant.meetings.consensus import Outcome, Votes
from wingrant.meetings.models import Decision, DecisionAmount, Meeting, MeetingState


def _on_agenda(db, forum, application):
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    return item_for(db, forum.meeting, application)


def _available(budget) -> int:
    return ledger_queries.balance(budget.id).available


def _state(db, application) -> S:
    db.session.expire_all()
    return db.session.get(Application, application.id).state


def test_approval_commits_money_atomically(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood,
                                   requested={forum.win: 4_800_00, forum.soz: 3_000_00})
    item = _on_agenda(db, forum, application)
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                        user=forum.manager)
    assert _available(forum.win_budget) == 5_200_00
    assert _available(forum.soz_budget) == 17_000_00
    amounts = dict(db.session.execute(sa.select(DecisionAmount.programme_id, DecisionAmount.amount_cents)
                                      .filter_by(decision_id=decision.id)).all())
    assert amounts == {forum.win.id: 4_800_00, forum.soz.id: 3_000_00}
    entries = db.session.execute(sa.select(LedgerEntry).filter_by(decision_id=decision.id)).scalars().all()
    assert {(e.kind, e.amount_cents, e.application_id) for e in entries} == {
        (EntryKind.COMMITMENT, 4_800_00, application.id), (EntryKind.COMMITMENT, 3_000_00, application.id)}
    assert _state(db, application) == S.APPROVED
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="decision.record",
                                                              object_id=decision.id)).scalar_one()


def test_overspending_approval_writes_nothing(db, forum, make_application):
    first = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 8_000_00})
    decisions.record_outcome(forum.meeting, _on_agenda(db, forum, first).id,
                             decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    # SOZ has enough, WiN does not: the SOZ commitment must not survive either.
    second = make_application(neighbourhood=forum.neighbourhood,
                              requested={forum.win: 2_000_01, forum.soz: 1_000_00})
    item = _on_agenda(db, forum, second)
    entries_before = db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one()
    with pytest.raises(InsufficientFunds) as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                 user=forum.manager)
    assert "2.000,00\u00a0€" in error.value.message  # the available amount, named
    assert error.value.field == f"amount_{forum.win.id}"
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one() == entries_before
    assert _available(forum.soz_budget) == 20_000_00
    assert db.session.execute(sa.select(Decision).filter_by(agenda_item_id=item.id)).scalar_one_or_none() is None
    assert _state(db, second) == S.READY


def test_approval_with_changes_commits_the_reduced_amount(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 7_500_00})
    item = _on_agenda(db, forum, application)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.APPROVED_WITH_CHANGES, reason_category="lack_of_money",
            amounts={forum.win.id: 6_000_00}, conditions="Aufführung im Bürgerhaus"),
        user=forum.manager)
    assert _available(forum.win_budget) == 4_000_00
    assert _state(db, application) == S.APPROVED_WITH_CHANGES


@pytest.mark.parametrize(("outcome", "amounts", "conditions", "field", "message"), [
    (Outcome.APPROVED, {"win": 500_00}, "", "outcome", "mit Änderungen"),
    (Outcome.APPROVED, None, "Nur mit Nachweis", "conditions", "Auflagen"),
    (Outcome.APPROVED_WITH_CHANGES, None, "", "conditions", "Änderungen angeben"),
    (Outcome.APPROVED_WITH_CHANGES, {"win": 1_000_01}, "", "amount_win", "Höchstens der beantragte"),
    (Outcome.APPROVED_WITH_CHANGES, {"win": 0}, "", "amount_win", "0 €"),
])
def test_approved_amounts_must_fit_the_request(db, forum, make_application, outcome, amounts, conditions, field,
                                               message):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    amounts = {forum.win.id: next(iter(amounts.values()))} if amounts is not None else None
    with pytest.raises(DomainError, match=message) as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(outcome, amounts=amounts,
                                                                               conditions=conditions),
                                 user=forum.manager)
    assert error.value.field == field.replace("win", str(forum.win.id))
    assert _available(forum.win_budget) == 10_000_00


def test_objection_blocks_approval_and_writes_nothing(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(person_name="Frau Schulz",
                                                                               reason="zu teuer"),
                               user=forum.manager)
    with pytest.raises(DomainError, match="Kein Konsens") as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                 user=forum.manager)
    assert error.value.field == "outcome"
    assert _available(forum.win_budget) == 10_000_00
    assert _state(db, application) == S.READY


def test_recused_objection_does_not_block_the_decision(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    decisions.record_recusal(forum.meeting, item.id, decisions.RecusalData("Jan Ohlrogge", "Roter Sand gGmbH"),
                             user=forum.manager)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(person_name="jan ohlrogge"),
                               user=forum.manager)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    assert _state(db, application) == S.APPROVED


def test_withdrawn_objection_lets_the_forum_approve(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    objection = decisions.record_objection(forum.meeting, item.id,
                                           decisions.ObjectionData(group=None, person_name="Herr Kaya"),
                                           user=forum.manager)
    decisions.withdraw_objection(forum.meeting, item.id, objection.id, user=forum.manager)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    assert _available(forum.win_budget) == 9_000_00


def test_deferral_needs_a_reason_and_binds_no_money(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    with pytest.raises(DomainError, match="Grund") as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.DEFERRED),
                                 user=forum.manager)
    assert error.value.field == "reason"
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.DEFERRED, reason_category="content", reason="Fragen offen"),
                             user=forum.manager)
    assert _state(db, application) == S.DEFERRED
    assert _available(forum.win_budget) == 10_000_00


def test_referral_only_where_the_forum_rules_allow_it(db, forum, make_application):
    forum.neighbourhood.allow_dissent_referral = False
    db.session.commit()
    application = make_application(neighbourhood=forum.neighbourhood)
    item = _on_agenda(db, forum, application)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(person_name="A"), user=forum.manager)
    with pytest.raises(DomainError, match="keine Verweisung"):
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.REFERRED),
                                 user=forum.manager)


def test_vote_after_enough_deferrals_decides_by_majority(db, forum, make_application, make_meeting):
    forum.neighbourhood.vote_after_deferrals = 1
    db.session.commit()
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 2_000_00})
    item = _on_agenda(db, forum, application)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(person_name="A"), user=forum.manager)
    with pytest.raises(DomainError, match="nicht zulässig"):  # no deferral yet: no vote
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED, votes=Votes(9, 1)),
                                 user=forum.manager)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.DEFERRED, reason_category="content", reason="Dissens"),
                             user=forum.manager)
    later = make_meeting(forum.neighbourhood, user=forum.manager)
    services.add_applications(later, [application.id], user=forum.manager)  # back via Beschlussreif
    item2 = item_for(db, later, application)
    decisions.record_objection(later, item2.id, decisions.ObjectionData(person_name="A"), user=forum.manager)
    with pytest.raises(DomainError, match="keine Mehrheit"):
        decisions.record_outcome(later, item2.id, decisions.OutcomeData(Outcome.APPROVED, votes=Votes(5, 5, 3)),
                                 user=forum.manager)
    decision = decisions.record_outcome(later, item2.id, decisions.OutcomeData(Outcome.APPROVED, votes=Votes(9, 2, 1)),
                                        user=forum.manager)
    assert (decision.votes_yes, decision.votes_no, decision.votes_abstain) == (9, 2, 1)
    assert _available(forum.win_budget) == 8_000_00
    steps = db.session.execute(sa.select(ApplicationTransition.to_state).filter_by(application_id=application.id)
                               .order_by(ApplicationTransition.id)).scalars().all()
    assert steps == [S.DEFERRED, S.READY, S.APPROVED]


def test_correction_reverses_and_recommits(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 4_000_00})
    item = _on_agenda(db, forum, application)
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                        user=forum.manager)
    with pytest.raises(DomainError, match="warum") as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
            Outcome.APPROVED_WITH_CHANGES, reason_category="lack_of_money",
            amounts={forum.win.id: 2_500_00}), user=forum.manager)
    assert error.value.field == "correction_reason"
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.APPROVED_WITH_CHANGES, reason_category="lack_of_money",
            amounts={forum.win.id: 2_500_00}, correction_reason="Zahlendreher"),
        user=forum.manager)
    assert _available(forum.win_budget) == 7_500_00
    entries = db.session.execute(sa.select(LedgerEntry.kind, LedgerEntry.amount_cents)
                                 .filter_by(decision_id=decision.id).order_by(LedgerEntry.id)).all()
    assert entries == [(EntryKind.COMMITMENT, 4_000_00), (EntryKind.REVERSAL, 4_000_00),
                       (EntryKind.COMMITMENT, 2_500_00)]
    assert _state(db, application) == S.APPROVED_WITH_CHANGES
    # Corrected to a deferral: everything bound is given back.
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.DEFERRED, reason="Doch noch Fragen", reason_category="content", correction_reason="Einwand übersehen"),
        user=forum.manager)
    assert _available(forum.win_budget) == 10_000_00
    assert _state(db, application) == S.DEFERRED
    assert db.session.execute(sa.select(sa.func.count(DecisionAmount.id))).scalar_one() == 0


def test_failed_correction_keeps_the_old_decision_and_its_money(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 4_000_00,
                                                                                 forum.soz: 25_000_00})
    item = _on_agenda(db, forum, application)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.APPROVED_WITH_CHANGES, reason_category="lack_of_money",
            amounts={forum.win.id: 4_000_00, forum.soz.id: 20_000_00}),
        user=forum.manager)
    with pytest.raises(InsufficientFunds):  # asks for more SOZ money than there is
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
            Outcome.APPROVED, correction_reason="volle Summe"), user=forum.manager)
    db.session.rollback()
    assert (_available(forum.win_budget), _available(forum.soz_budget)) == (6_000_00, 0)
    assert _state(db, application) == S.APPROVED_WITH_CHANGES


def test_reopened_decision_gives_money_back_and_takes_objections_again(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    with pytest.raises(DomainError, match="zurücknehmen"):
        decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(person_name="B"),
                                   user=forum.manager)
    decisions.reopen_decision(forum.meeting, item.id, "Einwand übersehen", user=forum.manager)
    assert _available(forum.win_budget) == 10_000_00
    assert _state(db, application) == S.READY
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(person_name="B"), user=forum.manager)
    with pytest.raises(DomainError, match="Kein Konsens"):
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                 user=forum.manager)


def test_approved_minutes_lock_the_meeting(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    other = make_application(neighbourhood=forum.neighbourhood)
    item = _on_agenda(db, forum, application)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    for state in (MeetingState.INVITED, MeetingState.HELD):
        services.change_state(forum.meeting, state, user=forum.manager)
    approve_minutes(db, forum.meeting)
    meeting = forum.meeting
    writes = [
        lambda: services.update_meeting(meeting, services.MeetingData(date=meeting.date, place="X"), user=None),
        lambda: services.add_item(meeting, "Neu", user=None),
        lambda: services.move_item(meeting, item.id, -1, user=None),
        lambda: services.remove_item(meeting, item.id, user=None),
        lambda: services.add_applications(meeting, [other.id], user=None),
        lambda: services.set_head_counts(meeting, {}, user=None),
        lambda: services.add_attendee(meeting, services.AttendeeData("A", "residents"), user=None),
        lambda: services.set_current_item(meeting, item.id, user=None),
        lambda: services.update_notes(meeting, item.id, "x", user=None),
        lambda: services.change_state(meeting, MeetingState.HELD, user=None),
        lambda: decisions.record_objection(meeting, item.id, decisions.ObjectionData(person_name="A"), user=None),
        lambda: decisions.record_recusal(meeting, item.id, decisions.RecusalData("A"), user=None),
        lambda: decisions.record_outcome(meeting, item.id, decisions.OutcomeData(
            Outcome.DEFERRED, reason="r", correction_reason="c"), user=None),
        lambda: decisions.reopen_decision(meeting, item.id, "weil", user=None),
    ]
    for write in writes:
        with pytest.raises(DomainError, match="Protokoll dieser Sitzung ist genehmigt"):
            write()
    assert _available(forum.win_budget) == 9_000_00
    assert _state(db, application) == S.APPROVED


def test_minutes_are_approved_by_the_minutes_feature_not_by_a_state_change(db, forum):
    services.change_state(forum.meeting, MeetingState.INVITED, user=forum.manager)
    services.change_state(forum.meeting, MeetingState.HELD, user=forum.manager)
    with pytest.raises(DomainError, match="unter „Protokolle“ genehmigt"):
        services.change_state(forum.meeting, MeetingState.MINUTES_APPROVED, user=forum.manager)
    db.session.expire_all()
    assert db.session.get(Meeting, forum.meeting.id).state == MeetingState.HELD


def test_meeting_states_move_one_step_at_a_time(db, forum):
    with pytest.raises(DomainError, match="nicht möglich"):
        services.change_state(forum.meeting, MeetingState.HELD, user=forum.manager)


def _referred(db, forum, make_application, requested):
    application = make_application(neighbourhood=forum.neighbourhood, requested=requested)
    item = _on_agenda(db, forum, application)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(group="residents"), user=forum.manager)
    return application, decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.REFERRED),
                                                 user=forum.manager)


def test_administration_decides_a_referred_case_and_binds_the_money(db, forum, make_application, make_user):
    admin = make_user(is_admin=True)
    application, decision = _referred(db, forum, make_application, {forum.win: 3_000_00})
    assert _available(forum.win_budget) == 10_000_00
    with pytest.raises(DomainError, match="Geschäftsführung"):
        administration.record_admin_decision(decision.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    administration.record_admin_decision(decision.id, decisions.OutcomeData(
        Outcome.APPROVED_WITH_CHANGES, reason_category="lack_of_money",
            amounts={forum.win.id: 2_000_00}), user=admin)
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    assert decision.outcome == Outcome.REFERRED and decision.admin_outcome == Outcome.APPROVED_WITH_CHANGES
    assert _available(forum.win_budget) == 8_000_00
    assert _state(db, application) == S.APPROVED_WITH_CHANGES
    with pytest.raises(DomainError, match="bereits entschieden"):
        administration.record_admin_decision(decision.id, decisions.OutcomeData(Outcome.REJECTED, reason="x"),
                                             user=admin)


def test_administration_decision_is_possible_after_the_minutes_are_approved(db, forum, make_application,
                                                                            make_user):
    admin = make_user(is_admin=True)
    application, decision = _referred(db, forum, make_application, {forum.win: 3_000_00})
    approve_minutes(db, forum.meeting)
    administration.record_admin_decision(decision.id, decisions.OutcomeData(Outcome.REJECTED, reason="Kein Bedarf"),
                                    user=admin)
    assert _state(db, application) == S.REJECTED


def test_grant_per_programme_completes_the_decision(db, forum, make_application, make_user):
    admin = make_user(is_admin=True)
    application = make_application(neighbourhood=forum.neighbourhood,
                                   requested={forum.win: 4_000_00, forum.soz: 6_000_00})
    item = _on_agenda(db, forum, application)
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                        user=forum.manager)
    from datetime import date

    lines = [administration.GrantLine(forum.win.id, "ZB-2026-001", date(2026, 12, 1), 4_000_00),
             administration.GrantLine(forum.soz.id, "ZB-2026-002", date(2026, 12, 1), 5_500_00)]
    with pytest.raises(DomainError, match="Geschäftsführung"):
        administration.record_grant(decision.id, lines, user=forum.manager)
    with pytest.raises(DomainError, match="jedes Programm"):
        administration.record_grant(decision.id, lines[:1], user=admin)
    administration.record_grant(decision.id, lines, user=admin)
    assert _state(db, application) == S.GRANTED
    grants = db.session.execute(sa.select(Grant.number, Grant.amount_cents).order_by(Grant.number)).all()
    assert grants == [("ZB-2026-001", 4_000_00), ("ZB-2026-002", 5_500_00)]
    # The 500 € granted less than decided go back to the SOZ budget.
    assert _available(forum.soz_budget) == 14_500_00
    with pytest.raises(DomainError, match="beschlossener Antrag"):
        administration.record_grant(decision.id, lines, user=admin)


def test_parallel_approvals_never_overspend_the_budget(app, db, forum, make_application):
    """Two QMs' devices recording approvals at the same moment: one gets the money, one a refusal."""
    import threading

    from wingrant.extensions import db as _db

    first = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 6_000_00})
    second = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 6_000_00})
    items = [_on_agenda(db, forum, a).id for a in (first, second)]
    meeting_id, manager_id = forum.meeting.id, forum.manager.id
    db.session.rollback()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def approve(item_id):
        with app.app_context():
            from wingrant.auth.models import User

            meeting = _db.session.get(Meeting, meeting_id)
            user = _db.session.get(User, manager_id)
            barrier.wait()
            try:
                decisions.record_outcome(meeting, item_id, decisions.OutcomeData(Outcome.APPROVED), user=user)
                results.append("ok")
            except InsufficientFunds:
                results.append("refused")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["ok", "refused"]
    db.session.rollback()
    assert _available(forum.win_budget) == 4_000_00
    states = sorted(db.session.get(Application, a.id).state for a in (first, second))
    assert states == sorted([S.APPROVED, S.READY])
