"""The forums' meetings as iCalendar feeds (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wingrant.meetings.models import MeetingState
from wingrant.public.calendar import CalendarMeeting, EventText, calendar, escape, fold

from .conftest import SECRETS

FEED = "/portal/huchting/termine.ics"


def _unfold(raw: bytes) -> list[str]:
    """The content lines: CRLF-separated, continuation lines (leading space) joined (RFC 5545 3.1)."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "every line ends with CRLF"
    lines: list[str] = []
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75, f"line longer than 75 octets: {physical!r}"
        if physical.startswith(" "):
            lines[-1] += physical[1:]
        else:
            lines.append(physical)
    return lines


def _events(lines: list[str]) -> list[dict[str, str]]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return events


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def test_feed_is_a_valid_published_calendar(client, world):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    lines = _unfold(response.data)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert "METHOD:PUBLISH" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-CALNAME:Stadtteilgruppe Huchting (WiN Huchting)" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 3
    for event in _events(lines):
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"} <= set(event)
        assert datetime.strptime(event["DTSTAMP"], "%Y%m%dT%H%M%SZ")


def test_only_public_meetings_are_in_the_calendar(client, world):
    events = _events(_unfold(client.get(FEED).data))
    uids = {e["UID"] for e in events}
    public = {world.published.meeting.id, world.corrected.meeting.id, world.announced.meeting.id}
    assert uids == {f"wingrant-meeting-{mid}@localhost" for mid in public}
    body = client.get(FEED).data.decode("utf-8")
    for secret in SECRETS:
        assert secret not in body


def test_uid_is_stable_per_meeting(client, world):
    first = [e["UID"] for e in _events(_unfold(client.get(FEED).data))]
    second = [e["UID"] for e in _events(_unfold(client.get(FEED).data))]
    assert first == second and len(set(first)) == len(first)


def test_times_are_utc_from_berlin_local_time(client, world):
    events = {e["UID"]: e for e in _events(_unfold(client.get(FEED).data))}
    meeting = world.announced.meeting
    event = events[f"wingrant-meeting-{meeting.id}@localhost"]
    bremen = datetime.combine(meeting.date, time(18, 0), tzinfo=ZoneInfo("Europe/Berlin"))
    assert event["DTSTART"] == bremen.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert event["DTEND"].endswith("1500Z")  # 20:15 local
    assert event["STATUS"] == "CONFIRMED"  # invited
    assert _unescape(event["LOCATION"]) == "Bürgerhaus, Saal 1, Amersfoorter Str. 8, 28259 Bremen"


def _meeting(**values) -> CalendarMeeting:
    defaults = dict(id=7, date=date(2026, 1, 15), starts_at=time(18, 0), ends_at=time(20, 0), place="", address="",
                    online=False, state=MeetingState.PLANNED, minutes_published=False)
    return CalendarMeeting(**{**defaults, **values})


def _render(meeting: CalendarMeeting, text: EventText | None = None) -> dict[str, str]:
    text = text or EventText("Sitzung", "Beschreibung", "https://example.org/portal/x")
    raw = calendar("Forum", [meeting], {meeting.id: text}, uid_domain="wingrant.example",
                   now=datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    (event,) = _events(_unfold(raw))
    return event


def test_winter_and_summer_time_become_the_right_utc_times():
    assert _render(_meeting(date=date(2026, 1, 15)))["DTSTART"] == "20260115T170000Z"
    assert _render(_meeting(date=date(2026, 7, 15)))["DTSTART"] == "20260715T160000Z"
    assert _render(_meeting(date=date(2026, 1, 15)))["DTSTAMP"] == "20260101T120000Z"


def test_meeting_without_start_time_is_an_all_day_event():
    event = _render(_meeting(starts_at=None, ends_at=None))
    assert event["DTSTART;VALUE=DATE"] == "20260115" and event["DTEND;VALUE=DATE"] == "20260116"


def test_planned_meeting_is_tentative():
    assert _render(_meeting(state=MeetingState.PLANNED))["STATUS"] == "TENTATIVE"


def test_text_is_escaped_and_survives_a_round_trip():
    tricky = "Saal 1; Eingang B, hinten\\links\nzweite Zeile"
    event = _render(_meeting(place=tricky), EventText(tricky, tricky, "https://example.org/a,b"))
    assert _unescape(event["SUMMARY"]) == tricky and _unescape(event["LOCATION"]) == tricky
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    text = "Öffentliche Sitzung – Bürgerhaus Grünstraße, Ärztehaus, Übergänge " * 5
    line = "DESCRIPTION:" + escape(text)
    folded = fold(line)
    physical = folded.split("\r\n")
    assert len(physical) > 3
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0]] + [p[1:] for p in physical[1:]]) == line
    event = _render(_meeting(), EventText("S", text, "https://example.org/"))
    assert _unescape(event["DESCRIPTION"]) == text


def test_unknown_or_inactive_neighbourhood_has_no_calendar(client, world):
    assert client.get("/portal/gibt-es-nicht/termine.ics").status_code == 404
    assert client.get("/portal/altquartier/termine.ics").status_code == 404


def test_portal_page_links_its_calendar(client, world):
    assert f'href="{FEED}"' in client.get("/portal/huchting").get_data(as_text=True)


def test_calendar_feed_needs_three_queries_however_many_meetings(client, world, count_queries, huchting,
                                                              funded_meeting):
    with count_queries() as few:
        client.get(FEED)
    for days in (30, 40):
        funded_meeting(huchting, [], when=date.today() + timedelta(days=days), state=MeetingState.PLANNED,
                       standard_items=False, people=False)
    with count_queries() as many:
        lines = _unfold(client.get(FEED).data)
    assert lines.count("BEGIN:VEVENT") == 5
    assert many.count == few.count == 3  # the public-data version, the neighbourhood, its meetings
