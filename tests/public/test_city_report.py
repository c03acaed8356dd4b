"""The city-wide annual report and the unmet-demand figures on the portal, in open data and the API."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.minutes.conftest import pdf_text
from tests.minutes.factories import AppSpec
from wingrant.core.http_cache import page_cache
from wingrant.extensions import db
from wingrant.meetings.consensus import Outcome, ReasonCategory
from wingrant.meetings.models import Decision
from wingrant.neighbourhoods.models import Neighbourhood
from wingrant.public import demand_export

from .conftest import publish

YEAR = (date.today() - timedelta(days=30)).year


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def story(huchting, make_meeting, manager):
    """Published: 4.800 € approved, 7.500 € cut to 6.000 € for lack of money, 5.000 € refused for lack of
    money. Not published: 900 € refused (its minutes follow)."""
    built = make_meeting(huchting, [
        AppSpec("Hochbeete", "Garten e. V.", {"WIN": 4_800_00}),
        AppSpec("Theater", "Theater e. V.", {"WIN": 7_500_00}, outcome=Outcome.APPROVED_WITH_CHANGES,
                approved={"WIN": 6_000_00}, conditions="weniger"),
        AppSpec("Werkstatt", "Rad gGmbH", {"WIN": 5_000_00}, outcome=Outcome.REJECTED, reason="Budget reicht nicht"),
    ])
    for decision in built.decisions[1:]:
        db.session.get(Decision, decision.id).reason_category = ReasonCategory.LACK_OF_MONEY
    db.session.commit()
    publish(built, manager)
    hidden = make_meeting(huchting, [AppSpec("Geheim", "Träger N", {"WIN": 900_00}, outcome=Outcome.REJECTED,
                                             reason="x")], when=date.today() - timedelta(days=5))
    return built, hidden


def test_portal_page_shows_what_was_refused_for_lack_of_money(client, story):
    page = _text(client.get(f"/portal/huchting?jahr={YEAR}").get_data(as_text=True))
    assert "Bedarf und Mittel" in page
    # asked 17.300 €, given 10.800 €, not given 6.500 € (1.500 € cut, 5.000 € refused), all for lack of money
    assert "Beantragt: 17.300,00 €" in page
    assert "Beschlossen: 10.800,00 €" in page
    assert "6.500,00 €, davon aus Geldmangel („Mittel nicht ausreichend“): 6.500,00 €" in page
    assert "900,00" not in page.split("Bedarf und Mittel")[1].split("</section>")[0]


def test_yearly_report_of_a_neighbourhood_has_the_demand(client, story):
    page = _text(client.get(f"/portal/huchting/jahresbericht/{YEAR}").get_data(as_text=True))
    assert "Bedarf und Mittel" in page and "davon aus Geldmangel" in page


def test_city_report_page_has_accessible_charts_and_tables(client, story):
    response = client.get(f"/portal/jahresbericht/{YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('role="img"') >= 3 and html.count("<title id=\"cr-") == 3 and html.count("<desc id=") >= 3
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    text = _text(html)
    assert "davon „Mittel nicht ausreichend“ 6.500,00 €" in text
    assert "Je Einwohnerin und Einwohner" in text and "nicht hinterlegt" in text


def test_city_report_money_per_resident_where_population_is_set(client, story, huchting):
    db.session.get(Neighbourhood, huchting.id).population = 30_000
    db.session.commit()
    text = _text(client.get(f"/portal/jahresbericht/{YEAR}").get_data(as_text=True))
    # 200.000 € allocated / 30.000 = 6,67 €; 10.800 € approved / 30.000 = 0,36 €
    assert "30.000 6,67 € 0,36 €" in text


def test_city_report_costs_the_same_queries_for_one_or_many_neighbourhoods(client, story, count_queries,
                                                                           make_neighbourhood, make_meeting,
                                                                           make_budget, programmes):
    client.get(f"/portal/jahresbericht/{YEAR}")
    page_cache().clear()  # the render is measured, not the shared cache
    with count_queries() as one:
        assert client.get(f"/portal/jahresbericht/{YEAR}").status_code == 200
    for n in range(3):
        nb = make_neighbourhood(f"Weiteres Quartier {n}")
        make_budget(75_000_00, neighbourhood=nb, programme=programmes["WIN"], year=YEAR)
        make_meeting(nb, [AppSpec(f"Projekt {n}", "Träger", {"WIN": 1_000_00})])
    with count_queries() as many:
        assert client.get(f"/portal/jahresbericht/{YEAR}").status_code == 200
    assert many.count == one.count <= 13  # the public-data version (core/http_cache.py) included


def test_city_report_csv_and_xlsx_carry_the_same_figures(client, story):
    csv = client.get(f"/portal/jahresbericht/{YEAR}.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].split(";") == list(demand_export.HEADER)
    row = dict(zip(demand_export.HEADER, lines[1].split(";"), strict=True))
    assert (row["quartier"], row["programm_code"], row["beantragt_cent"], row["beschlossen_cent"],
            row["gekuerzt_mittel_nicht_ausreichend_cent"], row["abgelehnt_mittel_nicht_ausreichend_cent"]) == (
        "Huchting", "WIN", "1730000", "1080000", "150000", "500000")
    book = load_workbook(io.BytesIO(client.get(f"/portal/jahresbericht/{YEAR}.xlsx").data))
    assert book.sheetnames == ["Bedarf", "Budgets", "Je Einwohner"]
    budgets = list(book["Budgets"].iter_rows(values_only=True))
    assert budgets[1][:4] == ("Huchting", "WIN", "WiN", YEAR) and budgets[1][4] == 150_000


def test_open_data_header_is_pinned_and_documented(client, story):
    assert demand_export.HEADER == (
        "quartier", "quartier_kennung", "programm_code", "programm", "handlungsfeld", "haushaltsjahr", "antraege",
        "beantragt_cent", "beschlossen_cent", "gekuerzt_cent", "vertagt_cent", "abgelehnt_cent",
        "zurueckgezogen_cent", "offen_cent", "gekuerzt_mittel_nicht_ausreichend_cent",
        "vertagt_mittel_nicht_ausreichend_cent", "abgelehnt_mittel_nicht_ausreichend_cent",
        "budget_zugewiesen_cent", "budget_gebunden_cent", "budget_rueckfluss_cent", "budget_verfuegbar_cent")
    page = client.get("/portal/offene-daten").get_data(as_text=True)
    for name in demand_export.HEADER:
        assert f"<code>{name}</code>" in page
    data = json.loads(client.get(f"/portal/offene-daten/bedarf.json?quartier=huchting&jahr={YEAR}").data)
    assert [c["name"] for c in data["metadata"]["columns"]] == list(demand_export.HEADER)
    assert sum(r["abgelehnt_cent"] for r in data["data"]) == 5_000_00  # the unpublished refusal is not there


def test_api_serves_the_figures_without_a_token(client, story):
    response = client.get(f"/api/v1/figures/unmet-demand?year={YEAR}&neighbourhood=huchting")
    assert response.status_code == 200
    body = response.get_json()
    assert body["format"] == demand_export.FORMAT
    win = [r for r in body["rows"] if r["programm_code"] == "WIN"]
    assert sum(r["beschlossen_cent"] for r in win) == 10_800_00
    assert client.get("/api/v1/figures/unmet-demand?neighbourhood=nirgendwo").status_code == 404


def test_only_administrators_set_populations_with_a_german_message(client, auth, huchting, make_user, manager):
    make_user("admin@example.org", is_admin=True)
    auth.login(manager.email)
    assert client.get("/verwaltung/einwohnerzahlen").status_code == 403
    auth.logout()
    auth.login("admin@example.org")
    page = client.get("/verwaltung/einwohnerzahlen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    field = f"population_{huchting.id}"
    bad = client.post("/verwaltung/einwohnerzahlen", data={"csrf_token": token, field: "viele"})
    assert bad.status_code == 422 and "ganze Zahl" in bad.get_data(as_text=True)
    too_many = client.post("/verwaltung/einwohnerzahlen", data={"csrf_token": token, field: "2000000"})
    assert too_many.status_code == 422 and "zwischen 1 und 1.000.000" in too_many.get_data(as_text=True)
    assert client.post("/verwaltung/einwohnerzahlen", data={"csrf_token": token, field: "31.500".replace(".", "")}
                       ).status_code == 302
    db.session.rollback()
    assert db.session.get(Neighbourhood, huchting.id).population == 31_500
    assert db.session.execute(sa.text("SELECT count(*) FROM audit_event WHERE action = 'neighbourhood.population'")
                              ).scalar() == 1


def test_city_report_pdf_is_pdfa_with_its_figures_embedded(client, story):
    response = client.get(f"/portal/jahresbericht/{YEAR}.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    data = json.loads(reader.attachments[f"jahresbericht-{YEAR}.json"][0])
    rows = data["unmet_demand"]
    assert sum(r["beschlossen_cent"] for r in rows) == 10_800_00
    assert sum(r["gekuerzt_mittel_nicht_ausreichend_cent"] + r["abgelehnt_mittel_nicht_ausreichend_cent"]
               for r in rows) == 6_500_00
    text = pdf_text(response.data)
    assert "Bedarf und Mittel" in text and "Seite 1 von" in text and "Geheim" not in text


def test_city_report_of_a_nonsense_year_is_not_found(client):
    assert client.get("/portal/jahresbericht/12").status_code == 404
