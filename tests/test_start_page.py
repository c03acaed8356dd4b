"""The public start page: each neighbourhood's budgets for the current year."""

from datetime import date

from wingrant.ledger import services as ledger


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


def test_start_page_query_count_does_not_grow_with_neighbourhoods(client, make_budget, make_neighbourhood,
                                                                  count_queries):
    year = date.today().year
    for _ in range(3):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(), year=year)
    with count_queries() as few:
        client.get("/")
    for _ in range(10):
        make_budget(1_000_00, neighbourhood=make_neighbourhood(), year=year)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count <= 4


def test_start_page_has_landmarks_and_skip_link(client):
    page = client.get("/").get_data(as_text=True)
    for marker in ('<header', '<nav', '<main id="main"', '<footer', 'href="#main"'):
        assert marker in page
