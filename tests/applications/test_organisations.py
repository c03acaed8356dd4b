"""Organisations (Träger): list, create with a duplicate warning, edit — and who may."""

import sqlalchemy as sa

from wingrant.audit.models import AuditEvent
from wingrant.organisations.models import Organisation

from .conftest import count, error_near, login, reload

NEW = {"name": "Sportverein Huchting e. V.", "legal_form": "e. V.", "street": "Am Sodenmattsee 1",
       "postcode": "28259", "city": "Bremen", "contact_person": "Jens Meyer", "email": "info@sv-huchting.example",
       "phone": "0421 123456", "non_profit": "y"}


def test_manager_creates_organisation_through_the_form(as_manager, forms, db):
    response = forms.post("/traeger/neu", NEW)
    assert response.status_code == 302
    org = db.session.execute(sa.select(Organisation).filter_by(name="Sportverein Huchting e. V.")).scalar_one()
    assert (org.postcode, org.contact_person, org.non_profit) == ("28259", "Jens Meyer", True)
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="organisation.create")).scalar_one()


def test_similar_name_is_a_warning_the_user_can_confirm_past(as_manager, forms, make_organisation, db):
    make_organisation("Nachbarschaftsgarten Huchting e. V.")
    data = {**NEW, "name": "nachbarschaftsgarten huchting"}
    warned = forms.post("/traeger/neu", data)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 422
    assert "Diesen Träger gibt es vielleicht schon" in page
    assert "Nachbarschaftsgarten Huchting e. V." in page
    assert count(db, Organisation) == 1

    confirmed = forms.post("/traeger/neu", {**data, "confirm_new": "y"})
    assert confirmed.status_code == 302
    assert count(db, Organisation) == 2


def test_clearly_new_name_is_created_without_warning(as_manager, forms, make_organisation, db):
    make_organisation("Nachbarschaftsgarten Huchting e. V.")
    assert forms.post("/traeger/neu", NEW).status_code == 302
    assert count(db, Organisation) == 2


def test_bad_postcode_and_email_are_shown_at_their_fields(as_manager, forms, db):
    response = forms.post("/traeger/neu", {**NEW, "postcode": "2825", "email": "kein-at-zeichen"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "fünfstellige Postleitzahl" in error_near(page, "postcode")
    assert "gültige E-Mail-Adresse" in error_near(page, "email")
    assert count(db, Organisation) == 0


def test_new_organisation_from_the_application_form_returns_there_preselected(as_manager, forms, db):
    response = forms.post("/traeger/neu?next=/quartiere/huchting/antraege/neu", NEW)
    org = db.session.execute(sa.select(Organisation)).scalar_one()
    assert response.headers["Location"] == f"/quartiere/huchting/antraege/neu?traeger={org.id}"
    page = as_manager.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{org.id}">' in page


def test_organisation_redirect_never_leaves_the_site(as_manager, forms, db):
    response = forms.post("/traeger/neu?next=//evil.example/x", NEW)
    assert response.headers["Location"].startswith("/traeger")


def test_organisation_list_searches_by_name(as_manager, make_organisation):
    make_organisation("Kulturwerkstatt Gröpelingen e. V.")
    make_organisation("Jugendtheater Sodenmatt e. V.")
    page = as_manager.get("/traeger?q=theater").get_data(as_text=True)
    assert "Jugendtheater Sodenmatt" in page
    assert "Kulturwerkstatt" not in page


def test_manager_edits_organisation_that_applies_in_their_neighbourhood(as_manager, forms, make_application, db):
    app = make_application()
    org_id = app.organisation_id
    response = forms.post(f"/traeger/{org_id}/bearbeiten", {**NEW, "name": "Neuer Name e. V."})
    assert response.status_code == 302
    assert reload(db, db.session.get(Organisation, org_id)).name == "Neuer Name e. V."
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="organisation.update")).scalar_one()
    assert event.after["name"] == "Neuer Name e. V."


def test_manager_cannot_edit_organisation_applying_only_in_another_neighbourhood(
        client, auth, db, other_manager, make_application):
    app = make_application()  # in Huchting
    login(db, auth, other_manager)
    assert client.get(f"/traeger/{app.organisation_id}/bearbeiten").status_code == 403


def test_reader_may_not_keep_the_list_of_organisations(client, auth, db, reader):
    login(db, auth, reader)
    assert client.get("/traeger").status_code == 403
    assert client.get("/traeger/neu").status_code == 403


def test_anonymous_user_is_sent_to_login_for_organisations(client):
    for url in ("/traeger", "/traeger/neu", "/traeger/1/bearbeiten"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/anmelden")


def test_an_abbreviation_of_an_existing_traeger_is_a_hint_with_a_way_to_use_the_existing_one(
        as_manager, forms, make_organisation, db):
    west = make_organisation("Gesundheitstreffpunkt West")
    warned = forms.post("/traeger/neu?next=/quartiere/huchting/antraege/neu", {**NEW, "name": "GTP"})
    page = warned.get_data(as_text=True)
    assert warned.status_code == 422
    assert "Möglicherweise dasselbe wie „Gesundheitstreffpunkt West“." in page
    assert f'<a href="/quartiere/huchting/antraege/neu?traeger={west.id}">„Gesundheitstreffpunkt West“ verwenden</a>' \
        in page
    assert count(db, Organisation) == 1
    assert forms.post("/traeger/neu", {**NEW, "name": "GTP", "confirm_new": "y"}).status_code == 302
    assert count(db, Organisation) == 2
