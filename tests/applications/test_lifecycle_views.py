"""Life-cycle buttons: submit, review, Rückfrage and answer, Beschlussreif, withdraw."""

import sqlalchemy as sa

from wingrant.applications.models import (
    ApplicationComment,
    ApplicationTransition,
    FundingSource,
)
from wingrant.applications.models import (
    ApplicationState as S,
)
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger import services as ledger

from .conftest import count, detail_url, login, post_step, reload


def _transitions(db, app):
    db.session.rollback()
    return db.session.execute(
        sa.select(ApplicationTransition).filter_by(application_id=app.id).order_by(ApplicationTransition.id)
    ).scalars().all()


def test_unbalanced_plan_blocks_submission(as_manager, make_application, db):
    app = make_application(own=100_00)  # 1.000 € cost, 600 € financing
    response = post_step(as_manager, app, "einreichen")
    assert response.status_code == 302
    page = as_manager.get(detail_url(app)).get_data(as_text=True)
    assert "„Einreichen“ ist noch nicht möglich" in page
    assert "Es fehlen 400,00\u00a0€ in der Finanzierung" in page
    assert reload(db, app).state == S.DRAFT


def test_balanced_draft_is_submitted_and_the_step_records_who_and_when(as_manager, manager, make_application, db):
    app = make_application()
    post_step(as_manager, app, "einreichen")
    app = reload(db, app)
    assert app.state == S.SUBMITTED
    assert app.submitted_at is not None
    step = _transitions(db, app)[-1]
    assert (step.from_state, step.to_state, step.user_id) == (S.DRAFT, S.SUBMITTED, manager.id)
    assert step.created_at is not None


def test_period_outside_the_budget_year_blocks_submission(as_manager, make_application, db):
    from datetime import date

    app = make_application(end_date=date(2027, 1, 31))
    post_step(as_manager, app, "einreichen")
    assert reload(db, app).state == S.DRAFT


def test_rueckfrage_needs_a_question_and_keeps_it_as_a_comment(as_manager, manager, make_application, db):
    app = make_application(state=S.IN_REVIEW)
    empty = post_step(as_manager, app, "rueckfrage", "   ")
    assert empty.status_code == 422
    assert "Bitte einen Text eingeben" in empty.get_data(as_text=True)
    assert reload(db, app).state == S.IN_REVIEW

    post_step(as_manager, app, "rueckfrage", "Wer leitet die Gruppe an?")
    assert reload(db, app).state == S.QUERY
    comment = db.session.execute(sa.select(ApplicationComment)).scalar_one()
    assert (comment.body, comment.user_id, comment.author_name) == ("Wer leitet die Gruppe an?", manager.id,
                                                                    "Maren Hollmann")


def test_answer_is_a_comment_and_returns_the_application_to_review(as_manager, make_application, db):
    app = make_application(state=S.QUERY)
    post_step(as_manager, app, "antwort", "Eine Erzieherin mit Zusatzqualifikation.")
    assert reload(db, app).state == S.IN_REVIEW
    assert count(db, ApplicationComment) == 1
    page = as_manager.get(detail_url(app)).get_data(as_text=True)
    assert "Eine Erzieherin mit Zusatzqualifikation." in page


def test_beschlussreif_needs_a_complete_application(as_manager, make_application, db):
    incomplete = make_application(state=S.IN_REVIEW, own=0)
    post_step(as_manager, incomplete, "beschlussreif")
    assert reload(db, incomplete).state == S.IN_REVIEW
    complete = make_application(state=S.IN_REVIEW)
    post_step(as_manager, complete, "beschlussreif")
    assert reload(db, complete).state == S.READY


def test_withdrawal_needs_a_reason_and_records_it(as_manager, make_application, db):
    app = make_application(state=S.SUBMITTED)
    assert post_step(as_manager, app, "zurueckziehen", "").status_code == 422
    assert reload(db, app).state == S.SUBMITTED
    post_step(as_manager, app, "zurueckziehen", "Der Träger hat andere Mittel gefunden.")
    assert reload(db, app).state == S.WITHDRAWN
    assert _transitions(db, app)[-1].reason == "Der Träger hat andere Mittel gefunden."


