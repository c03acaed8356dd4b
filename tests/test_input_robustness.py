"""Regression tests for what the fuzzing (tests/test_fuzzing.py) found: numbers too large for
the database or for WTForms' NumberRange, forged ids, NUL characters. Each answered 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.fields import INT_MAX, whole_number
from wingrant.organisations.models import Organisation

HUGE = "9" * 30


@pytest.mark.parametrize("text", ["0", "42", " 7 ", "-3", str(INT_MAX), "٣"])
def test_whole_number_takes_what_an_integer_column_holds(text):
    assert whole_number(text) == int(text)


@pytest.mark.parametrize("value", ["", " ", "abc", "1.5", HUGE, str(INT_MAX + 1), str(-INT_MAX - 1), "9" * 400,
                                   True, 2**40])
def test_whole_number_refuses_everything_else(value):
    with pytest.raises(ValueError):
        whole_number(value)


@pytest.fixture
def admin_client(auth, client, make_user, make_neighbourhood, db):
    make_neighbourhood("Huchting", slug="huchting", code="HUC")
    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    db.session.rollback()
    return client


def _post(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


@pytest.mark.parametrize("url", [
    f"/verwaltung/audit/?quartier={HUGE}&seite={HUGE}",
    f"/traeger?seite={HUGE}",
    f"/quartiere/huchting/antraege?year={HUGE}&programme={HUGE}&organisation={HUGE}&seite={HUGE}",
    f"/portal/huchting/beschluesse?jahr={HUGE}&programm={HUGE}&handlungsfeld={HUGE}",
])
def test_huge_numbers_in_query_parameters_are_ignored_not_a_crash(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_huge_year_in_the_allocation_form_is_refused_at_the_field(admin_client, make_programme, db):
    make_programme("WIN")
    from wingrant.ledger.models import Budget

    page = _post(admin_client, "/verwaltung/budgets/", {"year": HUGE, "amount": "1.000", "memo": ""})
    assert page.status_code == 422  # the page re-rendered with the message at the field
    assert 'id="year-error"' in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Budget.id))).scalar_one() == 0


def test_huge_participant_count_in_the_application_form_gets_a_german_message(admin_client):
    page = _post(admin_client, "/quartiere/huchting/antraege/neu", {"title": "Sommerfest",
                                                                    "expected_participants": "9" * 400})
    assert page.status_code == 422
    assert "Bitte eine ganze Zahl eingeben." in page.get_data(as_text=True)


@pytest.mark.parametrize("forged", ["999999", HUGE])
def test_forged_application_id_cannot_join_an_agenda(admin_client, db, forged):
    from datetime import date, time

    from wingrant.meetings import services
    from wingrant.meetings.models import AgendaItem
    from wingrant.neighbourhoods.models import Neighbourhood

    huchting = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    meeting = services.create_meeting(huchting, services.MeetingData(date=date(2026, 11, 26), starts_at=time(18),
                                                                     ends_at=time(20), place="Bürgerhaus"), user=None)
    items = db.session.execute(sa.select(sa.func.count(AgendaItem.id))).scalar_one()
    url = f"/quartiere/huchting/sitzungen/{meeting.id}"
    token = csrf_token_from(admin_client.get(url).get_data(as_text=True))
    response = admin_client.post(f"{url}/tagesordnung/antraege",
                                 data={"apps-csrf_token": token, "apps-application_ids": forged})
    assert response.status_code in (302, 422)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(AgendaItem.id))).scalar_one() == items


def test_nul_character_in_a_form_is_refused_and_nothing_is_stored(admin_client, db):
    response = _post(admin_client, "/traeger/neu", {"name": "Verein\x00 e. V."})
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Organisation.id))).scalar_one() == 0


def test_nul_character_in_a_query_is_refused(admin_client):
    assert admin_client.get("/traeger?q=a%00b").status_code == 400


def test_nul_character_is_refused_before_any_view_also_for_anonymous_visitors(client):
    assert client.get("/portal/gibt-es-nicht/beschluesse?jahr=%00").status_code == 400
