"""Importing a QM's own project list: row rules, the preview that writes nothing, the confirmed import."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.applications.models import Application, ApplicationTransition, FinancingItem, ImportRecord
from wingrant.applications.models import (
    ApplicationState as S,
)
from wingrant.audit.models import AuditEvent
from wingrant.imports import files as import_files
from wingrant.imports import parsing as imports
from wingrant.imports import services as import_services
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import EntryKind, LedgerEntry
from wingrant.organisations.models import Organisation

from .conftest import count, login

GERMAN_HEADER = ["Jahr", "Titel", "Träger", "Programm", "Beantragt", "Bewilligt", "Status"]
UPLOAD_URL = "/quartiere/huchting/antraege/import/neu"


def xlsx(rows, header=GERMAN_HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=GERMAN_HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(f'"{c}"' if delimiter in str(c) else str(c) for c in row)
                                        for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def context(db, huchting, win, soz):
    return import_services.context(huchting.id)


def check(context, *rows, header=GERMAN_HEADER):
    return imports.check_rows(import_files.read_table(xlsx(rows, header)).rows, context)


def messages(row) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in row.errors]


# --- the rules of a row ---------------------------------------------------------------------


def test_german_headers_amounts_and_state_labels_are_understood(context, win):
    row, = check(context, (2024, "Hochbeete", "Nachbarschaftsgarten e. V.", "WIN", "4.800,00 €", "4.500",
                           "Abgeschlossen"))
    assert row.ok, row.errors
    assert (row.year, row.title, row.programme_id, row.requested_cents, row.approved_cents, row.state) == (
        2024, "Hochbeete", win.id, 4_800_00, 4_500_00, S.CLOSED)


def test_english_headers_and_a_comma_separated_csv_are_understood(context, soz):
    data = csv_bytes([("2023", "Spielplatz", "Wohnungsbau GmbH", "soz", "30.000", "", "in prüfung")],
                     header=["year", "title", "organisation", "programme", "requested", "approved", "state"],
                     delimiter=",")
    row, = imports.check_rows(import_files.read_table(data).rows, context)
    assert row.ok, row.errors
    assert (row.programme_id, row.requested_cents, row.approved_cents, row.state) == (soz.id, 30_000_00, None,
                                                                                       S.IN_REVIEW)


def test_spreadsheet_numbers_become_exact_cents(context):
    row, = check(context, (2024.0, "Fest", "Verein", "WIN", 1234.5, 0.1 + 0.2, "Bewilligt"))
    assert (row.year, row.requested_cents, row.approved_cents) == (2024, 1_234_50, 30)


def test_a_bad_amount_is_a_row_error_with_the_german_message(context):
    row, = check(context, (2024, "Fest", "Verein", "WIN", "1.234.5", "", "Eingereicht"))
    assert messages(row) == [("requested", "Der Punkt trennt Tausender und muss zwischen Dreiergruppen von Ziffern "
                                           "stehen, z. B. 1.234.567,89.")]


def test_an_amount_with_a_decimal_point_is_refused_not_guessed(context):
    row, = check(context, (2024, "Fest", "Verein", "WIN", "1234.50", "", "Eingereicht"))
    assert messages(row) == [("requested", "Bitte das Komma als Dezimaltrennzeichen verwenden, z. B. 12,50.")]


def test_an_unknown_programme_is_a_row_error(context):
    row, = check(context, (2024, "Fest", "Verein", "XYZ", "100", "", "Eingereicht"))
    assert messages(row) == [("programme", "Das Förderprogramm „XYZ“ gibt es nicht. Möglich sind: SOZ (Soziale Stadt), "
                                           "WIN.")]


def test_an_unknown_state_is_a_row_error(context):
    row, = check(context, (2024, "Fest", "Verein", "WIN", "100", "", "Erledigt"))
    assert [c for c, _m in messages(row)] == ["state"]
    assert messages(row)[0][1].startswith("Den Status „Erledigt“ gibt es nicht. Möglich sind: Entwurf, Eingereicht,")


def test_a_missing_title_is_a_row_error(context):
    row, = check(context, (2024, "", "Verein", "WIN", "100", "", "Eingereicht"))
    assert messages(row) == [("title", "Bitte einen Titel angeben.")]


def test_a_year_must_be_a_four_digit_budget_year(context):
    bad, = check(context, ("24", "Fest", "Verein", "WIN", "100", "", "Eingereicht"))
    assert messages(bad) == [("year", "„24“ ist kein Förderjahr. Bitte vierstellig angeben, z. B. 2024.")]


def test_an_approved_amount_needs_a_state_of_approved_money_and_at_most_the_request(context):
    rejected, more = check(context, (2024, "A", "Verein", "WIN", "100", "50", "Abgelehnt"),
                           (2024, "B", "Verein", "WIN", "100", "150", "Bewilligt"))
    assert messages(rejected) == [("approved", "Ein bewilligter Betrag passt nicht zum Status „Abgelehnt“.")]
    assert messages(more) == [("approved", "Bewilligt (150,00\u00a0€) ist mehr als beantragt (100,00\u00a0€).")]


def test_a_project_twice_in_the_list_is_refused_the_second_time(context):
    first, second = check(context, (2024, "Fest", "Kulturverein Huchting e. V.", "WIN", "100", "", "Eingereicht"),
                          (2024, "fest", "kulturverein huchting", "WIN", "200", "", "Eingereicht"))
    assert first.ok
    assert messages(second) == [(None, "Dieses Projekt steht schon in Zeile 2.")]


def test_a_missing_column_refuses_the_whole_file(app, db):
    with pytest.raises(import_files.ImportFileError) as error:
        import_files.read_table(xlsx([(2024, "Fest")], header=["Jahr", "Titel"]))
    assert error.value.message.startswith("In der Kopfzeile fehlt: Träger, Programm, Beantragt, Status.")


def test_a_file_that_is_neither_xlsx_nor_csv_is_refused(app, db):
    with pytest.raises(import_files.ImportFileError):
        import_files.read_table(b"%PDF-1.7\x00\x00binary")


# --- through the pages: preview first, nothing written before confirming ------------------------


def upload(client, data: bytes, name="projekte.xlsx", url=UPLOAD_URL):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, preview_url, *, book=False):
    page = client.get(preview_url).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page)}
    if book:
        data["book_commitments"] = "y"
    return client.post(preview_url, data=data)


LIST = [
    (2024, "Hochbeete", "Nachbarschaftsgarten Huchting e.V.", "WIN", "4.800", "4.800", "Abgeschlossen"),
    (2024, "Sommerfest", "Neuer Verein", "WIN", "2.000", "1.500", "Beschlossen mit Änderungen"),
    (2024, "Lesepaten", "Neuer Verein e. V.", "WIN", "1.200", "", "Abgelehnt"),
    (2024, "", "Neuer Verein", "WIN", "1.000", "", "Eingereicht"),  # no title
    (2024, "Zirkus", "Neuer Verein", "XYZ", "1.000", "", "Eingereicht"),  # unknown programme
    (2024, "Kochkurs", "Neuer Verein", "WIN", "12,345", "", "Eingereicht"),  # bad amount
    (2024, "Tanz", "Neuer Verein", "WIN", "1.000", "", "Erledigt"),  # unknown state
]


def counts(db) -> tuple:
    return (count(db, Application), count(db, Organisation), count(db, LedgerEntry), count(db, ImportRecord),
            count(db, AuditEvent))


def test_uploading_shows_a_preview_with_row_errors_and_writes_nothing(as_manager, db, win, make_organisation, app):
    make_organisation("Nachbarschaftsgarten Huchting e. V.")
    before = counts(db)
    response = upload(as_manager, xlsx(LIST))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = as_manager.get(preview_url).get_data(as_text=True)
    assert "7 Projekte gelesen." in page and "3 können importiert werden." in page
    assert "4 Zeilen haben Fehler und werden übersprungen." in page
    assert "Zeile 5, Titel: Bitte einen Titel angeben." in page
    assert "Zeile 6, Programm: Das Förderprogramm „XYZ“ gibt es nicht." in page
    assert "Zeile 7, Beantragt: Höchstens zwei Nachkommastellen." in page
    assert "Zeile 8, Status: Den Status „Erledigt“ gibt es nicht." in page
    assert "Neu angelegt werden diese Träger: Neuer Verein" in page
    assert counts(db) == before
    # The parsed list lives on the server; the page carries only its random name.
    token = preview_url.rsplit("/", 1)[1]
    stored = Path(app.config["UPLOAD_FOLDER"]) / "imports" / f"{token}.json"
    assert json.loads(stored.read_text(encoding="utf-8"))["rows"][0]["cells"]["title"] == "Hochbeete"
    assert "Hochbeete" not in " ".join(re.findall(r"<input[^>]*>", page))


def test_confirming_imports_exactly_the_valid_rows_in_one_go(as_manager, db, win, make_organisation, manager):
    garden = make_organisation("Nachbarschaftsgarten Huchting e. V.")
    preview_url = upload(as_manager, xlsx(LIST)).headers["Location"]
    response = confirm(as_manager, preview_url)
    assert response.status_code == 302
    db.session.rollback()
    apps = db.session.execute(sa.select(Application).order_by(Application.id)).scalars().all()
    assert [(a.title, a.state, a.year) for a in apps] == [
        ("Hochbeete", S.CLOSED, 2024), ("Sommerfest", S.APPROVED_WITH_CHANGES, 2024), ("Lesepaten", S.REJECTED, 2024)]
    assert [a.reference for a in apps] == ["HUC-2024-001", "HUC-2024-002", "HUC-2024-003"]
    # Organisations matched by normalised name, or created once.
    assert apps[0].organisation_id == garden.id
    assert apps[1].organisation_id == apps[2].organisation_id != garden.id
    assert count(db, Organisation) == 2
    requested = db.session.execute(sa.select(FinancingItem.application_id, FinancingItem.programme_id,
                                             FinancingItem.amount_cents).order_by(FinancingItem.id)).all()
    assert requested == [(apps[0].id, win.id, 4_800_00), (apps[1].id, win.id, 2_000_00), (apps[2].id, win.id, 1_200_00)]
    records = db.session.execute(sa.select(ImportRecord).order_by(ImportRecord.id)).scalars().all()
    assert [(r.source_row, r.approved_cents, r.commitment_booked, r.file_name) for r in records] == [
        (2, 4_800_00, False, "projekte.xlsx"), (3, 1_500_00, False, "projekte.xlsx"), (4, None, False, "projekte.xlsx")]
    first = db.session.execute(sa.select(ApplicationTransition).filter_by(application_id=apps[0].id)).scalar_one()
    assert (first.from_state, first.to_state, first.user_id) == (None, S.CLOSED, manager.id)
    assert "Zeile 2" in first.reason
    audit = db.session.execute(sa.select(AuditEvent).filter_by(action="application.import")).scalar_one()
    assert audit.after["imported"] == ["HUC-2024-001", "HUC-2024-002", "HUC-2024-003"]
    assert audit.after["skipped_lines"] == [5, 6, 7, 8]
    # The upload is gone: confirming twice imports nothing twice.
    assert as_manager.get(preview_url).status_code == 404


def test_imported_history_does_not_touch_the_ledger_unless_asked(as_manager, db, win, make_budget, huchting):
    budget = make_budget(20_000_00, neighbourhood=huchting, programme=win, year=2024)
    preview_url = upload(as_manager, xlsx(LIST[:2])).headers["Location"]
    confirm(as_manager, preview_url)
    db.session.rollback()
    assert count(db, Application) == 2
    assert count(db, LedgerEntry, kind=EntryKind.COMMITMENT) == 0
    assert ledger_queries.balance(budget.id).available == 20_000_00


def test_mittelbindung_buchen_commits_approved_money_where_the_year_has_an_open_budget(
        as_manager, db, win, soz, make_budget, huchting):
    open_budget = make_budget(20_000_00, neighbourhood=huchting, programme=win, year=2024)
    closed = make_budget(10_000_00, neighbourhood=huchting, programme=win, year=2023)
    closed.closed = True
    db.session.commit()
    rows = [(2024, "Hochbeete", "Garten", "WIN", "4.800", "4.800", "Abgeschlossen"),
            (2024, "Fest", "Garten", "WIN", "2.000", "", "Eingereicht"),  # nothing approved
            (2023, "Theater", "Garten", "WIN", "3.000", "3.000", "Abgeschlossen"),  # closed year
            (2022, "Kino", "Garten", "WIN", "1.000", "900", "Abgeschlossen"),  # no budget
            (2024, "Spielplatz", "Garten", "SOZ", "9.000", "9.000", "Bewilligt")]  # no SOZ budget
    preview_url = upload(as_manager, xlsx(rows)).headers["Location"]
    page = as_manager.get(preview_url).get_data(as_text=True)
    assert "Keine Mittelbindung möglich: Das Haushaltsjahr 2023 ist abgeschlossen." in page
    assert "Keine Mittelbindung möglich: Für WIN 2022 gibt es in diesem Quartier kein Budget." in page
    confirm(as_manager, preview_url, book=True)
    db.session.rollback()
    assert count(db, Application) == 5
    commitments = db.session.execute(sa.select(LedgerEntry.budget_id, LedgerEntry.amount_cents).filter_by(
        kind=EntryKind.COMMITMENT)).all()
    assert commitments == [(open_budget.id, 4_800_00)]
    booked = db.session.execute(sa.select(ImportRecord.commitment_booked).order_by(ImportRecord.id)).scalars().all()
    assert booked == [True, False, False, False, False]


def test_not_enough_money_for_the_commitments_refuses_the_whole_import(as_manager, db, win, make_budget, huchting):
    make_budget(1_000_00, neighbourhood=huchting, programme=win, year=2024)
    preview_url = upload(as_manager, xlsx(LIST[:1])).headers["Location"]
    assert "Nicht genug Mittel für alle Mittelbindungen" in as_manager.get(preview_url).get_data(as_text=True)
    before = counts(db)
    response = confirm(as_manager, preview_url, book=True)
    assert response.status_code == 422
    assert "Nicht genug Mittel" in response.get_data(as_text=True)
    assert counts(db) == before
    assert confirm(as_manager, preview_url).status_code == 302  # without booking it goes through
    assert count(db, Application) == 1


def test_a_list_imported_twice_is_refused_row_by_row_the_second_time(as_manager, db, win):
    confirm(as_manager, upload(as_manager, xlsx(LIST[:3])).headers["Location"])
    preview_url = upload(as_manager, xlsx(LIST[:3])).headers["Location"]
    page = as_manager.get(preview_url).get_data(as_text=True)
    assert "Dieses Projekt gibt es schon: HUC-2024-001." in page
    assert "0 können importiert werden." in page
    assert "importieren</button>" not in page
    assert count(db, Application) == 3


def test_confirming_checks_again_against_the_database_as_it_is_then(as_manager, db, win):
    first = upload(as_manager, xlsx(LIST[:2])).headers["Location"]
    second = upload(as_manager, xlsx(LIST[:1])).headers["Location"]
    confirm(as_manager, second)
    confirm(as_manager, first)  # Hochbeete has been imported meanwhile
    db.session.rollback()
    assert db.session.execute(sa.select(Application.title).order_by(Application.id)).scalars().all() == [
        "Hochbeete", "Sommerfest"]


def test_discarding_forgets_the_upload_and_writes_nothing(as_manager, db, win, app):
    preview_url = upload(as_manager, xlsx(LIST)).headers["Location"]
    page = as_manager.get(preview_url).get_data(as_text=True)
    response = as_manager.post(preview_url + "/verwerfen", data={"discard-csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert as_manager.get(preview_url).status_code == 404
    assert list((Path(app.config["UPLOAD_FOLDER"]) / "imports").glob("*.json")) == []
    assert count(db, Application) == 0


def test_a_broken_file_is_refused_at_the_upload_field(as_manager, db, win):
    response = upload(as_manager, b"Titel;Jahr\r\nFest;2024\r\n", name="liste.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="file-error">In der Kopfzeile fehlt: Träger, Programm, Beantragt, Status\.', page)
    assert 'aria-describedby="file-hint file-error"' in page


# --- access ---------------------------------------------------------------------------------


def test_someone_elses_pending_import_does_not_exist(as_manager, db, win, client, auth, make_user, huchting):
    from wingrant.auth.models import Role

    preview_url = upload(as_manager, xlsx(LIST)).headers["Location"]
    auth.logout()
    colleague = make_user("qm2.huchting@example.org", roles={huchting: Role.MANAGER})
    login(db, auth, colleague)
    assert client.get(preview_url).status_code == 404
    token = csrf_token_from(client.get(UPLOAD_URL).get_data(as_text=True))
    assert client.post(preview_url, data={"csrf_token": token}).status_code == 404
    assert count(db, Application) == 0


def test_a_pending_import_is_bound_to_its_neighbourhood(as_manager, db, win, groepelingen, manager):
    from wingrant.auth.models import Membership, Role

    db.session.add(Membership(user_id=manager.id, neighbourhood_id=groepelingen.id, role=Role.MANAGER))
    db.session.commit()
    preview_url = upload(as_manager, xlsx(LIST)).headers["Location"]
    other = preview_url.replace("/quartiere/huchting/", "/quartiere/groepelingen/")
    assert as_manager.get(other).status_code == 404
    token = csrf_token_from(as_manager.get(preview_url).get_data(as_text=True))
    assert as_manager.post(other, data={"csrf_token": token}).status_code == 404
    assert count(db, Application) == 0


def test_readers_and_other_neighbourhoods_cannot_import(client, auth, db, reader, other_manager, win):
    for user in (reader, other_manager):
        login(db, auth, user)
        assert client.get(UPLOAD_URL).status_code == 403
        token = csrf_token_from(client.get("/").get_data(as_text=True))
        response = client.post(UPLOAD_URL, data={"csrf_token": token, "file": (io.BytesIO(xlsx(LIST)), "l.xlsx")},
                               content_type="multipart/form-data")
        assert response.status_code == 403
        auth.logout()
    assert count(db, Application) == 0
