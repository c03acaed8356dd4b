"""The minutes PDF: PDF/A-3a, tagged, A4, German, with the decisions embedded as JSON."""

import io
import json
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from weasyprint import HTML

from wingrant.core.pdf_fetch import StaticOnlyFetcher, UnsafeURL
from wingrant.ledger.models import EntryKind, LedgerEntry
from wingrant.ledger.queries import balance
from wingrant.minutes.export import FILENAME
from wingrant.minutes.pdf import render_pdf
from wingrant.minutes.record_loader import minutes_record

from . import factories
from .conftest import pdf_text

pytestmark = pytest.mark.slow


@pytest.fixture
def public_pdf(held, app):
    with app.test_request_context():
        return render_pdf(minutes_record(held.meeting.id, public=True), version=1)


@pytest.fixture
def internal_pdf(held, app):
    with app.test_request_context():
        return render_pdf(minutes_record(held.meeting.id, public=False))


def _embedded(pdf: bytes) -> dict:
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert list(attachments) == [FILENAME]
    return json.loads(attachments[FILENAME][0])


def test_pdf_is_tagged_pdfa(public_pdf):
    reader = PdfReader(io.BytesIO(public_pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="A"', xmp)
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "de"
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and "sRGB" in intent["/OutputConditionIdentifier"]
    # PDF/A-3: the attachment is an associated file of the document, with its relationship.
    spec = root["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Data" and spec["/UF"] == FILENAME


def test_pdf_is_a4_with_page_x_of_y(public_pdf):
    reader = PdfReader(io.BytesIO(public_pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    pages = len(reader.pages)
    text = pdf_text(public_pdf)
    for n in range(1, pages + 1):
        assert f"Seite {n} von {pages}" in text


def test_pdf_shows_header_agenda_decisions_and_budget(public_pdf, held):
    text = pdf_text(public_pdf)
    for expected in ("Quartiersmanagement Huchting", "Ergebnisprotokoll", "Stadtteilgruppe Huchting",
                     "Bürgerhaus, Saal 1", "18:00–20:15 Uhr", "Hochbeete für den Nachbarschaftsgarten – "
                     "Nachbarschaftsgarten e. V.", "beschlossen mit Änderungen", "Aufführung im Bürgerhaus.",
                     "vertagt", "Budgetstand", "139.200,00 €", "Version 1"):
        assert expected in text, expected


def test_public_pdf_hides_names_without_consent(public_pdf):
    text = pdf_text(public_pdf)
    assert factories.CONSENTING_RESIDENT in text
    for secret in (factories.SECRET_RESIDENT, factories.SECRET_APOLOGY, factories.SECRET_OBJECTOR,
                   factories.SECRET_RECUSED, factories.CONTACT_EMAIL, factories.CONTACT_PHONE,
                   factories.CONTACT_PERSON):
        assert secret not in text
    assert "Interne Fassung" not in text


def test_internal_pdf_names_people_and_says_it_is_internal(internal_pdf):
    text = pdf_text(internal_pdf)
    assert factories.SECRET_OBJECTOR in text and factories.SECRET_RESIDENT in text
    assert "Interne Fassung – nicht veröffentlichen" in text


def test_embedded_json_matches_ledger_to_the_cent(db, held, public_pdf):
    data = _embedded(public_pdf)
    assert data["format"] == "wingrant.minutes/1" and data["amount_unit"] == "cent"
    assert data["audience"] == "public" and data["version"] == 1
    # Straight from the ledger rows, not through any query the minutes use.
    booked: dict[tuple[int, str], int] = {}
    for entry in db.session.execute(sa.select(LedgerEntry)).scalars():
        if entry.kind == EntryKind.COMMITMENT and entry.decision_id is not None:
            key = (entry.decision_id, entry.budget.programme.code)
            booked[key] = booked.get(key, 0) + entry.amount_cents
    decisions = {d.application_id: d.id for d in held.decisions if d}
    by_reference = {a.reference: a.id for a in held.applications}
    seen = 0
    for decision in data["decisions"]:
        decision_id = decisions[by_reference[decision["application_reference"]]]
        for amount in decision["amounts"]:
            assert amount["committed_cents"] == booked.get((decision_id, amount["programme"]), 0)
            if decision["outcome"] in ("approved", "approved_with_changes"):
                assert amount["approved_cents"] == amount["committed_cents"]
            seen += 1
    assert seen == 4
    theatre = next(d for d in data["decisions"] if d["title"].startswith("Theater"))
    assert [a["approved_cents"] for a in theatre["amounts"]] == [6_000_00, 1_999_99]
    for line in data["budgets"]:  # nothing was booked after this meeting: the table is the ledger now
        budget_id = next(b.id for b in _budgets(db) if (b.programme.code, b.year) == (line["programme"], line["year"]))
        now = balance(budget_id)
        assert line["allocated_cents"] == now.allocated
        assert line["committed_before_cents"] + line["committed_at_meeting_cents"] == now.committed
        assert line["available_cents"] == now.available


def _budgets(db):
    from wingrant.ledger.models import Budget

    return db.session.execute(sa.select(Budget)).scalars().all()


def test_embedded_json_names_nobody(internal_pdf):
    raw = json.dumps(_embedded(internal_pdf), ensure_ascii=False)
    for secret in (factories.SECRET_OBJECTOR, factories.SECRET_RECUSED, factories.SECRET_RESIDENT,
                   factories.CONSENTING_RESIDENT, factories.CONTACT_EMAIL):
        assert secret not in raw


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://example.org/evil.css",
    "https://example.org/evil.css",
    "data:text/css,body{}",
    "ftp://example.org/x.css",
    "wingrant-static:../../../../etc/passwd",
    "wingrant-static:%2e%2e/%2e%2e/config.py",
    "wingrant-static:/etc/passwd/../../../etc/passwd",
    "wingrant-static:css/does-not-exist.css",
    "wingrant-static:",
])
def test_url_fetcher_refuses_everything_outside_the_static_folder(app, url):
    with pytest.raises(UnsafeURL):
        StaticOnlyFetcher(app.static_folder).fetch(url)


def test_url_fetcher_serves_the_apps_own_static_files(app):
    response = StaticOnlyFetcher(app.static_folder).fetch("wingrant-static:css/pdf.css")
    assert response.content_type == "text/css" and b"@page" in response.read()


def test_pdf_rendering_fetches_only_static_files(app, held, monkeypatch):
    served, refused, network = [], [], []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except UnsafeURL:
            refused.append(url)
            raise
        served.append(url)
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *a, **k: network.append(a))
    with app.test_request_context():
        render_pdf(minutes_record(held.meeting.id, public=True))
        hostile = ('<html lang="de"><link rel="stylesheet" href="file:///etc/hostname">'
                   '<img src="http://127.0.0.1:9/x.png" alt=""><img src="wingrant-static:../../pyproject.toml" alt="">'
                   '<p>x</p></html>')
        HTML(string=hostile, url_fetcher=StaticOnlyFetcher(app.static_folder)).write_pdf()
    assert served == ["wingrant-static:css/pdf.css", "wingrant-static:icc/sRGB2014.icc"]
    assert refused == ["file:///etc/hostname", "http://127.0.0.1:9/x.png", "wingrant-static:../../pyproject.toml"]
    assert network == []
