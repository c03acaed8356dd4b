"""Open data and OParl carry each area's Förderzeitraum: the neighbourhoods list (CSV, JSON) with current
and past areas, and OParl's Organization with startDate/endDate, valid against the OParl 1.1 schema."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from wingrant.neighbourhoods import services as area_services

from . import oparl_schema


@pytest.fixture
def areas(make_neighbourhood, make_user, make_programme):
    admin = make_user("gf@example.org", is_admin=True)
    llq = make_programme("LLQ", name="Lebendige Quartiere")
    huchting = make_neighbourhood("Huchting", slug="huchting", forum_name="Stadtteilgruppe Huchting")
    hohentor = make_neighbourhood("Hohentor", slug="hohentor")
    make_neighbourhood("Neu ohne Zeitraum", slug="neu")
    area_services.add_period(huchting.id, valid_from=date(1999, 1, 1), valid_until=None, programme_id=None,
                             user=admin)
    area_services.add_period(huchting.id, valid_from=date(2021, 1, 1), valid_until=None, programme_id=llq.id,
                             user=admin)
    area_services.add_period(hohentor.id, valid_from=date(1999, 1, 1), valid_until=date(2024, 12, 31),
                             programme_id=None, decision_reference="Senatsbeschluss vom 10.12.2024", user=admin)
    return huchting, hohentor


def test_neighbourhoods_list_carries_the_funding_periods_as_csv(client, areas):
    response = client.get("/portal/offene-daten/quartiere.csv")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    rows = {r["quartier_kennung"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)
                                                                         .lstrip("\ufeff")), delimiter=";")}
    assert (rows["hohentor"]["foerdergebiet_aktuell"], rows["hohentor"]["gefoerdert_seit"],
            rows["hohentor"]["gefoerdert_bis"], rows["hohentor"]["foerderzeitraeume"]) == \
        ("nein", "1999-01-01", "2024-12-31", "1999–2024")
    assert (rows["huchting"]["foerdergebiet_aktuell"], rows["huchting"]["gefoerdert_bis"],
            rows["huchting"]["foerderzeitraeume"]) == ("ja", "", "seit 1999")
    assert (rows["neu"]["foerdergebiet_aktuell"], rows["neu"]["gefoerdert_seit"]) == ("ja", "")


def test_neighbourhoods_list_as_json_lists_every_period(client, areas):
    document = client.get("/portal/offene-daten/quartiere.json").get_json()
    assert document["metadata"]["format"] == "wingrant.open-data.neighbourhoods/1"
    by_slug = {r["quartier_kennung"]: r for r in document["data"]}
    assert by_slug["hohentor"]["foerdergebiet_aktuell"] is False
    assert by_slug["huchting"]["foerderzeitraeume_liste"] == [
        {"programm": None, "von": "1999-01-01", "bis": None, "beschluss": ""},
        {"programm": "LLQ", "von": "2021-01-01", "bis": None, "beschluss": ""}]
    assert by_slug["hohentor"]["foerderzeitraeume_liste"][0]["beschluss"] == "Senatsbeschluss vom 10.12.2024"


def test_neighbourhoods_list_has_no_other_formats(client, areas):
    assert client.get("/portal/offene-daten/quartiere.xml").status_code == 404


def test_oparl_organization_carries_the_funding_period(client, areas):
    page = client.get("/oparl/v1.1/body/bremen/organization").get_json()
    oparl_schema.validate_list(page, "Organization")
    by_name = {o["shortName"]: o for o in page["data"]}
    assert (by_name["Hohentor"]["startDate"], by_name["Hohentor"]["endDate"]) == ("1999-01-01", "2024-12-31")
    assert by_name["Huchting"]["startDate"] == "1999-01-01" and "endDate" not in by_name["Huchting"]
    assert "startDate" not in by_name["Neu ohne Zeitraum"]
    single = client.get("/oparl/v1.1/organization/hohentor").get_json()
    oparl_schema.validate(single)
    assert single["endDate"] == "2024-12-31"


def test_ending_a_period_gives_the_organization_its_end_date(client, db, make_neighbourhood, make_user):
    admin = make_user("gf@example.org", is_admin=True)
    nb = make_neighbourhood("Grohn", slug="grohn")
    period = area_services.add_period(nb.id, valid_from=date(1999, 1, 1), valid_until=None, programme_id=None,
                                      user=admin)
    assert "endDate" not in client.get("/oparl/v1.1/organization/grohn").get_json()
    area_services.end_period(period.id, date(2025, 6, 30), user=admin)
    assert client.get("/oparl/v1.1/organization/grohn").get_json()["endDate"] == "2025-06-30"
