"""The OParl 1.1 feed: schema-valid, complete (no dangling URL), paginated, published data only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.minutes.factories import AppSpec
from wingrant.meetings.models import AttendeeGroup, Outcome
from wingrant.minutes.record_loader import minutes_record

from . import oparl_schema
from .conftest import HIDDEN_TITLES, SECRETS, publish

HOST = "http://localhost"
SYSTEM = f"{HOST}/oparl/v1.1/system"
BODY = f"{HOST}/oparl/v1.1/body/bremen"
#: Which OParl type the external list behind (parent type, property) holds.
LISTS = {("System", "body"): "Body", ("Body", "organization"): "Organization", ("Body", "person"): "Person",
         ("Body", "meeting"): "Meeting", ("Body", "paper"): "Paper", ("Body", "agendaItem"): "AgendaItem",
         ("Body", "consultation"): "Consultation", ("Body", "file"): "File",
         ("Organization", "meeting"): "Meeting"}


def _path(url: str) -> str:
    assert url.startswith(HOST + "/"), url
    return url.removeprefix(HOST)


def _get_json(client, url: str, status: int = 200):
    response = client.get(_path(url))
    assert response.status_code == status, f"{url} answered {response.status_code}"
    assert response.mimetype == "application/json", url
    assert response.headers.get("Access-Control-Allow-Origin") == "*", url
    return response.get_json()


def _urls(value):
    """Every URL string anywhere in a JSON value."""
    if isinstance(value, str) and value.startswith("http"):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)


def _embedded(obj: dict):
    """The OParl objects written inside ``obj`` (with an id and an OParl type)."""
    for value in obj.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and str(item.get("type", "")).startswith(oparl_schema.TYPE_PREFIX):
                yield item
                yield from _embedded(item)


def _check_properties(obj: dict) -> None:
    """Every property is OParl's own or carries the documented vendor prefix."""
    type_name = obj["type"].removeprefix(oparl_schema.TYPE_PREFIX)
    unknown = {key for key in obj if key not in oparl_schema.schema_properties(type_name)
               and not key.startswith("wingrant:")}
    assert not unknown, f"{obj['id']}: properties neither OParl nor wingrant: {unknown}"


@dataclass
class Feed:
    objects: dict[str, dict] = field(default_factory=dict)
    lists: dict[str, tuple[str, dict]] = field(default_factory=dict)
    other_urls: set[str] = field(default_factory=set)

    def ids(self, type_name: str) -> set[str]:
        return {url for url, obj in self.objects.items() if obj["type"] == oparl_schema.TYPE_PREFIX + type_name}


def walk(client) -> Feed:
    """Follow every URL from the system object, validating each object and each list page."""
    feed = Feed()
    queue: list[tuple[str, str | None]] = [(SYSTEM, None)]
    embedded: dict[str, dict] = {}
    while queue:
        url, list_type = queue.pop(0)
        if url in feed.objects or url in feed.lists:
            continue
        document = _get_json(client, url)
        if list_type is not None:
            oparl_schema.validate_list(document, list_type)
            feed.lists[url] = (list_type, document)
            assert document["links"]["self"].split("?")[0] == url.split("?")[0]
            queue += [(link, list_type) for link in document["links"].values()]
            objects = document["data"]
        else:
            oparl_schema.validate(document)
            assert document["id"] == url, "an object's id is the URL it is served under"
            feed.objects[url] = document
            objects = [document]
        for obj in objects:
            _check_properties(obj)
            for inner in _embedded(obj):
                _check_properties(inner)
                embedded[inner["id"]] = inner
            type_name = obj["type"].removeprefix(oparl_schema.TYPE_PREFIX)
            lists = {obj[key]: kind for (parent, key), kind in LISTS.items() if parent == type_name and key in obj}
            queue += list(lists.items())
            for found in _urls(obj):
                if found in lists:
                    continue
                if found.startswith(f"{HOST}/oparl/"):
                    queue.append((found, None))
                elif found.startswith(HOST):
                    feed.other_urls.add(found)
    for object_id, inner in embedded.items():
        assert feed.objects[object_id] == inner, f"{object_id}: embedded copy differs from the object itself"
    return feed


