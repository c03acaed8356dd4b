"""Test fixtures.

The suite runs against SQLite by default and against PostgreSQL when
``WINGRANT_TEST_DATABASE_URL`` is set (CI does both). The schema is always
built by the real Alembic migrations, so the ledger's triggers are there.

One app per test session (per xdist worker): building a Flask app compiles
every URL rule, which cost ~0.4 s a test. Each test gets that app with a
database reset to empty (``tests/databases.py``: milliseconds on SQLite and
PostgreSQL) and its own upload folder; configuration a test changes is put
back afterwards. Expensive data — the demo data with its rendered minutes —
is made once per worker and restored from a snapshot where a test asks for
it (``demo``, ``demo_site_app``).
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import make_url

from tests.databases import WORKER, PostgresDatabase, Snapshot, SqliteDatabase
from wingrant import create_app
from wingrant.core.http_cache import page_cache
from wingrant.extensions import db as _db

PG_URL = os.environ.get("WINGRANT_TEST_DATABASE_URL")
TEST_PASSWORD = "korrekt-pferd-batterie"

# Hypothesis: the same example counts everywhere. "ci" (chosen where CI=true, or by
# WINGRANT_HYPOTHESIS_PROFILE) drops the per-example deadline and the too_slow health check, which
# measure the machine's load rather than the property; "dev" keeps Hypothesis' defaults.
settings.register_profile("dev")
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile(os.environ.get("WINGRANT_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_sessionstart(session):
    """Compile stale message catalogues first, so plain ``pytest`` sees the languages ``make test`` does."""
    from tests.catalogues import compile_stale_catalogues

    compile_stale_catalogues()


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("real_pdf"):
            item.add_marker(pytest.mark.slow)


def _base_config(url: str, tmp: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "UPLOAD_FOLDER": str(tmp / "files"),
        "MAIL_FOLDER": str(tmp / "mail"),
        "PUBLIC_URL": "http://localhost",
        # The database is restored between tests with the same ids: a cached stage would outlive it.
        "LIVE_STAGE_CACHE_SECONDS": 0,
        "LIVE_VERSION_CACHE_SECONDS": 0,
    }


def make_test_app(url: str, tmp: Path) -> Flask:
    """A new app (~0.4 s): for the few tests about the app factory itself and for live servers."""
    instance = tmp / "instance"
    instance.mkdir(exist_ok=True)
    return create_app(_base_config(url, tmp), instance_path=str(instance))


def engine_of(app: Flask) -> sa.Engine:
    with app.app_context():
        return _db.engine


@dataclass
class TestWorld:
    """This worker's app and databases: ``main`` behind the session app, ``site`` for live servers."""

    __test__ = False  # not a test class

    app: Flask
    main: SqliteDatabase | PostgresDatabase
    site: SqliteDatabase | PostgresDatabase
    config: dict = field(default_factory=dict)

    @property
    def engine(self) -> sa.Engine:
        return engine_of(self.app)

    def reset(self) -> None:
        with self.app.app_context():
            _db.session.remove()
        self.main.reset(self.engine)


@pytest.fixture(scope="session")
def test_world(tmp_path_factory) -> Iterator[TestWorld]:
    tmp = tmp_path_factory.mktemp(f"wingrant-{WORKER}")
    if PG_URL:
        name = f"{make_url(PG_URL).database}_wingrant_{WORKER}"
        main: SqliteDatabase | PostgresDatabase = PostgresDatabase(PG_URL, name)
        url = main.url
    else:
        path = tmp / "main.sqlite"
        url = f"sqlite:///{path}"
    app = make_test_app(url, tmp)
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    if PG_URL:
        site: SqliteDatabase | PostgresDatabase = PostgresDatabase(PG_URL, f"{name}_site", template=name)
    else:
        template = path.read_bytes()
        main, site = SqliteDatabase(path, template), SqliteDatabase(tmp / "site.sqlite", template)
    world = TestWorld(app, main, site, dict(app.config))
    yield world
    engine_of(app).dispose()
    main.drop()
    site.drop()


@pytest.fixture
def app(test_world, tmp_path) -> Iterator[Flask]:
    """The session's app on an empty database, with this test's own upload and mail folders."""
    app = test_world.app
    test_world.reset()
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "files")
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    page_cache(app).clear()  # rendered public pages of the last test's data
    yield app
    with app.app_context():
        _db.session.remove()
    app.config.clear()
    app.config.update(test_world.config)


@pytest.fixture
def fresh_app(tmp_path, test_world) -> Iterator[Flask]:
    """An app of its own (slow): for a test that must add a route, which a used app refuses."""
    test_world.reset()
    app = make_test_app(test_world.main.url, tmp_path)
    yield app
    engine_of(app).dispose()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()


