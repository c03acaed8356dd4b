"""Migrations: one head, and upgrading an empty database yields exactly the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from wingrant.extensions import db as _db
from wingrant.paths import MIGRATIONS_FOLDER


def test_migrations_have_exactly_one_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS_FOLDER))
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _schema_differences():
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, _db.metadata)


def test_upgraded_empty_database_matches_the_models(app):
    """What `alembic check` / `wingrant db check` does: nothing left to autogenerate."""
    with app.app_context():
        assert _schema_differences() == []


def test_downgrade_to_base_and_upgrade_again(app):
    with app.app_context():
        _db.session.remove()
        downgrade(revision="base")
        with _db.engine.connect() as conn:
            remaining = set(_db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        assert _schema_differences() == []
