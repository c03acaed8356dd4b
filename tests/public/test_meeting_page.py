"""A meeting's public page: date and place; from the invitation on, the agenda with its money.

A planned meeting shows no agenda; nothing internal (notes, attendees, objections,
recusals, draft decisions, contact data) ever reaches the page or the PDF.
"""

from datetime import date, timedelta

import pytest

from tests.minutes import factories
from tests.minutes.factories import AppSpec
from wingrant.meetings.consensus import ReasonCategory
from wingrant.meetings.models import MeetingState, Outcome
from wingrant.minutes.record_loader import minutes_record

from .conftest import publish

PORTAL = "/portal/huchting"

#: What the page and the PDF must never show of a meeting that is not published.
INTERNAL = (factories.CONTACT_EMAIL, factories.CONTACT_PHONE, factories.CONTACT_PERSON, factories.SECRET_RESIDENT,
            factories.CONSENTING_RESIDENT, factories.SECRET_APOLOGY, factories.SECRET_OBJECTOR,
            factories.SECRET_RECUSED, "Interne Beschreibung", "Diskussion zu", "Die Moderation begrüßt",
            "Die Finanzierung nach Projektende", "Vorstandsmitglied", "vertagt", "beschlossen mit Änderungen")


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _undecided(*specs: AppSpec) -> list[AppSpec]:
    for spec in specs:
        spec.outcome = None
    return list(specs)


@pytest.fixture
def invited(huchting, make_meeting):
    """Two WiN applications of 5.000 € on the agenda of a meeting in twelve days."""
    return make_meeting(huchting, _undecided(
        AppSpec("Hochbeete für alle", "Nachbarschaftsgarten e. V.", {"WIN": 5_000_00},
                summary="Zwölf Hochbeete im Park."),
        AppSpec("Sommerfest", "Bürgerverein Huchting e. V.", {"WIN": 5_000_00, "SOZ": 1_500_00})),
        when=date.today() + timedelta(days=12), state=MeetingState.INVITED)


def test_invited_meeting_shows_agenda_with_organisation_summary_and_amounts(client, invited):
    html = _page(client, f"{PORTAL}/sitzungen/{invited.meeting.id}")
    for text in ("Bürgerhaus, Saal 1", "Amersfoorter Str. 8", "18:00–20:15", "Tagesordnung", "TOP 4.1", "TOP 4.2",
                 "Hochbeete für alle", "Nachbarschaftsgarten e. V.", "Zwölf Hochbeete im Park.", "Sommerfest",
                 "Bürgerverein Huchting e. V.", "5.000,00\u00a0€", "1.500,00\u00a0€", "Verfügbar jetzt → wenn alles",
                 "auf dieser Tagesordnung beschlossen wird", "Begrüßung", "Sonstiges"):
        assert text in html, text


def test_public_agenda_money_is_cumulative(client, invited):
    """150.000 € WiN: the first item leaves 145.000 €, the second starts there and leaves 140.000 €."""
    html = _page(client, f"{PORTAL}/sitzungen/{invited.meeting.id}")
    first, second = html.split("Hochbeete für alle</h3>")[1].split("Sommerfest</h3>")
    assert "150.000,00\u00a0€" in first and "145.000,00\u00a0€" in first
    assert "145.000,00\u00a0€" in second and "140.000,00\u00a0€" in second
    assert "150.000,00\u00a0€" not in second
    totals = html.split("Die Anträge und das Geld")[1].split("</table>")[0]
    assert "10.000,00\u00a0€" in totals and "140.000,00\u00a0€" in totals  # asked in all; left after all
    assert "48.500,00\u00a0€" in totals  # Soziale Stadt 50.000 − 1.500


def test_planned_meeting_shows_date_and_place_but_no_agenda(client, huchting, make_meeting):
    planned = make_meeting(huchting, _undecided(AppSpec("Geheimes Vorhaben", "Träger X", {"WIN": 1_000_00})),
                           when=date.today() + timedelta(days=40), state=MeetingState.PLANNED)
    html = _page(client, f"{PORTAL}/sitzungen/{planned.meeting.id}")
    assert "Bürgerhaus, Saal 1" in html and "Die Tagesordnung wird mit der Einladung veröffentlicht." in html
    for hidden in ("Geheimes Vorhaben", "Träger X", "Begrüßung", "TOP", "einladung.pdf", "1.000,00"):
        assert hidden not in html, hidden


def test_planned_meeting_has_no_public_invitation_pdf(client, huchting, make_meeting):
    planned = make_meeting(huchting, _undecided(AppSpec("Geheimes Vorhaben", "Träger X", {"WIN": 1_000_00})),
                           when=date.today() + timedelta(days=40), state=MeetingState.PLANNED)
    _page(client, f"{PORTAL}/sitzungen/{planned.meeting.id}/einladung.pdf", 404)


def test_past_planned_meeting_and_foreign_ids_are_not_found(client, huchting, make_meeting, make_neighbourhood):
    past = make_meeting(huchting, [], when=date.today() - timedelta(days=3), state=MeetingState.PLANNED)
    _page(client, f"{PORTAL}/sitzungen/{past.meeting.id}", 404)
    other = make_neighbourhood("Grohn", slug="grohn")
    foreign = make_meeting(other, [], when=date.today() + timedelta(days=3), state=MeetingState.INVITED)
    _page(client, f"{PORTAL}/sitzungen/{foreign.meeting.id}", 404)
    _page(client, f"{PORTAL}/sitzungen/{foreign.meeting.id}/einladung.pdf", 404)
    _page(client, f"{PORTAL}/sitzungen/999999", 404)


