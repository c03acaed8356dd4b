"""The application form: rows without JavaScript, German money input, nothing saved half."""

import re

import sqlalchemy as sa

from wingrant.applications.models import (
    Application,
    CostCategory,
    CostItem,
    FinancingItem,
    FundingSource,
)
from wingrant.applications.models import (
    ApplicationState as S,
)
from wingrant.audit.models import AuditEvent

from .conftest import application_form_data, count, error_near, reload

NEW = "/quartiere/huchting/antraege/neu"


def _edit_url(app):
    return f"/quartiere/huchting/antraege/{app.id}/bearbeiten"


def test_manager_creates_draft_with_cost_and_financing_rows(as_manager, forms, make_organisation, win, db):
    org = make_organisation()
    data = application_form_data(
        org, costs=[("fees", "Honorar", "1.200,50"), ("material", "Bücher", "299,50 €")],
        funding=[("own_funds", "Vereinskasse", "500"), ("volunteer_work", "20 Std. à 15 €", "300")],
        requests={win: "700"}, fields_of_action=[str(win.fields_of_action[0].id)], summary="Kurz.")
    response = forms.post(NEW, data)
    assert response.status_code == 302
    db.session.rollback()
    app = db.session.execute(sa.select(Application)).scalar_one()
    assert response.headers["Location"] == f"/quartiere/huchting/antraege/{app.id}"
    assert (app.state, app.reference, app.title, app.summary) == (S.DRAFT, "HUC-2026-001", "Lesepaten im Quartier",
                                                                  "Kurz.")
    assert [(c.category, c.amount_cents) for c in app.cost_items] == [
        (CostCategory.FEES, 1_200_50), (CostCategory.MATERIAL, 299_50)]
    assert [(f.source, f.programme_id, f.amount_cents) for f in app.financing_items] == [
        (FundingSource.OWN_FUNDS, None, 500_00), (FundingSource.VOLUNTEER_WORK, None, 300_00),
        (FundingSource.PROGRAMME, win.id, 700_00)]
    assert [f.name for f in app.fields_of_action] == ["Nachbarschaft"]
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="application.create")).scalar_one()


def test_draft_may_be_unbalanced_and_shows_the_gap(as_manager, forms, make_organisation, win, db):
    response = forms.post(NEW, application_form_data(make_organisation(), funding=[], requests={win: "200"}),
                          follow_redirects=True)
    page = response.get_data(as_text=True)
    assert count(db, Application) == 1
    assert "Deckungslücke" in page and "800,00\u00a0€" in page
    assert "Es fehlen 800,00\u00a0€ in der Finanzierung" in page


def test_money_error_is_shown_at_the_amount_field_and_nothing_is_saved(as_manager, forms, make_organisation, db):
    data = application_form_data(make_organisation(), costs=[("fees", "Honorar", "12,607.00")])
    response = forms.post(NEW, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Komma als Dezimaltrennzeichen" in error_near(page, "costs-0-amount")
    assert 'aria-describedby="costs-0-amount-error"' in page
    assert 'value="12,607.00"' in page  # what was typed comes back
    assert count(db, Application) == 0


def test_add_row_button_rerenders_with_one_more_row_without_saving(as_manager, forms, make_organisation, db):
    data = application_form_data(make_organisation())
    del data["save"]
    data["add_costs_row"] = "1"
    before = len(re.findall(r'name="costs-\d+-amount"', as_manager.get(NEW).get_data(as_text=True)))
    response = forms.post(NEW, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'name="costs-\d+-amount"', page)) == before + 1
    assert 'value="Honorar Lesepat:innen"' in page  # the typed rows are kept
    assert "Bitte prüfen Sie Ihre Angaben" not in page
    assert count(db, Application) == 0


def test_incomplete_row_is_refused_with_messages_at_its_fields(as_manager, forms, make_organisation, db):
    data = application_form_data(make_organisation(), costs=[("", "", "300")])
    page = forms.post(NEW, data).get_data(as_text=True)
    assert "Bitte die Kostenart wählen." in error_near(page, "costs-0-kind")
    assert "wofür der Betrag ist" in error_near(page, "costs-0-description")
    assert count(db, Application) == 0


def test_blank_rows_are_ignored(as_manager, forms, make_organisation, db):
    data = application_form_data(make_organisation())
    data.update({"costs-1-kind": "", "costs-1-description": "  ", "costs-1-amount": ""})
    assert forms.post(NEW, data).status_code == 302
    assert count(db, CostItem) == 1


def test_end_before_start_is_refused_at_the_end_date(as_manager, forms, make_organisation, db):
    data = application_form_data(make_organisation(), start="2026-05-01", end="2026-04-01")
    page = forms.post(NEW, data).get_data(as_text=True)
    assert "nicht vor dem Beginn" in error_near(page, "end_date")
    assert count(db, Application) == 0


def test_german_date_input_is_accepted(as_manager, forms, make_organisation, db):
    data = application_form_data(make_organisation(), start="01.03.2026", end="31.10.2026")
    assert forms.post(NEW, data).status_code == 302
    db.session.rollback()
    assert db.session.execute(sa.select(Application.start_date)).scalar_one().isoformat() == "2026-03-01"


