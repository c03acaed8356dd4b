"""OParl before the meeting: an invited meeting carries its agenda, its invitation (File) and
papers for the applications on it (with the invitation as main file); a planned one none of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.minutes.factories import AppSpec
from wingrant.meetings.models import MeetingState

from . import oparl_schema
from .conftest import SECRETS
from .test_oparl import BODY, HOST, _get_json, walk


def _undecided(title: str, organisation: str, cents: int) -> AppSpec:
    return AppSpec(title, organisation, {"WIN": cents}, outcome=None, summary=f"Worum es bei {title} geht.")


@pytest.fixture
def invited(huchting, funded_meeting):
    return funded_meeting(huchting, [_undecided("Kiezkino im Sommer", "Jugendtheater e. V.", 3_200_00),
                                     _undecided("Nachbarschaftsflohmarkt", "Kita Regenbogen", 1_800_00)],
                          when=date.today() + timedelta(days=10), state=MeetingState.INVITED)


@pytest.fixture
def planned(huchting, funded_meeting):
    return funded_meeting(huchting, [_undecided("Geheimes Vorhaben", "Träger X", 900_00)],
                          when=date.today() + timedelta(days=40), state=MeetingState.PLANNED)


@pytest.fixture(autouse=True)
def quick_invitation_pdf(monkeypatch):
    """The PDF itself is proven in tests/public and tests/meetings; here only that it is served."""
    from wingrant.meetings import pdf

    monkeypatch.setattr(pdf, "invitation_pdf", lambda **context: b"%PDF-1.7\n")


def test_invited_meeting_carries_agenda_invitation_and_papers_with_main_file(client, invited):
    m = _get_json(client, f"{HOST}/oparl/v1.1/meeting/{invited.meeting.id}")
    oparl_schema.validate(m)
    names = [(i["number"], i["name"]) for i in m["agendaItem"]]
    assert ("4.1", "Kiezkino im Sommer – x") in names and ("4.2", "Nachbarschaftsflohmarkt – x") in names
    for item in m["agendaItem"]:  # nothing decided is said before the minutes are published
        assert not {"result", "resolutionText", "consultation", "wingrant:outcome"} & set(item)
        assert item["web"] == f"{HOST}/portal/huchting/sitzungen/{invited.meeting.id}"
    invitation = m["invitation"]
    assert invitation["id"] == f"{HOST}/oparl/v1.1/invitation/{invited.meeting.id}"
    assert invitation["accessUrl"] == f"{HOST}/portal/huchting/sitzungen/{invited.meeting.id}/einladung.pdf"
    assert _get_json(client, invitation["id"]) == invitation
    assert client.get(invitation["accessUrl"].removeprefix(HOST)).data.startswith(b"%PDF")
    for application in invited.applications:
        paper = _get_json(client, f"{HOST}/oparl/v1.1/paper/{application.id}")
        oparl_schema.validate(paper)
        assert paper["mainFile"] == invitation
        assert "consultation" not in paper and paper["wingrant:summary"].startswith("Worum es bei")


def test_invited_agenda_is_in_the_lists_and_the_feed_stays_valid(client, invited, planned):
    feed = walk(client)
    assert f"{HOST}/oparl/v1.1/invitation/{invited.meeting.id}" in feed.ids("File")
    assert {f"{HOST}/oparl/v1.1/paper/{a.id}" for a in invited.applications} <= feed.ids("Paper")
    items = _get_json(client, f"{BODY}/agendaItem")["data"]
    assert {i["meeting"] for i in items} == {f"{HOST}/oparl/v1.1/meeting/{invited.meeting.id}"}
    everything = "".join(str(o) for o in feed.objects.values())
    for secret in (*SECRETS, "Geheimes Vorhaben", "Träger X", "Diskussion zu"):
        assert secret not in everything, secret


def test_planned_meeting_has_no_agenda_invitation_or_papers_in_oparl(client, planned):
    m = _get_json(client, f"{HOST}/oparl/v1.1/meeting/{planned.meeting.id}")
    assert m["meetingState"] == "terminiert"
    assert "agendaItem" not in m and "invitation" not in m
    for item in planned.items:
        _get_json(client, f"{HOST}/oparl/v1.1/agendaItem/{item.id}", 404)
    _get_json(client, f"{HOST}/oparl/v1.1/paper/{planned.applications[0].id}", 404)
    _get_json(client, f"{HOST}/oparl/v1.1/invitation/{planned.meeting.id}", 404)
    assert _get_json(client, f"{BODY}/paper")["data"] == []


def test_invited_meeting_list_queries_do_not_grow_with_the_agenda(client, huchting, funded_meeting, count_queries):
    funded_meeting(huchting, [_undecided("A", "Träger A", 100_00)], when=date.today() + timedelta(days=3),
                   state=MeetingState.INVITED)
    with count_queries() as few:
        _get_json(client, f"{BODY}/meeting")
        _get_json(client, f"{BODY}/paper")
    funded_meeting(huchting, [_undecided(f"P{n}", f"Träger {n}", 100_00) for n in range(6)],
                   when=date.today() + timedelta(days=4), state=MeetingState.INVITED)
    with count_queries() as many:
        assert len(_get_json(client, f"{BODY}/meeting")["data"]) == 2
        assert len(_get_json(client, f"{BODY}/paper")["data"]) == 7
    assert many.count == few.count
