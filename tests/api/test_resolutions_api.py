"""The REST API reads a resolution without money on its agenda item (read only; writes go through the pages)."""

from __future__ import annotations

import jsonschema

from tests.meetings.conftest import forum, make_application, make_meeting, make_organisation  # noqa: F401
from wingrant.meetings import resolutions
from wingrant.meetings.consensus import Outcome
from wingrant.meetings.models import ResolutionKind

from .conftest import bearer


def test_agenda_item_carries_its_resolution_as_the_document_says(db, client, forum, make_token):  # noqa: F811
    resolution = resolutions.add_resolution(
        forum.meeting, resolutions.DraftData(ResolutionKind.STATEMENT, "Mehr WiN-Mittel", "Wortlaut.", "Senatorin"),
        user=forum.manager)
    resolutions.record_outcome(forum.meeting, resolution.agenda_item_id,
                               resolutions.ResolutionOutcomeData(Outcome.APPROVED), user=forum.manager)
    secret = make_token(forum.manager)
    url = f"/api/v1/neighbourhoods/huchting/meetings/{forum.meeting.id}/agenda-items/{resolution.agenda_item_id}"
    response = client.get(url, headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["kind"] == "resolution" and body["resolution"] == {
        "id": resolution.id, "kind": "statement", "title": "Mehr WiN-Mittel", "addressee": "Senatorin",
        "text": "Wortlaut.", "outcome": "approved", "final_text": "", "reason": ""}
    document = client.get("/api/v1/openapi.json").get_json()
    jsonschema.validate(body, {"$ref": "#/components/schemas/AgendaItem", "components": document["components"]})
    others = client.get(f"/api/v1/neighbourhoods/huchting/meetings/{forum.meeting.id}/agenda-items",
                        headers=bearer(secret)).get_json()["items"]
    assert all(i["resolution"] is None for i in others if i["id"] != resolution.agenda_item_id)
