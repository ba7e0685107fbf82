"""search indexes for event words: pg_trgm GIN on PostgreSQL, an FTS5 trigram table on SQLite

Revision ID: 5e1f0a3c9b27
Revises: c749f10e0b42
Create Date: 2026-12-01 10:50:00

The events list finds words in an event's title or place (`events.services.reading.matching_words`). A trigram
index finds any substring of three characters or more, Chinese included (CJK characters are word characters for
pg_trgm under the database's C.UTF-8 or zh_CN locale; FTS5's trigram tokenizer takes any character). Neither is in
the models: migrations/env.py keeps autogenerate away from them by name (`*_trgm` indexes, `*_fts*` tables).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1f0a3c9b27'
down_revision = 'c749f10e0b42'
branch_labels = None
depends_on = None

COLUMNS = ("title", "place")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in COLUMNS:
            op.execute(f"CREATE INDEX ix_events_{column}_trgm ON events USING gin ({column} gin_trgm_ops)")
        return
    # An external-content table: the words stay in `events`, the index in events_fts; triggers keep it in step.
    op.execute(
        "CREATE VIRTUAL TABLE events_fts USING fts5(title, place, content='events', content_rowid='id', "
        "tokenize='trigram')"
    )
    op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    op.execute(
        "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
        "INSERT INTO events_fts(rowid, title, place) VALUES (new.id, new.title, new.place); END"
    )
    op.execute(
        "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
        "INSERT INTO events_fts(events_fts, rowid, title, place) VALUES ('delete', old.id, old.title, old.place); END"
    )
    op.execute(
        "CREATE TRIGGER events_fts_update AFTER UPDATE OF title, place ON events BEGIN "
        "INSERT INTO events_fts(events_fts, rowid, title, place) VALUES ('delete', old.id, old.title, old.place); "
        "INSERT INTO events_fts(rowid, title, place) VALUES (new.id, new.title, new.place); END"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_events_{column}_trgm")
        return  # pg_trgm stays: other indexes may use it, and it holds no data of ours
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS events_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS events_fts")
