"""The project-list import names programmes as people write them, and several in one row.

Found by trying the import as a new user: "Soziale Stadt" was refused because the programme is called
"Sozialer Zusammenhalt (Soziale Stadt)" and only its code SOZ was understood, and a project funded by
WiN and LOS could not be written in one row.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from wingrant.applications.models import Application, FinancingItem, ImportRecord
from wingrant.imports import files as import_files
from wingrant.imports import parsing as imports
from wingrant.imports import services as import_services
from wingrant.imports.programmes import Known, keys, lookup
from wingrant.ledger.models import EntryKind, LedgerEntry

from .conftest import count
from .test_import import confirm, upload, xlsx

LONG_NAMES = {"WIN": "WiN – Wohnen in Nachbarschaften", "SOZ": "Sozialer Zusammenhalt (Soziale Stadt)",
              "LOS": "LOS"}


@pytest.fixture
def programmes(db, make_programme):
    """The programmes as the demo (and Bremen) names them."""
    return {code: make_programme(code, name=name, position=n) for n, (code, name) in enumerate(LONG_NAMES.items())}


@pytest.fixture
def context(db, huchting, programmes):
    return import_services.context(huchting.id)


def check(context, *rows):
    return imports.check_rows(import_files.read_table(xlsx(rows)).rows, context)


def errors(row) -> list[tuple[str | None, str]]:
    return [(e.column, e.message) for e in row.errors]


def test_a_programme_answers_to_its_code_its_name_and_the_parts_of_its_name():
    assert keys("SOZ", "Sozialer Zusammenhalt (Soziale Stadt)") == [
        "soz", "sozialer zusammenhalt soziale stadt", "sozialer zusammenhalt", "soziale stadt"]
    assert keys("WIN", "WiN – Wohnen in Nachbarschaften") == [
        "win", "win wohnen nachbarschaften", "win", "wohnen nachbarschaften"]


def test_a_name_part_two_programmes_share_names_neither_and_a_code_wins():
    a, b = Known(1, "LLQ", "Lebendige Quartiere (Quartier)"), Known(2, "QZ", "Quartier")
    table = lookup([a, b])
    assert table["quartier"] == b  # the whole name of QZ beats the part of LLQ's name
    c, d = Known(3, "X", "Alpha / Gemeinsam"), Known(4, "Y", "Beta / Gemeinsam")
    assert "gemeinsam" not in lookup([c, d])


@pytest.mark.parametrize("written", ["Soziale Stadt", "soziale  stadt", "SOZIALE STADT", "Sozialer Zusammenhalt",
                                     "Sozialer Zusammenhalt (Soziale Stadt)", "soz", " SOZ "])
def test_a_programme_is_found_by_its_code_or_name_written_any_way(context, programmes, written):
    row, = check(context, (2024, "Spielplatz", "Wohnungsbau GmbH", written, "30.000", "", "Eingereicht"))
    assert row.ok, row.errors
    assert row.programme_id == programmes["SOZ"].id


@pytest.mark.parametrize("written", ["WiN", "win", "Wohnen in Nachbarschaften", "WiN – Wohnen in Nachbarschaften"])
def test_win_is_found_in_its_common_forms(context, programmes, written):
    row, = check(context, (2024, "Fest", "Verein", written, "1.000", "", "Eingereicht"))
    assert row.ok, row.errors
    assert row.programme_id == programmes["WIN"].id


def test_an_unknown_programme_names_the_possible_ones_with_code_and_name(context):
    row, = check(context, (2024, "Fest", "Verein", "Stadtteilfonds", "100", "", "Eingereicht"))
    assert errors(row) == [("programme", "Das Förderprogramm „Stadtteilfonds“ gibt es nicht. Möglich sind: LOS, "
                                         "SOZ (Sozialer Zusammenhalt (Soziale Stadt)), WIN (WiN – Wohnen in "
                                         "Nachbarschaften).")]


def test_several_programmes_in_one_row_with_named_amounts(context, programmes):
    row, = check(context, (2024, "Lernwerkstatt", "Verein", "WiN; LOS", "WIN: 1.000; LOS: 500",
                           "LOS: 500; WIN: 800", "Abgeschlossen"))
    assert row.ok, row.errors
    assert [(line.programme_id, line.requested_cents, line.approved_cents) for line in row.lines] == [
        (programmes["WIN"].id, 1_000_00, 800_00), (programmes["LOS"].id, 500_00, 500_00)]
    assert (row.requested_cents, row.approved_cents, row.programme_id) == (1_500_00, 1_300_00, None)


def test_several_programmes_with_amounts_in_the_order_of_the_programme_cell(context, programmes):
    row, = check(context, (2024, "Lernwerkstatt", "Verein", "Soziale Stadt + WIN", "2.000; 1.000,50", "",
                           "Eingereicht"))
    assert row.ok, row.errors
    assert [(line.code, line.requested_cents, line.approved_cents) for line in row.lines] == [
        ("SOZ", 2_000_00, None), ("WIN", 1_000_50, None)]


def test_named_amounts_alone_name_the_programmes(context):
    row, = check(context, (2024, "Lernwerkstatt", "Verein", "", "WiN: 1.000; LOS: 500", "", "Eingereicht"))
    assert row.ok, row.errors
    assert row.programme_code == "WIN; LOS"


@pytest.mark.parametrize(("cells", "expected"), [
    (("WIN; LOS", "1.000", ""),
     ("requested", "1 Betrag für 2 Förderprogramme (WIN; LOS). Bitte je Programm einen Betrag angeben, z. B. "
                   "„WIN: 1.000; LOS: 1.000“.")),
    (("WIN", "WIN: 1.000; LOS: 500", ""), ("requested", "Ein Betrag für LOS, aber die Zeile nennt nur: WIN.")),
    (("WIN; LOS", "WIN: 1.000", ""), ("requested", "Es fehlt der Betrag für: LOS.")),
    (("WIN; LOS", "WIN: 1.000; WIN: 500", ""), ("requested", "Der Betrag für WIN steht zweimal in der Zeile.")),
    (("WIN; LOS", "WIN: 1.000; 500", ""),
     ("requested", "Bitte entweder jeden Betrag mit seinem Programm angeben (z. B. „WIN: 1.000; LOS: 500“) oder "
                   "keinen.")),
    (("WIN; WiN", "1.000; 500", ""), ("programme", "Das Förderprogramm WIN steht zweimal in der Zeile.")),
    (("WIN; LOS", "1.000; 500", "1.000; 600"),
     ("approved", "LOS: Bewilligt (600,00\u00a0€) ist mehr als beantragt (500,00\u00a0€).")),
    (("WIN; XYZ", "1.000; 500", ""),
     ("programme", "Das Förderprogramm „XYZ“ gibt es nicht. Möglich sind: LOS, SOZ (Sozialer Zusammenhalt "
                   "(Soziale Stadt)), WIN (WiN – Wohnen in Nachbarschaften).")),
])
def test_several_programmes_wrongly_written_get_a_german_message_on_their_cell(context, cells, expected):
    programme, requested, approved = cells
    row, = check(context, (2024, "Fest", "Verein", programme, requested, approved, "Abgeschlossen"))
    assert errors(row) == [expected]


def test_a_row_with_two_programmes_imports_one_project_with_both_and_books_each_budget(
        as_manager, db, huchting, programmes, make_budget):
    win = make_budget(20_000_00, neighbourhood=huchting, programme=programmes["WIN"], year=2024)
    los = make_budget(5_000_00, neighbourhood=huchting, programme=programmes["LOS"], year=2024)
    rows = [(2024, "Lernwerkstatt", "Verein", "WiN; LOS", "WIN: 1.000; LOS: 500", "WIN: 800; LOS: 500",
             "Abgeschlossen"),
            (2024, "Spielplatz", "Wohnungsbau GmbH", "Soziale Stadt", "30.000", "", "Eingereicht"),
            (2024, "Zirkus", "Verein", "WIN; LOS", "1.000", "", "Eingereicht")]
    preview_url = upload(as_manager, xlsx(rows)).headers["Location"]
    page = as_manager.get(preview_url).get_data(as_text=True)
    assert "2 können importiert werden." in page
    assert ("Zeile 4, Beantragt: 1 Betrag für 2 Förderprogramme (WIN; LOS). Bitte je Programm einen Betrag "
            "angeben, z. B. „WIN: 1.000; LOS: 1.000“.") in page
    assert "Mittelbindung WIN möglich (800,00\u00a0€)" in page and "Mittelbindung LOS möglich (500,00\u00a0€)" in page
    assert "zusammen 1.500,00\u00a0€" in page
    confirm(as_manager, preview_url, book=True)
    db.session.rollback()
    app = db.session.execute(sa.select(Application).filter_by(title="Lernwerkstatt")).scalar_one()
    assert db.session.execute(sa.select(FinancingItem.programme_id, FinancingItem.amount_cents)
                              .filter_by(application_id=app.id).order_by(FinancingItem.position)).all() == [
        (programmes["WIN"].id, 1_000_00), (programmes["LOS"].id, 500_00)]
    record = db.session.execute(sa.select(ImportRecord).filter_by(application_id=app.id)).scalar_one()
    assert (record.approved_cents, record.commitment_booked) == (1_300_00, True)
    assert sorted(db.session.execute(sa.select(LedgerEntry.budget_id, LedgerEntry.amount_cents).filter_by(
        kind=EntryKind.COMMITMENT)).all()) == sorted([(win.id, 800_00), (los.id, 500_00)])
    assert count(db, Application) == 2


def test_the_upload_page_names_the_programmes_and_the_format_for_several(as_manager, programmes):
    page = as_manager.get("/quartiere/huchting/antraege/import/neu").get_data(as_text=True)
    assert "SOZ (Sozialer Zusammenhalt (Soziale Stadt))" in page
    assert "„WIN: 1.000; LOS: 500“" in page
