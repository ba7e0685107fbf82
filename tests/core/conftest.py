"""Fixtures of the core tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url


@pytest.fixture
def empty_databases(database_url, tmp_path) -> Iterator[Callable[[str], str]]:
    """make(name) -> the URL of a new, empty database of the test's kind (SQLite file or PostgreSQL database), of its
    own, so building or dropping a schema there does not disturb the other tests. Dropped afterwards."""
    url = make_url(database_url)
    made: list[str] = []
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT") if url.get_backend_name() == "postgresql" else None

    def make(name: str) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        full = f"{url.database}_{name}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{full}"'))
        made.append(full)
        return url.set(database=full).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for full in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(empty_databases) -> str:
    return empty_databases("migrations")
