"""The meeting pages through the real forms (CSRF on): access rules, agenda, live meeting, projector."""

import re

import pytest
import sqlalchemy as sa

from tests.meetings.conftest import YEAR, approve_minutes, item_for, post
from wingrant.applications.models import Application
from wingrant.applications.models import ApplicationState as S
from wingrant.auth.models import Role
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import LedgerEntry
from wingrant.meetings import decisions, services
from wingrant.meetings.consensus import Outcome
from wingrant.meetings.models import AgendaItem, Attendance, Decision, HeadCount, Meeting, MeetingState, Objection


@pytest.fixture
def logged_in(db, auth, forum):
    auth.login(forum.manager.email)
    db.session.rollback()  # end the test's read snapshot, so that it can write after the login's writes
    return forum


def _fresh(db, model, pk):
    db.session.rollback()  # see what the requests wrote (SQLite WAL snapshot)
    return db.session.get(model, pk)


def _agenda_titles(db, meeting):
    db.session.rollback()
    return db.session.execute(sa.select(AgendaItem.title).filter_by(meeting_id=meeting.id)
                              .order_by(AgendaItem.position)).scalars().all()


# --- access -------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login(db, client, forum):
    for url in ("/sitzungen", "/quartiere/huchting/sitzungen", forum.base, forum.base + "/live",
                forum.base + "/beamer", forum.base + "/beamer.json", forum.base + "/einladung"):
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden" in response.location, url
    response = client.post(forum.base + "/tagesordnung", data={})
    assert response.status_code in (302, 400)
    assert len(_agenda_titles(db, forum.meeting)) == 6


def test_user_of_another_neighbourhood_cannot_read_or_change_a_meeting(db, client, auth, forum, make_neighbourhood,
                                                                      make_user, make_application):
    other = make_neighbourhood("Grohn", slug="grohn")
    stranger = make_user("qm.grohn@example.org", roles={other: Role.MANAGER})
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    auth.login(stranger.email)
    for url in (forum.base, forum.base + "/live", forum.base + "/beamer", forum.base + "/beamer.json",
                forum.base + "/einladung", "/quartiere/huchting/sitzungen"):
        assert client.get(url).status_code == 403, url
    # Reached through the stranger's own neighbourhood, the meeting does not exist.
    assert client.get(f"/quartiere/grohn/sitzungen/{forum.meeting.id}").status_code == 404
    assert post(client, f"/quartiere/grohn/sitzungen/{forum.meeting.id}/top/{item.id}/beschluss",
                {"outcome": "approved"}, prefix="outcome").status_code == 404
    assert post(client, f"{forum.base}/top/{item.id}/beschluss", {"outcome": "approved"},
                prefix="outcome").status_code == 403
    assert post(client, f"{forum.base}/top/{item.id}/einwand", {"group": "residents"},
                prefix="objection").status_code == 403
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Decision.id))).scalar_one() == 0
    assert ledger_queries.balance(forum.win_budget.id).available == 10_000_00


def test_reader_may_look_but_not_record(db, client, auth, forum, make_user, make_application):
    reader = make_user("ortsamt@example.org", roles={forum.neighbourhood: Role.READER})
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    auth.login(reader.email)
    assert client.get(forum.base).status_code == 200
    assert client.get(forum.base + "/beamer").status_code == 200
    assert client.get(forum.base + "/live").status_code == 403
    assert post(client, f"{forum.base}/top/{item.id}/beschluss", {"outcome": "approved"},
                prefix="outcome").status_code == 403
    assert post(client, f"{forum.base}/top/{item.id}/befangenheit", {"person_name": "A"},
                prefix="recusal").status_code == 403
    assert post(client, forum.base + "/tagesordnung", {"title": "Neu"}, prefix="item").status_code == 403
    assert post(client, forum.base + "/status", {"state": "invited"}).status_code == 403
    page = client.get(forum.base).get_data(as_text=True)
    assert "Sitzungsmodus" not in page and "Auf die Tagesordnung" not in page
    assert _fresh(db, Application, application.id).state == S.READY


