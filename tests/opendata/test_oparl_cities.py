"""OParl with several cities: one Body per Stadtgemeinde with its Gemeindeschlüssel, each city's
objects under its own body, and the whole feed still schema-valid with no dangling URL."""

from __future__ import annotations

import pytest

from tests.minutes.factories import AppSpec
from wingrant.auth.models import Role
from wingrant.neighbourhoods.models import City

from .conftest import publish
from .test_oparl import BODY, HOST, _get_json, walk

BREMERHAVEN = f"{HOST}/oparl/v1.1/body/bremerhaven"


@pytest.fixture
def two_cities(db, world, funded_meeting, make_neighbourhood, make_user):
    """The ``world`` of Bremen (Huchting) plus Lehe in Bremerhaven with published minutes."""
    city = City(slug="bremerhaven", name="Bremerhaven", ags="04012000", position=2)
    db.session.add(city)
    db.session.commit()
    lehe = make_neighbourhood("Lehe", code="LEH", forum_name="Stadtteilkonferenz Lehe", city_id=city.id)
    qm = make_user("qm.lehe@example.org", roles={lehe: Role.MANAGER})
    built = funded_meeting(lehe, [AppSpec("Hafenfest Lehe", "Bürgerverein Lehe e. V.", {"WIN": 1_200_00})])
    publish(built, qm)
    return built


def test_system_lists_one_body_per_city_with_its_ags(client, two_cities):
    bodies = _get_json(client, f"{HOST}/oparl/v1.1/body")["data"]
    assert {(b["id"], b["ags"]) for b in bodies} == {(BODY, "04011000"), (BREMERHAVEN, "04012000")}
    assert {b["rgs"] for b in bodies} == {"040110000000", "040120000000"}


def test_objects_hang_under_their_citys_body(client, two_cities):
    lehe_meeting = f"{HOST}/oparl/v1.1/meeting/{two_cities.meeting.id}"
    bremerhaven = [m["id"] for m in _get_json(client, f"{BREMERHAVEN}/meeting")["data"]]
    bremen = [m["id"] for m in _get_json(client, f"{BODY}/meeting")["data"]]
    assert bremerhaven == [lehe_meeting] and lehe_meeting not in bremen and bremen
    organizations = _get_json(client, f"{BREMERHAVEN}/organization")["data"]
    assert [(o["shortName"], o["body"]) for o in organizations] == [("Lehe", BREMERHAVEN)]
    papers = _get_json(client, f"{BREMERHAVEN}/paper")["data"]
    assert papers and {p["body"] for p in papers} == {BREMERHAVEN}
    assert BREMERHAVEN not in {p["body"] for p in _get_json(client, f"{BODY}/paper")["data"]}
    files = _get_json(client, f"{BREMERHAVEN}/file")["data"]
    assert files and all(f"/file/{two_cities.meeting.id}/" in f["id"] for f in files)


def test_feed_of_two_cities_is_schema_valid_and_complete(client, two_cities):
    feed = walk(client)
    assert feed.ids("Body") == {BODY, BREMERHAVEN}
    assert f"{HOST}/oparl/v1.1/organization/lehe" in feed.ids("Organization")


def test_unknown_city_has_no_body(client, two_cities):
    _get_json(client, f"{HOST}/oparl/v1.1/body/hamburg", 404)
    _get_json(client, f"{HOST}/oparl/v1.1/body/hamburg/meeting", 404)


def test_open_data_and_calendar_are_per_city_and_across_cities(client, two_cities):
    both = client.get("/portal/offene-daten/beschluesse.csv").get_data(as_text=True)
    assert "Hafenfest Lehe" in both and "huchting" in both
    bremerhaven = client.get("/portal/offene-daten/beschluesse.csv?stadt=bremerhaven")
    assert "bremerhaven" in bremerhaven.headers["Content-Disposition"]
    text = bremerhaven.get_data(as_text=True)
    assert "Hafenfest Lehe" in text and "huchting" not in text
    assert "Hafenfest Lehe" not in client.get("/portal/offene-daten/beschluesse.csv?stadt=bremen").get_data(
        as_text=True)
    assert client.get("/portal/offene-daten/beschluesse.csv?stadt=hamburg").status_code == 404
    demand = client.get("/portal/offene-daten/bedarf.csv?stadt=bremerhaven").get_data(as_text=True)
    assert "lehe" in demand and "huchting" not in demand
    calendar = client.get("/portal/termine.ics?stadt=bremerhaven").get_data(as_text=True)
    assert "Stadtteilkonferenz Lehe" in calendar and "Huchting" not in calendar
    everywhere = client.get("/portal/termine.ics").get_data(as_text=True)
    assert "Stadtteilkonferenz Lehe" in everywhere and "Huchting" in everywhere
    assert client.get("/portal/termine.ics?stadt=hamburg").status_code == 404


def test_portal_budgets_and_city_report_are_per_city_and_across_cities(client, two_cities):
    start = client.get("/portal/").get_data(as_text=True)
    assert start.index(">Bremen<") < start.index("Huchting") < start.index(">Bremerhaven<") < start.index("Lehe")
    city_page = client.get("/portal/stadt/bremerhaven").get_data(as_text=True)
    assert "Lehe" in city_page and "Huchting" not in city_page
    assert client.get("/portal/stadt/hamburg").status_code == 404
    budgets = client.get("/budgets?stadt=bremerhaven").get_data(as_text=True)
    assert "Lehe" in budgets and "Huchting" not in budgets
    assert "Huchting" in client.get("/budgets").get_data(as_text=True)
    assert client.get("/budgets?stadt=hamburg").status_code == 404
    year = two_cities.meeting.date.year
    report = client.get(f"/portal/jahresbericht/{year}?stadt=bremerhaven").get_data(as_text=True)
    assert "Lehe" in report and "Huchting" not in report
    assert "Huchting" in client.get(f"/portal/jahresbericht/{year}").get_data(as_text=True)
    csv = client.get(f"/portal/jahresbericht/{year}.csv?stadt=bremerhaven")
    assert f"jahresbericht-{year}-bremerhaven.csv" in csv.headers["Content-Disposition"]
