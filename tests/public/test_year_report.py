"""The public yearly report: published decisions only, page and PDF."""

import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.documents import associated_files, outline_problems, tagged_problems
from tests.minutes import factories
from tests.minutes.conftest import pdf_text
from tests.minutes.factories import AppSpec

from .conftest import publish

YEAR = (date.today() - timedelta(days=30)).year


def test_year_report_counts_only_published_decisions(client, published, huchting, make_meeting, manager):
    unpublished = make_meeting(huchting, [AppSpec("Noch nicht veröffentlicht", "Träger N", {"WIN": 900_00})],
                               when=date(YEAR, 1, 15))
    publish(unpublished, manager, approve_only=True)
    html = client.get(f"/portal/huchting/jahresbericht/{YEAR}").get_data(as_text=True)
    assert "Hochbeete für den Nachbarschaftsgarten – Nachbarschaftsgarten e. V." in html
    assert "Noch nicht veröffentlicht" not in html
    assert "12.799,99\u00a0€" in html  # 4 800 + 6 000 + 1 999,99 approved; the deferral adds nothing
    assert " style=" not in html
    assert html.count("<script") == html.count('<script src="/static/')  # no inline code
    for secret in (factories.SECRET_OBJECTOR, factories.SECRET_RESIDENT, factories.CONTACT_EMAIL):
        assert secret not in html


def test_year_report_pdf_is_pdfa_with_its_figures_embedded(client, published):
    response = client.get(f"/portal/huchting/jahresbericht/{YEAR}.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    data = json.loads(reader.attachments["jahresbericht.json"][0])
    approved = sum(a["approved_cents"] for d in data["decisions"] for a in d["amounts"])
    assert approved == 4_800_00 + 6_000_00 + 1_999_99
    win = next(b for b in data["budgets"] if b["programme"] == "WIN")
    assert (win["allocated_cents"], win["committed_cents"]) == (150_000_00, 10_800_00)
    text = pdf_text(response.data)
    assert "Jahresbericht" in text and "Seite 1 von" in text
    assert factories.SECRET_OBJECTOR not in text


def test_year_report_of_a_nonsense_year_is_not_found(client, huchting):
    assert client.get("/portal/huchting/jahresbericht/12").status_code == 404
    assert client.get("/portal/unbekannt/jahresbericht/2026").status_code == 404


def test_year_report_print_html_has_one_h1_and_texts_for_every_figure(app, published, huchting):
    from flask import render_template

    from wingrant.minutes.chart import status_chart
    from wingrant.minutes.pdf import static_url
    from wingrant.public import reports

    with app.test_request_context():
        report = reports.year_report(huchting, YEAR)
        html = render_template("pdf/year_report.html", report=report, chart=status_chart(report.budgets),
                               issued=date.today(), pdf_static=static_url)
    assert outline_problems(html) == []


@pytest.mark.slow
def test_year_report_pdf_tags_one_h1_its_figures_with_texts_and_lists_its_data_once(client, published):
    pdf = client.get(f"/portal/huchting/jahresbericht/{YEAR}.pdf").data
    assert tagged_problems(pdf) == []
    assert associated_files(pdf) == (["jahresbericht.json"], ["jahresbericht.json"])
