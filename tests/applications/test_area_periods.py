"""New applications only for a year in which the neighbourhood is a Fördergebiet: the QM's form and the
public form refuse other years with a German message at the year, and write nothing."""

from __future__ import annotations

from datetime import date

import pytest

from wingrant.applications.models import Application
from wingrant.neighbourhoods import services as area_services

from .conftest import YEAR, application_form_data, count, error_near

NEW = "/quartiere/huchting/antraege/neu"
START = "/antrag-stellen/huchting"
APPLICANT = {"org_name": "Lesefreunde Huchting e. V.", "legal_form": "e. V.", "postcode": "28259",
             "city": "Bremen", "contact_person": "Ayşe Kaya", "email": "ayse@lesefreunde.example", "phone": "0421 555"}
MESSAGE = f"Huchting ist {YEAR} kein Fördergebiet (Förderzeitraum: 1999–{YEAR - 1})"


def _end_last_year(huchting, make_user):
    admin = make_user("gf@example.org", is_admin=True)
    area_services.add_period(huchting.id, valid_from=date(1999, 1, 1), valid_until=date(YEAR - 1, 12, 31),
                             programme_id=None, user=admin)
    return huchting


@pytest.fixture
def ended(huchting, make_user):
    """Huchting was funded until the end of last year."""
    return _end_last_year(huchting, make_user)


def test_application_refused_outside_period(as_manager, forms, make_organisation, win, ended, db):
    response = forms.post(NEW, application_form_data(make_organisation(), requests={win: "500"}))
    assert response.status_code == 422
    assert MESSAGE in error_near(response.get_data(as_text=True), "year")
    assert count(db, Application) == 0


def test_application_inside_the_period_is_taken(as_manager, forms, make_organisation, win, ended, db):
    data = application_form_data(make_organisation(), requests={win: "500"}, year=YEAR - 1,
                                 start=f"{YEAR - 1}-03-01", end=f"{YEAR - 1}-10-31")
    assert forms.post(NEW, data).status_code == 302
    assert count(db, Application) == 1


def test_public_application_refused_outside_period(client, forms, win, huchting, make_user, make_budget, db):
    make_budget(150_000_00, neighbourhood=huchting, programme=win, year=YEAR)  # money left from before the end
    _end_last_year(huchting, make_user)
    data = application_form_data(type("Nobody", (), {"id": 0})(), requests={win: "500"})
    del data["organisation_id"]
    response = forms.post(START, {**APPLICANT, **data})
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert count(db, Application) == 0


def test_application_cannot_be_moved_to_a_year_outside_the_period(as_manager, forms, make_application, huchting,
                                                                   make_user, win, db):
    app = make_application(year=YEAR - 1)
    _end_last_year(huchting, make_user)
    edit = f"/quartiere/huchting/antraege/{app.id}/bearbeiten"
    response = forms.post(edit, application_form_data(app.organisation, requests={win: "500"}))  # year: YEAR
    assert response.status_code == 422
    assert MESSAGE in error_near(response.get_data(as_text=True), "year")
    db.session.rollback()
    assert db.session.get(Application, app.id).year == YEAR - 1
