"""repair board indexes: events by time (engineers' loads today), orders by engineer and report
time (the engineer filter), follow-up orders (the order card)

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


def upgrade() -> None:
    with op.batch_alter_table("repair_orders", schema=None) as batch_op:
        batch_op.create_index("ix_repair_orders_engineer_reported", ["engineer_id", "reported_at"], unique=False)
        batch_op.create_index("ix_repair_orders_follow_up_of", ["follow_up_of_id"], unique=False)
    with op.batch_alter_table("repair_events", schema=None) as batch_op:
        batch_op.create_index("ix_repair_events_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("repair_events", schema=None) as batch_op:
        batch_op.drop_index("ix_repair_events_at")
    with op.batch_alter_table("repair_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_repair_orders_follow_up_of")
        batch_op.drop_index("ix_repair_orders_engineer_reported")
