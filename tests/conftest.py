"""Test fixtures.

The suite runs against SQLite by default and against PostgreSQL when
``WINGRANT_TEST_DATABASE_URL`` is set (CI does both). The schema is always
built by the real Alembic migrations, so the ledger's triggers are there.

Isolation: SQLite copies a migrated template file per test; PostgreSQL
truncates every table after each test (TRUNCATE does not fire the ledger's
row triggers, which guard UPDATE and DELETE only).
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from wingrant import create_app
from wingrant.extensions import db as _db

PG_URL = os.environ.get("WINGRANT_TEST_DATABASE_URL")
TEST_PASSWORD = "korrekt-pferd-batterie"


def pytest_sessionstart(session):
    """Compile stale message catalogues first, so plain ``pytest`` sees the languages ``make test`` does."""
    from tests.catalogues import compile_stale_catalogues

    compile_stale_catalogues()


def _base_config(url: str, tmp: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "UPLOAD_FOLDER": str(tmp / "files"),
    }


def make_test_app(url: str, tmp: Path):
    instance = tmp / "instance"
    instance.mkdir(exist_ok=True)
    return create_app(_base_config(url, tmp), instance_path=str(instance))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated, empty database: a template file (SQLite) or the real PostgreSQL."""
    tmp = tmp_path_factory.mktemp("template")
    if PG_URL:
        app = make_test_app(PG_URL, tmp)
        with app.app_context():
            with _db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            upgrade()
            _db.engine.dispose()
        return PG_URL
    path = tmp / "template.sqlite"
    app = make_test_app(f"sqlite:///{path}", tmp)
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return path


def _truncate_all(app) -> None:
    with app.app_context():
        _db.session.remove()
        tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        with _db.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if PG_URL:
        return PG_URL
    path = tmp_path / "test.sqlite"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path)
    yield app
    if PG_URL:
        _truncate_all(app)
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()


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

    def make(email: str | None = None, *, password: str = TEST_PASSWORD, is_admin=False, roles=None, name=None):
        n = next(counter)
        return create_user(email or f"user{n}@example.org", name or f"Nutzer:in {n}", password,
                           is_admin=is_admin, roles=roles or {})

    return make


# --- helpers ---------------------------------------------------------------------


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
