"""The QM's side of the concerns register through the real forms (CSRF on): raising a concern under
"Wünsche und Anliegen", follow-ups, turning it into an application, and who may do what."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.conftest import post
from wingrant.applications.models import Application, ApplicationState
from wingrant.auth.models import Role
from wingrant.concerns import services
from wingrant.concerns.models import Concern, ConcernFollowUp, ConcernStatus
from wingrant.concerns.rules import Step
from wingrant.meetings.models import AgendaItem, AgendaItemKind


def _concerns(db) -> list[Concern]:
    db.session.rollback()  # see what the requests wrote
    return list(db.session.execute(sa.select(Concern).order_by(Concern.id)).scalars())


def _quick_url(forum, item_id=None):
    return (f"/quartiere/huchting/sitzungen/{forum.meeting.id}/top/{item_id or forum.item.id}/anliegen")


def test_concern_raised_under_the_residents_item_takes_the_meeting_date(db, client, logged_in):
    live = client.get(f"/quartiere/huchting/sitzungen/{logged_in.meeting.id}/live")
    assert live.status_code == 200
    response = post(client, _quick_url(logged_in), {"topic": "Dunkler Fußweg am Sodenmatt",
                                                    "description": "Die Laterne ist seit Wochen aus.",
                                                    "office": "Ortsamt Huchting"}, prefix="anliegen")
    assert response.status_code == 302 and response.headers["Location"].endswith("/live#anliegen")
    (concern,) = _concerns(db)
    assert (concern.raised_on, concern.agenda_item_id, concern.status) == (
        logged_in.meeting.date, logged_in.item.id, ConcernStatus.RECORDED)
    assert [(f.status, f.date) for f in concern.follow_ups] == [(ConcernStatus.RECORDED, logged_in.meeting.date)]


def test_live_page_shows_the_quick_form_only_under_the_residents_item(db, client, logged_in):
    meeting_url = f"/quartiere/huchting/sitzungen/{logged_in.meeting.id}"
    other = db.session.execute(sa.select(AgendaItem).filter_by(meeting_id=logged_in.meeting.id,
                                                               kind=AgendaItemKind.WELCOME)).scalar_one()
    for item, shown in ((logged_in.item, True), (other, False)):
        post(client, f"{meeting_url}/live/aufrufen", {"item_id": item.id}, prefix="nav")
        page = client.get(f"{meeting_url}/live").get_data(as_text=True)
        assert ("Anliegen aufnehmen" in page) is shown
    assert post(client, _quick_url(logged_in, other.id), {"topic": "X"}, prefix="anliegen").status_code == 404
    assert _concerns(db) == []


def test_quick_form_without_a_topic_records_nothing_and_says_why(db, client, logged_in):
    response = post(client, _quick_url(logged_in), {"topic": "  "}, prefix="anliegen", follow_redirects=True)
    assert "Bitte das Thema des Anliegens angeben." in response.get_data(as_text=True)
    assert _concerns(db) == []


def test_concern_brought_to_the_qm_has_its_own_date_and_warns_against_names(db, client, logged_in):
    page = client.get("/quartiere/huchting/anliegen/neu").get_data(as_text=True)
    assert "Wer ein Anliegen vorbringt, wird nicht gespeichert" in page
    assert "bitte keine Namen von Bewohner:innen" in page
    day = date.today() - timedelta(days=3)
    response = post(client, "/quartiere/huchting/anliegen/neu", {
        "topic": "Sperrmüll an der Kirchhuchtinger Landstraße", "raised_on": day.strftime("%d.%m.%Y"),
        "agenda_item_id": "0", "office": ""})
    assert response.status_code == 302
    (concern,) = _concerns(db)
    assert (concern.raised_on, concern.agenda_item_id) == (day, None)


def test_concern_cannot_be_raised_in_the_future(db, client, logged_in):
    response = post(client, "/quartiere/huchting/anliegen/neu", {
        "topic": "Zukunft", "raised_on": (date.today() + timedelta(days=1)).strftime("%d.%m.%Y"),
        "agenda_item_id": "0"})
    assert response.status_code == 422
    assert "nicht in der Zukunft" in response.get_data(as_text=True)
    assert _concerns(db) == []


def _raise(db, forum, manager, topic="Dunkler Fußweg") -> Concern:
    concern = services.create_concern(forum.meeting.neighbourhood, services.ConcernInput(
        topic, agenda_item_id=forum.item.id), user=manager)
    db.session.commit()
    return concern


def test_follow_up_moves_status_and_office_and_keeps_the_history(db, client, logged_in, manager):
    concern = _raise(db, logged_in, manager)
    url = f"/quartiere/huchting/anliegen/{concern.id}"
    day = logged_in.meeting.date + timedelta(days=2)
    response = post(client, f"{url}/schritte", {"date": day.isoformat(), "status": "forwarded",
                                                "office": "Amt für Straßen und Verkehr", "note": ""})
    assert response.status_code == 302
    refused = post(client, f"{url}/schritte", {"date": (day - timedelta(days=1)).isoformat(), "status": "done",
                                               "office": "", "note": "zu früh"})
    assert refused.status_code == 422 and "zeitlicher Folge" in refused.get_data(as_text=True)
    (concern,) = _concerns(db)
    assert (concern.status, concern.office) == (ConcernStatus.FORWARDED, "Amt für Straßen und Verkehr")
    assert [f.status for f in concern.follow_ups] == [ConcernStatus.RECORDED, ConcernStatus.FORWARDED]
    page = client.get(url).get_data(as_text=True)
    assert "weitergeleitet an Amt für Straßen und Verkehr" in page


def test_follow_ups_are_append_only_in_the_database(db, forum, manager):
    concern = _raise(db, forum, manager)
    for statement in (sa.update(ConcernFollowUp).values(note="umgeschrieben"), sa.delete(ConcernFollowUp)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.get(Concern, concern.id).follow_ups[0].note == ""


def test_office_suggestions_offer_earlier_offices(db, client, logged_in, manager):
    concern = _raise(db, logged_in, manager)
    services.add_follow_up(concern.id, Step(logged_in.meeting.date, ConcernStatus.FORWARDED, "Ortsamt Huchting"),
                           user=manager)
    db.session.commit()
    page = client.get("/quartiere/huchting/anliegen/neu").get_data(as_text=True)
    assert '<datalist id="concern-offices">' in page and '<option value="Ortsamt Huchting">' in page


def test_concern_turned_into_an_application_draft_links_both_ways(db, client, logged_in, manager):
    from tests.minutes.factories import organisation

    org = organisation("Bürgerverein Huchting e. V.")
    db.session.commit()
    concern = services.create_concern(logged_in.meeting.neighbourhood, services.ConcernInput(
        "Bänke am Sodenmattsee", "Ältere Menschen wünschen sich Bänke.", agenda_item_id=logged_in.item.id),
        user=manager)
    db.session.commit()
    response = post(client, f"/quartiere/huchting/anliegen/{concern.id}/antrag",
                    {"organisation_id": org.id, "year": date.today().year})
    assert response.status_code == 302 and "/bearbeiten" in response.headers["Location"]
    (concern,) = _concerns(db)
    application = db.session.get(Application, concern.application_id)
    assert (application.title, application.description, application.state) == (
        "Bänke am Sodenmattsee", "Ältere Menschen wünschen sich Bänke.", ApplicationState.DRAFT)
    assert application.reference in concern.follow_ups[-1].note
    detail = client.get(f"/quartiere/huchting/antraege/{application.id}").get_data(as_text=True)
    assert "Entstanden aus dem Anliegen" in detail and f"/quartiere/huchting/anliegen/{concern.id}" in detail
    again = post(client, f"/quartiere/huchting/anliegen/{concern.id}/antrag",
                 {"organisation_id": org.id, "year": date.today().year}, follow_redirects=True)
    assert "schon ein Antrag" in again.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Application)).scalar_one() == 1


def test_qm_list_filters_by_status(db, client, logged_in, manager):
    first = _raise(db, logged_in, manager, "Erstes Anliegen")
    _raise(db, logged_in, manager, "Zweites Anliegen")
    services.add_follow_up(first.id, Step(logged_in.meeting.date, ConcernStatus.DONE, note="erledigt"),
                           user=manager)
    db.session.commit()
    done = client.get("/quartiere/huchting/anliegen?status=done").get_data(as_text=True)
    assert "Erstes Anliegen" in done and "Zweites Anliegen" not in done
    everything = client.get("/quartiere/huchting/anliegen").get_data(as_text=True)
    assert "Erstes Anliegen" in everything and "Zweites Anliegen" in everything


def test_manager_of_another_neighbourhood_can_neither_see_nor_change_concerns(
        db, client, auth, forum, manager, make_neighbourhood, make_user):
    concern = _raise(db, forum, manager)
    other = make_neighbourhood("Tenever", code="TEN")
    stranger = make_user("qm.tenever@example.org", roles={other: Role.MANAGER})
    auth.login(stranger.email)
    db.session.rollback()
    base = "/quartiere/huchting/anliegen"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/{concern.id}").status_code == 403
    assert post(client, f"{base}/{concern.id}/schritte", {"date": date.today().isoformat(), "status": "done",
                                                          "note": "x"}).status_code == 403
    assert post(client, _quick_url(forum), {"topic": "fremd"}, prefix="anliegen").status_code == 403
    # Through their own neighbourhood's URL, Huchting's concern does not exist.
    assert client.get(f"/quartiere/tenever/anliegen/{concern.id}").status_code == 404
    assert post(client, f"/quartiere/tenever/anliegen/{concern.id}/schritte",
                {"date": date.today().isoformat(), "status": "done", "note": "x"}).status_code == 404
    (unchanged,) = _concerns(db)
    assert unchanged.status == ConcernStatus.RECORDED and len(unchanged.follow_ups) == 1


def test_reader_may_look_but_not_record(db, client, auth, forum, manager, make_user, huchting):
    concern = _raise(db, forum, manager)
    reader = make_user("leser@example.org", roles={huchting: Role.READER})
    auth.login(reader.email)
    db.session.rollback()
    page = client.get(f"/quartiere/huchting/anliegen/{concern.id}")
    assert page.status_code == 200 and "Schritt eintragen" not in page.get_data(as_text=True)
    assert post(client, f"/quartiere/huchting/anliegen/{concern.id}/schritte",
                {"date": date.today().isoformat(), "status": "done", "note": "x"}).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.add_follow_up(concern.id, Step(date.today(), ConcernStatus.DONE), user=reader)


def test_qm_list_reads_a_fixed_number_of_queries(db, client, logged_in, manager, count_queries):
    _raise(db, logged_in, manager)
    client.get("/quartiere/huchting/anliegen")
    with count_queries() as one:
        client.get("/quartiere/huchting/anliegen")
    for n in range(5):
        _raise(db, logged_in, manager, f"Anliegen {n}")
    with count_queries() as six:
        client.get("/quartiere/huchting/anliegen")
    assert six.count == one.count


def test_resolution_seam_shows_its_button_only_when_a_feature_plugs_in(db, app, client, logged_in, manager):
    from wingrant.concerns.views import RESOLUTION_SEAM

    concern = _raise(db, logged_in, manager)
    url = f"/quartiere/huchting/anliegen/{concern.id}"
    assert "Beschluss ohne Antrag daraus machen" not in client.get(url).get_data(as_text=True)
    app.extensions[RESOLUTION_SEAM] = lambda c: f"/beschluesse/neu?anliegen={c.id}"
    try:
        page = client.get(url).get_data(as_text=True)
    finally:
        del app.extensions[RESOLUTION_SEAM]
    assert "Beschluss ohne Antrag daraus machen" in page and f"/beschluesse/neu?anliegen={concern.id}" in page


def test_concern_becomes_a_resolution_draft_on_the_next_open_meetings_agenda(db, client, logged_in, manager, huchting,
                                                                              make_meeting):
    from html import unescape

    from wingrant.meetings.models import MeetingState

    concern = services.create_concern(logged_in.meeting.neighbourhood, services.ConcernInput(
        "Mehr WiN-Mittel", "Das Forum bittet den Senat, das WiN-Budget zu erhöhen.",
        agenda_item_id=logged_in.item.id), user=manager)
    db.session.commit()
    page = client.get(f"/quartiere/huchting/anliegen/{concern.id}").get_data(as_text=True)
    assert "Beschluss ohne Antrag daraus machen" not in page  # no meeting to put it on yet
    upcoming = make_meeting(huchting, [], when=date.today() + timedelta(days=10), state=MeetingState.INVITED)
    db.session.commit()
    page = unescape(client.get(f"/quartiere/huchting/anliegen/{concern.id}").get_data(as_text=True))
    link = re.search(r'href="([^"]*/ohne-antrag/neu[^"]*)"', page).group(1)
    assert f"/sitzungen/{upcoming.meeting.id}/" in link
    form = client.get(link).get_data(as_text=True)
    assert 'value="Mehr WiN-Mittel"' in form and "Das Forum bittet den Senat, das WiN-Budget zu erhöhen." in form
