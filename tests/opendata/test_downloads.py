"""Open-data downloads: every published decision as CSV, XLSX and JSON, without login."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.minutes.factories import AppSpec
from wingrant.public.opendata import HEADER

from .conftest import HIDDEN_TITLES, SECRETS, publish

BASE = "/portal/offene-daten/beschluesse"

#: The documented column set; changing it breaks every consumer, so it is pinned here.
PINNED_HEADER = (
    "beschluss_id;quartier;quartier_kennung;forum;sitzung_datum;aktenzeichen;projekt_titel;traeger;"
    "kurzbeschreibung;haushaltsjahr;handlungsfelder;beschluss;beschluss_text;auflagen;begruendung;programm_code;"
    "programm;beantragt_cent;beantragt_euro;beschlossen_cent;beschlossen_euro;protokoll_url"
)


def _csv(client, query: str = "") -> list[dict]:
    response = client.get(f"{BASE}.csv{query}")
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def _json(client, query: str = "") -> dict:
    response = client.get(f"{BASE}.json{query}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.data)


def _xlsx_rows(client, query: str = "") -> list[list]:
    response = client.get(f"{BASE}.xlsx{query}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Beschluesse"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_csv_header_row_is_the_documented_column_set(client, world):
    response = client.get(f"{BASE}.csv")
    first_line = response.data.decode("utf-8").split("\r\n")[0]
    assert first_line == "\ufeff" + PINNED_HEADER
    assert ";".join(HEADER) == PINNED_HEADER


def test_xlsx_and_json_carry_the_same_columns(client, world):
    assert tuple(_xlsx_rows(client)[0]) == HEADER
    document = _json(client)
    assert [c["name"] for c in document["metadata"]["columns"]] == list(HEADER)
    assert all(list(row) == list(HEADER) for row in document["data"])


def test_downloads_need_no_login(client, world):
    for fmt in ("csv", "xlsx", "json"):
        response = client.get(f"{BASE}.{fmt}")
        assert response.status_code == 200, fmt
        assert "attachment" in response.headers["Content-Disposition"]
        assert f'wingrant-beschluesse.{fmt}"' in response.headers["Content-Disposition"]


def test_only_decisions_of_published_minutes_of_active_neighbourhoods(client, world):
    titles = {row["projekt_titel"] for row in _csv(client)}
    assert titles == {"Hochbeete für den Nachbarschaftsgarten", "Theaterprojekt mit Jugendlichen",
                      "Offene Fahrradwerkstatt", "Stadtteilfest im Park"}
    for fmt in ("csv", "json"):
        body = client.get(f"{BASE}.{fmt}").data.decode("utf-8")
        for hidden in HIDDEN_TITLES:
            assert hidden not in body


def test_no_names_or_contact_data_in_any_format(client, world):
    bodies = [client.get(f"{BASE}.{fmt}").data.decode("utf-8") for fmt in ("csv", "json")]
    bodies.append(json.dumps(_xlsx_rows(client), ensure_ascii=False))
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body


def test_one_row_per_decision_and_programme(client, world):
    rows = [r for r in _csv(client) if r["projekt_titel"] == "Theaterprojekt mit Jugendlichen"]
    assert [(r["programm_code"], r["beantragt_cent"], r["beschlossen_cent"]) for r in rows] == [
        ("WIN", "750000", "600000"), ("SOZ", "200000", "199999")]
    assert rows[0]["beschluss_id"] == rows[1]["beschluss_id"]
    assert rows[0]["beschluss"] == "approved_with_changes" and rows[0]["beschluss_text"] == "beschlossen mit Änderungen"
    assert rows[0]["auflagen"] == "Aufführung im Bürgerhaus."


def test_deferred_decision_has_nothing_approved_and_its_reason(client, world):
    (row,) = [r for r in _csv(client) if r["projekt_titel"] == "Offene Fahrradwerkstatt"]
    assert row["beschluss"] == "deferred"
    assert (row["beantragt_cent"], row["beantragt_euro"], row["beschlossen_cent"], row["beschlossen_euro"]) == (
        "500000", "5000,00", "0", "0,00")
    assert row["begruendung"] == "Offene Fragen zur Anleitung"


def test_amounts_in_cents_and_euros_in_every_format(client, world):
    (row,) = [r for r in _csv(client) if r["programm_code"] == "SOZ"]
    assert (row["beschlossen_cent"], row["beschlossen_euro"]) == ("199999", "1999,99")
    (item,) = [r for r in _json(client)["data"] if r["programm_code"] == "SOZ"]
    assert (item["beschlossen_cent"], item["beschlossen_euro"]) == (199999, 1999.99)
    rows = _xlsx_rows(client)
    header = rows[0]
    (line,) = [r for r in rows[1:] if r[header.index("programm_code")] == "SOZ"]
    assert line[header.index("beschlossen_cent")] == 199999
    assert Decimal(str(line[header.index("beschlossen_euro")])) == Decimal("1999.99")


def test_rows_link_the_public_minutes(client, world):
    rows = _csv(client, "?quartier=huchting")
    for url in {r["protokoll_url"] for r in rows}:
        assert client.get(url.replace("http://localhost", "")).status_code == 200


def test_filter_by_neighbourhood_and_year(client, world, make_neighbourhood, funded_meeting, make_user):
    from wingrant.auth.models import Role

    other = make_neighbourhood("Tenever", code="TEN", forum_name="WiN-Forum Tenever")
    qm = make_user("qm.tenever@example.org", roles={other: Role.MANAGER})
    last_year = date(date.today().year - 3, 6, 15)  # older than every meeting of the world
    built = funded_meeting(other, [AppSpec("Sommerfest Tenever", "Träger T", {"WIN": 900_00})], when=last_year)
    publish(built, qm)

    everything = {r["projekt_titel"] for r in _csv(client)}
    assert "Sommerfest Tenever" in everything and "Stadtteilfest im Park" in everything
    tenever = _csv(client, "?quartier=tenever")
    assert {r["projekt_titel"] for r in tenever} == {"Sommerfest Tenever"}
    assert {r["quartier_kennung"] for r in tenever} == {"tenever"}
    by_year = _csv(client, f"?jahr={last_year.year}")
    assert {r["haushaltsjahr"] for r in by_year} == {str(last_year.year)}
    assert _csv(client, f"?quartier=huchting&jahr={last_year.year}") == []
    response = client.get(f"{BASE}.json?quartier=tenever&jahr={last_year.year}")
    assert f"wingrant-beschluesse-tenever-{last_year.year}.json" in response.headers["Content-Disposition"]
    assert json.loads(response.data)["metadata"]["filter"] == {"quartier": "tenever", "jahr": last_year.year}


@pytest.mark.parametrize("query, status, message", [
    ("?quartier=gibt-es-nicht", 404, "Das Quartier „gibt-es-nicht“ gibt es nicht."),
    ("?quartier=altquartier", 404, "Das Quartier „altquartier“ gibt es nicht."),
    ("?jahr=abc", 400, "Das Jahr muss eine Jahreszahl sein"),
    ("?jahr=20261", 400, "Das Jahr muss zwischen 1999 und 2200 liegen."),
    ("?jahr=-5", 400, "Das Jahr muss eine Jahreszahl sein"),
])
def test_bad_filters_get_a_german_message_not_an_error(client, world, query, status, message):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"{BASE}.{fmt}{query}")
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    response = client.get(f"{BASE}.json{query}")
    assert response.status_code == status and message in response.get_json()["error"]
    assert client.get(f"/portal/offene-daten{query}").status_code == status


def test_unknown_format_is_not_found(client, world):
    assert client.get(f"{BASE}.pdf").status_code == 404
    assert client.get(f"{BASE}.exe").status_code == 404


def test_spreadsheet_formulas_are_neutralised(client, db, huchting, funded_meeting, manager):  # noqa: F811
    built = funded_meeting(huchting, [AppSpec('=HYPERLINK("http://evil.example","klick")', "@Träger",
                                            {"WIN": 100_00}, summary="+SUMME(A1:A9)")])
    publish(built, manager)
    (row,) = _csv(client)
    assert row["projekt_titel"] == "'=HYPERLINK(\"http://evil.example\",\"klick\")"
    assert row["traeger"] == "'@Träger" and row["kurzbeschreibung"] == "'+SUMME(A1:A9)"
    sheet = load_workbook(io.BytesIO(client.get(f"{BASE}.xlsx").data))["Beschluesse"]
    title = sheet.cell(row=2, column=HEADER.index("projekt_titel") + 1)
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    assert _json(client)["data"][0]["projekt_titel"].startswith("=HYPERLINK")  # JSON is data, not a sheet


def test_json_metadata_names_licence_columns_and_time(client, world):
    meta = _json(client, "?quartier=huchting")["metadata"]
    assert meta["licence"]["id"] == "dl-de/by-2-0"
    assert meta["licence"]["url"] == "https://www.govdata.de/dl-de/by-2-0"
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in meta["licence"]["attribution"]
    assert meta["source"] in meta["licence"]["attribution"]
    assert meta["generated"].endswith("+00:00")
    assert meta["rows"] == 5  # 4 rows of one meeting (one decision over two programmes), 1 of the other
    assert {c["type"] for c in meta["columns"]} <= {"integer", "string", "date", "number"}


def test_xlsx_has_a_licence_sheet(client, world):
    book = load_workbook(io.BytesIO(client.get(f"{BASE}.xlsx").data))
    values = [row[1].value for row in book["Lizenz"].iter_rows()]
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)" in values


def test_download_queries_do_not_grow_with_the_number_of_decisions(client, db, huchting, funded_meeting,  # noqa: F811
                                                                   manager, count_queries):
    publish(funded_meeting(huchting), manager)
    with count_queries() as few:
        client.get(f"{BASE}.json")
    for days in (60, 90, 120):
        publish(funded_meeting(huchting, when=date.today() - timedelta(days=days)), manager)
    with count_queries() as many:
        response = client.get(f"{BASE}.json")
    assert len(response.get_json()["data"]) == 16
    assert many.count == few.count <= 8


def test_open_data_page_explains_columns_licence_and_links_downloads(client, world):
    response = client.get("/portal/offene-daten")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in HEADER:
        assert f"<code>{name}</code>" in html
    assert "dl-de/by-2-0" in html and 'href="https://www.govdata.de/dl-de/by-2-0"' in html
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="{BASE}.{fmt}"' in html
        assert f'href="{BASE}.{fmt}?quartier=huchting"' in html
    assert "Altquartier" not in html  # inactive: no data set
    assert 'href="/oparl/v1.1/system"' in html


def test_open_data_page_selection_updates_the_links(client, world):
    html = client.get(f"/portal/offene-daten?quartier=huchting&jahr={date.today().year}").get_data(as_text=True)
    assert f'href="{BASE}.csv?quartier=huchting&amp;jahr={date.today().year}"' in html


def test_portal_links_to_the_open_data_page(client, world):
    assert 'href="/portal/offene-daten"' in client.get("/portal/").get_data(as_text=True)
    assert 'href="/portal/offene-daten?quartier=huchting"' in client.get("/portal/huchting").get_data(as_text=True)
