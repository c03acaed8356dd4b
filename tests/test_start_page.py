"""The start page and the budget overview: each neighbourhood's budgets for the current year.

Members start with their own neighbourhoods; everyone else (the public, administrators)
with the overview of all neighbourhoods, a page at a time — the overview must not grow
with every city that adopts wingrant.
"""

import re
from datetime import date

from wingrant.auth.models import Role
from wingrant.home.views import OVERVIEW_PER_PAGE
from wingrant.ledger import services as ledger


def _card_names(page: str) -> list[str]:
    return re.findall(r'<h2 id="nb-[^"]+"><a href="[^"]+">([^<]+)</a></h2>', page)


def test_start_page_shows_each_neighbourhoods_budgets(client, make_budget, make_neighbourhood, make_programme):
    year = date.today().year
    huchting = make_neighbourhood("Huchting")
    budget = make_budget(150_000_00, neighbourhood=huchting, programme=make_programme("WIN"), year=year)
    ledger.commit(budget.id, 4_800_00, user=None)
    make_budget(75_000_00, neighbourhood=make_neighbourhood("Grohn"), year=year)
    page = client.get("/").get_data(as_text=True)
    assert "Huchting" in page and "Grohn" in page
    assert "150.000,00\u00a0€" in page
    assert "4.800,00\u00a0€" in page
    assert "145.200,00\u00a0€" in page


def test_start_page_without_budgets_says_what_to_do(client):
    page = client.get("/").get_data(as_text=True)
    assert "noch keine Budgets" in page


def test_members_start_page_shows_their_own_neighbourhoods_only(client, auth, make_budget, make_neighbourhood,
                                                                make_user):
    year = date.today().year
    huchting, grohn = make_neighbourhood("Huchting"), make_neighbourhood("Grohn")
    make_budget(150_000_00, neighbourhood=huchting, year=year)
    make_budget(75_000_00, neighbourhood=grohn, year=year)
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    auth.login("qm@example.org")
    page = client.get("/").get_data(as_text=True)
    assert _card_names(page) == ["Huchting"]
    assert "Budget Ihres Quartiers" in page
    assert 'href="/budgets"' in page  # every neighbourhood is one link away
    assert _card_names(client.get("/budgets").get_data(as_text=True)) == ["Grohn", "Huchting"]


def test_administrators_start_with_the_overview_of_all_neighbourhoods(client, auth, make_budget,
                                                                      make_neighbourhood, make_user):
    year = date.today().year
    for name in ("Huchting", "Grohn"):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(name), year=year)
    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    assert _card_names(client.get("/").get_data(as_text=True)) == ["Grohn", "Huchting"]


def test_budget_overview_is_paginated_by_name(client, make_budget, make_neighbourhood):
    year = date.today().year
    names = [f"Quartier {n:02d}" for n in range(OVERVIEW_PER_PAGE + 3)]
    for name in reversed(names):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(name), year=year)
    first = client.get("/budgets").get_data(as_text=True)
    assert _card_names(first) == names[:OVERVIEW_PER_PAGE]
    assert f"{len(names)} Quartiere mit Budget" in first and "Seite 1 von 2" in first
    assert 'href="/budgets?seite=2"' in first
    assert _card_names(client.get("/budgets?seite=2").get_data(as_text=True)) == names[OVERVIEW_PER_PAGE:]


def test_budget_overview_page_out_of_range_or_garbage_shows_a_real_page(client, make_budget, make_neighbourhood):
    year = date.today().year
    make_budget(1_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    for seite in ("999", "0", "-3", "abc", "1e9", "99999999999999999999"):
        response = client.get(f"/budgets?seite={seite}")
        assert response.status_code == 200, seite
        assert _card_names(response.get_data(as_text=True)) == ["Huchting"], seite


def test_budget_overview_search_finds_neighbourhoods_by_part_of_their_name(client, make_budget,
                                                                          make_neighbourhood):
    year = date.today().year
    for name in ("Huchting", "Grohn", "Lüssum-Bockhorn", "Kattenturm"):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(name), year=year)
    page = client.get("/budgets?q=  tt ").get_data(as_text=True)
    assert _card_names(page) == ["Kattenturm"]
    assert "1 Quartier passt zu „tt“." in page
    assert _card_names(client.get("/budgets?q=HUCH").get_data(as_text=True)) == ["Huchting"]


def test_budget_overview_search_without_match_says_so_and_treats_wildcards_as_text(client, make_budget,
                                                                                   make_neighbourhood):
    make_budget(1_000_00, neighbourhood=make_neighbourhood("Huchting"), year=date.today().year)
    for q in ("%", "_", "Gröpelingen", "x" * 500):
        page = client.get("/budgets", query_string={"q": q}).get_data(as_text=True)
        assert _card_names(page) == [], q
        assert "Kein Quartier mit Budget" in page, q


def test_budget_overview_leaves_out_neighbourhoods_without_budget_this_year_and_inactive_ones(
        client, make_budget, make_neighbourhood):
    year = date.today().year
    make_budget(1_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    make_budget(1_000_00, neighbourhood=make_neighbourhood("Grohn"), year=year - 1)
    make_budget(1_000_00, neighbourhood=make_neighbourhood("Tenever", active=False), year=year)
    assert _card_names(client.get("/budgets").get_data(as_text=True)) == ["Huchting"]


def test_start_page_query_count_does_not_grow_with_neighbourhoods(client, make_budget, make_neighbourhood,
                                                                  count_queries):
    year = date.today().year
    for _ in range(3):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(), year=year)
    with count_queries() as few:
        client.get("/")
    for _ in range(OVERVIEW_PER_PAGE + 10):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(), year=year)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count <= 6  # with the public-data version and the cities of the filter


def test_members_start_page_query_count_does_not_grow_with_other_neighbourhoods(
        client, auth, make_budget, make_neighbourhood, make_user, count_queries):
    year = date.today().year
    own = make_neighbourhood("Huchting")
    make_budget(1_000_00, neighbourhood=own, year=year)
    make_user("qm@example.org", roles={own: Role.MANAGER})
    auth.login("qm@example.org")
    with count_queries() as few:
        client.get("/")
    for _ in range(10):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(), year=year)
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert many.count == few.count <= 6
    assert _card_names(page) == ["Huchting"]


def test_start_page_has_landmarks_and_skip_link(client):
    page = client.get("/").get_data(as_text=True)
    for marker in ('<header', '<nav', '<main id="main"', '<footer', 'href="#main"'):
        assert marker in page
