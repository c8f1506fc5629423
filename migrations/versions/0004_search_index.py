"""Full-text index over search_document: FTS5 on SQLite, a tsvector column and GIN on PostgreSQL

These objects exist only here, not in the models; their names start with ``search_fts`` so the
models-versus-migrations comparison leaves them out (lab.core.database.MIGRATION_ONLY_PREFIXES).
Text is normalised in Python (lower case, no diacritics) and neither database stems it, so the same
query matches the same documents on both.

Caution for later migrations: a SQLite batch operation on search_document recreates the table and
drops these triggers; recreate them afterwards.

Revision ID: 0004_search_index
Revises: 0003_practices
Create Date: 2026-11-23 15:45:00
"""

from alembic import op

revision = "0004_search_index"
down_revision = "0003_practices"
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        normalised, content='search_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_fts_after_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, normalised) VALUES (new.id, new.normalised);
    END""",
    """CREATE TRIGGER search_fts_after_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, normalised) VALUES ('delete', old.id, old.normalised);
    END""",
    """CREATE TRIGGER search_fts_after_update AFTER UPDATE OF normalised ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, normalised) VALUES ('delete', old.id, old.normalised);
        INSERT INTO search_fts(rowid, normalised) VALUES (new.id, new.normalised);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL_UP = [
    """ALTER TABLE search_document ADD COLUMN search_fts_tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', normalised)) STORED""",
    "CREATE INDEX search_fts_gin ON search_document USING gin (search_fts_tsv)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS search_fts_gin",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_fts_tsv",
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_UP)
    else:
        _run(POSTGRESQL_UP)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_DOWN)
    else:
        _run(POSTGRESQL_DOWN)
