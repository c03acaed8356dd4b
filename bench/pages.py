"""Server time and SQL queries per request, in process: the real app, the real login, a test client.

Each page is requested ``warmup`` times, then ``iterations`` times in ``ROUNDS`` rounds
interleaved over all pages; the time runs from the request's start to the end of its response
body. Queries are counted by a listener on the engine (BEGIN/SAVEPOINT excluded, as in the
tests' ``count_queries``); the figure is the most any measured request of that page sent.
"""

from __future__ import annotations

import contextvars
import math
import re
import statistics
import time
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask.testing import FlaskClient

from wingrant.extensions import db

from .generate import PASSWORD

#: (key, label, URL pattern, who: "manager" logs in as the neighbourhood's QM, None = anonymous)
PAGES = [
    ("start", "Startseite", "/", "manager"),
    ("overview", "Budgetübersicht", "/budgets", None),  # also the anonymous start page
    ("applications", "Antragsliste", "/quartiere/{slug}/antraege", "manager"),
    ("application", "Antrag", "/quartiere/{slug}/antraege/{application_id}", "manager"),
    ("meeting", "Sitzung (25 Anträge)", "/quartiere/{slug}/sitzungen/{big_meeting_id}", "manager"),
    ("live", "Live-Sitzung", "/quartiere/{slug}/sitzungen/{live_meeting_id}/live", "manager"),
    ("portal", "Portal: Quartier", "/portal/{slug}", None),
    ("decisions", "Portal: Beschlüsse", "/portal/{slug}/beschluesse", None),
]


#: Measured requests of each page are taken in this many rounds over all pages.
ROUNDS = 5


class IsolatedClient(FlaskClient):
    """Every request in a fresh context, as under a real server (no session or ``g`` carried over)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@dataclass
class PageFigure:
    key: str
    label: str
    url: str
    p50_ms: float
    p95_ms: float
    queries: int
    iterations: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def login(client, email: str) -> None:
    page = client.get("/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/anmelden", data={"csrf_token": token, "email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"login of {email} failed ({response.status_code})")


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.count += 1


def measure(app, objects: dict, *, iterations: int = 50, warmup: int = 5, pages=None) -> list[PageFigure]:
    app.test_client_class = IsolatedClient
    with app.app_context():
        engine = db.engine
    clients = {None: app.test_client()}
    manager = app.test_client()
    login(manager, objects["manager"])
    clients["manager"] = manager
    chosen = [(key, label, pattern.format(**objects), who) for key, label, pattern, who in PAGES
              if not pages or key in pages]
    for _key, _label, url, who in chosen:
        for _ in range(warmup):
            _get(clients[who], url)
    # Interleaved rounds: a few seconds of noise from elsewhere on the machine spread over
    # every page instead of landing in one page's p95.
    rounds = max(1, min(ROUNDS, iterations))
    times: dict[str, list[float]] = {key: [] for key, *_rest in chosen}
    queries: dict[str, int] = dict.fromkeys(times, 0)
    with QueryCounter(engine) as counter:
        for n in range(rounds):
            share = iterations // rounds + (1 if n < iterations % rounds else 0)
            for key, _label, url, who in chosen:
                for _ in range(share):
                    counter.count = 0
                    started = time.perf_counter()
                    _get(clients[who], url)
                    times[key].append((time.perf_counter() - started) * 1000)
                    queries[key] = max(queries[key], counter.count)
    figures = [PageFigure(key, label, url, round(statistics.median(times[key]), 2),
                          round(percentile(times[key], 0.95), 2), queries[key], iterations)
               for key, label, url, _who in chosen]
    return figures


def _get(client, url: str) -> None:
    response = client.get(url)
    response.get_data()
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")


def as_dicts(figures: list[PageFigure]) -> list[dict]:
    return [asdict(f) for f in figures]
