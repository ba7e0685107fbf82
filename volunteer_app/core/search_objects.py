"""The database objects that serve word search and live only in migrations ("search indexes for event words"): pg_trgm
GIN indexes named `*_trgm`, and SQLite FTS5 tables named `*_fts` with their shadow tables (`*_fts_data`, `*_fts_idx`,
`*_fts_docsize`, `*_fts_config`). No model holds them, so autogenerate (migrations/env.py) and the schema checks leave
them out by these names."""

from __future__ import annotations


def is_search_object(name: str | None, type_: str) -> bool:
    if not name:
        return False
    if type_ == "index":
        return name.endswith("_trgm")
    return type_ == "table" and (name.endswith("_fts") or "_fts_" in name)


# Indexes with a descending column, declared in their models: SQLite reflects them without the direction, so
# autogenerate would see a difference that is not there. The migration that made them is their reference.
DESCENDING_INDEXES = frozenset({"ix_needs_status_order"})


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name hook: everything but the search objects and the descending indexes."""
    return not is_search_object(name, type_) and not (type_ == "index" and name in DESCENDING_INDEXES)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's include_object hook: the same rule for the models' side (include_name sees only the database's)."""
    return include_name(name, type_, {})
