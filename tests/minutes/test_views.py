"""Internal minutes pages: who may read, edit, approve and publish, through the real forms."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.auth.models import Role
from wingrant.meetings.models import Meeting, MeetingState
from wingrant.minutes import services
from wingrant.minutes.models import Minutes, MinutesState, MinutesVersion

from . import factories


def _url(held, suffix=""):
    return f"/quartiere/huchting/protokolle/{held.meeting.id}{suffix}"


def _routes(held):
    return [
        ("get", "/quartiere/huchting/protokolle"),
        ("get", _url(held)),
        ("get", _url(held, "/bearbeiten")),
        ("post", _url(held, "/bearbeiten")),
        ("post", _url(held, "/genehmigen")),
        ("post", _url(held, "/veroeffentlichen")),
        ("get", _url(held, "/berichtigen")),
        ("get", _url(held, "/protokoll.pdf")),
        ("get", _url(held, "/protokoll.pdf?fassung=oeffentlich")),
        ("get", _url(held, "/versionen/1.pdf")),
    ]


def test_anonymous_is_sent_to_login(client, held):
    token = csrf_token_from(client.get("/anmelden").get_data(as_text=True))
    for method, url in _routes(held):
        response = client.post(url, data={"csrf_token": token}) if method == "post" else client.get(url)
        assert response.status_code == 302, url
        assert "/anmelden" in response.headers["Location"], url


def test_user_of_another_neighbourhood_cannot_read_or_edit_minutes(client, auth, held, make_neighbourhood, make_user):
    tenever = make_neighbourhood("Tenever")
    make_user("qm.tenever@example.org", roles={tenever: Role.MANAGER})
    auth.login("qm.tenever@example.org")
    for method, url in _routes(held):
        if method == "post":
            continue  # the CSRF check answers first; the GETs prove the refusal
        assert client.get(url).status_code == 403, url


def test_user_of_another_neighbourhood_cannot_post_edits(client, auth, held, make_neighbourhood, make_user, db):
    tenever = make_neighbourhood("Tenever")
    make_user("qm.tenever@example.org", roles={tenever: Role.MANAGER})
    auth.login("qm.tenever@example.org")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(_url(held, "/bearbeiten"), data={"csrf_token": token, "introduction": "gehackt"})
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.execute(sa.select(Minutes)).first() is None


def test_meeting_of_another_neighbourhood_is_not_found_under_this_slug(client, auth, held, make_neighbourhood,
                                                                        make_user):
    tenever = make_neighbourhood("Tenever")
    make_user("qm.both@example.org", roles={tenever: Role.MANAGER})
    auth.login("qm.both@example.org")
    # Huchting's meeting reached through Tenever's URL does not exist there.
    assert client.get(f"/quartiere/tenever/protokolle/{held.meeting.id}").status_code == 404
    assert client.get(f"/quartiere/tenever/protokolle/{held.meeting.id}/protokoll.pdf").status_code == 404


def test_reader_can_read_but_not_edit_or_approve(client, auth, held, staff):
    auth.login("lesend@example.org")
    page = client.get(_url(held))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Protokoll bearbeiten" not in html and "Protokoll genehmigen" not in html
    assert client.get(_url(held, "/bearbeiten")).status_code == 403
    token = csrf_token_from(html)
    assert client.post(_url(held, "/genehmigen"), data={"csrf_token": token, "how": "period",
                                                        "no_objections": "y"}).status_code == 403


def test_minutes_writer_can_edit_but_not_approve(client, auth, held, staff, db):
    auth.login("protokoll@example.org")
    form = client.get(_url(held, "/bearbeiten"))
    assert form.status_code == 200
    token = csrf_token_from(form.get_data(as_text=True))
    response = client.post(_url(held, "/bearbeiten"), data={
        "csrf_token": token, "introduction": "Eröffnung um 18 Uhr.", "closing_remarks": "",
        "next_meeting_date": (date.today() + timedelta(days=30)).isoformat(),
        f"note_{held.items[2].id}": "Das Quartierszentrum berichtet.",
    })
    assert response.status_code == 302
    db.session.rollback()
    minutes = db.session.execute(sa.select(Minutes)).scalar_one()
    assert minutes.introduction == "Eröffnung um 18 Uhr."
    assert client.post(_url(held, "/genehmigen"), data={"csrf_token": token, "how": "period",
                                                        "no_objections": "y"}).status_code == 403
    page = client.get(_url(held)).get_data(as_text=True)
    assert "Das Quartierszentrum berichtet." in page and "Eröffnung um 18 Uhr." in page


def test_edit_form_does_not_freeze_the_scheduled_next_meeting(client, auth, held, staff, funded):
    upcoming = factories.meeting(funded, {}, [], when=date.today() + timedelta(days=9))
    auth.login("qm@example.org")
    html = client.get(_url(held, "/bearbeiten")).get_data(as_text=True)
    assert upcoming.meeting.date.isoformat() not in html  # empty field: "the next scheduled one"


def test_edit_form_shows_errors_next_to_the_field(client, auth, held, staff):
    auth.login("qm@example.org")
    token = csrf_token_from(client.get(_url(held, "/bearbeiten")).get_data(as_text=True))
    response = client.post(_url(held, "/bearbeiten"), data={
        "csrf_token": token, "next_meeting_date": held.meeting.date.isoformat()})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert "nach dieser Sitzung" in response.get_data(as_text=True)


def test_minutes_page_shows_internal_names_and_no_inline_code(client, auth, held, staff):
    auth.login("lesend@example.org")
    html = client.get(_url(held)).get_data(as_text=True)
    assert factories.SECRET_OBJECTOR in html and factories.SECRET_RESIDENT in html
    assert html.count("<script") == html.count('<script src="/static/')  # only the app's own files
    assert " style=" not in html and "<style" not in html
    assert "<svg" in html and 'role="img"' in html


def test_manager_approves_publishes_and_corrects_through_the_forms(client, auth, held, staff, db, funded):
    later = factories.meeting(funded, {}, [], when=date.today() - timedelta(days=1))
    auth.login("qm@example.org")
    page = client.get(_url(held)).get_data(as_text=True)
    token = csrf_token_from(page)
    assert later.meeting.date.strftime("%d.%m.%Y") in page  # offered as the approving meeting
    response = client.post(_url(held, "/genehmigen"), data={"csrf_token": token, "how": "meeting",
                                                            "meeting_id": str(later.meeting.id)})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Meeting, held.meeting.id).state == MeetingState.MINUTES_APPROVED
    assert client.get(_url(held, "/bearbeiten")).status_code == 302  # no longer editable

    assert client.post(_url(held, "/veroeffentlichen"), data={"csrf_token": token}).status_code == 302
    db.session.rollback()
    version = db.session.execute(sa.select(MinutesVersion)).scalar_one()
    page = client.get(_url(held)).get_data(as_text=True)
    assert version.sha256 in page

    download = client.get(_url(held, "/versionen/1.pdf"))
    assert download.status_code == 200 and download.data == version.pdf
    assert download.headers["Content-Type"] == "application/pdf"

    form = client.get(_url(held, "/berichtigen"))
    assert form.status_code == 200
    response = client.post(_url(held, "/berichtigen"), data={
        "csrf_token": token, "reason": "zu kurz"})
    assert response.status_code == 422
    response = client.post(_url(held, "/berichtigen"), data={
        "csrf_token": token, "reason": "Betrag in TOP 4.2 richtig gestellt", "introduction": "Neu"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(MinutesVersion.id))).scalar_one() == 2


def test_approval_form_reports_a_running_objection_period(client, auth, held, staff, db):
    services.update_texts(held.meeting.id, services.MinutesText(introduction="heute geändert"), user=staff["manager"])
    auth.login("qm@example.org")
    token = csrf_token_from(client.get(_url(held)).get_data(as_text=True))
    response = client.post(_url(held, "/genehmigen"), data={"csrf_token": token, "how": "period",
                                                            "no_objections": "y"})
    assert response.status_code == 422
    assert "Einspruchsfrist läuft noch" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(sa.select(Minutes.state)).scalar_one() == MinutesState.DRAFT


@pytest.mark.parametrize("query, internal", [("", True), ("?fassung=oeffentlich", False)])
def test_pdf_preview_is_rendered_for_readers_and_not_cached(client, auth, held, staff, query, internal):
    from .conftest import pdf_text

    auth.login("lesend@example.org")
    response = client.get(_url(held, "/protokoll.pdf" + query))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert (factories.SECRET_OBJECTOR in pdf_text(response.data)) is internal


def test_minutes_index_lists_meetings_with_their_state(client, auth, held, staff):
    auth.login("lesend@example.org")
    html = client.get("/quartiere/huchting/protokolle").get_data(as_text=True)
    assert _url(held) in html and "Entwurf" in html


def test_overview_lists_only_neighbourhoods_the_user_may_read(client, auth, held, staff, make_neighbourhood):
    make_neighbourhood("Tenever")
    auth.login("lesend@example.org")
    html = client.get("/protokolle").get_data(as_text=True)
    assert "/quartiere/huchting/protokolle" in html and "Tenever" not in html
    assert client.get("/protokolle").status_code == 200


def test_overview_needs_login(client):
    response = client.get("/protokolle")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def _textareas_with_hint(html: str) -> dict[str, bool]:
    """Each textarea's id, and whether it is described by a hint that warns against residents' names."""
    import re

    result = {}
    for tag in re.findall(r"<textarea[^>]*>", html):
        field_id = re.search(r'\sid="([^"]+)"', tag).group(1)
        described = re.search(r'aria-describedby="([^"]*)"', tag)
        hint = re.search(rf'<p class="hint" id="{re.escape(field_id)}-hint">([^<]*)</p>', html)
        result[field_id] = bool(described and f"{field_id}-hint" in described.group(1).split()
                                and hint and "keine Namen von Bewohner:innen" in hint.group(1))
    return result


def test_public_minutes_texts_warn_not_to_write_residents_names(client, auth, held, staff):
    auth.login("qm@example.org")
    fields = _textareas_with_hint(client.get(_url(held, "/bearbeiten")).get_data(as_text=True))
    assert {"introduction", "closing_remarks"} <= fields.keys()
    assert any(name.startswith("note_") for name in fields)
    assert all(fields.values()), fields