def test_minutes_role_records_but_does_not_plan(db, client, auth, forum, make_user):
    clerk = make_user("protokoll@example.org", roles={forum.neighbourhood: Role.MINUTES})
    auth.login(clerk.email)
    assert client.get(forum.base + "/live").status_code == 200
    assert post(client, forum.base + "/tagesordnung", {"title": "Neu"}, prefix="item").status_code == 403
    assert post(client, forum.base + "/status", {"state": "invited"}).status_code == 403
    response = post(client, forum.base + "/anwesenheit/zahlen", {"count_residents": "3"}, prefix="heads")
    assert response.status_code == 302
    assert _fresh(db, Meeting, forum.meeting.id).state == MeetingState.PLANNED


def test_item_of_another_meeting_cannot_be_reached_through_this_one(db, client, logged_in, make_meeting,
                                                                    make_application):
    forum = logged_in
    other_meeting = make_meeting(forum.neighbourhood)
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(other_meeting, [application.id], user=forum.manager)
    foreign_item = item_for(db, other_meeting, application)
    response = post(client, f"{forum.base}/top/{foreign_item.id}/beschluss", {"outcome": "approved"},
                    prefix="outcome")
    assert response.status_code == 404
    response = post(client, f"{forum.base}/top/{foreign_item.id}/einwand", {"group": "residents"},
                    prefix="objection", follow_redirects=True)
    assert "gibt es in dieser Sitzung nicht" in response.get_data(as_text=True)
    assert _fresh(db, Application, application.id).state == S.READY
    assert db.session.execute(sa.select(sa.func.count(Objection.id))).scalar_one() == 0


def test_application_of_another_neighbourhood_cannot_join_the_agenda(db, client, logged_in, make_application,
                                                                     make_neighbourhood):
    forum = logged_in
    foreign = make_application(neighbourhood=make_neighbourhood("Grohn"))
    response = post(client, forum.base + "/tagesordnung/antraege", {"application_ids": str(foreign.id)},
                    prefix="apps", follow_redirects=True)
    assert "gehört nicht zu diesem Quartier" in response.get_data(as_text=True)
    assert len(_agenda_titles(db, forum.meeting)) == 6


# --- the meeting and its agenda ---------------------------------------------------------------------


def test_meeting_is_created_with_the_standard_agenda(db, client, logged_in):
    forum = logged_in
    response = post(client, "/quartiere/huchting/sitzungen/neu",
                    {"date": "2026-12-10", "starts_at": "18:00", "ends_at": "20:00", "place": "Bürgerhaus",
                     "invitation_text": "Herzliche Einladung"})
    assert response.status_code == 302
    meeting = db.session.execute(sa.select(Meeting).order_by(Meeting.id.desc())).scalars().first()
    assert meeting.id != forum.meeting.id and meeting.place == "Bürgerhaus"
    assert _agenda_titles(db, meeting) == [
        "Begrüßung", "Genehmigung des Protokolls der letzten Sitzung", "Berichte und Vorstellungen",
        "Beratung und Beschluss der Anträge", "Wünsche und Anliegen der Bewohner:innen", "Sonstiges"]


def test_forum_standard_agenda_replaces_the_default(db, make_neighbourhood, make_meeting):
    neighbourhood = make_neighbourhood(standard_agenda=[
        {"kind": "welcome", "title": "Begrüßung und Vorstellungsrunde"}, {"kind": "application"},
        {"kind": "nonsense", "title": "Stadtteilfest 2027"}, {"kind": "other"}])
    meeting = make_meeting(neighbourhood)
    assert _agenda_titles(db, meeting) == ["Begrüßung und Vorstellungsrunde", "Beratung und Beschluss der Anträge",
                                           "Stadtteilfest 2027", "Sonstiges"]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"date": "", "place": "Saal"}, "date", "Bitte das Datum der Sitzung angeben."),
    ({"date": "31.02.2026", "place": "Saal"}, "date", "kein gültiges Datum"),
    ({"date": "2026-12-10", "starts_at": "19:00", "ends_at": "18:30", "place": "Saal"}, "ends_at",
     "Das Ende muss nach dem Beginn liegen."),
    ({"date": "2026-12-10", "starts_at": "25:00", "place": "Saal"}, "starts_at", "keine gültige Uhrzeit"),
    ({"date": "2026-12-10", "place": ""}, "place", "Bitte einen Ort angeben oder „online“ wählen."),
])
def test_bad_meeting_input_is_refused_at_the_field_in_german(db, client, logged_in, data, field, message):
    response = post(client, "/quartiere/huchting/sitzungen/neu", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', page)
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', page)
    assert f'id="{field}-error"' in page
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Meeting.id))).scalar_one() == 1


