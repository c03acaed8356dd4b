"""The forum's decision on the private link: withheld until the minutes are approved, then shown with the
amounts per programme and the conditions, and the Beschlussmitteilung as PDF — only its own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wingrant.applications.tokens import hash_token
from wingrant.minutes import services

from .conftest import pdf_text
from .factories import SECRET_OBJECTOR, SECRET_RECUSED


@pytest.fixture
def links(db, held):
    """A private link for each of the held meeting's applications."""
    tokens = []
    for i, application in enumerate(held.applications):
        tokens.append(f"link-{i}")
        application.access_token_hash = hash_token(tokens[-1])
    db.session.commit()
    return tokens


def _approve(held, staff):
    services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                     today=held.meeting.date + timedelta(days=14))


def test_decision_is_withheld_until_the_minutes_are_approved(client, db, held, staff, links):
    html = client.get(f"/antrag/{links[1]}").get_data(as_text=True)
    assert "In der Sitzung beraten" in html
    assert "Aufführung im Bürgerhaus" not in html and "6.000,00" not in html
    assert "Beschlussmitteilung als PDF" not in html


def test_released_decision_shows_amounts_per_programme_and_conditions(client, db, held, staff, links):
    _approve(held, staff)
    html = client.get(f"/antrag/{links[1]}").get_data(as_text=True)
    assert "Ergebnis: beschlossen mit Änderungen" in html
    assert "7.500,00" in html and "6.000,00" in html and "1.999,99" in html
    assert "Aufführung im Bürgerhaus." in html
    assert "Beschlossen mit Änderungen" in html  # the status, now released
    assert "Beschlussmitteilung als PDF" in html
    # Who objected or was recused stays in the office's record.
    assert SECRET_RECUSED not in html and SECRET_OBJECTOR not in html


def test_deferral_shows_its_reason_to_the_traeger(client, db, held, staff, links):
    _approve(held, staff)
    html = client.get(f"/antrag/{links[2]}").get_data(as_text=True)
    assert "Ergebnis: vertagt" in html and "Offene Fragen zur Anleitung" in html


@pytest.mark.slow
def test_decision_letter_pdf_opens_only_through_its_own_link(client, db, held, staff, links):
    _approve(held, staff)
    decision = held.decisions[1]
    response = client.get(f"/antrag/{links[1]}/beschluss/{decision.id}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "Beschlussmitteilung" in pdf_text(response.data)
    assert client.get(f"/antrag/{links[0]}/beschluss/{decision.id}.pdf").status_code == 404


def test_no_letter_before_the_minutes_are_approved(client, db, held, links):
    assert client.get(f"/antrag/{links[0]}/beschluss/{held.decisions[0].id}.pdf").status_code == 404
