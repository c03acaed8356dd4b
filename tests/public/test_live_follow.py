"""The public live page: anyone in the room follows the current item, the budgets and each decision.

Public fields only (no names of objecting or recused people, no notes); the poll answers from one
query and with 304 when nothing changed; the projector opens through its secret link only.
"""

from datetime import date, timedelta

import pytest

from tests.minutes import factories
from tests.minutes.factories import AppSpec
from wingrant.extensions import db
from wingrant.meetings import follow, services
from wingrant.meetings.models import Decision, MeetingState
from wingrant.public.stage_cache import StageCache

PORTAL = "/portal/huchting"
INTERNAL = (factories.SECRET_OBJECTOR, factories.SECRET_RECUSED, factories.SECRET_RESIDENT,
            factories.SECRET_APOLOGY, factories.CONTACT_EMAIL, factories.CONTACT_PHONE, factories.CONTACT_PERSON,
            "Diskussion zu", "Die Moderation begrüßt", "Die Finanzierung nach Projektende", "Vorstandsmitglied",
            "Offene Fragen zur Anleitung")


@pytest.fixture
def held(huchting, make_meeting):
    """Decided items with an objection, a recusal, notes and attendees; the current item is decided."""
    built = make_meeting(huchting, state=MeetingState.HELD, when=date.today())
    built.meeting.current_position = built.items[5].position  # "Theaterprojekt …": recusal and changes
    db.session.commit()
    return built


def _live(meeting_id):
    return f"{PORTAL}/sitzungen/{meeting_id}/live"


def _version(client, meeting_id, etag=None):
    headers = {"If-None-Match": f'"{etag}"'} if etag else {}
    return client.get(_live(meeting_id) + "/stand.json", headers=headers)


def test_planned_meeting_has_no_live_page(client, huchting, make_meeting):
    planned = make_meeting(huchting, [], when=date.today() + timedelta(days=20), state=MeetingState.PLANNED)
    assert client.get(_live(planned.meeting.id)).status_code == 404
    assert _version(client, planned.meeting.id).status_code == 404


def test_approved_minutes_send_the_live_page_to_the_meeting_page(client, huchting, make_meeting):
    done = make_meeting(huchting, [], state=MeetingState.MINUTES_APPROVED)
    response = client.get(_live(done.meeting.id))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{PORTAL}/sitzungen/{done.meeting.id}")
    assert _version(client, done.meeting.id).get_json()["ended"] is True


def test_live_page_shows_current_item_budgets_and_decisions(client, held):
    html = client.get(_live(held.meeting.id)).get_data(as_text=True)
    for text in ("TOP 4.2", "Theaterprojekt mit Jugendlichen", "Jugendtheater e. V.", "7.500,00\u00a0€",
                 "6.000,00\u00a0€", "Budgets: verfügbar jetzt", "Beschlüsse dieser Sitzung",
                 "Hochbeete für den Nachbarschaftsgarten", "beschlossen mit Änderungen", "vertagt",
                 "Aktualisieren", "js/follow.js", 'class="touch"'):
        assert text in html, text


def test_live_page_and_its_json_show_nothing_internal(client, held):
    for url in (_live(held.meeting.id), _live(held.meeting.id) + "?teil=1", _live(held.meeting.id) + "/stand.json"):
        body = client.get(url).get_data(as_text=True)
        for secret in INTERNAL:
            assert secret not in body, (url, secret)
    assert set(_version(client, held.meeting.id).get_json()) == {"version", "ended", "url"}


def test_version_changes_when_the_current_item_moves(client, held, make_user, huchting):
    before = _version(client, held.meeting.id).get_json()["version"]
    services.set_current_item(held.meeting, held.items[6].id, user=None)
    after = _version(client, held.meeting.id).get_json()["version"]
    assert after != before


def test_version_changes_when_a_decision_is_recorded_or_reopened(client, held):
    before = _version(client, held.meeting.id).get_json()["version"]
    decision = db.session.get(Decision, held.decisions[0].id)
    decision.outcome, decision.decided_at = None, None
    db.session.commit()
    assert _version(client, held.meeting.id).get_json()["version"] != before


def test_poll_with_nothing_new_is_a_304_without_body(client, held):
    first = _version(client, held.meeting.id)
    tag = first.get_json()["version"]
    assert first.headers["ETag"] == f'"{tag}"'
    again = _version(client, held.meeting.id, tag)
    assert again.status_code == 304 and again.data == b""
    assert _version(client, held.meeting.id, "stale").status_code == 200


def test_poll_costs_one_query_whatever_the_agenda(client, held, count_queries):
    tag = _version(client, held.meeting.id).get_json()["version"]
    with count_queries() as q:
        assert _version(client, held.meeting.id, tag).status_code == 304
    assert q.count == 1, q.statements
    with count_queries() as q:
        assert _version(client, held.meeting.id).status_code == 200
    assert q.count == 1, q.statements


@pytest.fixture
def stage_cache_on(app):
    """The production setting (the suite turns the cache off: it restores the database with the same ids)."""
    app.extensions["wingrant.live_stage_cache"] = StageCache(10)
    yield
    app.extensions.pop("wingrant.live_stage_cache")


def test_stage_is_rendered_once_per_version_and_language(client, held, count_queries, stage_cache_on):
    url = _live(held.meeting.id) + "?teil=1"
    first = client.get(url).get_data(as_text=True)
    with count_queries() as q:
        again = client.get(url).get_data(as_text=True)
    assert again == first and q.count == 1, q.statements  # the version, then the stored stage
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Budgets: available now" in english and "Budgets: verfügbar jetzt" in first
    services.set_current_item(held.meeting, held.items[6].id, user=None)
    moved = client.get(url).get_data(as_text=True)
    assert moved != first and "TOP 4.3" in moved and "TOP 4.2" in first


