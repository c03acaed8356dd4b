"""Signals from the room: a phone signals an objection, a question or consent for the current item.

Rules proven here: a signal needs the room code, the current item and a running meeting; one per
device and item (a second replaces it while pending, is refused once handled); rate-limited; nothing
personal stored; a pending objection signal does not block consensus, a recorded one does; the public
pages show counts only; another neighbourhood's QM can neither see nor handle them; approving the
minutes deletes them.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.minutes import factories
from tests.minutes.factories import AppSpec
from wingrant.auth.models import Role
from wingrant.core.models import ThrottleEvent
from wingrant.database import utcnow
from wingrant.extensions import db
from wingrant.meetings import consensus, decisions, follow, queries, services, signals
from wingrant.meetings.models import (
    AgendaItem,
    AttendeeGroup,
    Decision,
    Meeting,
    MeetingState,
    Objection,
    Outcome,
    RoomSignal,
    SignalKind,
    SignalState,
)
from wingrant.minutes import services as minutes_services

PORTAL = "/portal/huchting"
#: Something a resident might write: it must never reach a public page.
NAMED_REASON = "Herr Meierhoff aus der Nummer 12 hat das Geld schon"
UNDECIDED = AppSpec("Spielplatzfest im Sommer", "Kinderhaus e. V.", {"WIN": 2_000_00}, outcome=None)


@pytest.fixture
def room(huchting, make_meeting, manager):
    """A meeting under way today: the undecided application is the current item, signals are on."""
    built = make_meeting(huchting, [UNDECIDED], state=MeetingState.HELD, when=date.today())
    item = _application_item(built)
    services.set_current_item(built.meeting, item.id, user=manager)
    signals.switch_on(built.meeting, user=manager)
    return built


def _application_item(built) -> AgendaItem:
    return next(i for i in built.items if i.application_id is not None)


def _code(built) -> str:
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own sessions
    return db.session.get(Meeting, built.meeting.id).signal_code


def _live(built) -> str:
    return f"{PORTAL}/sitzungen/{built.meeting.id}/live"


def _send(client, built, kind="objection", *, code=None, item_id=None, reason="", group="", headers=None,
          environ=None):
    token = getattr(client, "signal_csrf", None)  # one page load per phone, as in the room
    if token is None:
        token = client.signal_csrf = csrf_token_from(client.get(_live(built)).get_data(as_text=True))
    data = {"csrf_token": token, "kind": kind, "code": _code(built) if code is None else code,
            "item_id": item_id or _application_item(built).id, "reason": reason, "group": group}
    return client.post(_live(built) + "/meldung", data=data, headers=headers or {}, environ_base=environ or {})


def _signals(built) -> list[RoomSignal]:
    db.session.rollback()
    return list(db.session.execute(sa.select(RoomSignal).where(RoomSignal.meeting_id == built.meeting.id)
                                   .order_by(RoomSignal.id)).scalars())


def _assessment(built):
    db.session.rollback()
    rows = [r for r in queries.agenda(db.session.get(Meeting, built.meeting.id)) if r.item.application_id]
    return consensus.assess(queries.deliberation(rows[0].decision, rows[0].item.application, built.meeting))


# --- the rules of signalling ---------------------------------------------------------------------


def test_signal_needs_the_room_code(client, room):
    refused = _send(client, room, code="000000" if _code(room) != "000000" else "111111")
    assert refused.status_code == 422
    assert "Der Code stimmt nicht" in refused.get_data(as_text=True)
    assert _signals(room) == []
    code = _code(room)
    accepted = _send(client, room, code=f"{code[:3]} {code[3:]}")  # typed with a space, as shown
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("/live#meldung")
    assert [s.kind for s in _signals(room)] == [SignalKind.OBJECTION]


def test_no_signal_while_signals_are_off(client, room, manager):
    code = _code(room)
    signals.switch_off(room.meeting, user=manager)
    response = _send(client, room, code=code)
    assert response.status_code == 422 and "nicht eingeschaltet" in response.get_data(as_text=True)
    assert 'id="meldung"' in client.get(_live(room)).get_data(as_text=True)  # only the empty placeholder
    assert "Ich habe einen Einwand" not in client.get(_live(room)).get_data(as_text=True)
    assert _signals(room) == []


def test_signal_only_for_the_current_item(client, room, manager):
    welcome = room.items[0]
    response = _send(client, room, "question", item_id=welcome.id)
    assert response.status_code == 422 and "anderer Tagesordnungspunkt" in response.get_data(as_text=True)
    services.set_current_item(room.meeting, None, user=manager)
    response = _send(client, room, "question")
    assert response.status_code == 422 and "kein Tagesordnungspunkt beraten" in response.get_data(as_text=True)
    assert _signals(room) == []


def test_objection_signal_only_while_an_application_is_undecided(client, room, manager):
    services.set_current_item(room.meeting, room.items[0].id, user=manager)  # Begrüßung: nothing to decide
    response = _send(client, room, "objection", item_id=room.items[0].id)
    assert response.status_code == 422 and "kein Beschluss offen" in response.get_data(as_text=True)
    assert _send(client, room, "question", item_id=room.items[0].id).status_code == 302


def test_no_signal_unless_the_meeting_is_running(client, huchting, make_meeting, manager):
    planned = make_meeting(huchting, [UNDECIDED], state=MeetingState.PLANNED, when=date.today())
    assert _send(client, planned, code="123456").status_code == 404
    with pytest.raises(signals.SignalRefused):
        signals.switch_on(planned.meeting, user=manager)


def test_one_signal_per_device_and_item_a_second_replaces_it_while_pending(app, client, room):
    assert _send(client, room, "consent").status_code == 302
    assert _send(client, room, "objection", reason="Zu teuer").status_code == 302
    stored = _signals(room)
    assert [(s.kind, s.reason) for s in stored] == [(SignalKind.OBJECTION, "Zu teuer")]
    page = client.get(_live(room)).get_data(as_text=True)
    assert "Ihre Meldung zu diesem Punkt:" in page and "wartet auf die Sitzungsleitung" in page
    other_phone = app.test_client()
    assert _send(other_phone, room, "question").status_code == 302
    assert len(_signals(room)) == 2


def test_a_handled_signal_cannot_be_replaced(client, room, manager):
    _send(client, room, "objection")
    signals.close(room.meeting, _signals(room)[0].id, user=manager)
    response = _send(client, room, "consent")
    assert response.status_code == 422 and "schon bearbeitet" in response.get_data(as_text=True)
    assert [(s.kind, s.state) for s in _signals(room)] == [(SignalKind.OBJECTION, SignalState.DISMISSED)]
    assert "von der Sitzungsleitung verworfen" in client.get(_live(room)).get_data(as_text=True)


def test_wrong_codes_are_rate_limited_per_address(client, room):
    wrong = "000000" if _code(room) != "000000" else "111111"
    for _ in range(signals.WRONG_CODES_PER_ADDRESS):
        assert _send(client, room, code=wrong).status_code == 422
    response = _send(client, room)  # now even the right code waits
    assert response.status_code == 422 and "Zu viele falsche Codes" in response.get_data(as_text=True)
    assert _signals(room) == []


def test_signals_are_rate_limited_per_device(client, room):
    for n in range(signals.PER_DEVICE):
        assert _send(client, room, "question" if n % 2 else "consent").status_code == 302
    response = _send(client, room, "question")
    assert response.status_code == 422 and "Zu viele Meldungen" in response.get_data(as_text=True)


def test_nothing_personal_is_stored(client, room):
    ip, agent = "203.0.113.77", "GeheimPhone/9.9 (Erika Mustermann)"
    _send(client, room, reason="Zu teuer", group="residents", headers={"User-Agent": agent},
          environ={"REMOTE_ADDR": ip})
    cookie = client.get_cookie(signals.DEVICE_COOKIE, path="/portal/")
    assert cookie is not None and cookie.http_only
    stored = [tuple(str(v) for v in row) for row in db.session.execute(sa.select(RoomSignal.__table__)).all()]
    stored += [tuple(str(v) for v in row) for row in db.session.execute(sa.select(ThrottleEvent.__table__)).all()]
    text = " ".join(" ".join(row) for row in stored)
    for secret in (ip, agent, "GeheimPhone", cookie.value):
        assert secret not in text
    signal = _signals(room)[0]
    assert signal.device_hash == signals.device_hash(room.meeting.id, cookie.value)
    assert signal.device_hash != signals.device_hash(room.meeting.id + 1, cookie.value)  # unlinkable


# --- the QM: signals are not decisions -----------------------------------------------------------


def test_pending_objection_signal_does_not_block_consensus(client, room):
    _send(client, room, "objection", reason="Zu teuer")
    assert _assessment(room).standing == ()
    assert _assessment(room).consensus


def test_recorded_objection_signal_blocks_consensus(client, room, manager):
    _send(client, room, "objection", reason="Zu teuer", group="residents")
    signal = _signals(room)[0]
    signals.record_as_objection(room.meeting, signal.id, decisions.ObjectionData(
        group=AttendeeGroup.RESIDENTS, reason="Zu teuer"), user=manager)
    assessment = _assessment(room)
    assert len(assessment.standing) == 1 and not assessment.consensus
    signal = _signals(room)[0]
    assert signal.state == SignalState.RECORDED and db.session.get(Objection, signal.objection_id).reason == "Zu teuer"


def test_recording_follows_the_objection_rules(client, room, manager):
    _send(client, room, "objection")
    signal = _signals(room)[0]
    with pytest.raises(decisions.DomainError, match="Gruppe"):
        signals.record_as_objection(room.meeting, signal.id, decisions.ObjectionData(), user=manager)
    assert _signals(room)[0].state == SignalState.PENDING  # nothing half-written
    _send(client, room, "question")  # replaces it: a question is never an objection
    with pytest.raises(signals.SignalRefused):
        signals.record_as_objection(room.meeting, signal.id, decisions.ObjectionData(
            group=AttendeeGroup.RESIDENTS), user=manager)


def test_qm_records_a_signal_from_the_live_page(client, auth, room, manager):
    phone = client.application.test_client()
    _send(phone, room, "objection", reason=NAMED_REASON, group="institutions")
    auth.login(manager.email)
    live = f"/quartiere/huchting/sitzungen/{room.meeting.id}/live"
    page = client.get(live).get_data(as_text=True)
    assert NAMED_REASON in page and "Als Einwand aufnehmen" in page and _code(room)[:3] in page
    signal = _signals(room)[0]
    token = csrf_token_from(page)
    response = client.post(f"{live}/meldungen/{signal.id}/einwand",
                           data={f"signal{signal.id}-csrf_token": token, f"signal{signal.id}-group": "institutions",
                                 f"signal{signal.id}-reason": "Zu teuer"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#meldungen")
    assert _signals(room)[0].state == SignalState.RECORDED
    assert not _assessment(room).consensus


def test_objection_signalled_too_late_can_only_be_dismissed(client, auth, room, manager):
    """The phone sent an objection, then the forum decided: the QM sees it, but cannot take it in."""
    _send(client.application.test_client(), room, "objection", reason="Zu teuer")
    item = _application_item(room)
    db.session.rollback()
    db.session.add(Decision(agenda_item_id=item.id, application_id=item.application_id, outcome=Outcome.APPROVED,
                            decided_at=utcnow()))
    db.session.commit()
    auth.login(manager.email)
    page = client.get(f"/quartiere/huchting/sitzungen/{room.meeting.id}/live").get_data(as_text=True)
    assert "kam zu spät" in page and "Als Einwand aufnehmen" not in page and "Verwerfen" in page
    signal = _signals(room)[0]
    with pytest.raises(decisions.DomainError):
        signals.record_as_objection(room.meeting, signal.id, decisions.ObjectionData(
            group=AttendeeGroup.RESIDENTS), user=manager)
    assert signals.close(room.meeting, signal.id, user=manager) == SignalState.DISMISSED


def test_qm_pending_list_answers_the_poll_with_304(client, auth, room, manager):
    auth.login(manager.email)
    url = f"/quartiere/huchting/sitzungen/{room.meeting.id}/live/meldungen"
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    _send(client.application.test_client(), room, "question")
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_another_neighbourhoods_manager_cannot_see_or_handle_signals(client, auth, room, make_user,
                                                                     make_neighbourhood):
    other = make_neighbourhood("Tenever", slug="tenever", code="TEN")
    intruder = make_user("qm.tenever@example.org", roles={other: Role.MANAGER})
    _send(client.application.test_client(), room, "objection", reason=NAMED_REASON)
    auth.login(intruder.email)
    signal = _signals(room)[0]
    base = f"/quartiere/huchting/sitzungen/{room.meeting.id}/live/meldungen"
    assert client.get(base).status_code in (403, 404)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for url in (f"{base}/{signal.id}/erledigt", f"{base}/code", f"{base}/aus"):
        assert client.post(url, data={"csrf_token": token}).status_code in (403, 404), url
    # Through their own neighbourhood's URL the signal is not found either.
    assert client.get(f"/quartiere/tenever/sitzungen/{room.meeting.id}/live/meldungen").status_code in (403, 404)
    assert _signals(room)[0].state == SignalState.PENDING and _code(room)


# --- what the room sees -----------------------------------------------------------------------


def test_public_pages_show_counts_not_reasons(client, room, manager):
    _send(client, room, "objection", reason=NAMED_REASON, group="residents")
    _send(client.application.test_client(), room, "question")
    token = services.new_projector_link(room.meeting, user=manager)
    beamer = f"/beamer/huchting/{room.meeting.id}/{token}"
    for url in (_live(room), _live(room) + "?teil=1", _live(room) + "?teil=meldung", beamer, beamer + "/stand.json"):
        body = client.get(url).get_data(as_text=True)
        assert NAMED_REASON not in body, url
        if "beamer" in url or "teil=1" in url:  # the group, too (the form's own list has its name)
            assert "Bewohner:innen" not in body and "residents" not in body, url
    stage = client.get(_live(room) + "?teil=1").get_data(as_text=True)
    assert "Meldungen aus dem Raum" in stage and '<span class="signal-count">1</span> Einwand' in stage
    state = client.get(beamer + "/stand.json").get_json()
    assert state["item"]["signals"] == {"objection": 1, "question": 1, "consent": 0}
    assert state["signal_code"].replace(" ", "") == _code(room)


def test_dismissed_signals_leave_the_counts(client, room, manager):
    _send(client, room, "objection")
    signals.close(room.meeting, _signals(room)[0].id, user=manager)
    assert signals.counts(_application_item(room).id)[SignalKind.OBJECTION] == 0


def test_a_signal_changes_the_poll_version_which_stays_one_query(client, room, count_queries):
    before = follow.version("huchting", room.meeting.id).tag
    _send(client, room, "consent")
    db.session.rollback()
    after = follow.version("huchting", room.meeting.id).tag
    assert after != before
    with count_queries() as q:
        assert client.get(_live(room) + "/stand.json", headers={"If-None-Match": f'"{after}"'}).status_code == 304
    assert q.count == 1, q.statements


def test_progressive_post_gets_the_panel_back(client, room):
    response = _send(client, room, "question", headers={"X-Requested-With": "fetch"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith("{#") is False
    assert 'id="meldung"' in body and "Ihre Meldung ist angekommen: Frage." in body and "<html" not in body
    wrong = _send(client, room, "question", code="999999" if _code(room) != "999999" else "888888",
                  headers={"X-Requested-With": "fetch"})
    assert wrong.status_code == 422 and "Der Code stimmt nicht" in wrong.get_data(as_text=True)


# --- after the meeting ---------------------------------------------------------------------------


def test_approving_the_minutes_deletes_the_signals(app, client, huchting, make_meeting, manager):
    decided = make_meeting(huchting, factories.standard_specs(), state=MeetingState.HELD, when=date.today())
    services.set_current_item(decided.meeting, decided.items[0].id, user=manager)
    signals.switch_on(decided.meeting, user=manager)
    _send(client, decided, "question", item_id=decided.items[0].id)
    _send(app.test_client(), decided, "consent", item_id=decided.items[0].id)
    assert len(_signals(decided)) == 2
    minutes_services.approve(decided.meeting.id, user=manager, no_objections=True,
                             today=date.today().replace(year=date.today().year + 1))
    assert _signals(decided) == []
    assert db.session.get(Meeting, decided.meeting.id).signal_code is None
