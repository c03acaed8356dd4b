"""A concern from the meeting to the portal, the minutes, open data and OParl — without names,
without anything staff-only, and in the minutes as it stood on the meeting's date."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from tests.opendata import oparl_schema
from tests.opendata.test_oparl import HOST, walk
from wingrant.concerns import services
from wingrant.concerns.models import ConcernStatus
from wingrant.concerns.rules import Step
from wingrant.core.http_cache import page_cache
from wingrant.maintenance.privacy import export_person
from wingrant.minutes.record_loader import minutes_record
from wingrant.public.opendata_concerns import HEADER

from .conftest import QM_NAME, RESIDENT, publish

#: The documented column set of the concerns download (docs/open-data.md); pinned like the decisions'.
PINNED_HEADER = ("anliegen_id;aktenzeichen;quartier;quartier_kennung;thema;beschreibung;aufgenommen_am;sitzung_datum;"
                 "status;status_text;zustaendig;schritt_nr;schritt_datum;schritt_status;schritt_stelle;schritt_notiz;"
                 "schritt_aktuell;portal_url")


@pytest.fixture
def story(db, forum, manager):
    """Raised in the meeting, forwarded two days later, answered after the next meeting's date;
    a second concern done before the meeting's minutes date is over; a third raised by the QM."""
    nb, day = forum.meeting.neighbourhood, forum.meeting.date
    lamp = services.create_concern(nb, services.ConcernInput(
        "Dunkler Fußweg am Sodenmatt", "Die Laterne am Fußweg ist seit Wochen aus.", agenda_item_id=forum.item.id),
        user=manager)
    services.add_follow_up(lamp.id, Step(day + timedelta(days=2), ConcernStatus.FORWARDED, "Ortsamt Huchting"),
                           user=manager)
    services.add_follow_up(lamp.id, Step(day + timedelta(days=9), ConcernStatus.ANSWERED, "",
                                         "Die Leuchte wird im März ersetzt."), user=manager)
    bench = services.create_concern(nb, services.ConcernInput("Bank am Spielplatz", raised_on=day - timedelta(days=30)),
                                    user=manager)
    services.add_follow_up(bench.id, Step(day - timedelta(days=5), ConcernStatus.DONE, "", "Bank steht wieder."),
                           user=manager)
    old = services.create_concern(nb, services.ConcernInput("Müll an der Haltestelle",
                                                            raised_on=day - timedelta(days=10)), user=manager)
    db.session.commit()
    return {"lamp": lamp, "bench": bench, "old": old}


def test_portal_page_lists_concerns_with_their_steps_and_no_staff_name(client, forum, story):
    page = client.get("/portal/huchting/anliegen").get_data(as_text=True)
    for text in ("Dunkler Fußweg am Sodenmatt", "weitergeleitet an Ortsamt Huchting",
                 "Die Leuchte wird im März ersetzt.", "Bank am Spielplatz", "erledigt", "Müll an der Haltestelle"):
        assert text in page
    assert QM_NAME not in page and "eingetragen am" not in page
    done = client.get("/portal/huchting/anliegen?status=done").get_data(as_text=True)
    assert "Bank am Spielplatz" in done and "Dunkler Fußweg" not in done
    assert "/portal/huchting/anliegen" in client.get("/portal/huchting").get_data(as_text=True)


def test_portal_page_reads_a_fixed_number_of_queries(db, client, forum, manager, story, count_queries):
    client.get("/portal/huchting/anliegen")
    page_cache().clear()  # the render is measured, not the shared cache
    with count_queries() as before:
        client.get("/portal/huchting/anliegen")
    for n in range(4):
        services.create_concern(forum.meeting.neighbourhood, services.ConcernInput(
            f"Weiteres Anliegen {n}", agenda_item_id=forum.item.id), user=manager)
    db.session.commit()
    with count_queries() as after:
        client.get("/portal/huchting/anliegen")
    assert after.count == before.count


def test_minutes_list_open_concerns_as_they_stood_on_the_meeting_date(db, forum, story, manager):
    record = minutes_record(forum.meeting.id, public=True)
    listed = {c.topic: c for c in record.concerns}
    # Done before the meeting: gone. Raised here: listed with the state of that evening.
    assert set(listed) == {"Dunkler Fußweg am Sodenmatt", "Müll an der Haltestelle"}
    lamp = listed["Dunkler Fußweg am Sodenmatt"]
    assert (lamp.status, lamp.office, len(lamp.steps)) == (ConcernStatus.RECORDED, "", 1)
    publish(forum.built, manager)
    html = minutes_html(db, forum)
    assert "Stand der offenen Anliegen am" in html and "Dunkler Fußweg am Sodenmatt" in html
    assert "Bank am Spielplatz" not in html and "Die Leuchte wird im März ersetzt." not in html


def minutes_html(db, forum) -> str:
    from wingrant.minutes import pdf

    return pdf.render_html(minutes_record(forum.meeting.id, public=True))


