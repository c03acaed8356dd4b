"""The live pointer through the API: the same service as the QM's live page ("Nächster Punkt",
"Vorheriger Punkt", an item clicked), its permission, the lock after approval, and no pointer of
one neighbourhood movable or readable from another."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer


@pytest.fixture
def live(client, db, make_neighbourhood, make_user, make_token):
    """Yesterday's meeting in Huchting with the standard agenda; tokens of Huchting's roles and of
    Gröpelingen's manager."""
    from wingrant.auth.models import Role

    huchting = make_neighbourhood("Huchting", code="HUC")
    groepelingen = make_neighbourhood("Gröpelingen", slug="groepelingen", code="GRO")
    tokens = {role: bearer(make_token(make_user(roles={huchting: role}))) for role in Role}
    tokens["other_manager"] = bearer(make_token(make_user(roles={groepelingen: Role.MANAGER})))
    meeting = client.post("/api/v1/neighbourhoods/huchting/meetings", headers=tokens[Role.MANAGER], json={
        "date": (date.today() - timedelta(days=1)).isoformat(), "place": "Bürgerhaus"}).get_json()
    url = f"/api/v1/neighbourhoods/huchting/meetings/{meeting['id']}/live"
    items = client.get(f"/api/v1/neighbourhoods/huchting/meetings/{meeting['id']}/agenda-items",
                       headers=tokens[Role.READER]).get_json()["items"]
    return tokens, url, [i["id"] for i in items], meeting["id"]


def test_a_meeting_not_begun_has_no_current_item_and_next_is_the_first(client, live):
    from wingrant.auth.models import Role

    tokens, url, items, _meeting_id = live
    body = client.get(url, headers=tokens[Role.READER]).get_json()
    assert body["current_item"] is None and body["previous_item_id"] is None and body["next_item_id"] == items[0]
    body = client.post(f"{url}/move", headers=tokens[Role.MANAGER], json={"to": "next"}).get_json()
    assert body["current_item"]["id"] == items[0] and body["next_item_id"] == items[1]


def test_next_and_previous_walk_the_agenda_and_the_version_changes(client, live):
    from wingrant.auth.models import Role

    tokens, url, items, _meeting_id = live
    manager = tokens[Role.MANAGER]
    start = client.get(url, headers=manager).get_json()["version"]
    client.post(f"{url}/move", headers=manager, json={"to": "next"})
    body = client.post(f"{url}/move", headers=manager, json={"to": "next"}).get_json()
    assert body["current_item"]["id"] == items[1] and body["previous_item_id"] == items[0]
    assert body["version"] != start
    body = client.post(f"{url}/move", headers=manager, json={"to": "previous"}).get_json()
    assert body["current_item"]["id"] == items[0]
    response = client.post(f"{url}/move", headers=manager, json={"to": "previous"})
    assert response.status_code == 409 and "vorherigen" in response.get_json()["message"]


def test_the_pointer_is_set_to_an_item_and_closed_with_null(client, live):
    from wingrant.auth.models import Role

    tokens, url, items, _meeting_id = live
    body = client.put(url, headers=tokens[Role.MINUTES], json={"item_id": items[-1]}).get_json()
    assert body["current_item"]["id"] == items[-1] and body["next_item_id"] is None
    response = client.post(f"{url}/move", headers=tokens[Role.MINUTES], json={"to": "next"})
    assert response.status_code == 409 and "nächsten" in response.get_json()["message"]
    body = client.put(url, headers=tokens[Role.MANAGER], json={"item_id": None}).get_json()
    assert body["current_item"] is None


def test_an_item_of_another_meeting_is_refused_at_item_id(client, live):
    from wingrant.auth.models import Role

    tokens, url, items, _meeting_id = live
    other = client.post("/api/v1/neighbourhoods/huchting/meetings", headers=tokens[Role.MANAGER],
                        json={"date": (date.today() + timedelta(days=30)).isoformat(),
                              "place": "Bürgerhaus"}).get_json()
    foreign_item = client.get(f"/api/v1/neighbourhoods/huchting/meetings/{other['id']}/agenda-items",
                              headers=tokens[Role.MANAGER]).get_json()["items"][0]["id"]
    response = client.put(url, headers=tokens[Role.MANAGER], json={"item_id": foreign_item})
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["item_id"]
    assert client.put(url, headers=tokens[Role.MANAGER], json={}).get_json()["errors"] == {
        "item_id": ["Dieses Feld fehlt."]}


def test_moving_the_pointer_needs_the_right_to_record_the_meeting_as_on_the_live_page(client, live):
    from wingrant.auth.models import Role

    tokens, url, items, _meeting_id = live
    assert client.put(url, headers=tokens[Role.READER], json={"item_id": items[0]}).status_code == 403
    assert client.post(f"{url}/move", headers=tokens[Role.READER], json={"to": "next"}).status_code == 403
    assert client.get(url, headers=tokens[Role.READER]).get_json()["current_item"] is None


def test_after_the_minutes_are_approved_the_pointer_is_locked(client, db, live):
    from wingrant.auth.models import Role
    from wingrant.meetings.models import Meeting, MeetingState

    tokens, url, items, meeting_id = live
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting_id).values(state=MeetingState.MINUTES_APPROVED))
    db.session.commit()
    response = client.put(url, headers=tokens[Role.MANAGER], json={"item_id": items[0]})
    assert response.status_code == 409 and "genehmigt" in response.get_json()["message"]
    # every write on a locked meeting is the same conflict, whichever endpoint it goes through
    meeting = url.removesuffix("/live")
    moved = {"date": date.today().isoformat(), "place": "Rathaus"}
    for response in (client.put(meeting, headers=tokens[Role.MANAGER], json=moved),
                     client.post(f"{meeting}/agenda-items", headers=tokens[Role.MANAGER], json={"title": "Neu"}),
                     client.put(f"{meeting}/attendance/head-counts", headers=tokens[Role.MANAGER],
                                json={"residents": 3})):
        assert response.status_code == 409 and "genehmigt" in response.get_json()["message"], response.get_json()


def test_another_neighbourhoods_token_can_neither_read_nor_move_the_pointer(client, live):
    from wingrant.auth.models import Role

    tokens, url, items, _meeting_id = live
    other = tokens["other_manager"]
    assert client.get(url, headers=other).status_code == 403
    assert client.put(url, headers=other, json={"item_id": items[0]}).status_code == 403
    assert client.post(f"{url}/move", headers=other, json={"to": "next"}).status_code == 403
    foreign = url.replace("/huchting/", "/groepelingen/")
    assert client.get(foreign, headers=other).status_code == 404
    assert client.put(foreign, headers=other, json={"item_id": items[0]}).status_code == 404
    assert client.post(f"{foreign}/move", headers=other, json={"to": "next"}).status_code == 404
    assert client.get(url, headers=tokens[Role.READER]).get_json()["current_item"] is None