def test_withdrawing_an_approved_application_releases_the_bound_money(
        as_manager, make_application, make_budget, huchting, win, db):
    budget = make_budget(10_000_00, neighbourhood=huchting, programme=win, year=2026)
    app = make_application(state=S.APPROVED)
    ledger.commit(budget.id, 500_00, user=None, application_id=app.id, memo="Beschluss")
    assert ledger_queries.balance(budget.id).available == 9_500_00
    post_step(as_manager, app, "zurueckziehen", "Projekt fällt aus.")
    assert reload(db, app).state == S.WITHDRAWN
    assert ledger_queries.balance(budget.id).available == 10_000_00
    assert ledger_queries.application_balance(budget.id, app.id).net_committed == 0


def test_detail_page_offers_only_the_steps_the_life_cycle_allows(as_manager, make_application):
    page = as_manager.get(detail_url(make_application())).get_data(as_text=True)
    assert "/schritt/einreichen" in page and "/schritt/zurueckziehen" in page
    assert "/schritt/beschlussreif" not in page and "/schritt/rueckfrage" not in page
    page = as_manager.get(detail_url(make_application(state=S.IN_REVIEW))).get_data(as_text=True)
    assert "/schritt/rueckfrage" in page and "/schritt/beschlussreif" in page
    assert "/schritt/einreichen" not in page and "/schritt/antwort" not in page
    page = as_manager.get(detail_url(make_application(state=S.GRANTED))).get_data(as_text=True)
    assert "/schritt/" not in page


def test_step_the_state_does_not_allow_is_refused(as_manager, make_application, db):
    app = make_application()
    post_step(as_manager, app, "beschlussreif")
    assert reload(db, app).state == S.DRAFT
    assert "nicht möglich" in as_manager.get(detail_url(app)).get_data(as_text=True)


def test_unknown_step_is_not_found(as_manager, make_application):
    assert post_step(as_manager, make_application(), "bewilligen").status_code == 404


def test_step_without_csrf_token_is_refused(as_manager, make_application, db):
    app = make_application()
    response = as_manager.post(f"{detail_url(app)}/schritt/einreichen", data={})
    assert response.status_code == 400
    assert reload(db, app).state == S.DRAFT


def test_step_only_as_post(as_manager, make_application):
    assert as_manager.get(f"{detail_url(make_application())}/schritt/einreichen").status_code == 405


def test_reader_sees_no_buttons_and_cannot_take_steps(client, auth, db, reader, make_application):
    app = make_application()
    login(db, auth, reader)
    page = client.get(detail_url(app)).get_data(as_text=True)
    assert "/schritt/" not in page and "/bearbeiten" not in page and "Hochladen" not in page
    assert post_step(client, app, "einreichen").status_code == 403
    assert reload(db, app).state == S.DRAFT


def test_timeline_tells_the_whole_story(as_manager, make_application, db):
    app = make_application(state=S.IN_REVIEW)
    post_step(as_manager, app, "rueckfrage", "Wie viele Kinder nehmen teil?")
    post_step(as_manager, app, "antwort", "Etwa zwölf.")
    post_step(as_manager, app, "zurueckziehen", "Keine Räume gefunden.")
    page = as_manager.get(detail_url(app)).get_data(as_text=True)
    story = page[page.index("Verlauf"):]
    expected = ["Angelegt: In Prüfung", "In Prüfung → Rückfrage", "Wie viele Kinder nehmen teil?",
                "Rückfrage → In Prüfung", "Etwa zwölf.", "In Prüfung → Zurückgezogen", "Keine Räume gefunden.",
                "Maren Hollmann"]
    positions = [story.index(text) for text in expected[:-1]]
    assert positions == sorted(positions)
    assert expected[-1] in story
    assert [f.source for f in reload(db, app).financing_items] == [FundingSource.OWN_FUNDS, FundingSource.PROGRAMME]
