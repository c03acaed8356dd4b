"""The main journey of the year, in a real browser, from the first application to the public page.

A Quartiersmanagerin types a new application with a cost plan in German amounts and takes it
to Beschlussreif; she makes a second one ready, plans a meeting and puts three applications on
its agenda; in the live meeting she counts the attendance and records one approval, one
deferral after an objection and one recusal (the recused person's objection does not count,
so the forum approves); she marks the meeting as held, writes, approves and publishes the
minutes. Then an anonymous visitor opens the public portal: the decision, the remaining
budget and the minutes' PDF are there, and the PDF downloads.

Runs on the demo site (tests/browser/conftest.py), with Playwright in a thread of its own
(the session-wide ``browser`` of the axe suite holds Playwright's loop in the main thread).
Screenshots of the key pages land in test-artifacts/journey/, also at tablet width and at
projector size.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, login

pytestmark = pytest.mark.slow

QM = "qm.huchting@wingrant.example"
TIMEOUT_MS = 15_000
SHOTS = ARTIFACTS / "journey"
NEW_TITLE = "Nachbarschaftsfrühstück im Quartierstreff"
RECUSAL_TITLE = "Sprachcafé für Neuzugewanderte"       # demo data: in review, Kita Regenbogen Huchting
DEFERRAL_TITLE = "Offene Fahrradwerkstatt"             # demo data: deferred once already
RECUSED = "Sabine Kraus"


@pytest.fixture
def sync_api():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


def in_own_thread(scenario):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(scenario).result(timeout=600)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def flash(page) -> str:
    return page.locator(".flashes").inner_text()


def euros(text: str) -> int:
    """'136.465,50 €' -> cents."""
    digits = re.sub(r"[^\d,]", "", text)
    whole, _, cents = digits.partition(",")
    return int(whole) * 100 + int((cents + "00")[:2])


def available_win(page) -> int:
    """The 'noch verfügbar' figure of the WiN budget on the public neighbourhood page."""
    row = page.locator("table.money-table tbody tr", has=page.locator("th", has_text="WiN"))
    return euros(row.locator("td").nth(2).inner_text())


def step(page, label: str, text: str | None = None) -> None:
    """A life-cycle button on the application page; steps with a text open their <details> first."""
    actions = page.locator("section.actions")
    if text is None:
        actions.get_by_role("button", name=label, exact=True).click()
        return
    details = actions.locator("details.step", has=page.locator("summary", has_text=label))
    details.locator("summary").click()
    details.locator("textarea").fill(text)
    details.get_by_role("button", name=label, exact=True).click()


def enter_new_application(page, site_url: str, year: int) -> None:
    page.goto(f"{site_url}/quartiere/huchting/antraege")
    page.get_by_role("link", name="Neuer Antrag").click()
    page.select_option("#organisation_id", label="Nachbarschaftsgarten Huchting e. V.")
    page.fill("#title", NEW_TITLE)
    page.fill("#summary", "Einmal im Monat frühstücken Nachbar:innen gemeinsam im Quartierstreff.")
    page.select_option("#year", str(year))
    page.fill("#start_date", f"{year}-01-15")
    page.fill("#end_date", f"{year}-12-15")
    page.select_option("#costs-0-kind", label="Sachkosten")
    page.fill("#costs-0-description", "Lebensmittel und Geschirr")
    page.fill("#costs-0-amount", "1.234,50")
    page.select_option("#costs-1-kind", label="Honorare")
    page.fill("#costs-1-description", "Anleitung und Einkauf")
    page.fill("#costs-1-amount", "1.234,50 €")
    page.select_option("#funding-0-kind", label="Eigenmittel")
    page.fill("#funding-0-description", "Vereinskasse")
    page.fill("#funding-0-amount", "1.234,50")
    page.get_by_label("Beantragt aus WiN – Wohnen in Nachbarschaften").fill("1.234,50")
    page.set_viewport_size({"width": 768, "height": 1024})
    shot(page, "01-application-form-tablet")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Speichern").last.click()
    assert "als Entwurf gespeichert" in flash(page)
    costs = page.inner_text("section[aria-labelledby=costs-title]")
    assert "2.469,00\u00a0€" in costs, costs
    step(page, "Einreichen")
    step(page, "In Prüfung nehmen", "Vollständig, Kostenplan plausibel.")
    step(page, "Als beschlussreif markieren")
    assert "Neuer Status: Beschlussreif." in flash(page)
    shot(page, "02-application-ready")


def open_application(page, site_url: str, title: str) -> None:
    page.goto(f"{site_url}/quartiere/huchting/antraege")
    page.get_by_role("link", name=title).first.click()


def plan_meeting(page, site_url: str, when: date) -> str:
    page.goto(f"{site_url}/quartiere/huchting/sitzungen")
    page.get_by_role("link", name="Neue Sitzung planen").click()
    page.fill("#date", when.isoformat())
    page.fill("#starts_at", "18:00")
    page.fill("#ends_at", "20:00")
    page.fill("#place", "Quartierstreff Huchting")
    page.fill("#address", "Kirchhuchtinger Landstraße 1, 28259 Bremen")
    page.get_by_role("button", name="Sitzung anlegen").click()
    page.wait_for_url(re.compile(r"/sitzungen/\d+$"))
    meeting_url = page.url
    for title in (NEW_TITLE, RECUSAL_TITLE, DEFERRAL_TITLE):
        page.get_by_label(title, exact=False).check()
    page.get_by_role("button", name="Auf die Tagesordnung").click()
    assert "Die Anträge stehen auf der Tagesordnung." in flash(page)
    # Added in the order of their references; the QM moves her new application to the top.
    assert re.search(rf"TOP 4\.2\s+{NEW_TITLE}", page.locator("ol.agenda").inner_text())
    page.get_by_role("button", name="TOP 4.2 nach oben").click()
    agenda = page.locator("ol.agenda").inner_text()
    for number, title in (("4.1", NEW_TITLE), ("4.2", RECUSAL_TITLE), ("4.3", DEFERRAL_TITLE)):
        assert re.search(rf"TOP {re.escape(number)}\s+{re.escape(title)}", agenda), agenda
    page.get_by_role("button", name="Als eingeladen markieren").click()
    assert "eingeladen" in flash(page)
    shot(page, "03-meeting-agenda")
    return meeting_url


def count_attendance(page) -> None:
    page.fill("#heads-count_residents", "12")
    page.fill("#heads-count_institutions", "7")
    page.fill("#heads-count_politics", "2")
    page.get_by_role("button", name="Zahlen speichern").click()
    assert "21" in page.locator(".figures").inner_text()
    page.fill("#person-name", RECUSED)
    page.select_option("#person-group", label="Einrichtungen und Träger")
    page.fill("#person-organisation", "Kita Regenbogen Huchting")
    page.get_by_role("button", name="Eintragen").click()
    assert RECUSED in page.locator("section[aria-labelledby=anwesenheit] table").inner_text()


def go_to_item(page, title: str) -> None:
    page.locator(".live-agenda").get_by_role("button", name=title, exact=False).click()
    page.get_by_role("heading", name=title, exact=False).first.wait_for()


def run_live_meeting(page) -> None:
    page.get_by_role("link", name="Sitzungsmodus").click()
    page.set_viewport_size({"width": 1280, "height": 720})  # the projector the QM's laptop is plugged into

    # TOP 4.1: no objection, consensus, approved with the amount requested.
    go_to_item(page, NEW_TITLE)
    assert "Konsens möglich" in page.inner_text("#konsens")
    page.get_by_label("beschlossen", exact=True).check()
    shot(page, "04-live-approval-projector")
    page.get_by_role("button", name="Beschluss erfassen").click()
    assert "Beschluss erfasst: beschlossen." in flash(page)

    # TOP 4.2: the Kita's head is recused; her objection does not count, the forum approves.
    go_to_item(page, RECUSAL_TITLE)
    page.fill("#recusal-person_name", RECUSED)
    page.fill("#recusal-organisation", "Kita Regenbogen Huchting")
    page.fill("#recusal-reason", "Leiterin der Kita, die den Antrag stellt")
    page.get_by_role("button", name="Befangenheit erfassen").click()
    page.select_option("#objection-group", "")
    page.fill("#objection-person_name", RECUSED)
    page.fill("#objection-reason", "Wir bräuchten eigentlich mehr Stunden")
    page.get_by_role("button", name="Einwand erfassen").click()
    assert "Konsens möglich" in page.inner_text("#konsens")
    assert "zählt nicht: befangen" in page.inner_text("section[aria-labelledby=einwaende]")
    page.get_by_label("beschlossen", exact=True).check()
    shot(page, "05-live-recusal")
    page.get_by_role("button", name="Beschluss erfassen").click()
    assert "Beschluss erfasst: beschlossen." in flash(page)

    # TOP 4.3: residents object; approval is impossible; the forum defers, with a reason.
    go_to_item(page, DEFERRAL_TITLE)
    page.select_option("#objection-group", "residents")
    page.fill("#objection-reason", "Die Anleitung nach Projektende ist weiter nicht gesichert")
    page.get_by_role("button", name="Einwand erfassen").click()
    assert "Kein Konsens: 1 Einwand steht." in page.inner_text("#konsens")
    assert page.get_by_label("beschlossen", exact=True).is_disabled()
    page.get_by_label("vertagt").check()
    page.fill("#outcome-reason", "Träger legt ein Konzept für die Anleitung vor")
    page.get_by_label("Warum kein oder weniger Geld?").select_option("content")
    page.get_by_role("button", name="Beschluss erfassen").click()
    assert "Beschluss erfasst: vertagt." in flash(page)
    shot(page, "06-live-deferral-projector")
    page.set_viewport_size({"width": 1280, "height": 900})


def write_and_publish_minutes(page, meeting_url: str, objection_period_over) -> str:
    page.goto(meeting_url)
    page.get_by_role("button", name="Als durchgeführt markieren").click()
    assert "durchgeführt" in flash(page)
    page.locator(".action-bar").get_by_role("link", name="Protokoll", exact=True).click()
    page.get_by_role("link", name="Protokoll bearbeiten").click()
    page.fill("#introduction", "Frau Hollmann begrüßt die Anwesenden; das Forum entscheidet im Konsens.")
    page.get_by_role("button", name="Speichern").click()
    assert "Das Protokoll wurde gespeichert." in flash(page)
    shot(page, "07-minutes-draft")

    with objection_period_over():  # two weeks later: nobody objected to the draft
        page.reload()
        page.get_by_label("Durch das Quartiersmanagement nach Ablauf der Einspruchsfrist").check()
        page.get_by_label("Gegen den Entwurf sind innerhalb der Frist keine Einwände eingegangen.").check()
        page.get_by_role("button", name="Protokoll genehmigen").click()
        assert "Das Protokoll ist genehmigt." in flash(page)
    publish = page.get_by_role("button", name="Veröffentlichen")
    assert publish.get_attribute("data-pdf-feedback") == "PDF wird erstellt …"  # the PDF is made now
    publish.click()
    published = flash(page)
    assert "Das Protokoll ist veröffentlicht" in published, published
    shot(page, "08-minutes-published")
    return published


def visit_public_portal(page, site_url: str, available_before: int, meeting_day: date) -> bytes:
    page.goto(f"{site_url}/portal/")
    page.get_by_role("link", name="Huchting", exact=False).first.click()
    decisions = page.locator("section[aria-labelledby=decisions-heading] table").inner_text()
    assert NEW_TITLE in decisions and RECUSAL_TITLE in decisions and DEFERRAL_TITLE in decisions
    rows = page.locator("section[aria-labelledby=decisions-heading] tbody tr")
    held_on = meeting_day.strftime("%d.%m.%Y")
    new_row = rows.filter(has_text=NEW_TITLE).inner_text()
    assert held_on in new_row and "beschlossen" in new_row and "1.234,50\u00a0€" in new_row, new_row
    deferred_row = rows.filter(has_text=DEFERRAL_TITLE).first.inner_text()  # the newest first
    assert held_on in deferred_row and "vertagt" in deferred_row, deferred_row
    # What the forum bound is gone from the budget: 1.234,50 € and the Sprachcafé's 1.500 €.
    assert available_win(page) == available_before - 1_234_50 - 1_500_00
    page.set_viewport_size({"width": 768, "height": 1024})
    shot(page, "09-public-portal-tablet")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "10-public-portal")

    link = page.locator("section[aria-labelledby=minutes-heading] a[data-pdf-feedback]").first
    with page.expect_download() as download_info:
        link.click()
    # The link says what happens while the PDF is on its way, and a second click is ignored.
    assert page.locator(".pdf-status").inner_text() == "PDF wird geladen …"
    assert link.get_attribute("aria-disabled") == "true"
    return Path(download_info.value.path()).read_bytes()


def test_from_application_to_public_decision_in_the_browser(demo_site, sync_api, monkeypatch):
    today = date.today()
    from wingrant.minutes import services as minutes_services

    class TwoWeeksLater(date):
        @classmethod
        def today(cls):
            return today + timedelta(days=15)

    @contextmanager
    def objection_period_over():
        with monkeypatch.context() as patch:
            patch.setattr(minutes_services, "date", TwoWeeksLater)
            yield

    def scenario():
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                errors: list[str] = []
                dialogs: list[tuple[str, str]] = []
                page.on("pageerror", lambda e: errors.append(str(e)))

                def answer(dialog):
                    dialogs.append((dialog.type, dialog.message))
                    dialog.accept()

                page.on("dialog", answer)

                visitor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",
                                              accept_downloads=True)
                visitor.set_default_timeout(TIMEOUT_MS)
                public = visitor.new_page()
                public.on("pageerror", lambda e: errors.append(f"public: {e}"))
                public.goto(f"{demo_site.url}/portal/huchting")
                available_before = available_win(public)

                login(page, demo_site, QM)
                enter_new_application(page, demo_site.url, today.year)
                open_application(page, demo_site.url, RECUSAL_TITLE)
                step(page, "Als beschlussreif markieren")
                assert "Neuer Status: Beschlussreif." in flash(page)

                # Yesterday's meeting, entered afterwards: decisions need a meeting that has begun.
                meeting_day = today - timedelta(days=1)
                meeting_url = plan_meeting(page, demo_site.url, meeting_day)
                count_attendance(page)
                run_live_meeting(page)
                published = write_and_publish_minutes(page, meeting_url, objection_period_over)

                pdf = visit_public_portal(public, demo_site.url, available_before, meeting_day)
                assert errors == []
                return pdf, published, dialogs, meeting_url
            finally:
                browser.close()

    pdf, published, dialogs, meeting_url = in_own_thread(scenario)

    assert pdf.startswith(b"%PDF-")
    # The browser asked before the two steps that cannot be undone, and never warned about
    # unsaved changes on the way (every form was sent).
    assert [kind for kind, _message in dialogs] == ["confirm", "confirm"], dialogs
    assert "Protokoll genehmigen?" in dialogs[0][1] and "veröffentlichen?" in dialogs[1][1]

    # What the browser did is what the database holds: the ledger bound exactly the approvals.
    from wingrant.applications.models import Application, ApplicationState
    from wingrant.extensions import db
    from wingrant.ledger.models import EntryKind, LedgerEntry
    from wingrant.meetings.models import AgendaItem, Decision, Meeting, MeetingState, Recusal
    from wingrant.minutes.models import Minutes, MinutesVersion

    meeting_id = int(meeting_url.rstrip("/").rsplit("/", 1)[1])
    with demo_site.server.app.app_context():
        states = dict(db.session.execute(sa.select(Application.title, Application.state).where(
            Application.title.in_([NEW_TITLE, RECUSAL_TITLE, DEFERRAL_TITLE]))).all())
        assert states == {NEW_TITLE: ApplicationState.APPROVED, RECUSAL_TITLE: ApplicationState.APPROVED,
                          DEFERRAL_TITLE: ApplicationState.DEFERRED}
        items = sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
        decisions = sa.select(Decision.id).where(Decision.agenda_item_id.in_(items))
        committed = db.session.execute(sa.select(sa.func.sum(LedgerEntry.amount_cents)).where(
            LedgerEntry.kind == EntryKind.COMMITMENT, LedgerEntry.decision_id.in_(decisions))).scalar_one()
        assert committed == 1_234_50 + 1_500_00
        assert db.session.execute(sa.select(Recusal.person_name).where(
            Recusal.decision_id.in_(decisions))).scalars().all() == [RECUSED]
        assert db.session.get(Meeting, meeting_id).state == MeetingState.MINUTES_APPROVED
        version = db.session.execute(sa.select(MinutesVersion).join(MinutesVersion.minutes).where(
            Minutes.meeting_id == meeting_id)).scalar_one()
        assert version.sha256 in published
        assert version.pdf == pdf  # the visitor got exactly the stored, checksummed file
        db.session.remove()