def test_minutes_page_and_published_pdf_show_the_concerns(client, auth, db, forum, story, manager):
    publish(forum.built, manager)
    # The stored public "PDF" holds the rendered public record here (quick_protocol_pdf).
    stored = client.get(f"/portal/huchting/protokolle/{forum.meeting.id}/v1.pdf").data.decode("utf-8")
    assert "Dunkler Fußweg am Sodenmatt" in stored and "Müll an der Haltestelle" in stored
    auth.login(manager.email)
    page = client.get(f"/quartiere/huchting/protokolle/{forum.meeting.id}").get_data(as_text=True)
    assert "Stand der offenen Anliegen am" in page and "Dunkler Fußweg am Sodenmatt" in page


def test_open_data_csv_has_the_documented_columns_and_one_row_per_step(client, forum, story):
    response = client.get("/portal/offene-daten/anliegen.csv?quartier=huchting")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    text = response.data.decode("utf-8")
    assert text.split("\r\n")[0] == "\ufeff" + PINNED_HEADER and ";".join(HEADER) == PINNED_HEADER
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    lamp = [r for r in rows if r["thema"] == "Dunkler Fußweg am Sodenmatt"]
    assert [(r["schritt_nr"], r["schritt_status"], r["schritt_aktuell"]) for r in lamp] == [
        ("1", "recorded", "0"), ("2", "forwarded", "0"), ("3", "answered", "1")]
    assert {r["status"] for r in lamp} == {"answered"} and lamp[0]["sitzung_datum"] == forum.meeting.date.isoformat()
    assert len(rows) == 3 + 2 + 1
    assert QM_NAME not in text and RESIDENT not in text


def test_open_data_json_documents_its_columns_and_filters(client, forum, story):
    document = json.loads(client.get("/portal/offene-daten/anliegen.json?quartier=huchting").data)
    assert document["metadata"]["format"] == "wingrant.open-data.concerns/1"
    assert [c["name"] for c in document["metadata"]["columns"]] == list(HEADER)
    assert document["metadata"]["rows"] == len(document["data"]) == 6
    assert client.get("/portal/offene-daten/anliegen.json?quartier=nirgendwo").status_code == 404
    later = forum.meeting.date.year + 1
    assert json.loads(client.get(f"/portal/offene-daten/anliegen.json?jahr={later}").data)["data"] == []
    assert "anliegen.csv" in client.get("/portal/offene-daten").get_data(as_text=True)


def test_oparl_feed_carries_concerns_as_schema_valid_papers(client, forum, story, manager):
    publish(forum.built, manager)
    feed = walk(client)  # validates every object and list page against the OParl 1.1 schemas
    concerns = {url: obj for url, obj in feed.objects.items() if obj.get("paperType") == "Anliegen"}
    assert set(concerns) == {f"{HOST}/oparl/v1.1/paper/anliegen/{c.id}" for c in story.values()}
    lamp = concerns[f"{HOST}/oparl/v1.1/paper/anliegen/{story['lamp'].id}"]
    oparl_schema.validate(lamp, "Paper")
    assert lamp["name"] == "Dunkler Fußweg am Sodenmatt" and lamp["date"] == forum.meeting.date.isoformat()
    assert lamp["underDirectionOf"] == [f"{HOST}/oparl/v1.1/organization/huchting"]
    assert [s["status"] for s in lamp["wingrant:followUps"]] == ["recorded", "forwarded", "answered"]
    assert lamp["wingrant:statusText"] == "Antwort erhalten"
    everything = json.dumps(list(feed.objects.values()), ensure_ascii=False)
    assert QM_NAME not in everything and "created_by" not in everything
    assert client.get("/oparl/v1.1/paper/anliegen/999999").status_code == 404


def test_concern_of_an_inactive_neighbourhood_is_not_public(db, client, forum, story):
    forum.meeting.neighbourhood.active = False
    db.session.commit()
    assert client.get("/portal/huchting/anliegen").status_code == 404
    assert client.get(f"/oparl/v1.1/paper/anliegen/{story['lamp'].id}").status_code == 404
    assert "Dunkler Fußweg" not in client.get("/portal/offene-daten/anliegen.csv").data.decode("utf-8")


def test_person_export_finds_a_name_written_into_a_concern(db, forum, manager):
    services.create_concern(forum.meeting.neighbourhood, services.ConcernInput(
        "Spielplatz", f"{RESIDENT} bittet um eine Schaukel.", agenda_item_id=forum.item.id), user=manager)
    db.session.commit()
    matches = export_person(RESIDENT)["free_text_matches"]
    assert [(m["table"], m["field"]) for m in matches] == [("concern", "description")]


@pytest.mark.slow
def test_minutes_pdf_lists_the_open_concerns(db, forum, story):
    from tests.minutes.conftest import pdf_text
    from wingrant.minutes.pdf import render_pdf

    text = pdf_text(render_pdf(minutes_record(forum.meeting.id, public=True)))
    assert "Stand der offenen Anliegen" in text and "Dunkler Fußweg am Sodenmatt" in text
    assert "Bank am Spielplatz" not in text
