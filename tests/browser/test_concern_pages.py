"""The concern pages in Chromium at a desktop (1280 px) and a phone (390 × 844) width: the QM's list
and a concern's page, the live meeting's quick form, and the portal page. Nothing wider than the
screen; screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.browser.conftest import login, screenshot
from wingrant.auth.models import User
from wingrant.concerns import services
from wingrant.concerns.models import ConcernStatus
from wingrant.concerns.rules import Step
from wingrant.extensions import db
from wingrant.meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingState
from wingrant.neighbourhoods.models import Neighbourhood

pytestmark = pytest.mark.slow

QM = "qm.huchting@wingrant.example"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def concern_site(demo_site):
    """The demo site with a few concerns in Huchting, one raised in its held meeting."""
    with demo_site.server.app.app_context():
        nb = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
        qm = db.session.execute(sa.select(User).filter_by(email=QM)).scalar_one()
        item = db.session.execute(
            sa.select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(Meeting.neighbourhood_id == nb.id, Meeting.date <= date.today(),
                   Meeting.state != MeetingState.PLANNED, AgendaItem.kind == AgendaItemKind.RESIDENTS)
            .order_by(Meeting.date.desc())).scalars().first()
        lamp = services.create_concern(nb, services.ConcernInput(
            "Dunkler Fußweg zwischen Sodenmatt und Amersfoorter Straße",
            "Die Laterne am Fußweg ist seit Wochen aus; abends meiden Ältere den Weg.",
            agenda_item_id=item.id), user=qm)
        day = item.meeting.date
        services.add_follow_up(lamp.id, Step(min(day + timedelta(days=2), date.today()), ConcernStatus.FORWARDED,
                                             "Amt für Straßen und Verkehr (ASV)"), user=qm)
        services.add_follow_up(lamp.id, Step(date.today(), ConcernStatus.ANSWERED, "",
                                             "Antwort des ASV: Die Leuchte wird im nächsten Monat ersetzt."), user=qm)
        services.create_concern(nb, services.ConcernInput(
            "Sperrmüll an der Haltestelle Roland-Center", raised_on=date.today() - timedelta(days=3),
            office="Die Bremer Stadtreinigung"), user=qm)
        db.session.commit()
        meeting_id, concern_id = item.meeting_id, lamp.id
    return demo_site, meeting_id, concern_id


@pytest.mark.parametrize("width", list(WIDTHS))
def test_concern_pages_fit_the_screen(browser, concern_site, width):
    site, meeting_id, concern_id = concern_site
    context = browser.new_context(viewport=WIDTHS[width], locale="de-DE")
    page = context.new_page()
    pages = {"portal": f"{site.url}/portal/huchting/anliegen"}
    page.goto(pages["portal"])
    assert page.locator("text=weitergeleitet an Amt für Straßen und Verkehr (ASV)").count() >= 1
    login(page, site, QM)
    pages.update({
        "qm-liste": f"{site.url}/quartiere/huchting/anliegen",
        "qm-anliegen": f"{site.url}/quartiere/huchting/anliegen/{concern_id}",
        "qm-neu": f"{site.url}/quartiere/huchting/anliegen/neu",
    })
    too_wide = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            too_wide.append(f"{name}: {scroll} px > {inner} px")
        screenshot(page, f"anliegen-{name}-{width}")
    context.close()
    assert too_wide == []


def test_quick_form_in_the_live_meeting_records_a_concern(browser, concern_site):
    site, meeting_id, _concern_id = concern_site
    context = browser.new_context(viewport=WIDTHS["phone"], locale="de-DE")
    page = context.new_page()
    login(page, site, QM)
    page.goto(f"{site.url}/quartiere/huchting/sitzungen/{meeting_id}/live")
    page.get_by_role("button", name="Wünsche und Anliegen der Bewohner:innen").first.click()
    page.wait_for_load_state()
    page.fill("#anliegen-topic", "Mehr Mülleimer am Park Links der Weser")
    page.fill("#anliegen-office", "Umweltbetrieb Bremen")
    page.locator("#anliegen button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").inner_text().startswith("Anliegen „Mehr Mülleimer")
    assert page.locator("#anliegen li", has_text="Mehr Mülleimer am Park").count() == 1
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    screenshot(page, "anliegen-live-phone")
    context.close()
    assert scroll <= inner
