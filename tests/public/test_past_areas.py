"""Past areas (Frühere Fördergebiete) in the portal: listed apart with their period, their pages,
decisions and published minutes stay readable, and the application box is gone."""

from __future__ import annotations

from datetime import date

import pytest

from tests.minutes.factories import AppSpec
from wingrant.auth.models import Role
from wingrant.neighbourhoods import services as area_services

from .conftest import publish


@pytest.fixture
def admin(make_user):
    return make_user("gf@example.org", is_admin=True)


@pytest.fixture
def hohentor(make_neighbourhood, make_budget, programmes, make_meeting, make_user, admin):
    """Funded 1999–2024, with a published meeting in its last year."""
    nb = make_neighbourhood("Hohentor", slug="hohentor", code="HOH", forum_name="WiN-Forum Hohentor")
    area_services.add_period(nb.id, valid_from=date(1999, 1, 1), valid_until=date(2024, 12, 31), programme_id=None,
                             user=admin)
    make_budget(75_000_00, neighbourhood=nb, programme=programmes["WIN"], year=2024)
    built = make_meeting(nb, [AppSpec("Abschlussfest", "Bürgerverein Hohentor e. V.", {"WIN": 2_000_00})],
                         when=date(2024, 11, 12))
    publish(built, make_user("qm.hohentor@example.org", roles={nb: Role.MANAGER}))
    return built


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_portal_lists_past_areas_apart_with_their_period(client, huchting, hohentor, admin):
    area_services.add_period(huchting.id, valid_from=date(1999, 1, 1), valid_until=None, programme_id=None,
                             user=admin)
    html = _page(client, "/portal/")
    current, past = html.split("Frühere Fördergebiete")
    assert 'href="/portal/huchting"' in current and 'href="/portal/hohentor"' not in current
    assert 'href="/portal/hohentor"' in past and "Fördergebiet 1999–2024" in past


def test_past_area_stays_readable(client, hohentor):
    html = _page(client, "/portal/hohentor")
    assert "Abschlussfest" in html  # its decisions
    assert "Fördergebiet 1999–2024" in html and "war bis zum 31.12.2024 Fördergebiet" in html
    assert "/antrag-stellen/hohentor" not in html  # no application box
    assert "Abschlussfest" in _page(client, "/portal/hohentor/beschluesse?jahr=2024")
    assert "Abschlussfest" in _page(client, f"/portal/hohentor/protokolle/{hohentor.meeting.id}")


def test_neighbourhood_page_shows_since_when_it_is_funded(client, huchting, admin):
    area_services.add_period(huchting.id, valid_from=date(1999, 1, 1), valid_until=None, programme_id=None,
                             user=admin)
    html = _page(client, "/portal/huchting")
    assert "Fördergebiet seit 1999" in html and "/antrag-stellen/huchting" in html


def test_area_without_recorded_period_stays_current_and_says_nothing_about_it(client, huchting):
    html = _page(client, "/portal/huchting")
    assert "Fördergebiet seit" not in html and "/antrag-stellen/huchting" in html
    assert "Frühere Fördergebiete" not in _page(client, "/portal/")


def test_portal_start_page_query_count_does_not_grow_with_past_areas(client, make_neighbourhood, admin,
                                                                    count_queries):
    def past_area(n):
        nb = make_neighbourhood(f"Alt {n}")
        area_services.add_period(nb.id, valid_from=date(1999, 1, 1), valid_until=date(2010 + n, 12, 31),
                                 programme_id=None, user=admin)

    past_area(1)
    with count_queries() as few:
        _page(client, "/portal/")
    for n in range(2, 6):
        past_area(n)
    with count_queries() as many:
        _page(client, "/portal/")
    assert many.count == few.count


def test_public_form_of_a_past_area_says_so_first(client, hohentor):
    html = _page(client, "/antrag-stellen/hohentor")
    assert "Früheres Fördergebiet" in html and "war bis zum 31.12.2024 Fördergebiet" in html


@pytest.mark.parametrize("path", ["/portal/so-funktioniert-es", "/portal/leichte-sprache"])
def test_explanations_lead_to_the_forms_of_current_areas_only(client, huchting, hohentor, path):
    html = _page(client, path)
    assert "/antrag-stellen/huchting" in html and "/antrag-stellen/hohentor" not in html
