"""The Träger's self-service in a real browser at phone size (390×844), on the demo site.

Open the private link → see the status → answer the QM's Rückfrage; then, on a
demo application the forum decided (minutes approved) and the administration
granted: see the decision → send the Verwendungsnachweis as a draft with a file.
Screenshots land in test-artifacts/ (selfservice-*.png).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, screenshot
from wingrant.applications import services as application_services
from wingrant.applications.models import Application
from wingrant.applications.models import ApplicationState as S
from wingrant.applications.tokens import hash_token
from wingrant.auth.models import User
from wingrant.extensions import db
from wingrant.funding.models import Grant, UseOfFundsDraft
from wingrant.mail.models import OutboxMail
from wingrant.meetings.models import AgendaItem, Decision, Outcome
from wingrant.minutes.models import Minutes, MinutesState

from .test_browser_journey import TIMEOUT_MS, in_own_thread, sync_api  # noqa: F401

pytestmark = pytest.mark.slow

QM = "qm.huchting@wingrant.example"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _prepare(app) -> tuple[str, str, int]:
    """A Rückfrage on a submitted application (its link from the mail), and a link to a granted one."""
    with app.app_context():
        qm = db.session.execute(sa.select(User).filter_by(email=QM)).scalar_one()
        asked = db.session.execute(
            sa.select(Application).where(Application.state.in_([S.SUBMITTED, S.IN_REVIEW]),
                                         Application.neighbourhood.has(slug="huchting")).limit(1)).scalar_one()
        asked.contact_email = asked.contact_email or "traeger@example.org"
        db.session.commit()
        if asked.state == S.SUBMITTED:
            application_services.perform_step(asked, "pruefen", user=qm)
        application_services.perform_step(asked, "rueckfrage", user=qm, text="Wie viele Kinder machen mit?")
        mail = db.session.execute(sa.select(OutboxMail).where(OutboxMail.kind == "applicant.query")
                                  .order_by(OutboxMail.id.desc()).limit(1)).scalar_one()
        query_token = re.search(r"/antrag/([A-Za-z0-9_-]+)", mail.body_text).group(1)
        # A decision the forum approved and whose minutes are approved; granted here as the
        # administration would (the demo data grants nothing).
        decision = db.session.execute(
            sa.select(Decision).join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
            .join(Minutes, Minutes.meeting_id == AgendaItem.meeting_id)
            .join(Application, Decision.application_id == Application.id)
            .where(Decision.outcome == Outcome.APPROVED, Application.state == S.APPROVED,
                   Minutes.state.in_([MinutesState.APPROVED, MinutesState.PUBLISHED]))
            .order_by(Decision.id).limit(1)).scalar_one()
        granted = decision.application
        for i, amount in enumerate(decision.amounts):
            db.session.add(Grant(application_id=granted.id, programme_id=amount.programme_id,
                                 number=f"ZB-BROWSER-{i}", granted_on=date.today(), amount_cents=amount.amount_cents))
        granted.state = S.GRANTED
        granted.access_token_hash = hash_token("demo-bewilligt-link")
        db.session.commit()
        granted_id = granted.id
        db.session.remove()
    return query_token, "demo-bewilligt-link", granted_id


def test_traeger_answers_sees_the_decision_and_sends_the_report_on_a_phone(demo_site, sync_api, tmp_path):
    query_token, granted_token, granted_id = _prepare(demo_site.server.app)
    receipt = tmp_path / "Rechnungen.pdf"
    receipt.write_bytes(PDF)

    def scenario() -> list[str]:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE",
                                              is_mobile=True, has_touch=True, device_scale_factor=1)
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))

                page.goto(f"{demo_site.url}/antrag/{query_token}")
                assert "Status: Rückfrage" in page.inner_text("section.status-now")
                assert "Wie viele Kinder machen mit?" in page.inner_text("section.problems")
                screenshot(page, "selfservice-1-query")
                page.get_by_label("Ihre Antwort").fill("Etwa 25 Kinder aus der Grundschule am Sodenmatt.")
                page.get_by_role("button", name="Antwort senden").click()
                assert "Danke für Ihre Antwort" in page.inner_text(".flashes")
                assert "Status: In Prüfung" in page.inner_text("section.status-now")
                assert "Etwa 25 Kinder" in page.inner_text("ol.timeline")
                screenshot(page, "selfservice-2-answered")

                page.goto(f"{demo_site.url}/antrag/{granted_token}")
                decision = page.locator("section.decision").first
                assert "Ergebnis: beschlossen" in decision.inner_text()
                assert decision.get_by_role("link", name="Beschlussmitteilung als PDF").is_visible()
                decision.scroll_into_view_if_needed()
                screenshot(page, "selfservice-3-decision")

                form = page.locator("#verwendungsnachweis form")
                form.get_by_label("Sachbericht").fill("Acht Treffen mit je 20 Teilnehmenden; Material wie geplant.")
                form.get_by_label("Tatsächliche Gesamtkosten").fill("1.000")
                for field in form.locator("input[id^=nachweis-spent_]").all():
                    field.fill("0")
                form.locator("input[type=file]").set_input_files(str(receipt))
                screenshot(page, "selfservice-4-report-form")
                form.get_by_role("button", name="Verwendungsnachweis senden").click()
                assert "liegt jetzt dem Quartiersmanagement vor" in page.inner_text(".flashes")
                assert "liegt dem Quartiersmanagement vor" in page.inner_text("#verwendungsnachweis")
                screenshot(page, "selfservice-5-report-sent")
                # Nothing wider than the phone: no sideways scrolling.
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                assert errors == []
                return page.locator("ol.timeline > li").all_inner_texts()
            finally:
                browser.close()

    events = in_own_thread(scenario)
    assert any("Verwendungsnachweis gesendet" in e for e in events)
    with demo_site.server.app.app_context():
        [draft] = db.session.execute(
            sa.select(UseOfFundsDraft).where(UseOfFundsDraft.application_id == granted_id)).scalars().all()
        assert [f.original_name for f in draft.files] == ["Rechnungen.pdf"]
        db.session.remove()
