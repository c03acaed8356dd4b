"""The Erklärung zur Barrierefreiheit: public, linked from every page, configurable contact,
and honest — what it says about the PDFs is checked against the PDFs the app makes."""

from __future__ import annotations

import io

import sqlalchemy as sa

REQUIRED_SECTIONS = ("Stand der Vereinbarkeit mit den Anforderungen", "Nicht barrierefreie Inhalte",
                     "Erstellung dieser Erklärung", "Feedback und Kontaktangaben", "Durchsetzungsverfahren")


def _catalog(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def _is_tagged(pdf: bytes) -> bool:
    catalog = _catalog(pdf)
    return "/StructTreeRoot" in catalog and bool(catalog.get("/MarkInfo", {}).get("/Marked"))


def _metadata(pdf: bytes) -> bytes:
    catalog = _catalog(pdf)
    return catalog["/Metadata"].get_object().get_data() if "/Metadata" in catalog else b""


def test_statement_is_public_and_has_every_section_of_the_model_statement(client):
    response = client.get("/barrierefreiheit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in REQUIRED_SECTIONS:
        assert f">{heading}</h2>" in html, heading
    assert "teilweise mit den Anforderungen vereinbar" in html
    assert "§ 16 BremBGG" in html and "Schlichtungsstelle" in html


def test_statement_is_linked_in_the_footer_of_public_and_internal_pages(client, auth, demo):
    assert 'href="/barrierefreiheit"' in client.get("/portal/").get_data(as_text=True)
    auth.login("qm.huchting@wingrant.example", demo["qm.huchting@wingrant.example"])
    internal = client.get("/quartiere/huchting/antraege").get_data(as_text=True)
    footer = internal[internal.index('<footer class="site-footer">'):]
    assert 'href="/barrierefreiheit"' in footer


def test_statement_shows_the_configured_contact_and_review_date(app, client):
    app.config.update(ACCESSIBILITY_CONTACT_EMAIL="barrierefrei@soziales.bremen.example",
                      ACCESSIBILITY_CONTACT_NAME="Referat Soziale Stadtentwicklung",
                      ACCESSIBILITY_REVIEWED_ON="2026-03-01")
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    assert 'href="mailto:barrierefrei@soziales.bremen.example"' in html
    assert "Referat Soziale Stadtentwicklung" in html
    assert "1. März 2026" in html


def test_a_broken_review_date_says_so_instead_of_failing(app, client):
    app.config["ACCESSIBILITY_REVIEWED_ON"] = "demnächst"
    response = client.get("/barrierefreiheit")
    assert response.status_code == 200
    assert "Das Datum der letzten Überprüfung ist nicht eingetragen." in response.get_data(as_text=True)


def test_what_the_statement_says_about_pdfs_is_true(client, auth, demo):
    """Minutes are tagged PDF/A-3a, the invitation PDF is not tagged: if that changes, so must the text."""
    from wingrant.extensions import db
    from wingrant.meetings.models import Meeting, MeetingState

    auth.login("qm.huchting@wingrant.example", demo["qm.huchting@wingrant.example"])
    from wingrant.neighbourhoods.models import Neighbourhood

    huchting = sa.select(Neighbourhood.id).filter_by(slug="huchting").scalar_subquery()  # not the past area's
    held, planned = (db.session.execute(sa.select(Meeting.id).filter_by(state=state, neighbourhood_id=huchting))
                     .scalar_one() for state in (MeetingState.MINUTES_APPROVED, MeetingState.PLANNED))
    minutes_pdf = client.get(f"/portal/huchting/protokolle/{held}/v1.pdf").data
    invitation_pdf = client.get(f"/quartiere/huchting/sitzungen/{planned}/einladung.pdf").data
    assert minutes_pdf.startswith(b"%PDF") and invitation_pdf.startswith(b"%PDF")
    assert _is_tagged(minutes_pdf) and b"pdfaid:conformance" in _metadata(minutes_pdf)
    assert not _is_tagged(invitation_pdf)

    html = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "Die PDF-Fassung der Einladung zu einer Sitzung ist nicht getaggt" in html
    assert "PDF/A-3a" in html
