"""Deferrals, refusals and reductions say why (lack of money vs. content): required, stored, cleared."""

import pytest
import sqlalchemy as sa

from tests.meetings.conftest import item_for, post
from wingrant.errors import DomainError
from wingrant.ledger.models import LedgerEntry
from wingrant.meetings import decisions, services
from wingrant.meetings.consensus import Outcome, ReasonCategory, needs_reason_category
from wingrant.meetings.models import Decision


def _on_agenda(db, forum, application):
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    return item_for(db, forum.meeting, application)


@pytest.mark.parametrize(("outcome", "requested", "approved", "needed"), [
    (Outcome.DEFERRED, 100, 0, True),
    (Outcome.REJECTED, 100, 0, True),
    (Outcome.APPROVED_WITH_CHANGES, 100, 99, True),
    (Outcome.APPROVED_WITH_CHANGES, 100, 100, False),  # conditions only: no money withheld
    (Outcome.APPROVED, 100, 100, False),
    (Outcome.WITHDRAWN, 100, 0, False),
    (Outcome.REFERRED, 100, 0, False),
])
def test_reason_category_is_needed_where_money_is_withheld(outcome, requested, approved, needed):
    assert needs_reason_category(outcome, requested, approved) is needed


@pytest.mark.parametrize("outcome", [Outcome.DEFERRED, Outcome.REJECTED])
def test_deferral_and_refusal_without_category_write_nothing(db, forum, make_application, outcome):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    with pytest.raises(DomainError, match="Mittel nicht ausreichend") as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(outcome, reason="Zu teuer"),
                                 user=forum.manager)
    assert error.value.field == "reason_category"
    db.session.rollback()
    assert db.session.execute(sa.select(Decision).filter_by(agenda_item_id=item.id)).scalar_one_or_none() is None


def test_reduction_needs_a_category_and_books_nothing_without_it(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 2_000_00})
    item = _on_agenda(db, forum, application)
    entries = db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one()
    with pytest.raises(DomainError) as error:
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
            Outcome.APPROVED_WITH_CHANGES, amounts={forum.win.id: 1_500_00}), user=forum.manager)
    assert error.value.field == "reason_category"
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one() == entries
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.APPROVED_WITH_CHANGES, amounts={forum.win.id: 1_500_00}, reason_category="lack_of_money"),
        user=forum.manager)
    assert decision.reason_category == ReasonCategory.LACK_OF_MONEY


def test_not_recorded_cannot_be_chosen(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    with pytest.raises(DomainError):
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
            Outcome.REJECTED, reason="x", reason_category="not_recorded"), user=forum.manager)


def test_approval_as_asked_stores_no_category_and_reopening_clears_it(db, forum, make_application):
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.DEFERRED, reason="Mittel reichen nicht", reason_category=ReasonCategory.LACK_OF_MONEY),
        user=forum.manager)
    assert decision.reason_category == ReasonCategory.LACK_OF_MONEY
    decisions.reopen_decision(forum.meeting, item.id, "Versehen", user=forum.manager)
    assert db.session.get(Decision, decision.id).reason_category is None
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(
        Outcome.APPROVED, reason_category="content"), user=forum.manager)
    assert decision.reason_category is None


def test_live_form_asks_for_the_category_in_german(db, client, auth, forum, make_application):
    auth.login(forum.manager.email)
    db.session.rollback()
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    item = _on_agenda(db, forum, application)
    post(client, forum.base + "/live/aufrufen", {"item_id": str(item.id)}, prefix="nav")
    page = client.get(forum.base + "/live").get_data(as_text=True)
    assert "Mittel nicht ausreichend" in page and "Inhaltliche Gründe" in page
    response = post(client, f"{forum.base}/top/{item.id}/beschluss", {"outcome": "rejected", "reason": "zu teuer"},
                    prefix="outcome")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="outcome-reason_category-error"' in page
    assert "warum das Geld nicht (voll) beschlossen wird" in page
    db.session.rollback()
    assert db.session.execute(sa.select(Decision.outcome).filter_by(agenda_item_id=item.id)).scalar() is None
    response = post(client, f"{forum.base}/top/{item.id}/beschluss",
                    {"outcome": "rejected", "reason": "zu teuer", "reason_category": "lack_of_money"},
                    prefix="outcome")
    assert response.status_code == 302
    db.session.rollback()  # see what the request wrote (SQLite WAL snapshot)
    decision = db.session.execute(sa.select(Decision).filter_by(agenda_item_id=item.id)).scalar_one()
    assert decision.outcome == Outcome.REJECTED and decision.reason_category == ReasonCategory.LACK_OF_MONEY
