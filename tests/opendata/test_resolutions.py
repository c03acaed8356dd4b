"""Resolutions without money from the meeting to the public: the minutes, the portal, open data and
OParl (a Paper with its own paperType, schema-valid) — and nothing of them before the minutes are
published."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.minutes import factories
from wingrant.database import utcnow
from wingrant.meetings.consensus import Outcome
from wingrant.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AttendeeGroup,
    Resolution,
    ResolutionKind,
    ResolutionObjection,
    ResolutionRecusal,
)
from wingrant.minutes.record_loader import minutes_record
from wingrant.public import opendata_resolutions

from . import oparl_schema
from .conftest import publish
from .test_oparl import HOST, walk

DRAFT = "Die Stadtteilgruppe fordert mehr WiN-Mittel für Huchting."
ADOPTED = "Die Stadtteilgruppe fordert mehr WiN-Mittel und die Zusammenarbeit der Ressorts mit den Quartieren."
HIDDEN = ("Stellungnahme genehmigt, nicht veröffentlicht", "Stellungnahme ohne Protokoll", "Noch nicht entschieden")


def add_resolution(db, built, title, *, outcome=Outcome.APPROVED, kind=ResolutionKind.STATEMENT, text=DRAFT,
                   final_text="", reason="", objections=(), recusals=()) -> Resolution:
    """A resolution decided at ``built.meeting`` (before its minutes are approved), placed before "Sonstiges"."""
    items = db.session.execute(sa.select(AgendaItem).filter_by(meeting_id=built.meeting.id)
                               .order_by(AgendaItem.position)).scalars().all()
    for later in items[-1:]:
        later.position = len(items)
    item = AgendaItem(meeting_id=built.meeting.id, position=len(items) - 1, kind=AgendaItemKind.RESOLUTION,
                      title=title, notes="Lebhafte Aussprache.")
    db.session.add(item)
    db.session.flush()
    resolution = Resolution(neighbourhood_id=built.meeting.neighbourhood_id, agenda_item_id=item.id, kind=kind,
                            title=title, text=text, addressee="Senatorin für Soziales", outcome=outcome,
                            final_text=final_text, reason=reason, decided_at=utcnow() if outcome else None)
    db.session.add(resolution)
    db.session.flush()
    db.session.add_all([ResolutionObjection(resolution_id=resolution.id, **o) for o in objections])
    db.session.add_all([ResolutionRecusal(resolution_id=resolution.id, **r) for r in recusals])
    db.session.commit()
    return resolution


@dataclass
class Resolutions:
    adopted: Resolution
    deferred: Resolution
    hidden: list[Resolution]
    meeting_id: int


@pytest.fixture
def resolutions(db, huchting, funded_meeting, manager) -> Resolutions:
    published = funded_meeting(huchting, [factories.AppSpec("Nachbarschaftscafé", "Café e. V.", {"WIN": 1_000_00})])
    adopted = add_resolution(
        db, published, "Mehr WiN-Mittel für Huchting", outcome=Outcome.APPROVED_WITH_CHANGES, final_text=ADOPTED,
        objections=[{"person_name": factories.SECRET_OBJECTOR, "group": AttendeeGroup.RESIDENTS,
                     "reason": "Bitte die Ressorts nennen", "withdrawn": True},
                    {"group": AttendeeGroup.HOUSING, "person_name": factories.SECRET_RECUSED}],
        recusals=[{"person_name": factories.SECRET_RECUSED, "organisation": "Wohnungsbau Huchting"}])
    deferred = add_resolution(db, published, "Ampel an der Kirchhuchtinger Landstraße", kind=ResolutionKind.RESOLUTION,
                              outcome=Outcome.DEFERRED, reason="Erst das Ortsamt fragen")
    undecided = add_resolution(db, published, "Noch nicht entschieden", outcome=None)
    publish(published, manager)
    approved_only = funded_meeting(huchting, [], when=date.today() - timedelta(days=40))
    hidden_approved = add_resolution(db, approved_only, "Stellungnahme genehmigt, nicht veröffentlicht")
    publish(approved_only, manager, approve_only=True)
    draft = funded_meeting(huchting, [], when=date.today() - timedelta(days=10))
    hidden_draft = add_resolution(db, draft, "Stellungnahme ohne Protokoll")
    return Resolutions(adopted, deferred, [undecided, hidden_approved, hidden_draft], published.meeting.id)


# --- the minutes -----------------------------------------------------------------------------------


def test_minutes_record_the_resolution_under_its_item_names_only_with_consent(db, resolutions):
    internal = minutes_record(resolutions.meeting_id, public=False)
    entry = next(e for e in internal.agenda if e.resolution and e.resolution.resolution_id == resolutions.adopted.id)
    assert entry.kind == AgendaItemKind.RESOLUTION and entry.notes == "Lebhafte Aussprache."
    assert entry.resolution.adopted_text == ADOPTED and entry.resolution.text == DRAFT
    assert {o.name for o in entry.resolution.objections} == {factories.SECRET_OBJECTOR, factories.SECRET_RECUSED}
    assert entry.resolution.standing_objections == ()  # one withdrawn, one by a recused participant
    public = minutes_record(resolutions.meeting_id, public=True)
    res = next(e.resolution for e in public.agenda if e.item_id == entry.item_id)
    assert {o.name for o in res.objections} == {""} and {r.name for r in res.recusals} == {""}


def test_minutes_page_prints_draft_final_text_and_outcome(db, client, auth, manager, resolutions):
    auth.login(manager.email)
    page = client.get(f"/quartiere/huchting/protokolle/{resolutions.meeting_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, page.status_code
    for text in (DRAFT, ADOPTED, "geändert beschlossen", "vertagt", "Erst das Ortsamt fragen",
                 "Senatorin für Soziales"):
        assert text in html, text


# --- the portal ------------------------------------------------------------------------------------


def test_portal_shows_a_resolution_only_from_published_minutes(db, client, resolutions):
    front = client.get("/portal/huchting").get_data(as_text=True)
    listing = client.get("/portal/huchting/beschluesse/ohne-antrag").get_data(as_text=True)
    for html in (front, listing):
        assert "Mehr WiN-Mittel für Huchting" in html and "Ampel an der Kirchhuchtinger Landstraße" in html
        assert not any(title in html for title in HIDDEN)
    page = client.get(f"/portal/huchting/beschluesse/ohne-antrag/{resolutions.adopted.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ADOPTED in html and "Senatorin für Soziales" in html
    assert "geändert beschlossen" in html and DRAFT in html  # the draft behind "Ursprünglicher Entwurf"
    assert factories.SECRET_OBJECTOR not in html and factories.SECRET_RECUSED not in html
    for hidden in resolutions.hidden:
        assert client.get(f"/portal/huchting/beschluesse/ohne-antrag/{hidden.id}").status_code == 404


def test_resolution_is_not_found_under_another_neighbourhood(db, client, resolutions, make_neighbourhood):
    make_neighbourhood("Grohn", slug="grohn")
    assert client.get(f"/portal/grohn/beschluesse/ohne-antrag/{resolutions.adopted.id}").status_code == 404


def test_portal_pages_with_resolutions_do_not_grow_in_queries(db, client, resolutions, huchting, funded_meeting,
                                                               manager, count_queries):
    with count_queries() as few:
        client.get("/portal/huchting/beschluesse/ohne-antrag")
    more = funded_meeting(huchting, [], when=date.today() - timedelta(days=90))
    for n in range(5):
        add_resolution(db, more, f"Weitere Stellungnahme {n}",
                       objections=[{"group": AttendeeGroup.GUESTS, "withdrawn": True}])
    publish(more, manager)
    with count_queries() as many:
        client.get("/portal/huchting/beschluesse/ohne-antrag")
    assert many.count == few.count


# --- open data -----------------------------------------------------------------------------------


def test_open_data_lists_published_resolutions_with_the_documented_columns(db, client, resolutions):
    response = client.get("/portal/offene-daten/beschluesse-ohne-antrag.csv?quartier=huchting")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert tuple(rows[0]) == opendata_resolutions.HEADER == (
        "beschluss_id", "art", "art_text", "quartier", "quartier_kennung", "forum", "sitzung_datum", "titel",
        "adressat", "ergebnis", "ergebnis_text", "wortlaut", "entwurf", "begruendung", "einwaende_erhoben",
        "einwaende_aufrechterhalten", "url", "protokoll_url")
    body = {r[7]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert set(body) == {"Mehr WiN-Mittel für Huchting", "Ampel an der Kirchhuchtinger Landstraße"}
    adopted = body["Mehr WiN-Mittel für Huchting"]
    assert (adopted["art"], adopted["ergebnis"], adopted["wortlaut"], adopted["entwurf"]) == (
        "statement", "approved_with_changes", ADOPTED, DRAFT)
    assert (adopted["einwaende_erhoben"], adopted["einwaende_aufrechterhalten"]) == ("2", "0")
    document = json.loads(client.get("/portal/offene-daten/beschluesse-ohne-antrag.json").get_data())
    assert [c["name"] for c in document["metadata"]["columns"]] == list(opendata_resolutions.HEADER)
    assert document["metadata"]["rows"] == 2 and document["metadata"]["licence"]["id"] == "dl-de/by-2-0"
    everything = json.dumps(document, ensure_ascii=False)
    assert not any(secret in everything for secret in (factories.SECRET_OBJECTOR, factories.SECRET_RECUSED, *HIDDEN))
    assert client.get("/portal/offene-daten/beschluesse-ohne-antrag.xlsx").status_code == 200
    assert "einwaende_aufrechterhalten" in client.get("/portal/offene-daten").get_data(as_text=True)


# --- OParl ---------------------------------------------------------------------------------------


def test_oparl_has_the_resolution_as_paper_linked_from_its_agenda_item_and_stays_schema_valid(db, client,
                                                                                             resolutions):
    feed = walk(client)  # every object and list validated against the OParl 1.1 schema, no dangling URL
    paper_url = f"{HOST}/oparl/v1.1/paper/r{resolutions.adopted.id}"
    paper = feed.objects[paper_url]
    oparl_schema.validate(paper, "Paper")
    assert paper["paperType"] == "Stellungnahme des WiN-Forums" and paper["name"] == "Mehr WiN-Mittel für Huchting"
    assert paper["wingrant:text"] == ADOPTED and paper["wingrant:addressee"] == "Senatorin für Soziales"
    deferred = feed.objects[f"{HOST}/oparl/v1.1/paper/r{resolutions.deferred.id}"]
    assert deferred["paperType"] == "Beschluss des WiN-Forums"
    consultation = paper["consultation"][0]
    item = feed.objects[consultation["agendaItem"]]
    assert item["consultation"] == consultation["id"] and consultation["paper"] == paper_url
    assert item["result"] == "geändert beschlossen" and item["resolutionText"] == ADOPTED
    assert paper_url in feed.objects and consultation["id"] in feed.ids("Consultation")
    dump = json.dumps(feed.objects, ensure_ascii=False)
    # The undecided item keeps its title as a TOP of the published minutes, but is no Paper.
    leaked = [text for text in (*HIDDEN[:2], factories.SECRET_OBJECTOR, factories.SECRET_RECUSED) if text in dump]
    assert leaked == []
    for hidden in resolutions.hidden:
        assert client.get(f"/oparl/v1.1/paper/r{hidden.id}").status_code == 404
        assert client.get(f"/oparl/v1.1/consultation/{hidden.agenda_item_id}").status_code == 404