def test_poll_reads_the_version_once_a_second_per_worker(app, client, held, count_queries):
    now = [0.0]
    app.extensions["wingrant.live_version_cache"] = StageCache(1, clock=lambda: now[0])
    try:
        tag = _version(client, held.meeting.id).get_json()["version"]
        with count_queries() as q:
            assert _version(client, held.meeting.id, tag).status_code == 304
        assert q.count == 0, q.statements
        services.set_current_item(held.meeting, held.items[6].id, user=None)
        assert _version(client, held.meeting.id, tag).status_code == 304  # within the second: not yet
        now[0] = 1.0
        assert _version(client, held.meeting.id, tag).status_code == 200
    finally:
        app.extensions.pop("wingrant.live_version_cache")


def test_stored_stage_expires_after_its_seconds():
    now = [0.0]
    cache = StageCache(10, clock=lambda: now[0])
    renders = []

    def render():
        renders.append(now[0])
        return f"stage {len(renders)}"

    assert cache.get_or_render(("m", "v", "de"), render) == "stage 1"
    now[0] = 9.9
    assert cache.get_or_render(("m", "v", "de"), render) == "stage 1"
    assert cache.get_or_render(("m", "v", "en"), render) == "stage 2"
    now[0] = 10.0
    assert cache.get_or_render(("m", "v", "de"), render) == "stage 3"
    assert StageCache(0).get_or_render(("m", "v", "de"), render) == "stage 4"  # 0: never stored


def test_version_tag_is_stable_and_sensitive():
    assert follow.version_tag(MeetingState.HELD, 3, 1, None) == follow.version_tag(MeetingState.HELD, 3, 1, None)
    assert follow.version_tag(MeetingState.HELD, 3, 1, None) != follow.version_tag(MeetingState.HELD, 4, 1, None)
    assert follow.version_tag(MeetingState.HELD, 3, 1, None) != follow.version_tag(MeetingState.HELD, 3, 2, None)


# --- the projector's secret link -------------------------------------------------------------------


def test_secret_projector_link_opens_the_beamer_without_login(client, held):
    token = services.new_projector_link(held.meeting, user=None)
    url = f"/beamer/huchting/{held.meeting.id}/{token}"
    response = client.get(url, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Theaterprojekt mit Jugendlichen" in html
    assert 'lang="de"' in html  # the forum's language, not the projector browser's
    assert f"/portal/huchting/sitzungen/{held.meeting.id}/live" in html and "data:image/svg+xml" in html  # QR
    assert client.get(url + "/stand.json").status_code == 200
    assert client.get(url + "?teil=1").status_code == 200


def test_wrong_or_replaced_projector_token_is_refused(client, held):
    old = services.new_projector_link(held.meeting, user=None)
    new = services.new_projector_link(held.meeting, user=None)
    base = f"/beamer/huchting/{held.meeting.id}"
    assert client.get(f"{base}/{old}").status_code == 404
    assert client.get(f"{base}/{old}/stand.json").status_code == 404
    assert client.get(f"{base}/falsch").status_code == 404
    assert client.get(f"/beamer/huchting/{held.meeting.id + 1}/{new}").status_code == 404
    assert client.get(f"{base}/{new}").status_code == 200


def test_meeting_without_projector_link_refuses_every_token(client, held):
    assert client.get(f"/beamer/huchting/{held.meeting.id}/x").status_code == 404


def test_projector_link_stores_only_a_hash(held):
    token = services.new_projector_link(held.meeting, user=None)
    db.session.refresh(held.meeting)
    assert held.meeting.projector_token_hash == follow.projector_token_hash(token) != token


def test_qm_live_page_creates_and_shows_the_projector_link(client, auth, manager, held):
    from tests.conftest import csrf_token_from

    auth.login(manager.email)
    live = f"/quartiere/huchting/sitzungen/{held.meeting.id}/live"
    html = client.get(live).get_data(as_text=True)
    assert "Beamer-Link erzeugen" in html
    response = client.post(live + "/beamer-link", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    html = client.get(live).get_data(as_text=True)
    link = html.split('id="projector-link" type="text" readonly value="')[1].split('"')[0]
    assert f"/beamer/huchting/{held.meeting.id}/" in link
    token = link.rsplit("/", 1)[1]
    auth.logout()
    assert client.get(f"/beamer/huchting/{held.meeting.id}/{token}").status_code == 200


def test_invitation_carries_a_qr_code_to_the_live_page(client, huchting, make_meeting, monkeypatch):
    from wingrant.meetings import pdf

    invited = make_meeting(huchting, [AppSpec("Hochbeete", "Garten e. V.", {"WIN": 1_000_00}, outcome=None)],
                           when=date.today() + timedelta(days=10), state=MeetingState.INVITED)
    rendered = {}

    def html_only(**context):
        from flask import render_template

        rendered["html"] = render_template("pdf/invitation.html", pdf_static=lambda p: p, **context)
        return b"%PDF-1.7\n"

    monkeypatch.setattr(pdf, "invitation_pdf", html_only)
    assert client.get(f"{PORTAL}/sitzungen/{invited.meeting.id}/einladung.pdf").status_code == 200
    assert "<svg" in rendered["html"] and f"/sitzungen/{invited.meeting.id}/live" in rendered["html"]
    assert "http://" in rendered["html"] or "https://" in rendered["html"]


def test_only_the_qm_creates_projector_links(client, held):
    response = client.post(f"/quartiere/huchting/sitzungen/{held.meeting.id}/live/beamer-link")
    assert response.status_code in (302, 400) and held.meeting.projector_token_hash is None
    if response.status_code == 302:
        assert "/anmelden" in response.headers["Location"]