def test_whole_feed_is_schema_valid_and_has_no_dangling_url(client, world):
    feed = walk(client)
    assert len(feed.objects) > 20 and len(feed.lists) >= 9
    for url in feed.other_urls:  # portal pages and protocol PDFs the feed points to
        response = client.get(_path(url))
        assert response.status_code == 200, url
        response.close()


def test_feed_holds_exactly_the_published_data(client, world):
    feed = walk(client)
    meeting = f"{HOST}/oparl/v1.1/meeting/{{}}".format
    assert feed.ids("Meeting") == {meeting(world.published.meeting.id), meeting(world.corrected.meeting.id),
                                   meeting(world.announced.meeting.id)}
    papers = {f"{HOST}/oparl/v1.1/paper/{a.id}" for a in world.published.applications + world.corrected.applications}
    assert feed.ids("Paper") == papers
    assert feed.ids("Organization") == {f"{HOST}/oparl/v1.1/organization/huchting"}
    invitations = {f"{HOST}/oparl/v1.1/invitation/{b.meeting.id}"
                   for b in (world.published, world.corrected, world.announced)}
    assert feed.ids("File") == {f"{HOST}/oparl/v1.1/file/{world.published.meeting.id}/1",
                                f"{HOST}/oparl/v1.1/file/{world.corrected.meeting.id}/1",
                                f"{HOST}/oparl/v1.1/file/{world.corrected.meeting.id}/2"} | invitations
    assert len(feed.ids("Consultation")) == 4
    everything = "".join(str(o) for o in feed.objects.values())
    for secret in SECRETS + HIDDEN_TITLES:
        assert secret not in everything
    persons = [doc for type_name, doc in feed.lists.values() if type_name == "Person"]
    assert persons and all(p["data"] == [] and p["pagination"]["totalElements"] == 0 for p in persons)


def test_unpublished_objects_are_not_found(client, world):
    hidden = [world.draft, world.approved_only, world.inactive]
    for built in hidden:
        _get_json(client, f"{HOST}/oparl/v1.1/meeting/{built.meeting.id}", 404)
        _get_json(client, f"{HOST}/oparl/v1.1/meeting/{built.meeting.id}/location", 404)
        _get_json(client, f"{HOST}/oparl/v1.1/file/{built.meeting.id}/1", 404)
        _get_json(client, f"{HOST}/oparl/v1.1/invitation/{built.meeting.id}", 404)
        for item in built.items:
            _get_json(client, f"{HOST}/oparl/v1.1/agendaItem/{item.id}", 404)
            _get_json(client, f"{HOST}/oparl/v1.1/consultation/{item.id}", 404)
        for application in built.applications:
            _get_json(client, f"{HOST}/oparl/v1.1/paper/{application.id}", 404)
    _get_json(client, f"{HOST}/oparl/v1.1/organization/altquartier", 404)
    _get_json(client, f"{HOST}/oparl/v1.1/organization/altquartier/meeting", 404)
    error = _get_json(client, f"{HOST}/oparl/v1.1/paper/999999", 404)
    assert error["error"]["message"] == "Dieses OParl-Objekt gibt es nicht (oder es ist nicht veröffentlicht)."
    # an agenda item that is not an application has no consultation
    _get_json(client, f"{HOST}/oparl/v1.1/consultation/{world.published.items[0].id}", 404)