def test_held_meeting_page_shows_no_internal_record_before_the_minutes(client, huchting, make_meeting):
    held = make_meeting(huchting, state=MeetingState.HELD)  # decided, objection, recusal, notes, attendees
    html = _page(client, f"{PORTAL}/sitzungen/{held.meeting.id}")
    assert "Theaterprojekt mit Jugendlichen" in html  # the agenda stays public
    assert "sobald das Protokoll genehmigt und veröffentlicht ist" in html
    for secret in INTERNAL:
        assert secret not in html, secret


def test_invitation_pdf_is_public_for_an_invited_meeting_and_shows_nothing_internal(client, invited, monkeypatch):
    from wingrant.meetings import pdf

    rendered = {}

    def html_only(**context):  # the HTML WeasyPrint would get (tests/meetings prove the PDF itself)
        from flask import render_template

        rendered["html"] = render_template("pdf/invitation.html", pdf_static=lambda p: p, **context)
        return b"%PDF-1.7\n"

    monkeypatch.setattr(pdf, "invitation_pdf", html_only)
    response = client.get(f"{PORTAL}/sitzungen/{invited.meeting.id}/einladung.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    html = rendered["html"]
    assert "Hochbeete für alle" in html and "145.000,00\u00a0€" in html and "140.000,00\u00a0€" in html
    assert f"/portal/huchting/sitzungen/{invited.meeting.id}" in html  # where to read it online
    for secret in INTERNAL:
        assert secret not in html, secret


@pytest.mark.real_pdf
def test_public_invitation_is_a_real_pdf(client, invited):
    response = client.get(f"{PORTAL}/sitzungen/{invited.meeting.id}/einladung.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_published_meeting_links_its_minutes(client, published):
    html = _page(client, f"{PORTAL}/sitzungen/{published.meeting.id}")
    assert f'href="{PORTAL}/protokolle/{published.meeting.id}"' in html


def test_portal_links_the_invited_meeting(client, invited):
    assert f'href="{PORTAL}/sitzungen/{invited.meeting.id}' in _page(client, PORTAL)


def test_meeting_page_query_count_does_not_grow_with_the_agenda(client, huchting, make_meeting, count_queries):
    small = make_meeting(huchting, _undecided(AppSpec("A", "Träger A", {"WIN": 100_00})),
                         when=date.today() + timedelta(days=5), state=MeetingState.INVITED)
    large = make_meeting(huchting, _undecided(*(AppSpec(f"P{n}", f"Träger {n}", {"WIN": 100_00, "SOZ": 50_00})
                                                for n in range(8))),
                         when=date.today() + timedelta(days=6), state=MeetingState.INVITED)
    with count_queries() as few:
        _page(client, f"{PORTAL}/sitzungen/{small.meeting.id}")
    with count_queries() as many:
        _page(client, f"{PORTAL}/sitzungen/{large.meeting.id}")
    assert many.count == few.count


def test_calendar_event_links_the_public_meeting_page(client, invited):
    body = client.get(f"{PORTAL}/termine.ics").get_data(as_text=True).replace("\r\n ", "")
    assert f"URL:http://localhost{PORTAL}/sitzungen/{invited.meeting.id}" in body


def test_decisions_of_a_published_meeting_stay_on_the_minutes_page(client, huchting, make_meeting, manager):
    built = make_meeting(huchting, [AppSpec("Spielplatzfest", "Kita Huchting", {"WIN": 900_00},
                                            outcome=Outcome.REJECTED, reason="Kein Bezug zum Quartier")])
    publish(built, manager)
    html = _page(client, f"{PORTAL}/sitzungen/{built.meeting.id}")
    assert "Spielplatzfest" in html and "Kein Bezug zum Quartier" not in html


def test_published_decision_says_when_money_was_lacking(client, huchting, make_meeting, manager):
    """Unmet demand is visible where the decision is: the public decisions and the minutes name the reason."""
    built = make_meeting(huchting, [
        AppSpec("Nachtcafé", "Jugendhaus Huchting", {"WIN": 9_000_00}, outcome=Outcome.DEFERRED,
                reason_category=ReasonCategory.LACK_OF_MONEY),
        AppSpec("Altes Vorhaben", "Träger Alt", {"WIN": 500_00}, outcome=Outcome.REJECTED,
                reason_category=ReasonCategory.NOT_RECORDED)])
    publish(built, manager)
    page = _page(client, f"{PORTAL}/protokolle/{built.meeting.id}")
    decisions = _page(client, f"{PORTAL}/beschluesse?jahr=alle")
    for html in (page, decisions):
        assert "Grund: Mittel nicht ausreichend" in html
        assert "nicht erfasst" not in html  # old decisions without a category say nothing rather than "unknown"
    record = minutes_record(built.meeting.id, public=True)
    entry = next(e.application for e in record.agenda if e.application and e.application.title == "Nachtcafé")
    assert entry.reason_category == ReasonCategory.LACK_OF_MONEY
