"""CSV and XLSX export of the filtered list."""

import csv
import io

from openpyxl import load_workbook

from wingrant.applications.models import ApplicationState as S
from wingrant.applications.models import CostCategory

from .conftest import login

EXPORT = "/quartiere/huchting/antraege/export"


def test_csv_export_has_every_filtered_row_the_german_way(as_manager, make_application, make_organisation, win):
    make_application("Hochbeete", organisation=make_organisation("Garten e. V."),
                     costs=[(CostCategory.MATERIAL, "Holz", 1_234_56)], own=617_28, requests={win: 617_28})
    make_application("Entwurf bleibt draußen")
    for n in range(30):  # more than one page of the list
        make_application(f"Eingereicht {n}", state=S.SUBMITTED)
    response = as_manager.get(f"{EXPORT}.csv?state=submitted")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="antraege-huchting-')
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:7] == ["Aktenzeichen", "Titel", "Träger", "Status", "Jahr", "Gesamtkosten (€)",
                           "Beantragt gesamt (€)"]
    assert len(rows) == 31 and all(r[3] == "Eingereicht" for r in rows[1:])

    everything = list(csv.reader(io.StringIO(as_manager.get(f"{EXPORT}.csv?q=hochbeete").get_data()
                                             .decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert everything[1][:7] == ["HUC-2026-001", "Hochbeete", "Garten e. V.", "Entwurf", "2026", "1234,56",
                                 "617,28"]


def test_xlsx_export_has_numbers_and_never_formulas(as_manager, make_application, win):
    make_application("=HYPERLINK(\"http://evil.example\",\"klick\")", requests={win: 500_00})
    response = as_manager.get(f"{EXPORT}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet["A1"].value == "Aktenzeichen"
    assert sheet["B2"].value == "=HYPERLINK(\"http://evil.example\",\"klick\")"
    assert sheet["B2"].data_type == "s"
    assert float(sheet["F2"].value) == 1000.0 and float(sheet["G2"].value) == 500.0
    assert sheet["H1"].value == "Beantragt WIN (€)"


def test_csv_cells_that_look_like_formulas_are_neutralised(as_manager, make_application):
    make_application("=1+1")
    make_application("@SUM(A1)")
    text = as_manager.get(f"{EXPORT}.csv?sort=title").get_data().decode("utf-8")
    assert ";'=1+1;" in text and ";'@SUM(A1);" in text


def test_export_needs_read_access_to_the_neighbourhood(client, auth, db, other_manager, make_application):
    make_application()
    assert client.get(f"{EXPORT}.csv").status_code == 302  # anonymous: to the login
    login(db, auth, other_manager)
    assert client.get(f"{EXPORT}.csv").status_code == 403
    assert client.get(f"{EXPORT}.pdf").status_code == 404


def test_list_links_to_the_export_with_its_filters(as_manager, make_application):
    make_application()
    page = as_manager.get("/quartiere/huchting/antraege?state=draft&slug=x&seite=2").get_data(as_text=True)
    assert 'href="/quartiere/huchting/antraege/export.csv?state=draft"' in page
