"""Issue 17.3 done-when: a meeting in which a phone (390 × 844) follows the public live page, enters the
room code, signals an objection with a reason; the QM's live page shows it pending without a reload,
the QM records it, the consensus box says the objection stands, the phone learns that it was
recorded, and the projector (through its secret link, no login) shows the count."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.browser.conftest import ARTIFACTS, login, screenshot
from wingrant.extensions import db
from wingrant.meetings.models import AgendaItem, Meeting, MeetingState
from wingrant.neighbourhoods.models import Neighbourhood

pytestmark = pytest.mark.slow

QM = "qm.huchting@wingrant.example"
NOTES = Path("/work/notes")
REASON = "Das Fest liegt mitten in den Sommerferien."


def _invited_meeting_and_application_item(site) -> tuple[int, int]:
    with site.server.app.app_context():
        meeting_id = db.session.execute(
            sa.select(Meeting.id).join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
            .where(Neighbourhood.slug == "huchting", Meeting.state == MeetingState.INVITED)
            .order_by(Meeting.date)).scalars().first()
        item_id = db.session.execute(
            sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id,
                                           AgendaItem.application_id.is_not(None))
            .order_by(AgendaItem.position)).scalars().first()
        return meeting_id, item_id


def _shot(page, name: str) -> None:
    screenshot(page, name)
    if NOTES.is_dir():
        shutil.copy(ARTIFACTS / f"{name}.png", NOTES / f"{name}.png")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _small_targets(page, scope: str) -> list[str]:
    return page.evaluate("""scope => [...document.querySelectorAll(
            ['button', 'input:not([type=hidden])', 'select', 'textarea'].map(t => scope + ' ' + t).join(', '))]
        .filter(e => e.offsetParent !== null)
        .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
        .map(e => e.outerHTML.slice(0, 80))""", scope)


def test_phone_signals_an_objection_that_the_qm_records_and_the_projector_counts(browser, demo_site):
    meeting_id, item_id = _invited_meeting_and_application_item(demo_site)
    assert meeting_id and item_id, "the demo data has an invited meeting in Huchting with an application"
    live = f"{demo_site.url}/quartiere/huchting/sitzungen/{meeting_id}/live"
    public = f"{demo_site.url}/portal/huchting/sitzungen/{meeting_id}/live"

    qm_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    qm = qm_context.new_page()
    login(qm, demo_site, QM)
    qm.goto(live)
    qm.click(f"button.agenda-button[value='{item_id}']")  # the first application is the current item
    qm.wait_for_load_state()
    qm.click("#meldungen button:has-text('Meldungen einschalten')")
    qm.wait_for_load_state()
    code = qm.inner_text("#meldungen .signal-code")
    assert len(code.replace(" ", "")) == 6

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="de-DE")
    phone = phone_context.new_page()
    phone.goto(public)
    phone.evaluate("window.__notReloaded = true")
    panel = phone.locator("#meldung")
    assert panel.is_visible() and "Ich habe einen Einwand" in panel.inner_text()
    assert not _small_targets(phone, "#meldung"), "controls of at least 44 px"
    phone.fill("#code", code)
    phone.fill("#reason", REASON)
    phone.select_option("#group", "residents")
    _shot(phone, "signals-phone-form-390")
    phone.click("text=Ich habe einen Einwand")
    phone.locator("#signal-status", has_text="Ihre Meldung ist angekommen: Einwand.").wait_for(timeout=5000)
    assert phone.evaluate("window.__notReloaded === true")  # sent without leaving the page
    phone.locator("#live-stage .signal-objection .signal-count", has_text="1").wait_for(timeout=5000)
    assert _fits(phone)
    _shot(phone, "signals-phone-sent-390")

    # The QM's page shows it pending without a reload, with the reason (for the QM only).
    pending = qm.locator("#meldungen .signal-item.signal-objection")
    pending.wait_for(timeout=8000)
    assert REASON in pending.inner_text() and "Bewohner:innen" in pending.inner_text()
    assert "Konsens möglich" in qm.inner_text("#konsens")  # a signal is not an objection
    _shot(qm, "signals-qm-pending-1280")
    pending.locator("button:has-text('Als Einwand aufnehmen')").click()
    qm.wait_for_load_state()
    assert "Der Einwand ist erfasst" in qm.inner_text(".flashes")
    assert "Kein Konsens: 1 Einwand steht." in qm.inner_text("#konsens")
    assert REASON in qm.inner_text("section[aria-labelledby=einwaende]")
    assert not qm.locator("#meldungen .signal-item").count()

    # The phone learns it was recorded (nobody typing there: the panel is fetched again).
    phone.locator("#meldung", has_text="als Einwand aufgenommen").wait_for(timeout=8000)

    # The projector, through its secret link, shows the count and the code; never the reason.
    qm.click("text=Beamer-Link und Live-Seite für das Publikum")
    qm.click("#beamer-link button[type=submit]")
    qm.wait_for_load_state()
    link = qm.input_value("#projector-link")
    room_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
    room = room_context.new_page()
    room.goto(demo_site.url + urlsplit(link).path)
    counts = room.locator(".beamer-signals")
    assert "1 Einwand" in counts.inner_text() and code in counts.inner_text()
    assert REASON not in room.content()
    _shot(room, "signals-beamer-1280")

    desk_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    desk = desk_context.new_page()
    desk.goto(public)
    assert REASON not in desk.content() and _fits(desk)
    _shot(desk, "signals-public-1280")
    for context in (qm_context, phone_context, room_context, desk_context):
        context.close()
