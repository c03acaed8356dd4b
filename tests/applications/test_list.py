"""The list of a neighbourhood's applications: filters, search, sorting, pages, few queries."""

import re
from datetime import date

from wingrant.applications.models import ApplicationState as S
from wingrant.applications.models import CostCategory

LIST = "/quartiere/huchting/antraege"


def _titles(client, query="") -> list[str]:
    page = client.get(f"{LIST}{query}").get_data(as_text=True)
    return re.findall(r'<a href="/quartiere/huchting/antraege/\d+">([^<]+)</a>', page)


def test_list_shows_the_neighbourhoods_applications_only(as_manager, make_application, groepelingen):
    make_application("Hochbeete")
    make_application("Fremdes Projekt", neighbourhood=groepelingen)
    assert _titles(as_manager) == ["Hochbeete"]


def test_list_filters_by_state_year_programme_organisation_and_field(
        as_manager, make_application, make_organisation, win, soz):
    garden = make_organisation("Nachbarschaftsgarten e. V.")
    make_application("Entwurf WiN", organisation=garden, fields=[win.fields_of_action[0]])
    make_application("Eingereicht SOZ", state=S.SUBMITTED, requests={soz: 500_00},
                     costs=[(CostCategory.INVESTMENT, "Regal", 1_000_00)])
    make_application("Nächstes Jahr", year=2027, start_date=date(2027, 3, 1), end_date=date(2027, 5, 1))
    assert _titles(as_manager, "?state=submitted") == ["Eingereicht SOZ"]
    assert _titles(as_manager, "?year=2027") == ["Nächstes Jahr"]
    assert _titles(as_manager, f"?programme={soz.id}") == ["Eingereicht SOZ"]
    assert _titles(as_manager, f"?organisation={garden.id}") == ["Entwurf WiN"]
    assert _titles(as_manager, f"?field={win.fields_of_action[0].id}") == ["Entwurf WiN"]
    assert _titles(as_manager, f"?state=draft&year=2026&programme={win.id}") == ["Entwurf WiN"]


def test_nonsense_filter_values_are_ignored(as_manager, make_application):
    make_application("Hochbeete")
    assert _titles(as_manager, "?state=unsinn&year=abc&programme=x&seite=-3&sort=drop") == ["Hochbeete"]


def test_search_finds_title_and_organisation_and_treats_wildcards_literally(
        as_manager, make_application, make_organisation):
    make_application("Sprachcafé", organisation=make_organisation("Kita Regenbogen"))
    make_application("Hochbeete", organisation=make_organisation("Gartenfreunde"))
    make_application("100% Sport")
    assert _titles(as_manager, "?q=sprach") == ["Sprachcafé"]
    assert _titles(as_manager, "?q=regenbogen") == ["Sprachcafé"]
    assert _titles(as_manager, "?q=%25") == ["100% Sport"]


def test_list_sorts_by_requested_amount_both_ways(as_manager, make_application, win):
    make_application("Klein", requests={win: 100_00}, own=900_00)
    make_application("Groß", requests={win: 500_00})
    make_application("Mittel", requests={win: 300_00}, own=700_00)
    assert _titles(as_manager, "?sort=-requested") == ["Groß", "Mittel", "Klein"]
    assert _titles(as_manager, "?sort=requested") == ["Klein", "Mittel", "Groß"]
    page = as_manager.get(f"{LIST}?sort=requested").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page


def test_list_sorts_by_state_in_life_cycle_order(as_manager, make_application):
    make_application("Beschlussreif", state=S.READY)
    make_application("Entwurf")
    make_application("In Prüfung", state=S.IN_REVIEW)
    assert _titles(as_manager, "?sort=state") == ["Entwurf", "In Prüfung", "Beschlussreif"]


def test_list_is_paginated(as_manager, make_application):
    for n in range(27):
        make_application(f"Projekt {n:02d}")
    first = _titles(as_manager, "?sort=title")
    second = _titles(as_manager, "?sort=title&seite=2")
    assert len(first) == 25 and second == ["Projekt 25", "Projekt 26"]
    page = as_manager.get(f"{LIST}?sort=title").get_data(as_text=True)
    assert "27 Anträge" in page
    assert 'href="/quartiere/huchting/antraege?sort=title&amp;seite=2"' in page
    assert _titles(as_manager, "?sort=title&seite=99") == second  # beyond the end: the last page


def test_list_needs_a_constant_number_of_queries(as_manager, make_application, make_organisation, win, soz,
                                                 count_queries):
    def fill(n):
        for _ in range(n):
            make_application(organisation=make_organisation(), fields=[win.fields_of_action[0]],
                             requests={win: 300_00, soz: 200_00},
                             costs=[(CostCategory.INVESTMENT, "Regal", 600_00), (CostCategory.FEES, "x", 400_00)])

    fill(2)
    with count_queries() as few:
        assert as_manager.get(LIST).status_code == 200
    fill(20)
    with count_queries() as many:
        assert as_manager.get(LIST).status_code == 200
    assert many.count == few.count
    assert many.count <= 12