def test_announced_meeting_has_time_and_place_but_no_agenda(client, world):
    m = _get_json(client, f"{HOST}/oparl/v1.1/meeting/{world.announced.meeting.id}")
    assert m["meetingState"] == "eingeladen"
    day = world.announced.meeting.date
    assert m["start"].startswith(f"{day.isoformat()}T18:00:00+0")
    assert m["location"]["description"] == "Bürgerhaus, Saal 1, Amersfoorter Str. 8, 28259 Bremen"
    assert "agendaItem" not in m and "resultsProtocol" not in m  # invited, but nothing on its agenda yet
    assert m["invitation"]["id"] == f"{HOST}/oparl/v1.1/invitation/{world.announced.meeting.id}"


def test_meeting_lists_agenda_with_minutes_numbers_and_its_protocol(client, world):
    m = _get_json(client, f"{HOST}/oparl/v1.1/meeting/{world.published.meeting.id}")
    assert m["meetingState"] == "durchgeführt"
    assert [(i["number"], i["order"]) for i in m["agendaItem"]] == [
        ("1", 0), ("2", 1), ("3", 2), ("4", 3), ("4.1", 4), ("4.2", 5), ("4.3", 6), ("5", 7), ("6", 8)]
    assert m["resultsProtocol"]["id"] == f"{HOST}/oparl/v1.1/file/{world.published.meeting.id}/1"
    assert m["organization"] == [f"{HOST}/oparl/v1.1/organization/huchting"]


def test_outcomes_and_amounts_are_in_the_wingrant_extension(client, world):
    theatre, bike = world.published.items[5], world.published.items[6]
    item = _get_json(client, f"{HOST}/oparl/v1.1/agendaItem/{theatre.id}")
    assert item["result"] == "beschlossen mit Änderungen"
    assert item["wingrant:outcome"] == Outcome.APPROVED_WITH_CHANGES.value
    assert item["wingrant:amounts"] == [
        {"programme": "WIN", "programmeName": "WiN", "requestedCents": 750000, "approvedCents": 600000},
        {"programme": "SOZ", "programmeName": "Soziale Stadt", "requestedCents": 200000, "approvedCents": 199999}]
    assert (item["wingrant:amountRequestedCents"], item["wingrant:amountApprovedCents"]) == (950000, 799999)
    assert item["wingrant:conditions"] == "Aufführung im Bürgerhaus."
    assert item["resolutionText"].startswith("beschlossen mit Änderungen: 7.999,99\u00a0€")
    deferred = _get_json(client, f"{HOST}/oparl/v1.1/agendaItem/{bike.id}")
    assert deferred["wingrant:outcome"] == "deferred" and deferred["wingrant:amountApprovedCents"] == 0
    assert (deferred["wingrant:objectionsRaised"], deferred["wingrant:objectionsStanding"]) == (1, 1)
    assert deferred["wingrant:reason"] == "Offene Fragen zur Anleitung"
    assert _get_json(client, f"{HOST}/oparl/v1.1/consultation/{bike.id}")["authoritative"] is False
    consultation = _get_json(client, f"{HOST}/oparl/v1.1/consultation/{theatre.id}")
    assert consultation["authoritative"] is True
    assert consultation["paper"] == f"{HOST}/oparl/v1.1/paper/{world.published.applications[1].id}"
    paper = _get_json(client, consultation["paper"])
    assert paper["reference"] == world.published.applications[1].reference
    assert paper["wingrant:applicant"] == "Jugendtheater e. V."
    assert paper["wingrant:amountRequestedCents"] == 950000
    assert paper["web"] == f"{HOST}/portal/huchting/projekte/{world.published.applications[1].id}"


