"""Leichte Sprache: the portal's explanations, and an application's checked summary beside the standard one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import csrf_token_from
from tests.minutes.factories import AppSpec
from wingrant.applications import easy_language
from wingrant.auth.models import Role
from wingrant.errors import DomainError
from wingrant.meetings.models import MeetingState
from wingrant.minutes import pdf
from wingrant.minutes.record_loader import minutes_record

PORTAL = "/portal/huchting"
EASY = "Im Park gibt es bald 12 Hoch·beete.\nAlle Nachbarn dürfen mit·machen."


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_portal_explains_win_in_standard_and_in_easy_language(client, huchting):
    standard = _page(client, "/portal/so-funktioniert-es")
    easy = _page(client, "/portal/leichte-sprache")
    assert "Wie entscheidet das Forum?" in standard and "im Konsens" in standard
    assert "Das heißt: Konsens." in easy and "Wer entscheidet über das Geld?" in easy
    for html in (standard, easy):  # both lead to the forum and to the application form of each neighbourhood
        assert f'href="{PORTAL}"' in html and 'href="/antrag-stellen/huchting"' in html
    assert 'href="/portal/leichte-sprache"' in _page(client, "/portal/")


def test_easy_summary_is_published_only_once_someone_checked_it(client, published, manager):
    app = published.applications[0]
    easy_language.save(app, EASY, reviewed_by="", user=manager)
    assert "12 Hoch·beete" not in _page(client, f"{PORTAL}/projekte/{app.id}")
    easy_language.save(app, EASY, reviewed_by="Prüfgruppe Leichte Sprache Bremen", user=manager)
    html = _page(client, f"{PORTAL}/projekte/{app.id}")
    assert "In Leichter Sprache" in html and "Im Park gibt es bald 12 Hoch·beete." in html


def test_changed_easy_summary_needs_a_new_check(published, manager):
    app = published.applications[0]
    easy_language.save(app, EASY, reviewed_by="Prüfgruppe", user=manager)
    assert easy_language.published([app.id]) == {app.id: EASY}
    stored = easy_language.save(app, EASY + "\nEs gibt ein Fest.", reviewed_by="Prüfgruppe", user=manager)
    assert stored.reviewed_by == "" and stored.reviewed_on is None
    assert easy_language.published([app.id]) == {}
    easy_language.save(app, EASY + "\nEs gibt ein Fest.", reviewed_by="Prüfgruppe", user=manager)
    assert easy_language.published([app.id]) == {app.id: EASY + "\nEs gibt ein Fest."}


def test_a_check_needs_a_text(published, manager):
    with pytest.raises(DomainError, match="nichts zu prüfen"):
        easy_language.save(published.applications[0], " ", reviewed_by="Prüfgruppe", user=manager)


def test_easy_summary_stands_beside_the_summary_in_the_minutes(published, manager):
    app = published.applications[0]
    easy_language.save(app, EASY, reviewed_by="Prüfgruppe", user=manager)
    html = pdf.render_html(minutes_record(published.meeting.id, public=True))
    assert "In Leichter Sprache" in html and "Alle Nachbarn dürfen mit·machen." in html


def test_public_agenda_offers_the_checked_easy_summary(client, huchting, make_meeting, manager):
    invited = make_meeting(huchting, [AppSpec("Hochbeete für alle", "Nachbarschaftsgarten e. V.", {"WIN": 5_000_00},
                                              summary="Zwölf Hochbeete im Park.", outcome=None)],
                           when=date.today() + timedelta(days=12), state=MeetingState.INVITED)
    easy_language.save(invited.applications[0], EASY, reviewed_by="Prüfgruppe", user=manager)
    html = _page(client, f"{PORTAL}/sitzungen/{invited.meeting.id}")
    assert "Zwölf Hochbeete im Park." in html and "Im Park gibt es bald 12 Hoch·beete." in html


def test_only_the_neighbourhoods_qm_writes_the_easy_summary(client, auth, published, make_user, make_neighbourhood,
                                                            huchting):
    app = published.applications[0]
    other = make_user("qm-gr@example.org", roles={make_neighbourhood("Gröpelingen", code="GRO"): Role.MANAGER})
    reader = make_user("lesend@example.org", roles={huchting: Role.READER})
    with pytest.raises(DomainError):
        easy_language.save(app, EASY, reviewed_by="x", user=other)
    url = f"/quartiere/huchting/antraege/{app.id}/leichte-sprache"
    auth.login(other.email)
    assert client.get(url).status_code in (403, 404)
    auth.logout()
    auth.login(reader.email)
    token = csrf_token_from(_page(client, url))
    assert client.post(url, data={"csrf_token": token, "text": EASY, "reviewed_by": "x"}).status_code == 403
    assert easy_language.published([app.id]) == {}


def test_qm_saves_the_easy_summary_through_the_page(db, client, auth, published, manager):
    app = published.applications[0]
    auth.login(manager.email)
    url = f"/quartiere/huchting/antraege/{app.id}/leichte-sprache"
    token = csrf_token_from(_page(client, url))
    response = client.post(url, data={"csrf_token": token, "text": "x" * 1501, "reviewed_by": ""})
    assert response.status_code == 422 and "Der Text ist zu lang." in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "text": EASY, "reviewed_by": "Prüfgruppe"},
                           follow_redirects=True)
    assert "Geprüft von Prüfgruppe" in response.get_data(as_text=True)
    db.session.rollback()
    assert easy_language.published([app.id]) == {app.id: EASY}
