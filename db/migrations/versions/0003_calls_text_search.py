"""calls text search (SQLite FTS5 trigram index over the reception log)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLS = "caller_name, content, action_taken, contact"


def upgrade() -> None:
    # SQLite only: PostgreSQL searches with LIKE (a pg_trgm index would be its equivalent).
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE calls_fts USING fts5({COLS}, content='calls', content_rowid='id', "
               "tokenize='trigram')")
    op.execute(f"CREATE TRIGGER calls_fts_ai AFTER INSERT ON calls BEGIN "
               f"INSERT INTO calls_fts(rowid, {COLS}) VALUES (new.id, new.caller_name, new.content, "
               f"new.action_taken, new.contact); END")
    op.execute(f"CREATE TRIGGER calls_fts_ad AFTER DELETE ON calls BEGIN "
               f"INSERT INTO calls_fts(calls_fts, rowid, {COLS}) VALUES ('delete', old.id, old.caller_name, "
               f"old.content, old.action_taken, old.contact); END")
    op.execute(f"CREATE TRIGGER calls_fts_au AFTER UPDATE OF {COLS} ON calls BEGIN "
               f"INSERT INTO calls_fts(calls_fts, rowid, {COLS}) VALUES ('delete', old.id, old.caller_name, "
               f"old.content, old.action_taken, old.contact); "
               f"INSERT INTO calls_fts(rowid, {COLS}) VALUES (new.id, new.caller_name, new.content, "
               f"new.action_taken, new.contact); END")
    op.execute("INSERT INTO calls_fts(calls_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for t in ("calls_fts_ai", "calls_fts_ad", "calls_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {t}")
    op.execute("DROP TABLE IF EXISTS calls_fts")