def test_objection_of_a_recused_participant_is_raised_but_not_standing_as_in_the_minutes(
        client, db, huchting, funded_meeting, manager):
    built = funded_meeting(huchting, [AppSpec(
        "Umstrittenes Projekt", "Verein Z", {"WIN": 100_00}, outcome=Outcome.REJECTED, reason="Kein Konsens",
        objections=[{"person_name": "Herr Befangen", "reason": "eigene Interessen"},
                    {"person_name": "Frau Zurück", "reason": "erledigt", "withdrawn": True},
                    {"group": AttendeeGroup.RESIDENTS, "reason": "zu teuer"}],
        recusals=[{"person_name": "Herr Befangen", "organisation": "Verein Z", "reason": "Vorstand"}])])
    publish(built, manager)
    item = next(i for i in built.items if i.application_id == built.applications[0].id)
    oparl = _get_json(client, f"{HOST}/oparl/v1.1/agendaItem/{item.id}")
    assert (oparl["wingrant:objectionsRaised"], oparl["wingrant:objectionsStanding"]) == (3, 1)
    decision = minutes_record(built.meeting.id, public=True).decisions[0]
    assert len(decision.standing_objections) == oparl["wingrant:objectionsStanding"]


def test_protocol_files_have_size_and_sha512_of_the_served_pdf(client, world):
    feed = walk(client)
    files = [feed.objects[url] for url in feed.ids("File") if "/oparl/v1.1/file/" in url]  # not invitations
    assert len(files) == 3
    for f in files:
        pdf = client.get(_path(f["accessUrl"]))
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert len(pdf.data) == f["size"]
        assert hashlib.sha512(pdf.data).hexdigest() == f["sha512Checksum"]
        assert hashlib.sha256(pdf.data).hexdigest() == f["wingrant:sha256Checksum"]
        assert f["downloadUrl"] == f["accessUrl"] and f["mimeType"] == "application/pdf"


def test_corrected_protocol_is_current_and_the_first_version_stays_listed(client, world):
    m = _get_json(client, f"{HOST}/oparl/v1.1/meeting/{world.corrected.meeting.id}")
    assert m["resultsProtocol"]["wingrant:version"] == 2 and m["resultsProtocol"]["wingrant:current"] is True
    assert m["resultsProtocol"]["wingrant:correctionReason"] == "Schreibfehler im Titel berichtigt"
    (old,) = m["auxiliaryFile"]
    assert old["wingrant:version"] == 1 and old["wingrant:current"] is False
    assert "ersetzt" in old["name"]
    assert m["modified"] == m["resultsProtocol"]["created"]


def test_lists_are_paginated_with_next_links(client, world):
    full = _get_json(client, f"{BODY}/agendaItem")
    assert "next" not in full["links"] and full["pagination"]["totalPages"] == 1
    total = full["pagination"]["totalElements"]
    assert total == len(full["data"]) == 9 + 7
    url, pages, seen = f"{BODY}/agendaItem?elementsPerPage=5", [], []
    while url:
        page = _get_json(client, url)
        oparl_schema.validate_list(page, "AgendaItem")
        pages.append(page)
        seen += [o["id"] for o in page["data"]]
        url = page["links"].get("next")
    assert len(pages) == 4 and [len(p["data"]) for p in pages] == [5, 5, 5, 1]
    assert seen == [o["id"] for o in full["data"]], "stable order, nothing lost or repeated"
    assert pages[-1]["links"]["last"] == pages[-1]["links"]["self"]
    assert "prev" not in pages[0]["links"] and pages[1]["links"]["prev"] == pages[0]["links"]["self"]
    assert all(p["pagination"]["elementsPerPage"] == 5 and p["pagination"]["totalPages"] == 4 for p in pages)
    _get_json(client, f"{BODY}/agendaItem?elementsPerPage=5&page=5", 404)


def test_lists_filter_by_created_and_modified(client, world):
    everything = _get_json(client, f"{BODY}/meeting")["pagination"]["totalElements"]
    assert everything == 3
    future = (date.today() + timedelta(days=2)).isoformat() + "T00:00:00%2B01:00"
    past = "2000-01-01T00:00:00Z"
    assert _get_json(client, f"{BODY}/meeting?modified_since={future}")["data"] == []
    assert _get_json(client, f"{BODY}/meeting?created_until={past}")["data"] == []
    assert _get_json(client, f"{BODY}/meeting?modified_since={past}")["pagination"]["totalElements"] == 3
    not_encoded = "2000-01-01T00:00:00+01:00"  # "+" arrives as a space
    assert _get_json(client, f"{BODY}/meeting?created_since={not_encoded}")["pagination"]["totalElements"] == 3
    page = _get_json(client, f"{BODY}/file?created_since={past}&elementsPerPage=1")
    query = parse_qs(urlsplit(page["links"]["next"]).query)
    assert query["created_since"] == [past] and query["page"] == ["2"], "filters stay on every page"


