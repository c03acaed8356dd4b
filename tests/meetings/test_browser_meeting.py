"""A whole forum meeting in a real browser: one approval (with a recusal), one deferral after an
objection, the projector following along without reloading; then the ledger is checked.

Runs Debian's Chromium through Playwright against the app served by werkzeug on a free
localhost port, on the test database. Skips only where Chromium is not installed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, chromium_or_skip
from tests.conftest import TEST_PASSWORD
from wingrant.applications.models import Application
from wingrant.applications.models import ApplicationState as S
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import EntryKind, LedgerEntry
from wingrant.meetings.models import Decision, Outcome, Recusal

TIMEOUT_MS = 10_000

pytestmark = pytest.mark.slow


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def sync_api():
    chromium_or_skip()
    import playwright.sync_api

    return playwright.sync_api


def in_own_thread(scenario):
    """Run a Playwright scenario in a thread of its own: Playwright's sync API refuses to start in a
    thread where another suite's browser (tests/browser) already runs its event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(scenario).result(timeout=300)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"meeting-{name}.png"), full_page=True)


def test_a_meeting_in_the_browser_moves_the_money_it_decides(db, forum, make_application, make_organisation,
                                                             sync_api, live_server):
    garden = make_organisation("Nachbarschaftsgarten Huchting e. V.")
    beds = make_application(neighbourhood=forum.neighbourhood, title="Hochbeete", organisation=garden,
                            requested={forum.win: 4_800_00})
    workshop = make_application(neighbourhood=forum.neighbourhood, title="Offene Fahrradwerkstatt",
                                requested={forum.win: 5_000_00})
    email, slug, meeting_id = forum.manager.email, forum.neighbourhood.slug, forum.meeting.id
    db.session.rollback()
    base = f"{live_server}/quartiere/{slug}/sitzungen/{meeting_id}"

    def scenario():
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))

                page.goto(f"{live_server}/anmelden")
                page.fill("#email", email)
                page.fill("#password", TEST_PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_load_state()

                # Agenda: both applications, through the checkboxes.
                page.goto(base)
                page.get_by_label("Hochbeete", exact=False).check()
                page.get_by_label("Offene Fahrradwerkstatt", exact=False).check()
                page.get_by_role("button", name="Auf die Tagesordnung").click()
                assert "Die Anträge stehen auf der Tagesordnung." in page.locator(".flashes").inner_text()
                _shot(page, "1-agenda")

                # The projector, opened before the meeting starts, must follow without a reload.
                beamer = context.new_page()
                beamer.on("pageerror", lambda e: errors.append(f"beamer: {e}"))
                beamer.goto(f"{base}/beamer")
                beamer.evaluate("window.stillTheSamePage = true")
                assert "Die Sitzung beginnt gleich." in beamer.inner_text("#beamer-stage")

                page.get_by_role("link", name="Sitzungsmodus").click()
                page.get_by_role("button", name="Hochbeete", exact=False).click()
                page.get_by_role("heading", name="Hochbeete", exact=False).first.wait_for()  # visible, or a timeout
                beamer.locator(".beamer-title", has_text="Hochbeete").wait_for()

                # TOP 4.1: the garden's chairwoman is recused; her objection then does not count.
                page.fill("#recusal-person_name", "Petra Lange")
                page.fill("#recusal-organisation", "Nachbarschaftsgarten Huchting e. V.")
                page.fill("#recusal-reason", "Vorsitzende des Trägervereins")
                page.get_by_role("button", name="Befangenheit erfassen").click()
                page.select_option("#objection-group", "")
                page.fill("#objection-person_name", "Petra Lange")
                page.fill("#objection-reason", "Wir brauchen mehr Geld")
                page.get_by_role("button", name="Einwand erfassen").click()
                assert "Konsens möglich" in page.inner_text("#konsens")
                assert "zählt nicht: befangen" in page.inner_text("section[aria-labelledby=einwaende]")
                page.get_by_label("beschlossen", exact=True).check()
                _shot(page, "2-before-approval")
                page.get_by_role("button", name="Beschluss erfassen").click()
                assert "Beschluss erfasst: beschlossen." in page.locator(".flashes").inner_text()
                beamer.locator(".beamer-outcome", has_text="beschlossen").wait_for()
                _shot(beamer, "3-beamer-approved")

                # TOP 4.2: residents object, approval is impossible, the forum defers.
                page.get_by_role("button", name="Nächster Punkt").click()
                page.get_by_role("heading", name="Offene Fahrradwerkstatt", exact=False).first.wait_for()
                page.select_option("#objection-group", "residents")
                page.fill("#objection-reason", "Die Anleitung nach Projektende ist nicht gesichert")
                page.get_by_role("button", name="Einwand erfassen").click()
                assert "Kein Konsens: 1 Einwand steht." in page.inner_text("#konsens")
                assert page.get_by_label("beschlossen", exact=True).is_disabled()
                assert page.get_by_label("beschlossen mit Änderungen").is_disabled()
                beamer.locator(".beamer-status", has_text="noch kein Konsens").wait_for()
                page.get_by_label("vertagt").check()
                page.get_by_role("button", name="Beschluss erfassen").click()  # no reason yet
                assert "Bitte einen Grund angeben." in page.inner_text("section[aria-labelledby=beschluss]")
                page.get_by_label("vertagt").check()
                page.fill("#outcome-reason", "Finanzierung der Anleitung klären")
                page.get_by_role("button", name="Beschluss erfassen").click()  # no reason category yet
                assert "Mittel nicht ausreichend" in page.inner_text("section[aria-labelledby=beschluss]")
                page.get_by_label("vertagt").check()
                page.select_option("#outcome-reason_category", "content")
                page.get_by_role("button", name="Beschluss erfassen").click()
                assert "Beschluss erfasst: vertagt." in page.locator(".flashes").inner_text()
                beamer.locator(".beamer-outcome", has_text="vertagt").wait_for()
                _shot(page, "4-deferred")
                _shot(beamer, "5-beamer-deferred")
                assert beamer.evaluate("window.stillTheSamePage === true"), "the projector reloaded instead of updating"
                assert errors == []
            finally:
                browser.close()

    in_own_thread(scenario)

    # The ledger: the approval bound exactly 4.800 €, the deferral nothing.
    db.session.rollback()
    assert ledger_queries.balance(forum.win_budget.id).available == 5_200_00
    commitments = db.session.execute(
        sa.select(LedgerEntry.application_id, LedgerEntry.amount_cents).filter_by(kind=EntryKind.COMMITMENT)
    ).all()
    assert commitments == [(beds.id, 4_800_00)]
    assert db.session.get(Application, beds.id).state == S.APPROVED
    assert db.session.get(Application, workshop.id).state == S.DEFERRED
    outcomes = dict(db.session.execute(sa.select(Decision.application_id, Decision.outcome)).all())
    assert outcomes == {beds.id: Outcome.APPROVED, workshop.id: Outcome.DEFERRED}
    assert db.session.execute(sa.select(Recusal.person_name)).scalars().all() == ["Petra Lange"]
