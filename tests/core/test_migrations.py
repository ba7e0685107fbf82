"""The migrations build the whole schema from nothing, go back down cleanly, and match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from volunteer_app import create_app
from volunteer_app.core.search_objects import include_name, include_object, is_search_object
from volunteer_app.extensions import db

pytestmark = pytest.mark.no_db


def _tables() -> set[str]:
    names = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_search_object(name, "table")}  # FTS5 tables: only in migrations


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(empty_database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade(revision="heads")
        assert _tables() == set(db.metadata.tables)
        with db.engine.connect() as conn:
            opts = {"compare_type": True, "include_name": include_name, "include_object": include_object}
            context = MigrationContext.configure(conn, opts=opts)
            drift = compare_metadata(context, db.metadata)
        assert drift == [], "models and migrations differ: run `flask db migrate`"

        downgrade(revision="base")
        assert _tables() == set()

        upgrade(revision="heads")
        assert _tables() == set(db.metadata.tables)
        db.engine.dispose()