@pytest.mark.parametrize("query, message", [
    ("modified_since=2026-01-01", "„modified_since“ braucht Datum, Uhrzeit und Zeitzone"),
    ("created_since=2026-01-01T00:00:00", "„created_since“ braucht Datum, Uhrzeit und Zeitzone"),
    ("created_until=gestern", "„created_until“ braucht Datum, Uhrzeit und Zeitzone"),
    ("elementsPerPage=0", "„elementsPerPage“ muss eine positive ganze Zahl sein."),
    ("page=abc", "„page“ muss eine positive ganze Zahl sein."),
])
def test_bad_list_parameters_get_a_german_json_error(client, world, query, message):
    error = _get_json(client, f"{BODY}/paper?{query}", 400)
    assert error["error"]["code"] == 400 and error["error"]["message"].startswith(message)


def test_organization_lists_its_own_meetings(client, world):
    org = _get_json(client, f"{HOST}/oparl/v1.1/organization/huchting")
    assert org["name"] == "Stadtteilgruppe Huchting" and org["shortName"] == "Huchting"
    meetings = _get_json(client, org["meeting"])
    assert {m["id"] for m in meetings["data"]} == {f"{HOST}/oparl/v1.1/meeting/{b.meeting.id}"
                                                   for b in (world.published, world.corrected, world.announced)}
    assert org["wingrant:calendar"] == f"{HOST}/portal/huchting/termine.ics"


def test_feed_is_read_only(client, world):
    response = client.post("/oparl/v1.1/system")
    assert response.status_code == 405


def test_schema_validation_catches_invalid_objects(client, world):
    """The validator itself must be able to fail, or every green test above means nothing."""
    f = _get_json(client, f"{HOST}/oparl/v1.1/file/{world.published.meeting.id}/1")
    for broken in ({k: v for k, v in f.items() if k != "accessUrl"}, {**f, "size": "41 kB"},
                   {**f, "created": "2026-01-01T00:00:00"}, {**f, "accessUrl": "/relative.pdf"},
                   {**f, "type": "https://schema.oparl.org/1.0/File"}):
        with pytest.raises(AssertionError):
            oparl_schema.validate(broken, "File")
    m = _get_json(client, f"{HOST}/oparl/v1.1/meeting/{world.published.meeting.id}")
    m["agendaItem"][0] = {**m["agendaItem"][0], "order": "eins"}  # inside an embedded object
    with pytest.raises(AssertionError):
        oparl_schema.validate(m)


def test_meeting_list_queries_do_not_grow_with_meetings(client, db, huchting, funded_meeting, manager,
                                                        count_queries):
    from wingrant.api.oparl import files

    files._SHA512.clear()  # ids repeat between tests: start without remembered checksums
    publish(funded_meeting(huchting), manager)
    with count_queries() as few:
        _get_json(client, f"{BODY}/meeting")
    for days in (60, 90):
        publish(funded_meeting(huchting, [AppSpec("Noch ein Projekt", "Träger N", {"WIN": 100_00})],
                               when=date.today() - timedelta(days=days)), manager)
    with count_queries() as many:
        page = _get_json(client, f"{BODY}/meeting")
    assert len(page["data"]) == 3
    assert many.count == few.count
    with count_queries() as papers:
        assert len(_get_json(client, f"{BODY}/paper")["data"]) == 5
    assert papers.count <= 12  # the public-data version, and the body's city
