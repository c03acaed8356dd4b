"""A phone follows the meeting: while the QM moves the current item in another browser, the public
live page (390 × 844 and 1280 px) shows the new item within a few seconds, without reloading and
without scrolling sideways."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.browser.conftest import ARTIFACTS, login, screenshot
from wingrant.extensions import db
from wingrant.meetings.models import Meeting, MeetingState
from wingrant.neighbourhoods.models import Neighbourhood

pytestmark = pytest.mark.slow

QM = "qm.huchting@wingrant.example"
#: Where the screenshots go for review, when that folder exists (the developer's notes).
NOTES = Path("/work/notes")


def _invited_meeting(site) -> int:
    with site.server.app.app_context():
        return db.session.execute(
            sa.select(Meeting.id).join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
            .where(Neighbourhood.slug == "huchting", Meeting.state == MeetingState.INVITED)
            .order_by(Meeting.date)).scalars().first()


def _shot(page, name: str) -> None:
    screenshot(page, name)
    if NOTES.is_dir():
        shutil.copy(ARTIFACTS / f"{name}.png", NOTES / f"{name}.png")


def test_phone_follows_the_current_item_without_reloading(browser, demo_site):
    meeting_id = _invited_meeting(demo_site)
    assert meeting_id, "the demo data has an invited meeting in Huchting"
    public = f"{demo_site.url}/portal/huchting/sitzungen/{meeting_id}/live"

    qm_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    qm = qm_context.new_page()
    login(qm, demo_site, QM)
    qm.goto(f"{demo_site.url}/quartiere/huchting/sitzungen/{meeting_id}/live")

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="de-DE")
    phone = phone_context.new_page()
    phone.goto(public)
    desk_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    desk = desk_context.new_page()
    desk.goto(public)
    assert "Die Sitzung hat noch nicht begonnen." in phone.inner_text("#live-stage")
    phone.evaluate("window.__notReloaded = true")

    qm.click("text=Sitzung beginnen")
    qm.wait_for_load_state()
    phone.locator("#live-stage", has_text="TOP 1").wait_for(timeout=5000)
    # Onwards to the first application on the agenda.
    for _ in range(8):
        if phone.locator("#live-stage", has_text="Träger:").count():
            break
        qm.click("text=Nächster Punkt")
        qm.wait_for_load_state()
        phone.wait_for_timeout(3200)
    assert phone.locator("#live-stage", has_text="Träger:").count(), "an application item reached the phone"
    assert phone.evaluate("window.__notReloaded === true")  # swapped in, not reloaded
    desk.locator("#live-stage", has_text="Träger:").wait_for(timeout=5000)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(phone, "publiclive-phone-390")
    _shot(desk, "publiclive-desktop-1280")
    # The room's computer opens the projector through the secret link, with no login, in German.
    qm.click("text=Beamer-Link und Live-Seite für das Publikum")
    qm.click("text=Beamer-Link erzeugen")
    qm.wait_for_load_state()
    link = qm.input_value("#projector-link")
    _shot(qm, "publiclive-qm-live")
    room_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    room = room_context.new_page()
    room.goto(demo_site.url + urlsplit(link).path)  # the link names PUBLIC_URL, not this test server
    assert room.locator("html[lang=de]").count() and room.locator(".beamer-follow img").count()
    _shot(room, "publiclive-beamer")
    for context in (qm_context, phone_context, desk_context, room_context):
        context.close()
