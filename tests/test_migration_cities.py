"""The cities migration (0018) on existing data: every neighbourhood lands in Bremen, nothing else
changes, and downgrading and upgrading again keeps every row. ``make migration-check`` does the
same on a copy of the 10x benchmark database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from wingrant.extensions import db as _db

BEFORE = "0016_reason_category_population"
TABLES = ("neighbourhood", "user_account", "membership", "programme")


def _count(conn, table: str) -> int:
    return conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{table}"').scalar_one()


def _fill_old_schema(conn) -> None:
    """Neighbourhoods, an administrator and a role as an installation before the cities holds them."""
    for n in range(1, 4):
        conn.execute(sa.text(
            "INSERT INTO neighbourhood (slug, name, code, forum_name, forum_article, office_name, office_address, "
            "office_email, office_phone, social_index_percent, allow_dissent_referral, objection_period_days, "
            "active, created_at) VALUES (:slug, :name, :code, 'WiN-Forum', 'das', '', '', '', '', 100, true, 14, "
            "true, CURRENT_TIMESTAMP)"), {"slug": f"q{n}", "name": f"Quartier {n}", "code": f"Q{n}"})
    for n, admin in ((1, True), (2, False)):
        conn.execute(sa.text(
            "INSERT INTO user_account (email, name, password_hash, is_admin, active, session_version, language, "
            "created_at) VALUES (:email, 'X', 'x', :admin, true, 1, 'de', CURRENT_TIMESTAMP)"),
            {"email": f"u{n}@example.org", "admin": admin})
    conn.execute(sa.text("INSERT INTO membership (user_id, neighbourhood_id, role) SELECT u.id, n.id, 'manager' "
                         "FROM user_account u, neighbourhood n WHERE u.email = 'u2@example.org' AND n.slug = 'q1'"))


@pytest.mark.slow
def test_cities_migration_puts_every_neighbourhood_in_bremen_and_round_trips(app):
    with app.app_context():
        _db.session.remove()
        try:
            downgrade(revision=BEFORE)
            with _db.engine.begin() as conn:
                _fill_old_schema(conn)
                before = {t: _count(conn, t) for t in TABLES}
            for _round in range(2):
                upgrade()
                with _db.engine.connect() as conn:
                    cities = conn.exec_driver_sql("SELECT slug, name, ags FROM city").all()
                    assert [tuple(c) for c in cities] == [("bremen", "Bremen", "04011000")]
                    assert conn.exec_driver_sql(
                        "SELECT COUNT(*) FROM neighbourhood n JOIN city c ON c.id = n.city_id "
                        "WHERE c.slug = 'bremen'").scalar_one() == before["neighbourhood"]
                    assert conn.exec_driver_sql(  # administrators stay global
                        "SELECT COUNT(*) FROM user_account WHERE admin_city_id IS NOT NULL").scalar_one() == 0
                    assert {t: _count(conn, t) for t in TABLES} == before
                downgrade(revision=BEFORE)
                with _db.engine.connect() as conn:
                    assert "city" not in sa.inspect(conn).get_table_names()
                    assert {t: _count(conn, t) for t in TABLES} == before
        finally:
            # leave the worker's database as empty as it was: emptied before the head's append-only
            # tables (area_period) hold rows for these neighbourhoods, then migrated up again
            downgrade(revision=BEFORE)
            with _db.engine.begin() as conn:
                for table in ("membership", "user_account", "neighbourhood"):
                    conn.exec_driver_sql(f'DELETE FROM "{table}"')
            upgrade()


@pytest.mark.slow
def test_downgrade_takes_the_administrator_right_of_a_city_administrator(app):
    """Without ``admin_city_id`` a city administrator would administer every city: the right goes."""
    with app.app_context():
        _db.session.remove()
        try:
            with _db.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO city (slug, name, ags, position) "
                                     "VALUES ('bremerhaven', 'Bremerhaven', '04012000', 2)")
                conn.execute(sa.text(
                    "INSERT INTO user_account (email, name, password_hash, is_admin, active, session_version, "
                    "language, created_at, admin_city_id) VALUES ('stadt@example.org', 'X', 'x', true, true, 1, "
                    "'de', CURRENT_TIMESTAMP, (SELECT id FROM city WHERE slug = 'bremerhaven'))"))
            downgrade(revision=BEFORE)
            with _db.engine.connect() as conn:
                assert conn.exec_driver_sql(
                    "SELECT is_admin FROM user_account WHERE email = 'stadt@example.org'").scalar_one() in (False, 0)
        finally:
            upgrade()
            with _db.engine.begin() as conn:  # only its own rows: the migration's Bremen stays
                conn.exec_driver_sql("DELETE FROM user_account WHERE email = 'stadt@example.org'")
                conn.exec_driver_sql("DELETE FROM city WHERE slug = 'bremerhaven'")
