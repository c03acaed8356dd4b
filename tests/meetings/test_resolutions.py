"""Resolutions without money (Beschluss / Stellungnahme): drafted as an agenda item, decided under
the consensus rule that decides money, never in the ledger, and only by the neighbourhood's own QM."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.meetings.conftest import approve_minutes, post
from wingrant.auth.models import Role
from wingrant.errors import DomainError
from wingrant.ledger.models import LedgerEntry
from wingrant.meetings import resolutions, services
from wingrant.meetings.consensus import Outcome
from wingrant.meetings.decisions import ObjectionData, RecusalData
from wingrant.meetings.locking import MeetingLocked
from wingrant.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AttendeeGroup,
    Resolution,
    ResolutionKind,
    ResolutionObjection,
)

TEXT = ("Die Stadtteilgruppe Huchting fordert mehr WiN-Mittel für das Quartier und bittet die Ressorts, "
        "mit den Quartieren zusammenzuarbeiten.")
DRAFT = resolutions.DraftData(ResolutionKind.STATEMENT, "Mehr WiN-Mittel für Huchting", TEXT,
                              "Senatorin für Soziales")


def _draft(forum) -> Resolution:
    return resolutions.add_resolution(forum.meeting, DRAFT, user=forum.manager)


def _decide(forum, resolution, outcome, **kw):
    data = resolutions.ResolutionOutcomeData(outcome=outcome, **kw)
    return resolutions.record_outcome(forum.meeting, resolution.agenda_item_id, data, user=forum.manager)


def _fresh(db, model, pk):
    db.session.rollback()
    return db.session.get(model, pk)


# --- the draft on the agenda ---------------------------------------------------------------------


def test_resolution_is_an_agenda_item_of_its_own_before_sonstiges(db, forum):
    resolution = _draft(forum)
    items = db.session.execute(sa.select(AgendaItem).filter_by(meeting_id=forum.meeting.id)
                               .order_by(AgendaItem.position)).scalars().all()
    item = db.session.get(AgendaItem, resolution.agenda_item_id)
    assert item.kind == AgendaItemKind.RESOLUTION and item.title == "Mehr WiN-Mittel für Huchting"
    assert items[-1].kind == AgendaItemKind.OTHER and items[-2].id == item.id
    assert resolution.neighbourhood_id == forum.neighbourhood.id and resolution.addressee == "Senatorin für Soziales"


@pytest.mark.parametrize(("data", "field"), [
    (resolutions.DraftData(ResolutionKind.RESOLUTION, "  ", TEXT), "title"),
    (resolutions.DraftData(ResolutionKind.RESOLUTION, "Titel", " \n "), "text"),
    (resolutions.DraftData(ResolutionKind.RESOLUTION, "T" * 301, TEXT), "title"),
    (resolutions.DraftData("petition", "Titel", TEXT), "kind"),  # type: ignore[arg-type]
])
def test_draft_without_title_or_text_is_refused_and_nothing_is_written(db, forum, data, field):
    with pytest.raises(DomainError) as refused:
        resolutions.add_resolution(forum.meeting, data, user=forum.manager)
    assert refused.value.field == field
    assert db.session.execute(sa.select(sa.func.count(Resolution.id))).scalar_one() == 0
    assert len(db.session.execute(sa.select(AgendaItem.id).filter_by(meeting_id=forum.meeting.id)).all()) == 6


def test_undecided_draft_leaves_the_agenda_with_its_item_but_a_decided_one_stays(db, forum):
    resolution = _draft(forum)
    services.remove_item(forum.meeting, resolution.agenda_item_id, user=forum.manager)
    assert db.session.execute(sa.select(sa.func.count(Resolution.id))).scalar_one() == 0
    resolution = _draft(forum)
    _decide(forum, resolution, Outcome.APPROVED)
    with pytest.raises(DomainError):
        services.remove_item(forum.meeting, resolution.agenda_item_id, user=forum.manager)


# --- the consensus rule, as for money ------------------------------------------------------------


def test_objection_blocks_adopting_a_resolution_also_with_changes(db, forum):
    resolution = _draft(forum)
    resolutions.record_objection(forum.meeting, resolution.agenda_item_id,
                                 ObjectionData(group=AttendeeGroup.HOUSING, reason="Zu pauschal"), user=forum.manager)
    for outcome, extra in ((Outcome.APPROVED, {}), (Outcome.APPROVED_WITH_CHANGES, {"final_text": TEXT + " Sofort."})):
        with pytest.raises(DomainError, match="Kein Konsens"):
            _decide(forum, resolution, outcome, **extra)
    assert _fresh(db, Resolution, resolution.id).outcome is None
    decided = _decide(forum, resolution, Outcome.DEFERRED, reason="Neu formulieren")
    assert decided.outcome == Outcome.DEFERRED and decided.reason == "Neu formulieren"


def test_withdrawn_objection_and_a_recused_objector_do_not_block(db, forum):
    resolution = _draft(forum)
    item_id = resolution.agenda_item_id
    withdrawn = resolutions.record_objection(forum.meeting, item_id, ObjectionData(person_name="Gerd Zweifel"),
                                             user=forum.manager)
    resolutions.withdraw_objection(forum.meeting, item_id, withdrawn.id, user=forum.manager)
    resolutions.record_objection(forum.meeting, item_id,
                                 ObjectionData(group=AttendeeGroup.POLITICS, person_name="Karla Beirat"),
                                 user=forum.manager)
    resolutions.record_recusal(forum.meeting, item_id, RecusalData(person_name="karla  beirat",
                                                                   organisation="Beirat Huchting"), user=forum.manager)
    assert _decide(forum, resolution, Outcome.APPROVED).outcome == Outcome.APPROVED


def test_adopted_with_changes_keeps_draft_and_final_text(db, forum):
    resolution = _draft(forum)
    with pytest.raises(DomainError) as missing:
        _decide(forum, resolution, Outcome.APPROVED_WITH_CHANGES, final_text="  ")
    assert missing.value.field == "final_text"
    with pytest.raises(DomainError, match="unverändert"):
        _decide(forum, resolution, Outcome.APPROVED_WITH_CHANGES, final_text=TEXT)
    decided = _decide(forum, resolution, Outcome.APPROVED_WITH_CHANGES, final_text=TEXT + " Bis Ende 2015.")
    assert decided.text == TEXT and decided.adopted_text == TEXT + " Bis Ende 2015."


@pytest.mark.parametrize("outcome", [Outcome.WITHDRAWN, Outcome.REFERRED])
def test_outcomes_of_money_do_not_apply_to_a_resolution(db, forum, outcome):
    resolution = _draft(forum)
    with pytest.raises(DomainError, match="nicht möglich"):
        _decide(forum, resolution, outcome, reason="x")


def test_not_adopted_needs_a_reason(db, forum):
    resolution = _draft(forum)
    with pytest.raises(DomainError) as refused:
        _decide(forum, resolution, Outcome.REJECTED)
    assert refused.value.field == "reason"


def test_resolution_books_nothing_in_the_ledger(db, forum):
    before = db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one()
    _decide(forum, _draft(forum), Outcome.APPROVED)
    assert db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one() == before


def test_no_outcome_without_attendance_or_before_the_meeting_begins(db, forum, make_meeting):
    from datetime import date, timedelta

    for meeting in (make_meeting(forum.neighbourhood, present=0),
                    make_meeting(forum.neighbourhood, on=date.today() + timedelta(days=7))):
        resolution = resolutions.add_resolution(meeting, DRAFT, user=forum.manager)
        with pytest.raises(DomainError) as refused:
            resolutions.record_outcome(meeting, resolution.agenda_item_id,
                                       resolutions.ResolutionOutcomeData(Outcome.APPROVED), user=forum.manager)
        assert refused.value.field == "outcome"
        assert _fresh(db, Resolution, resolution.id).outcome is None


def test_positions_are_closed_once_decided_and_open_again_when_taken_back(db, forum):
    resolution = _draft(forum)
    _decide(forum, resolution, Outcome.APPROVED)
    with pytest.raises(DomainError, match="bereits ein Beschluss"):
        resolutions.record_objection(forum.meeting, resolution.agenda_item_id, ObjectionData(person_name="Spät"),
                                     user=forum.manager)
    with pytest.raises(DomainError):
        resolutions.reopen(forum.meeting, resolution.agenda_item_id, " ", user=forum.manager)
    resolutions.reopen(forum.meeting, resolution.agenda_item_id, "Falsch erfasst", user=forum.manager)
    resolutions.record_objection(forum.meeting, resolution.agenda_item_id, ObjectionData(person_name="Spät"),
                                 user=forum.manager)
    assert _fresh(db, Resolution, resolution.id).outcome is None


def test_nothing_changes_once_the_minutes_are_approved(db, forum):
    resolution = _draft(forum)
    _decide(forum, resolution, Outcome.APPROVED)
    approve_minutes(db, forum.meeting)
    with pytest.raises(MeetingLocked):
        resolutions.add_resolution(forum.meeting, DRAFT, user=forum.manager)
    with pytest.raises(MeetingLocked):
        resolutions.reopen(forum.meeting, resolution.agenda_item_id, "zu spät", user=forum.manager)


# --- through the pages ---------------------------------------------------------------------------


@pytest.fixture
def logged_in(db, auth, forum):
    auth.login(forum.manager.email)
    db.session.rollback()
    return forum


def test_qm_drafts_and_the_forum_decides_through_the_pages(db, client, logged_in):
    forum = logged_in
    assert "Entwurf auf die Tagesordnung" in client.get(forum.base).get_data(as_text=True)
    response = post(client, forum.base + "/ohne-antrag/neu",
                    {"kind": "statement", "title": "Mehr WiN-Mittel", "addressee": "Senatorin für Soziales",
                     "text": TEXT})
    assert response.status_code == 302
    db.session.rollback()
    resolution = db.session.execute(sa.select(Resolution)).scalar_one()
    item_url = f"{forum.base}/top/{resolution.agenda_item_id}/ohne-antrag"
    post(client, forum.base + "/live/aufrufen", {"item_id": resolution.agenda_item_id}, prefix="nav")
    page = client.get(forum.base + "/live").get_data(as_text=True)
    assert "Mehr WiN-Mittel" in page and "Senatorin für Soziales" in page and "Ergebnis erfassen" in page

    response = post(client, item_url + "/einwand", {"group": "housing", "reason": "Zu pauschal"}, prefix="objection")
    assert response.status_code == 302
    response = post(client, item_url + "/ergebnis", {"outcome": "approved"}, prefix="resolution")
    assert response.status_code == 422 and "Kein Konsens" in response.get_data(as_text=True)
    db.session.rollback()
    objection = db.session.execute(sa.select(ResolutionObjection)).scalar_one()
    post(client, f"{item_url}/einwand/{objection.id}/zurueckziehen", {})
    response = post(client, item_url + "/ergebnis", {"outcome": "approved_with_changes",
                                                      "final_text": TEXT + " Geändert."}, prefix="resolution")
    assert response.status_code == 302
    resolution = _fresh(db, Resolution, resolution.id)
    assert resolution.outcome == Outcome.APPROVED_WITH_CHANGES and resolution.final_text.endswith("Geändert.")
    assert "geändert beschlossen" in client.get(forum.base + "/live").get_data(as_text=True)


def test_edit_form_changes_the_draft_and_its_agenda_title(db, client, logged_in):
    forum = logged_in
    resolution = _draft(forum)
    url = f"{forum.base}/top/{resolution.agenda_item_id}/ohne-antrag/bearbeiten"
    assert "Senatorin für Soziales" in client.get(url).get_data(as_text=True)
    response = post(client, url, {"kind": "resolution", "title": "Neuer Titel", "addressee": "", "text": "Kurz."})
    assert response.status_code == 302
    resolution = _fresh(db, Resolution, resolution.id)
    assert (resolution.title, resolution.text, resolution.kind) == ("Neuer Titel", "Kurz.", ResolutionKind.RESOLUTION)
    assert db.session.get(AgendaItem, resolution.agenda_item_id).title == "Neuer Titel"
    assert post(client, url, {"kind": "resolution", "title": "", "text": ""}).status_code == 422


def test_qm_of_another_neighbourhood_cannot_add_decide_or_see_a_draft(db, client, auth, forum, make_neighbourhood,
                                                                       make_user, make_meeting):
    resolution = _draft(forum)
    other = make_neighbourhood("Grohn", slug="grohn")
    stranger = make_user("qm.grohn@example.org", roles={other: Role.MANAGER})
    own_meeting = make_meeting(other, user=stranger)
    auth.login(stranger.email)
    db.session.rollback()
    item_url = f"{forum.base}/top/{resolution.agenda_item_id}/ohne-antrag"
    for url in (forum.base + "/live", forum.base + "/ohne-antrag/neu", item_url + "/bearbeiten"):
        response = client.get(url)
        assert response.status_code == 403 and TEXT not in response.get_data(as_text=True), url
    assert post(client, forum.base + "/ohne-antrag/neu", {"kind": "resolution", "title": "X", "text": "Y"}
                ).status_code == 403
    assert post(client, item_url + "/ergebnis", {"outcome": "approved"}, prefix="resolution").status_code == 403
    assert post(client, item_url + "/einwand", {"group": "guests"}, prefix="objection").status_code == 403
    # Through the stranger's own meeting: the item of Huchting's meeting is not found there.
    own_item = f"/quartiere/grohn/sitzungen/{own_meeting.id}/top/{resolution.agenda_item_id}/ohne-antrag"
    assert client.get(own_item + "/bearbeiten").status_code == 404
    assert post(client, own_item + "/ergebnis", {"outcome": "approved"}, prefix="resolution").status_code == 404
    assert post(client, own_item + "/einwand", {"group": "guests"}, prefix="objection").status_code == 404
    resolution = _fresh(db, Resolution, resolution.id)
    assert resolution.outcome is None and resolution.objections == []


def test_projector_and_public_live_page_follow_a_resolution_item(db, client, logged_in):
    forum = logged_in
    resolution = _draft(forum)
    services.change_state(forum.meeting, services.MeetingState.INVITED, user=forum.manager)
    services.set_current_item(forum.meeting, resolution.agenda_item_id, user=forum.manager)
    for url in (forum.base + "/beamer", f"/portal/huchting/sitzungen/{forum.meeting.id}/live"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Mehr WiN-Mittel für Huchting" in response.get_data(as_text=True), url
    assert client.get(forum.base + "/beamer.json").get_json()["item"]["kind"] == "resolution"


def test_names_on_a_resolution_expire_with_the_other_personal_data(db, forum):
    from datetime import timedelta

    from flask import current_app

    from wingrant.maintenance import privacy

    resolution = _draft(forum)
    resolutions.record_objection(forum.meeting, resolution.agenda_item_id, ObjectionData(person_name="Olga Einwand"),
                                 user=forum.manager)
    resolutions.record_recusal(forum.meeting, resolution.agenda_item_id, RecusalData(person_name="Rolf Befangen"),
                               user=forum.manager)
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    result = privacy.anonymise_expired(today=forum.meeting.date + timedelta(days=days + 1))
    assert (result.resolution_objections, result.resolution_recusals) == (1, 1)
    resolution = _fresh(db, Resolution, resolution.id)
    assert [o.person_name for o in resolution.objections] == [privacy.ANONYMISED]
    assert [r.person_name for r in resolution.recusals] == [privacy.ANONYMISED]


def test_person_export_finds_a_name_recorded_on_a_resolution(db, forum):
    from wingrant.maintenance import privacy

    resolution = _draft(forum)
    resolutions.record_objection(forum.meeting, resolution.agenda_item_id,
                                 ObjectionData(person_name="Olga Einwand", reason="Zu allgemein"), user=forum.manager)
    resolutions.record_recusal(forum.meeting, resolution.agenda_item_id,
                               RecusalData(person_name="Olga Einwand", organisation="Verein X"), user=forum.manager)
    found = privacy.export_person("olga einwand")
    assert [(o["reason"], o["title"]) for o in found["resolution_objections"]] == [
        ("Zu allgemein", "Mehr WiN-Mittel für Huchting")]
    assert [r["organisation"] for r in found["resolution_recusals"]] == ["Verein X"]
    assert privacy.export_person("Rolf Niemand")["resolution_objections"] == []