def test_german_date_input_is_accepted(db, client, logged_in):
    response = post(client, "/quartiere/huchting/sitzungen/neu", {"date": "24.03.2027", "place": "Saal 2"})
    assert response.status_code == 302
    assert db.session.execute(sa.select(Meeting.date).order_by(Meeting.id.desc())).scalars().first().isoformat() \
        == "2027-03-24"


def test_applications_join_the_agenda_grouped_by_programme(db, client, logged_in, make_application):
    forum = logged_in
    soz = make_application(neighbourhood=forum.neighbourhood, title="Spielplatz", requested={forum.soz: 5_000_00})
    win1 = make_application(neighbourhood=forum.neighbourhood, title="Hochbeete", requested={forum.win: 1_000_00})
    win2 = make_application(neighbourhood=forum.neighbourhood, title="Theater",
                            requested={forum.win: 3_000_00, forum.soz: 1_000_00})
    response = post(client, forum.base + "/tagesordnung/antraege",
                    {"application_ids": [str(soz.id), str(win1.id)]}, prefix="apps")
    assert response.status_code == 302
    post(client, forum.base + "/tagesordnung/antraege", {"application_ids": str(win2.id)}, prefix="apps")
    titles = _agenda_titles(db, forum.meeting)
    assert [t.split(" – ")[0] for t in titles[3:7]] == [
        "Beratung und Beschluss der Anträge", "Hochbeete", "Theater", "Spielplatz"]
    page = client.get(forum.base).get_data(as_text=True)
    assert "TOP 4.1" in page and "TOP 4.3" in page and "TOP 5" in page
    assert page.index("WiN – Wohnen in Nachbarschaften 2026") < page.index("Sozialer Zusammenhalt 2026")
    # Already on an open agenda: not offered again, refused if sent anyway.
    response = post(client, forum.base + "/tagesordnung/antraege", {"application_ids": str(soz.id)},
                    prefix="apps", follow_redirects=True)
    assert "steht bereits auf der Tagesordnung" in response.get_data(as_text=True)


def test_only_beschlussreif_applications_join_the_agenda(db, client, logged_in, make_application):
    forum = logged_in
    draft = make_application(neighbourhood=forum.neighbourhood, state=S.IN_REVIEW)
    page = client.get(forum.base).get_data(as_text=True)
    assert draft.title not in page
    response = post(client, forum.base + "/tagesordnung/antraege", {"application_ids": str(draft.id)},
                    prefix="apps", follow_redirects=True)
    assert "nicht beschlussreif" in response.get_data(as_text=True)


def test_deferred_application_comes_back_through_beschlussreif(db, client, logged_in, make_application,
                                                               make_meeting):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    decisions.record_outcome(forum.meeting, item_for(db, forum.meeting, application).id,
                             decisions.OutcomeData(
        Outcome.DEFERRED, reason_category="content", reason="Fragen offen"), user=forum.manager)
    later = make_meeting(forum.neighbourhood)
    url = f"/quartiere/huchting/sitzungen/{later.id}"
    assert "vertagt, wird wieder beschlussreif" in client.get(url).get_data(as_text=True)
    post(client, url + "/tagesordnung/antraege", {"application_ids": str(application.id)}, prefix="apps")
    assert _fresh(db, Application, application.id).state == S.READY
    assert item_for(db, later, application)


