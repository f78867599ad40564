"""The migrations build the schema, take it down and build it again, on this suite's database
(SQLite by default, PostgreSQL in CI)."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.extensions import db
from tests.conftest import make_settings, new_database


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_go_up_down_and_up_again(tmp_path):
    from portal import create_app

    with new_database(tmp_path) as url:
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
        built = _tables(app)
        assert {"tenants", "staff_users"} <= built
        with app.app_context():
            downgrade(revision="base")
        assert _tables(app) == set()
        with app.app_context():
            upgrade()
        assert _tables(app) == built
        with app.app_context():
            db.engine.dispose()


def test_the_models_match_the_migrations(app):
    """Autogenerate finds nothing to do: no model change is missing a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
