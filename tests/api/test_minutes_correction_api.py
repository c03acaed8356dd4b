"""Correcting published minutes through the API, as the page "Berichtigen" does: a new stored
version with a reason, the earlier ones kept with their checksums, each PDF the stored bytes."""

from __future__ import annotations

import hashlib

import pytest

from tests.api.conftest import bearer

REASON = "Tippfehler im Namen des Trägers berichtigt."


@pytest.fixture
def minutes(demo_world):
    """The URL of the minutes of Huchting's held meeting (published in the demo data)."""
    values = demo_world.values
    url = f"/api/v1/neighbourhoods/{values['slug']}/meetings/{values['meeting_id']}/minutes"
    return demo_world, url


def _pdf(client, url, headers) -> bytes:
    response = client.get(url, headers=headers)
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return data


def test_a_correction_is_a_new_version_with_its_reason_and_the_earlier_versions_stay(client, minutes):
    world, url = minutes
    manager, reader = bearer(world.tokens["manager"]), bearer(world.tokens["reader"])
    before = client.get(f"{url}/versions", headers=reader).get_json()["items"]
    assert [v["number"] for v in before] == [1]

    response = client.post(f"{url}/corrections", headers=manager,
                           json={"reason": REASON, "introduction": "Begrüßung durch das Quartiersmanagement."})
    assert response.status_code == 201, response.get_json()
    version = response.get_json()
    assert version["number"] == 2 and version["reason"] == REASON and version["sha256"] != before[0]["sha256"]

    versions = client.get(f"{url}/versions", headers=reader).get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2] and versions[0] == before[0]
    for v in versions:
        data = _pdf(client, v["pdf_url"], reader)
        assert hashlib.sha256(data).hexdigest() == v["sha256"] and len(data) == v["size_bytes"]
    minutes = client.get(url, headers=reader).get_json()
    assert minutes["introduction"] == "Begrüßung durch das Quartiersmanagement." and len(minutes["versions"]) == 2


def test_a_correction_needs_a_reason_of_ten_characters(client, minutes):
    world, url = minutes
    manager = bearer(world.tokens["manager"])
    response = client.post(f"{url}/corrections", headers=manager, json={"introduction": "Neu."})
    assert response.status_code == 422 and response.get_json()["errors"] == {"reason": ["Dieses Feld fehlt."]}
    response = client.post(f"{url}/corrections", headers=manager, json={"reason": "kurz"})
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["reason"]
    assert len(client.get(f"{url}/versions", headers=manager).get_json()["items"]) == 1


def test_minutes_not_yet_published_cannot_be_corrected_it_is_a_conflict(client, minutes):
    world, _url = minutes
    manager = bearer(world.tokens["manager"])
    meeting = client.post("/api/v1/neighbourhoods/huchting/meetings", headers=manager,
                          json={"date": "2031-05-01", "place": "Bürgerhaus"})
    assert meeting.status_code == 201, meeting.get_json()
    meeting = meeting.get_json()
    url = f"/api/v1/neighbourhoods/huchting/meetings/{meeting['id']}/minutes"
    response = client.post(f"{url}/corrections", headers=manager, json={"reason": REASON})
    assert response.status_code == 409 and "veröffentlichtes Protokoll" in response.get_json()["message"]
    assert client.get(f"{url}/versions", headers=manager).get_json()["items"] == []


def test_correcting_needs_the_right_to_approve_minutes_as_on_the_page(client, minutes):
    world, url = minutes
    for role in ("minutes", "reader"):
        response = client.post(f"{url}/corrections", headers=bearer(world.tokens[role]), json={"reason": REASON})
        assert response.status_code == 403, role
    assert len(client.get(f"{url}/versions", headers=bearer(world.tokens["reader"])).get_json()["items"]) == 1


def test_another_neighbourhoods_token_can_neither_read_nor_correct_the_minutes(client, minutes):
    world, url = minutes
    other = bearer(world.tokens["other_manager"])
    assert client.get(f"{url}/versions", headers=other).status_code == 403
    assert client.get(f"{url}/versions/1.pdf", headers=other).status_code == 403
    assert client.post(f"{url}/corrections", headers=other, json={"reason": REASON}).status_code == 403
    foreign = url.replace("/huchting/", "/groepelingen/")
    assert client.get(f"{foreign}/versions", headers=other).status_code == 404
    assert client.get(f"{foreign}/versions/1.pdf", headers=other).status_code == 404
    assert client.post(f"{foreign}/corrections", headers=other, json={"reason": REASON}).status_code == 404
    assert len(client.get(f"{url}/versions", headers=bearer(world.tokens["reader"])).get_json()["items"]) == 1


def test_listing_versions_costs_the_same_queries_for_one_or_more(client, minutes, count_queries):
    world, url = minutes
    reader = bearer(world.tokens["reader"])
    client.get(f"{url}/versions", headers=reader)  # the token's first use writes its last use
    with count_queries() as one:
        assert len(client.get(f"{url}/versions", headers=reader).get_json()["items"]) == 1
    client.post(f"{url}/corrections", headers=bearer(world.tokens["manager"]), json={"reason": REASON})
    with count_queries() as two:
        assert len(client.get(f"{url}/versions", headers=reader).get_json()["items"]) == 2
    assert two.count == one.count
