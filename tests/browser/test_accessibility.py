"""axe-core (served from node_modules, nothing from the internet) on every page a
user can reach by following links — anonymous and for every role — with the demo data.
Any WCAG 2.1 A/AA violation fails the test."""

from __future__ import annotations

from urllib.parse import urldefrag, urlparse

import pytest

from tests.browser.conftest import ROOT, login, screenshot

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MAX_PAGES = 80
#: Links a crawler must not follow: they change state or deliver files.
SKIP = ("/abmelden", ".pdf", ".csv", ".xlsx", ".json", ".ics", "/download", "/export", "/static/")

ROLES = {
    "oeffentlich": None,
    "administrator": "geschaeftsfuehrung@wingrant.example",
    "quartiersmanagerin": "qm.huchting@wingrant.example",
    "protokoll": "protokoll.huchting@wingrant.example",
    "lesend": "lesend.huchting@wingrant.example",
}


def _axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")


def _crawl(page, start: str, origin: str):
    seen, queue = set(), [start]
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        yield url, response
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parsed = urlparse(href)
            if f"{parsed.scheme}://{parsed.netloc}" != origin or any(s in href for s in SKIP):
                continue
            if urldefrag(href)[0] not in seen:
                queue.append(href)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_reachable_page_passes_axe(browser, demo_site, role):
    if not AXE.exists():
        pytest.skip("axe-core not installed (npm install)")
    context = browser.new_context(locale="de-DE", bypass_csp=True)  # to inject axe; CSP is tested elsewhere
    page = context.new_page()
    email = ROLES[role]
    if email:
        login(page, demo_site, email)
    failures, pages = [], 0
    for url, response in _crawl(page, demo_site.url + "/", demo_site.url):
        pages += 1
        assert response.status < 500, f"{url} answered {response.status}"
        for violation in _axe_violations(page):
            failures.append(f"{url}: {violation['id']} ({violation['impact']}) {violation['help']} "
                            f"-> {violation['targets']}")
    screenshot(page, f"axe-last-page-{role}")
    context.close()
    assert pages >= 2
    assert failures == [], "\n".join(failures)


def test_login_error_state_passes_axe(browser, demo_site):
    if not AXE.exists():
        pytest.skip("axe-core not installed (npm install)")
    page = browser.new_page(locale="de-DE", bypass_csp=True)
    page.goto(demo_site.url + "/anmelden")
    page.click("main button[type=submit]")  # empty form: errors tied to the fields
    assert page.locator("#email-error").count() == 1
    assert _axe_violations(page) == []
    page.close()


def test_area_pages_pass_axe_with_their_errors(browser, demo_site):
    """The Förderzeitraum pages: the portal with its past areas, a past area, its form, and the
    administration's history page with a refused period (errors tied to the fields)."""
    if not AXE.exists():
        pytest.skip("axe-core not installed (npm install)")
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    failures = []
    for path in ("/portal/", "/portal/hohentor", "/antrag-stellen/hohentor"):
        page.goto(demo_site.url + path)
        failures += [f"{path}: {v['id']} {v['help']} -> {v['targets']}" for v in _axe_violations(page)]
    login(page, demo_site, "geschaeftsfuehrung@wingrant.example")
    for path in ("/verwaltung/foerdergebiete", "/verwaltung/foerdergebiete/hohentor"):
        page.goto(demo_site.url + path)
        failures += [f"{path}: {v['id']} {v['help']} -> {v['targets']}" for v in _axe_violations(page)]
    page.fill("#valid_from", "2020-01-01")  # overlaps 1999–2024
    page.click("main form:last-of-type button[type=submit]")
    assert page.locator("#valid_from-error").count() == 1
    failures += [f"refused period: {v['id']} {v['help']} -> {v['targets']}" for v in _axe_violations(page)]
    screenshot(page, "area-periods-refused")
    context.close()
    assert failures == [], "\n".join(failures)
