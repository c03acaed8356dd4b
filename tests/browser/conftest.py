"""Browser fixtures: the real app served on localhost, Debian's Chromium driven by Playwright.

Browser tests skip (with the reason) where Chromium is not installed, except
under CI (``CI`` set), where a missing Chromium fails them: ``.ci/run``
installs it, so there they always run.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import demo_site_app

CHROMIUM = os.environ.get("WINGRANT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def chromium_or_skip() -> None:
    """Skip a browser test where Chromium is missing, but fail it under CI, which installs Chromium."""
    if not Path(CHROMIUM).exists():
        missing = f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(scope="session")
def browser():
    chromium_or_skip()
    import playwright.sync_api as playwright_api
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)


@dataclass
class DemoSite:
    server: LiveServer
    passwords: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def demo_site(test_world, demo_data, tmp_path_factory):
    """The app with the demo data, served on a free localhost port for a whole module."""
    with demo_site_app(test_world, demo_data, tmp_path_factory.mktemp("demo-site")) as app:
        server = LiveServer(app).start()
        yield DemoSite(server, dict(demo_data.passwords))
        server.stop()


def login(page, site: DemoSite, email: str) -> None:
    page.goto(f"{site.url}/anmelden")
    page.fill("#email", email)
    page.fill("#password", site.passwords[email])
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/anmelden" not in page.url, f"login as {email} failed"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
