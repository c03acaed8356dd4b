"""Every page works on a phone: at 390 × 844 (a common phone in portrait) no page of any role is
wider than the screen, so nothing needs horizontal scrolling (a table too wide to stack scrolls inside
its own box instead). For each role of the demo data one browser context crawls the same-origin links
breadth-first from the start page and the public portal; axe-core runs on a sample of the pages at
that width, because a layout that reflows can still hide a label or break the contrast."""

from __future__ import annotations

import re
import time
from urllib.parse import urldefrag, urlparse

import pytest

from tests.browser.conftest import ROOT, login

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
MAX_PAGES = 150
#: Pages of one URL shape visited at most (other data in the same template, or the list sorted otherwise).
PER_SHAPE = 4
#: Pages per role that axe-core checks: the first page of each new URL shape, up to this many.
AXE_SAMPLE = 8
#: Links the crawler must not follow: they end the session, deliver files or data, not pages.
SKIP = re.compile(r"/abmelden|\.(pdf|csv|xlsx|ics|json|eml)(\?|$)|/download|/export|/static/|/api/|/oparl/"
                  r"|/anhaenge/\d+")

ROLES = {
    "oeffentlich": None,
    "quartiersmanagerin": "qm.huchting@wingrant.example",
    "protokoll": "protokoll.huchting@wingrant.example",
    "administrator": "geschaeftsfuehrung@wingrant.example",
}

#: What runs off the right edge, for the failure message: the outermost elements wider than the
#: screen (where a fix belongs), else the text that overflows its box (a number that may not wrap).
OVERFLOW_CULPRITS = """() => {
    const limit = window.innerWidth + 1;
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const ignored = el => el.closest('.table-scroll, .visually-hidden');
    const wide = [...document.querySelectorAll('body *')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > limit && !ignored(el);
    });
    const found = wide.filter(el => !wide.includes(el.parentElement))
        .map(el => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode() && found.length < 3) {
        const range = document.createRange();
        range.selectNodeContents(walker.currentNode);
        const right = range.getBoundingClientRect().right;
        if (right > limit && !ignored(walker.currentNode.parentElement)) {
            found.push(`text in ${name(walker.currentNode.parentElement)} (${Math.round(right)} px): `
                + walker.currentNode.textContent.trim().slice(0, 40));
        }
    }
    return found.slice(0, 3);
}"""


def _shape(url: str) -> str:
    """The path with its numbers replaced and the query dropped: pages of one shape share a template."""
    parsed = urlparse(url)
    return re.sub(r"\d+", "N", parsed.path)


def _axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
        return result.violations.map(v => `${v.id} (${v.impact}) ${v.help} -> `
            + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")


def _crawl(page, starts: list[str], origin: str):
    """Same-origin HTML pages reachable from ``starts``, breadth-first, at most MAX_PAGES; at most
    PER_SHAPE pages of one shape (the same template with other data, or sorted otherwise), so the
    cap is spent on different pages rather than on the twentieth budget."""
    seen: set[str] = set()
    per_shape: dict[str, int] = {}
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        shape = _shape(url)
        if url in seen or per_shape.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(url)
        per_shape[shape] = per_shape.get(shape, 0) + 1
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status == 405:  # a link to a POST-only address
            continue
        yield url, response
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if f"{parsed.scheme}://{parsed.netloc}" == origin and not SKIP.search(href) and href not in seen:
                queue.append(href)


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_is_wider_than_a_phone(browser, demo_site, role):
    started = time.perf_counter()
    # Not is_mobile: Chromium would then widen the layout viewport to the content and hide the overflow.
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="de-DE",
                                  bypass_csp=True)  # to inject axe; CSP is tested elsewhere
    page = context.new_page()
    email = ROLES[role]
    if email:
        login(page, demo_site, email)
    too_wide, violations, shapes, widths, axe_seconds = [], [], set(), [], 0.0
    check_axe = AXE.exists()
    starts = [demo_site.url + "/", demo_site.url + "/portal/"]
    for url, response in _crawl(page, starts, demo_site.url):
        assert response.status < 500, f"{url} answered {response.status}"
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        widths.append((scroll_width, url))
        if scroll_width > inner_width:
            too_wide.append(f"{url}: {scroll_width} px > {inner_width} px; {page.evaluate(OVERFLOW_CULPRITS)}")
        shape = _shape(url)
        if check_axe and shape not in shapes and len(shapes) < AXE_SAMPLE:
            shapes.add(shape)
            axe_started = time.perf_counter()
            violations += [f"{url}: {violation}" for violation in _axe_violations(page)]
            axe_seconds += time.perf_counter() - axe_started
    context.close()
    widest = sorted(widths, reverse=True)[:3]
    print(f"\n{role}: {len(widths)} pages, axe on {len(shapes)} ({axe_seconds:.1f} s), widest {widest}, "
          f"{time.perf_counter() - started:.1f} s")
    assert len(widths) >= 5
    assert too_wide == [], "wider than a phone at 390 px:\n" + "\n".join(too_wide)
    assert violations == [], "axe-core at 390 px:\n" + "\n".join(violations)


#: Controls smaller than 44 × 44 px (for a radio button or checkbox: its label, the larger target).
SMALL_TARGETS = """() => [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary')].flatMap(el => {
    const target = ['radio', 'checkbox'].includes(el.type) ? el.closest('.field') || el : el;
    const r = target.getBoundingClientRect();
    if (r.width === 0 || el.closest('.visually-hidden, .skip-link')) return [];
    return r.height < 44 || r.width < 44 ? [`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '')
        .trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`] : [];
})"""


def test_live_mode_controls_are_touch_targets_of_44_px(browser, demo_site):
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="de-DE")
    page = context.new_page()
    login(page, demo_site, ROLES["quartiersmanagerin"])
    page.goto(demo_site.url + "/sitzungen")
    live_links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    meetings = [href for href in live_links if re.search(r"/sitzungen/\d+$", href)]
    assert meetings, "no meeting in the demo data"
    small, checked = [], 0
    for meeting in meetings:
        page.goto(meeting + "/live")
        # Each agenda item called in turn: an application item shows the objection, recusal and outcome
        # forms. (This moves the demo meetings' current item; the width crawl reads pages either way.)
        for index in range(-1, page.locator(".agenda-button").count()):
            if index >= 0:
                page.locator(".agenda-button").nth(index).click()
                page.wait_for_load_state()
            checked += 1
            small += [f"{page.url}: {target}" for target in page.evaluate(SMALL_TARGETS)]
    context.close()
    assert checked > len(meetings)
    assert small == [], "touch targets under 44 px:\n" + "\n".join(small)
