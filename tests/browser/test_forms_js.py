"""forms.js in a real browser: confirmation before destructive actions, the warning before
leaving a form with unsaved changes, the feedback while a PDF is on its way, and PDF
addresses on paper. Each behaviour is also checked from the keyboard where it applies."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect

QM = "qm.huchting@wingrant.example"


@pytest.fixture
def qm_page(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, demo_site, QM)
    yield page
    context.close()


def _next_meeting_url(page, site) -> str:
    page.goto(f"{site.url}/quartiere/huchting/sitzungen")
    page.get_by_role("link", name=re.compile(r"\d\d\.\d\d\.\d{4}")).first.click()  # newest first: the planned one
    assert "geplant" in page.locator("h1").inner_text()
    return page.url


def test_removing_an_agenda_item_asks_first_and_cancel_keeps_it(qm_page, demo_site):
    page = qm_page
    _next_meeting_url(page, demo_site)
    remove = page.get_by_role("button", name="TOP 4.1 entfernen")
    questions: list[str] = []

    def say_no(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", say_no)
    remove.focus()
    page.keyboard.press("Enter")  # the keyboard reaches the same question
    page.wait_for_timeout(300)
    assert questions and "von der Tagesordnung entfernen?" in questions[0]
    assert "Spielplatz" in questions[0]
    assert page.get_by_role("button", name="TOP 4.1 entfernen").count() == 1  # nothing was sent

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="TOP 4.1 entfernen").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="TOP 4.1 entfernen").count() == 0
    assert "Spielplatz" not in page.locator("ol.agenda").inner_text()


def test_leaving_a_changed_form_warns_and_a_saved_or_untouched_one_does_not(qm_page, demo_site):
    page = qm_page
    meeting_url = _next_meeting_url(page, demo_site)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.get_by_role("link", name="Angaben bearbeiten").click()
    page.get_by_role("link", name="Alle Sitzungen").click()  # untouched: leaves silently
    assert dialogs == [] and page.url.endswith("/sitzungen")

    page.goto(meeting_url + "/bearbeiten")
    page.click("#place")
    page.keyboard.press("End")
    page.keyboard.type(" (Eingang Rückseite)")
    edit_url = page.url
    page.get_by_role("link", name="Alle Sitzungen").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == edit_url  # dismissing the warning keeps the page and what was typed
    assert page.input_value("#place").endswith("(Eingang Rückseite)")
    screenshot(page, "forms-unsaved-changes-kept")

    page.get_by_role("button", name="Speichern").click()  # sending the form is not leaving it
    page.wait_for_load_state()
    assert dialogs == ["beforeunload"]
    assert "(Eingang Rückseite)" in page.locator("main").inner_text()


def test_a_pdf_link_announces_the_pdf_and_ignores_a_second_click(browser, demo_site):
    context = browser.new_context(locale="de-DE", accept_downloads=True)
    page = context.new_page()
    pdf_requests: list[str] = []
    page.on("request", lambda r: pdf_requests.append(r.url) if r.url.endswith(".pdf") else None)
    page.goto(f"{demo_site.url}/portal/huchting")
    page.locator("section[aria-labelledby=minutes-heading] a").first.click()
    link = page.get_by_role("link", name=re.compile("Protokoll herunterladen"))
    with page.expect_download() as download:
        link.click()
    status = page.locator(".pdf-status")
    assert status.get_attribute("role") == "status"  # read out by screen readers
    assert status.inner_text() == "PDF wird geladen …"
    assert link.get_attribute("aria-disabled") == "true"
    link.click(force=True)  # an impatient second click (force: Playwright itself waits while aria-disabled)
    page.wait_for_timeout(300)
    assert len(pdf_requests) == 1
    assert download.value.suggested_filename.endswith(".pdf")
    # No event tells a page that a download has arrived: the busy state ends after a while.
    expect(link).not_to_have_attribute("aria-disabled", "true", timeout=12_000)
    expect(status).to_be_hidden()
    context.close()


def test_printed_lists_hide_navigation_and_show_where_each_pdf_is(browser, demo_site):
    page = browser.new_page(locale="de-DE")
    page.goto(f"{demo_site.url}/portal/huchting")
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden()
    assert page.locator("main form").first.is_hidden()
    link = page.locator("section[aria-labelledby=minutes-heading] a[data-pdf-feedback]").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert re.search(r"http://127\.0\.0\.1:\d+/portal/huchting/protokolle/\d+/v\d+\.pdf", after), after
    border = page.locator("section[aria-labelledby=minutes-heading] td").first.evaluate(
        "td => getComputedStyle(td).borderTopStyle")
    assert border == "solid"
    page.close()