# --- demo data, made once per worker -----------------------------------------------


@dataclass(frozen=True)
class DemoData:
    snapshot: Snapshot
    #: e-mail → the password the demo loader generated
    passwords: dict[str, str]


@pytest.fixture(scope="session")
def demo_data(test_world) -> DemoData:
    """The real demo data (minutes rendered as PDF/A included), loaded once and kept as a snapshot."""
    from wingrant.demo import load_demo_data

    test_world.reset()
    with test_world.app.app_context():
        report = load_demo_data(today=date.today())
        _db.session.remove()
    snapshot = test_world.main.snapshot(test_world.engine)
    test_world.reset()
    return DemoData(snapshot, {email: password for email, _label, password in report.passwords})


@pytest.fixture
def demo(app, db, test_world, demo_data) -> dict[str, str]:
    """The demo data in this test's database; returns e-mail → password of the demo accounts."""
    test_world.main.restore(test_world.engine, demo_data.snapshot)
    return dict(demo_data.passwords)


@contextmanager
def demo_site_app(test_world: TestWorld, demo_data: DemoData, tmp: Path) -> Iterator[Flask]:
    """An app of its own on the worker's second database, holding the demo data: for live servers
    and module-wide read-only sites, which must not share the per-test database."""
    app = make_test_app(test_world.site.url, tmp)
    test_world.site.restore(engine_of(app), demo_data.snapshot)
    try:
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
        engine_of(app).dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    A test usually holds an app context open (the ``db`` fixture) and Flask
    would reuse it for the request: the session, identity map and ``g`` (where
    Flask-Login caches the user) would leak between test code and requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def is_postgres(app) -> bool:
    return bool(PG_URL)


# --- factories -------------------------------------------------------------------


@pytest.fixture
def make_neighbourhood(db):
    from wingrant.neighbourhoods.models import Neighbourhood

    counter = iter(range(1, 10_000))

    def make(name: str | None = None, **values) -> Neighbourhood:
        n = next(counter)
        name = name or f"Quartier {n}"
        slug = values.pop("slug", re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or f"q{n}")
        nb = Neighbourhood(name=name, slug=slug, code=values.pop("code", f"Q{n:02d}"),
                           forum_name=values.pop("forum_name", f"WiN-Forum {name}"), **values)
        db.session.add(nb)
        db.session.commit()
        return nb

    return make


@pytest.fixture
def make_programme(db):
    from wingrant.neighbourhoods.models import Programme

    def make(code: str = "WIN", **values) -> Programme:
        existing = db.session.execute(sa.select(Programme).filter_by(code=code)).scalar_one_or_none()
        if existing:
            return existing
        p = Programme(code=code, name=values.pop("name", f"Programm {code}"), **values)
        db.session.add(p)
        db.session.commit()
        return p

    return make


@pytest.fixture
def make_budget(db, make_neighbourhood, make_programme):
    from wingrant.ledger import services as ledger

    def make(allocated: int = 0, *, neighbourhood=None, programme=None, year: int = 2026, user=None):
        neighbourhood = neighbourhood or make_neighbourhood()
        programme = programme or make_programme()
        budget = ledger.get_or_create_budget(neighbourhood, programme, year, user=user)
        if allocated:
            ledger.allocate(budget.id, allocated, user=user, memo="Testzuweisung")
        return budget

    return make


@pytest.fixture
def make_user(db):
    from wingrant.auth.services import create_user

    counter = iter(range(1, 10_000))

    def make(email: str | None = None, *, password: str = TEST_PASSWORD, is_admin=False, roles=None, name=None,
             admin_city_id: int | None = None):
        n = next(counter)
        return create_user(email or f"user{n}@example.org", name or f"Nutzer:in {n}", password,
                           is_admin=is_admin, admin_city_id=admin_city_id, roles=roles or {})

    return make


# --- helpers ---------------------------------------------------------------------


#: A form post from one of the app's own pages, as a browser sends it: the forms of shared public
#: pages (language switch, mailing list) carry no CSRF token and are checked by this (core.security).
SAME_ORIGIN = {"Origin": "http://localhost"}


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Logs in through the real form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = TEST_PASSWORD, *, follow_redirects=False):
        page = self.client.get("/anmelden")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/anmelden", data={"csrf_token": token, "email": email, "password": password},
                                follow_redirects=follow_redirects)

    def logout(self):
        page = self.client.get("/")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/abmelden", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: ...`` then ``q.count``: SQL statements sent (BEGIN excluded)."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = _db.engine

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting
