"""repair board indexes (measured with 200,000 orders, docs/performance.md) and the SQLite FTS5
trigram index for the board's text search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FTS = "repair_orders_fts"
COLS = "serial, reporter, contact, content, location"
NEW = "new.serial, new.reporter, new.contact, new.content, new.location"
OLD = "old.serial, old.reporter, old.contact, old.content, old.location"

# name → (columns before, columns after); None: the index did not exist / is dropped.
CHANGED = {
    "ix_repair_orders_reported_at": (["reported_at"], ["reported_at", "state"]),
    "ix_repair_orders_engineer_state": (["engineer_id", "state"], ["engineer_id", "state", "reported_at"]),
    "ix_repair_orders_room_reported": (["room_id", "reported_at"], ["room_id", "reported_at", "state"]),
    "ix_repair_orders_category_state": (None, ["category", "state"]),
    "ix_repair_orders_engineer_reported": (None, ["engineer_id", "reported_at"]),
    "ix_repair_orders_urgency_reported": (None, ["urgency", "reported_at"]),
    "ix_repair_orders_urgency_state": (None, ["urgency", "state"]),
    "ix_repair_orders_follow_up_of": (None, ["follow_up_of_id"]),
}


def upgrade() -> None:
    with op.batch_alter_table("repair_orders", schema=None) as batch_op:
        for name, (before, after) in CHANGED.items():
            if before is not None:
                batch_op.drop_index(name)
            batch_op.create_index(name, after, unique=False)
    with op.batch_alter_table("repair_events", schema=None) as batch_op:
        batch_op.create_index("ix_repair_events_at", ["at"], unique=False)
    # SQLite only: PostgreSQL searches with LIKE (a pg_trgm index would be its equivalent).
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLS}, content='repair_orders', content_rowid='id', "
               "tokenize='trigram')")
    op.execute(f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON repair_orders BEGIN "
               f"INSERT INTO {FTS}(rowid, {COLS}) VALUES (new.id, {NEW}); END")
    op.execute(f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON repair_orders BEGIN "
               f"INSERT INTO {FTS}({FTS}, rowid, {COLS}) VALUES ('delete', old.id, {OLD}); END")
    op.execute(f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF {COLS} ON repair_orders BEGIN "
               f"INSERT INTO {FTS}({FTS}, rowid, {COLS}) VALUES ('delete', old.id, {OLD}); "
               f"INSERT INTO {FTS}(rowid, {COLS}) VALUES (new.id, {NEW}); END")
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for t in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{t}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    with op.batch_alter_table("repair_events", schema=None) as batch_op:
        batch_op.drop_index("ix_repair_events_at")
    with op.batch_alter_table("repair_orders", schema=None) as batch_op:
        for name, (before, _after) in CHANGED.items():
            batch_op.drop_index(name)
            if before is not None:
                batch_op.create_index(name, before, unique=False)