def test_reference_numbers_count_up_per_neighbourhood_and_year(as_manager, forms, make_organisation, db):
    org = make_organisation()
    forms.post(NEW, application_form_data(org))
    forms.post(NEW, application_form_data(org, title="Zweites"))
    forms.post(NEW, application_form_data(org, title="Nächstes Jahr", year=2027, start="2027-03-01",
                                          end="2027-10-01"))
    db.session.rollback()
    assert sorted(db.session.execute(sa.select(Application.reference)).scalars()) == [
        "HUC-2026-001", "HUC-2026-002", "HUC-2027-001"]


def test_edit_form_shows_stored_amounts_the_german_way(as_manager, make_application):
    app = make_application(costs=[(CostCategory.MATERIAL, "Holz", 1_234_56)], own=617_28,
                           requests=None)
    page = as_manager.get(_edit_url(app)).get_data(as_text=True)
    assert 'value="1234,56"' in page
    assert 'value="617,28"' in page
    assert 'value="500,00"' in page  # requested from WiN


def test_draft_edit_replaces_the_plan(as_manager, forms, make_application, win, db):
    app = make_application()
    data = application_form_data(app.organisation, costs=[("investment", "Regal", "800")],
                                 funding=[("third_party", "Stiftung", "400")], requests={win: "400"})
    assert forms.post(_edit_url(app), data).status_code == 302
    app = reload(db, app)
    assert [(c.category, c.amount_cents) for c in app.cost_items] == [(CostCategory.INVESTMENT, 800_00)]
    assert count(db, CostItem) == 1 and count(db, FinancingItem) == 2


def test_submitted_application_must_stay_balanced_and_nothing_is_saved_half(
        as_manager, forms, make_application, win, db):
    app = make_application(state=S.SUBMITTED)
    data = application_form_data(app.organisation, title="Neuer Titel",
                                 costs=[("fees", "Honorar", "2.000")], requests={win: "500"})
    response = forms.post(_edit_url(app), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Es fehlen 1.000,00\u00a0€" in page
    app = reload(db, app)
    assert app.title != "Neuer Titel"
    assert [c.amount_cents for c in app.cost_items] == [1_000_00]


def test_programme_cap_is_shown_at_the_request_field(as_manager, forms, make_application, win, db):
    app = make_application(state=S.IN_REVIEW)
    data = application_form_data(app.organisation, funding=[("own_funds", "", "300")], requests={win: "700"})
    page = forms.post(_edit_url(app), data).get_data(as_text=True)
    assert "höchstens 50 % der Gesamtkosten" in error_near(page, f"request_{win.id}")
    assert reload(db, app).requested_cents(win.id) == 500_00


def test_investive_programme_is_limited_to_investment_cost_lines(as_manager, forms, make_application, win, soz, db):
    app = make_application(state=S.IN_REVIEW)
    data = application_form_data(app.organisation, costs=[("material", "Farbe", "1.000")], funding=[],
                                 requests={soz: "1.000"})
    page = forms.post(_edit_url(app), data).get_data(as_text=True)
    assert "fördert nur Investitionen" in error_near(page, f"request_{soz.id}")


def test_application_the_forum_has_decided_cannot_be_edited(as_manager, forms, make_application, db):
    app = make_application(state=S.READY)
    response = as_manager.get(_edit_url(app))
    assert response.status_code == 302
    page = as_manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "kann nicht mehr geändert werden" in page
    assert "Bearbeiten</a>" not in page


def test_save_over_someone_elses_change_is_refused_once(as_manager, forms, make_application, db):
    app = make_application()
    page = as_manager.get(_edit_url(app)).get_data(as_text=True)
    loaded_at = re.search(r'name="loaded_at" type="hidden" value="([^"]+)"', page).group(1)
    app.title = "Von jemand anderem geändert"
    app.updated_at = app.updated_at.replace(year=2030)
    db.session.commit()
    data = application_form_data(app.organisation, title="Meine Änderung", loaded_at=loaded_at)
    response = forms.post(_edit_url(app), data)
    assert response.status_code == 422
    assert "inzwischen von jemand anderem geändert" in response.get_data(as_text=True)
    assert reload(db, app).title == "Von jemand anderem geändert"
    new_loaded_at = re.search(r'name="loaded_at" type="hidden" value="([^"]+)"',
                              response.get_data(as_text=True)).group(1)
    assert forms.post(_edit_url(app), {**data, "loaded_at": new_loaded_at}).status_code == 302
    assert reload(db, app).title == "Meine Änderung"


def test_request_field_hint_shows_the_cap_of_the_plan_rounded_down(as_manager, make_application):
    app = make_application(costs=[(CostCategory.MATERIAL, "Holz", 1_234_57)], own=617_28, requests=None)
    page = as_manager.get(_edit_url(app)).get_data(as_text=True)
    assert "Höchstens 50 % der Gesamtkosten (617,28" in page  # 50 % of 1.234,57 €, down to the cent


def test_public_summary_warns_not_to_write_residents_names(as_manager, client):
    html = client.get(NEW).get_data(as_text=True)
    hint = re.search(r'<p class="hint" id="summary-hint">([^<]*)</p>', html).group(1)
    assert "keine Namen von Bewohner:innen" in hint
    assert re.search(r'<textarea[^>]*aria-describedby="summary-hint"[^>]*\sid="summary"|'
                     r'<textarea[^>]*\sid="summary"[^>]*aria-describedby="summary-hint"', html)
