"""The form journey of a Quartiersmanagerin in a real browser, on the demo site.

A new draft with a cost and financing plan typed the German way (after one
amount the form must refuse, with its German message at the field), then every
step up to Beschlussreif: Einreichen, In Prüfung nehmen, Rückfrage, Antwort,
Beschlussreif. The timeline must show each of them; screenshots land in
test-artifacts/.

Playwright runs in a thread of its own, as in tests/meetings: the session-wide
``browser`` of tests/browser holds Playwright's event loop in the main thread,
and a second sync Playwright there is refused. ``demo_site``, ``login`` and
``screenshot`` are the ones of tests/browser (the fixture is imported by
tests/applications/conftest.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, login, screenshot

pytestmark = pytest.mark.slow

QM = "qm.huchting@wingrant.example"
TIMEOUT_MS = 10_000
TITLE = "Nachbarschaftsfrühstück im Quartierstreff"


@pytest.fixture
def sync_api():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


def in_own_thread(scenario):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(scenario).result(timeout=300)


def _flash(page) -> str:
    return page.locator(".flashes").inner_text()


def _step(page, label: str, text: str | None = None) -> None:
    """Press a life-cycle button; steps with a text open their <details> form first."""
    actions = page.locator("section.actions")
    if text is None:
        actions.get_by_role("button", name=label, exact=True).click()
        return
    details = actions.locator("details.step", has=page.locator("summary", has_text=label))
    details.locator("summary").click()
    details.locator("textarea").fill(text)
    details.get_by_role("button", name=label, exact=True).click()


def test_qm_takes_a_german_typed_draft_to_beschlussreif_and_the_timeline_shows_every_step(demo_site, sync_api):
    year = date.today().year  # the demo data's budget year

    def scenario() -> str:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                login(page, demo_site, QM)

                page.goto(f"{demo_site.url}/quartiere/huchting/antraege")
                page.get_by_role("link", name="Neuer Antrag").click()
                page.select_option("#organisation_id", label="Nachbarschaftsgarten Huchting e. V.")
                page.fill("#title", TITLE)
                page.fill("#summary", "Einmal im Monat frühstücken Nachbar:innen gemeinsam.")
                page.select_option("#year", str(year))
                page.fill("#start_date", f"{year}-04-01")
                page.fill("#end_date", f"{year}-10-31")
                page.select_option("#costs-0-kind", label="Sachkosten")
                page.fill("#costs-0-description", "Lebensmittel und Geschirr")
                page.fill("#costs-0-amount", "1.2345,00")  # a dot that groups no thousands
                page.select_option("#costs-1-kind", label="Honorare")
                page.fill("#costs-1-description", "Anleitung")
                page.fill("#costs-1-amount", "800 €")
                page.select_option("#funding-0-kind", label="Eigenmittel")
                page.fill("#funding-0-description", "Vereinskasse")
                page.fill("#funding-0-amount", "1.017,28")
                page.get_by_label("Beantragt aus WiN – Wohnen in Nachbarschaften").fill("1.017,28")
                page.get_by_role("button", name="Speichern").last.click()

                # Refused, and the German message sits at the field, tied to it for screen readers.
                amount = page.locator("#costs-0-amount")
                assert amount.get_attribute("aria-invalid") == "true"
                assert amount.get_attribute("aria-describedby") == "costs-0-amount-error"
                assert "Der Punkt trennt Tausender" in page.inner_text("#costs-0-amount-error")
                assert "Bitte prüfen Sie Ihre Angaben" in page.inner_text(".error-summary")
                assert amount.input_value() == "1.2345,00"  # what was typed stays there to correct
                screenshot(page, "applications-journey-1-bad-amount")

                page.fill("#costs-0-amount", "1.234,56")
                page.get_by_role("button", name="Speichern").last.click()
                flash = _flash(page)
                assert "als Entwurf gespeichert" in flash, flash
                reference = page.locator("h1 .reference").inner_text()
                assert page.get_by_role("heading", name=TITLE).is_visible()
                costs = page.inner_text("section[aria-labelledby=costs-title]")
                assert "1.234,56\u00a0€" in costs and "800,00\u00a0€" in costs and "2.034,56\u00a0€" in costs
                assert "ausgeglichen" in page.inner_text("section[aria-labelledby=funding-title]")
                screenshot(page, "applications-journey-2-draft")

                _step(page, "Einreichen")
                assert "Neuer Status: Eingereicht." in _flash(page)
                _step(page, "In Prüfung nehmen", "Vollständig, Kostenplan plausibel.")
                assert "Neuer Status: In Prüfung." in _flash(page)
                _step(page, "Rückfrage stellen", "Wer kauft die Lebensmittel ein?")
                assert "Neuer Status: Rückfrage." in _flash(page)
                screenshot(page, "applications-journey-3-query")
                _step(page, "Antwort erfassen", "Zwei Ehrenamtliche aus dem Garten-Verein.")
                assert "Neuer Status: In Prüfung." in _flash(page)
                _step(page, "Als beschlussreif markieren")
                assert "Neuer Status: Beschlussreif." in _flash(page)
                assert page.locator(".meta .state").inner_text() == "Beschlussreif"
                screenshot(page, "applications-journey-4-ready")

                events = page.locator("ol.timeline > li").all_inner_texts()
                assert errors == []
                return reference, events
            finally:
                browser.close()

    reference, events = in_own_thread(scenario)

    expected = [
        "Angelegt: Entwurf",
        "Status: Entwurf → Eingereicht",
        "Status: Eingereicht → In Prüfung",
        "Vollständig, Kostenplan plausibel.",
        "Status: In Prüfung → Rückfrage",
        "Wer kauft die Lebensmittel ein?",
        "Status: Rückfrage → In Prüfung",
        "Zwei Ehrenamtliche aus dem Garten-Verein.",
        "Status: In Prüfung → Beschlussreif",
    ]
    shown = "\n".join(events)
    positions = [shown.find(text) for text in expected]
    assert -1 not in positions, f"missing in the timeline: {[t for t, p in zip(expected, positions) if p < 0]}"
    assert positions == sorted(positions), "the timeline is not in the order of the steps"
    assert all("Maren Hollmann" in e for e in events), "every step names who took it"

    # What the browser did is what the database holds.
    from wingrant.applications.models import Application, ApplicationState, FinancingItem
    from wingrant.extensions import db

    with demo_site.server.app.app_context():
        app = db.session.execute(sa.select(Application).filter_by(reference=reference)).scalar_one()
        assert app.state == ApplicationState.READY
        assert sorted(c.amount_cents for c in app.cost_items) == [800_00, 1_234_56]
        assert sorted(f.amount_cents for f in app.financing_items) == [1_017_28, 1_017_28]
        assert db.session.execute(sa.select(sa.func.count(FinancingItem.id)).filter_by(
            application_id=app.id, programme_id=None)).scalar_one() == 1
        db.session.remove()