def test_agenda_items_move_and_the_live_pointer_follows_its_item(db, client, logged_in):
    forum = logged_in
    items = db.session.execute(sa.select(AgendaItem).filter_by(meeting_id=forum.meeting.id)
                               .order_by(AgendaItem.position)).scalars().all()
    services.set_current_item(forum.meeting, items[2].id, user=forum.manager)
    post(client, f"{forum.base}/tagesordnung/{items[2].id}/verschieben", {"richtung": "hoch"})
    titles = _agenda_titles(db, forum.meeting)
    assert titles[1] == "Berichte und Vorstellungen"
    meeting = _fresh(db, Meeting, forum.meeting.id)
    assert meeting.current_position == 1
    post(client, f"{forum.base}/tagesordnung/{items[0].id}/entfernen", {})
    assert _agenda_titles(db, forum.meeting)[0] == "Berichte und Vorstellungen"
    assert _fresh(db, Meeting, forum.meeting.id).current_position == 0
    response = post(client, forum.base + "/tagesordnung", {"title": "Vorstellung Stadtteilfest"}, prefix="item")
    assert response.status_code == 302
    assert _agenda_titles(db, forum.meeting)[-2:] == ["Vorstellung Stadtteilfest", "Sonstiges"]


def test_decided_item_cannot_be_removed(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    response = post(client, f"{forum.base}/tagesordnung/{item.id}/entfernen", {}, follow_redirects=True)
    assert "kann nicht von der Tagesordnung genommen werden" in response.get_data(as_text=True)
    assert _fresh(db, AgendaItem, item.id) is not None


def test_attendance_is_counted_and_named_with_consent(db, client, logged_in):
    forum = logged_in
    response = post(client, forum.base + "/anwesenheit/zahlen",
                    {"count_residents": "14", "count_institutions": "abc"}, prefix="heads")
    assert response.status_code == 422
    assert "Bitte eine ganze Zahl ab 0 eingeben." in response.get_data(as_text=True)
    post(client, forum.base + "/anwesenheit/zahlen", {"count_residents": "14", "count_institutions": "9"},
         prefix="heads")
    db.session.rollback()
    counts = dict(db.session.execute(sa.select(HeadCount.group, HeadCount.count)
                                     .filter_by(meeting_id=forum.meeting.id)).all())
    assert counts["residents"] == 14 and counts["institutions"] == 9 and counts["guests"] == 0
    post(client, forum.base + "/anwesenheit", {"name": "Petra Lange", "group": "institutions",
                                               "organisation": "Nachbarschaftsgarten", "consent_to_publish": "y"},
         prefix="person")
    post(client, forum.base + "/anwesenheit", {"name": "Ortsamtsleitung", "group": "administration",
                                               "apologised": "y"}, prefix="person")
    db.session.rollback()
    people = db.session.execute(sa.select(Attendance.name, Attendance.apologised, Attendance.consent_to_publish)
                                .order_by(Attendance.id)).all()
    assert people == [("Petra Lange", False, True), ("Ortsamtsleitung", True, False)]


# --- the live meeting ---------------------------------------------------------------------------------


def test_live_page_shows_request_and_budget_before_and_after(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood,
                                   requested={forum.win: 4_800_00, forum.soz: 1_500_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    post(client, forum.base + "/live/aufrufen", {"item_id": str(item.id)}, prefix="nav")
    page = client.get(forum.base + "/live").get_data(as_text=True)
    for amount in ("4.800,00\u00a0€", "10.000,00\u00a0€", "5.200,00\u00a0€", "1.500,00\u00a0€",
                   "20.000,00\u00a0€", "18.500,00\u00a0€"):
        assert amount in page, amount
    assert "Konsens möglich" in page


def test_outcome_form_records_the_decision_and_binds_money(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 4_800_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    response = post(client, f"{forum.base}/top/{item.id}/beschluss",
                    {"outcome": "approved_with_changes", f"amount_{forum.win.id}": "4.000", "conditions": "Bericht",
                     "reason_category": "lack_of_money"},
                    prefix="outcome")
    assert response.status_code == 302
    assert _fresh(db, Application, application.id).state == S.APPROVED_WITH_CHANGES
    assert ledger_queries.balance(forum.win_budget.id).available == 6_000_00


def test_overspend_through_the_form_names_the_available_amount_at_the_field(db, client, logged_in,
                                                                            make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 12_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    response = post(client, f"{forum.base}/top/{item.id}/beschluss",
                    {"outcome": "approved", f"amount_{forum.win.id}": "12000"}, prefix="outcome")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "noch 10.000,00\u00a0€ verfügbar" in page
    assert f'id="outcome-amount_{forum.win.id}-error"' in page
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one() == 2  # the two allocations
    assert _fresh(db, Application, application.id).state == S.READY


def test_objection_and_recusal_through_the_forms(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    response = post(client, f"{forum.base}/top/{item.id}/einwand", {"group": "", "person_name": ""},
                    prefix="objection")
    assert response.status_code == 422
    assert "Bitte eine Gruppe wählen oder den Namen" in response.get_data(as_text=True)
    post(client, f"{forum.base}/top/{item.id}/befangenheit",
         {"person_name": "Jan Ohlrogge", "organisation": "Roter Sand"}, prefix="recusal")
    post(client, f"{forum.base}/top/{item.id}/einwand",
         {"group": "", "person_name": "Jan Ohlrogge", "reason": "befangen"},
         prefix="objection")
    post(client, forum.base + "/live/aufrufen", {"item_id": str(item.id)}, prefix="nav")
    page = client.get(forum.base + "/live").get_data(as_text=True)
    assert "zählt nicht: befangen" in page and "Konsens möglich" in page
    post(client, f"{forum.base}/top/{item.id}/einwand", {"group": "residents", "reason": "zu laut"},
         prefix="objection")
    page = client.get(forum.base + "/live").get_data(as_text=True)
    assert "Kein Konsens: 1 Einwand steht." in page
    response = post(client, f"{forum.base}/top/{item.id}/beschluss", {"outcome": "approved"}, prefix="outcome")
    assert response.status_code == 422
    assert "Solange ein Einwand steht" in response.get_data(as_text=True)
    assert _fresh(db, Application, application.id).state == S.READY


def test_approved_minutes_lock_the_meeting_pages(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    for state in ("invited", "held"):
        assert post(client, forum.base + "/status", {"state": state}).status_code == 302
    assert _fresh(db, Meeting, forum.meeting.id).state == MeetingState.HELD
    approve_minutes(db, forum.meeting)
    page = client.get(forum.base).get_data(as_text=True)
    assert "Das Protokoll ist genehmigt" in page and "Auf die Tagesordnung" not in page
    response = post(client, f"{forum.base}/top/{item.id}/beschluss",
                    {"outcome": "deferred", "reason": "x", "correction_reason": "y"}, prefix="outcome",
                    follow_redirects=True)
    assert "Protokoll dieser Sitzung ist genehmigt" in response.get_data(as_text=True)
    assert _fresh(db, Application, application.id).state == S.APPROVED


# --- the projector ------------------------------------------------------------------------------------


def test_projector_follows_the_current_item(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood, title="Hochbeete",
                                   requested={forum.win: 4_800_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    before = client.get(forum.base + "/beamer.json").get_json()
    assert before["item"] is None
    post(client, forum.base + "/live/aufrufen", {"item_id": str(item.id)}, prefix="nav")
    state = client.get(forum.base + "/beamer.json").get_json()
    assert state["fingerprint"] != before["fingerprint"]
    assert state["item"]["number"] == "4.1" and state["item"]["title"].startswith("Hochbeete")
    assert state["item"]["amounts"] == [{"programme": "WIN", "requested": 4_800_00, "approved": None,
                                         "available_before": 10_000_00, "available_after": 5_200_00}]
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    decided = client.get(forum.base + "/beamer.json").get_json()
    assert decided["item"]["outcome"] == "approved" and decided["fingerprint"] != state["fingerprint"]
    fragment = client.get(forum.base + "/beamer?teil=1").get_data(as_text=True)
    assert "beschlossen" in fragment and "<html" not in fragment and "5.200,00\u00a0€" in fragment


def test_meeting_pages_have_no_inline_scripts_or_styles(db, client, logged_in, make_application):
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood)
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    services.set_current_item(forum.meeting, item_for(db, forum.meeting, application).id, user=forum.manager)
    for url in (forum.base, forum.base + "/live", forum.base + "/beamer", forum.base + "/einladung",
                "/quartiere/huchting/sitzungen", "/quartiere/huchting/sitzungen/neu"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert " style=" not in page and "<style" not in page, url
        assert "http://" not in page.replace("http://localhost", "") and "https://" not in page, url
    beamer = client.get(forum.base + "/beamer").get_data(as_text=True)
    assert '<script src="/static/js/beamer.js" defer></script>' in beamer
    assert '<meta http-equiv="refresh"' in beamer  # inside <noscript>: works without JavaScript


def test_meeting_page_queries_do_not_grow_with_the_agenda(db, client, logged_in, make_application,
                                                         count_queries):
    forum = logged_in
    services.add_applications(forum.meeting, [make_application(neighbourhood=forum.neighbourhood).id],
                              user=forum.manager)
    with count_queries() as few:
        client.get(forum.base)
        client.get(forum.base + "/live")
    ids = [make_application(neighbourhood=forum.neighbourhood,
                            requested={forum.win: 100_00, forum.soz: 100_00}).id for _ in range(6)]
    services.add_applications(forum.meeting, ids, user=forum.manager)
    with count_queries() as many:
        client.get(forum.base)
        client.get(forum.base + "/live")
    assert many.count == few.count


# --- the administration --------------------------------------------------------------------------------


def test_administration_decides_referred_case_and_grants_through_the_forms(db, client, auth, forum, make_user,
                                                                           make_application):
    admin = make_user("gf@example.org", is_admin=True)
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 3_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(group="residents"),
                               user=forum.manager)
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.REFERRED), user=forum.manager)
    url = f"{forum.base}/top/{item.id}/verwaltung"
    auth.login(forum.manager.email)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(admin.email)
    assert client.get(url).status_code == 200
    response = post(client, url + "/entscheidung", {"outcome": "approved"}, prefix="admin")
    assert response.status_code == 302
    db.session.rollback()
    assert ledger_queries.balance(forum.win_budget.id).available == 7_000_00
    response = post(client, url + "/bewilligung", {f"number_{forum.win.id}": "", f"granted_on_{forum.win.id}": "",
                                                    f"amount_{forum.win.id}": "3000"}, prefix="grant")
    assert response.status_code == 422 and "Nummer des Zuwendungsbescheids" in response.get_data(as_text=True)
    response = post(client, url + "/bewilligung", {f"number_{forum.win.id}": "ZB-HUC-2026-17",
                                                    f"granted_on_{forum.win.id}": "01.12.2026",
                                                    f"amount_{forum.win.id}": "3.000,00"}, prefix="grant")
    assert response.status_code == 302
    assert _fresh(db, Application, application.id).state == S.GRANTED
    assert f"{YEAR}" in client.get(url).get_data(as_text=True)


def test_public_decision_texts_warn_not_to_write_residents_names(db, client, logged_in, make_application):
    """Reasons, conditions, objections' reasons and the notes go into the published minutes."""
    forum = logged_in
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 1_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    post(client, forum.base + "/live/aufrufen", {"item_id": str(item.id)}, prefix="nav")
    page = client.get(forum.base + "/live").get_data(as_text=True)
    for field_id in ("outcome-conditions", "outcome-reason", "notes-notes"):
        tag = re.search(rf'<textarea[^>]*\sid="{field_id}"[^>]*>', page)
        assert tag, field_id
        assert f"{field_id}-hint" in re.search(r'aria-describedby="([^"]*)"', tag.group(0)).group(1).split()
        hint = re.search(rf'<p class="hint" id="{field_id}-hint">([^<]*)</p>', page).group(1)
        assert "keine Namen von Bewohner:innen" in hint
