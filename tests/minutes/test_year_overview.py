"""The administrators' overview of all neighbourhoods for one year."""

from datetime import date, timedelta

from wingrant.auth.models import Role

YEAR = (date.today() - timedelta(days=30)).year


def test_only_administrators_see_the_year_overview(client, auth, held, staff, make_user):
    url = f"/verwaltung/jahresueberblick?jahr={YEAR}"
    assert "/anmelden" in client.get(url).headers["Location"]
    auth.login("qm@example.org")
    assert client.get(url).status_code == 403
    auth.logout()
    make_user("gf@example.org", is_admin=True)
    auth.login("gf@example.org")
    html = client.get(url).get_data(as_text=True)
    assert "Huchting" in html
    assert "200.000,00\u00a0€" in html  # WiN 150 000 + Soziale Stadt 50 000
    assert "2 · 12.799,99\u00a0€" in html  # two approvals: 4 800 + 7 999,99


def test_year_overview_query_count_does_not_grow_with_neighbourhoods(client, auth, held, make_user,
                                                                     make_neighbourhood, count_queries):
    make_user("gf@example.org", is_admin=True)
    auth.login("gf@example.org")
    url = f"/verwaltung/jahresueberblick?jahr={YEAR}"
    with count_queries() as few:
        client.get(url)
    for _ in range(5):
        make_neighbourhood()
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_reader_sees_no_link_to_the_year_overview(client, auth, held, staff):
    auth.login("lesend@example.org")
    assert "jahresueberblick" not in client.get("/protokolle").get_data(as_text=True)


def test_manager_of_one_neighbourhood_is_refused(client, auth, make_user, make_neighbourhood):
    make_user("qm2@example.org", roles={make_neighbourhood("Tenever"): Role.MANAGER})
    auth.login("qm2@example.org")
    assert client.get("/verwaltung/jahresueberblick").status_code == 403
