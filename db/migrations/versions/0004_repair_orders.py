"""repair orders (维修派工单) and their timeline

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('repair_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=32), nullable=False),
    sa.Column('reported_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reporter', sa.String(length=64), nullable=False),
    sa.Column('contact', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('preferred_time', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=True),
    sa.Column('dispatched_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('arrived_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('quote_amount', db.types.FixedDecimal(2), nullable=True),
    sa.Column('quote_note', sa.Text(), nullable=False),
    sa.Column('fee_accepted_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('fee_accepted_by', sa.String(length=64), nullable=False),
    sa.Column('completed_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('work_done', sa.Text(), nullable=False),
    sa.Column('owner_signed_by', sa.String(length=64), nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=False),
    sa.Column('owner_comment', sa.Text(), nullable=False),
    sa.Column('response_minutes', sa.Integer(), nullable=True),
    sa.Column('completion_minutes', sa.Integer(), nullable=True),
    sa.Column('called_back_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('archived_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['engineer_id'], ['staff.id'], name=op.f('fk_repair_orders_engineer_id_staff')),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['repair_orders.id'], name=op.f('fk_repair_orders_follow_up_of_id_repair_orders')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_repair_orders_room_id_rooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_orders')),
    sa.UniqueConstraint('serial', name=op.f('uq_repair_orders_serial'))
    )
    with op.batch_alter_table('repair_orders', schema=None) as batch_op:
        batch_op.create_index('ix_repair_orders_category_reported', ['category', 'reported_at'], unique=False)
        batch_op.create_index('ix_repair_orders_dispatched', ['dispatched_at'], unique=False)
        batch_op.create_index('ix_repair_orders_engineer_state', ['engineer_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_orders_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index('ix_repair_orders_room_reported', ['room_id', 'reported_at'], unique=False)
        batch_op.create_index('ix_repair_orders_state_reported', ['state', 'reported_at'], unique=False)

    op.create_table('repair_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', db.types.UTCDateTime(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['repair_orders.id'], name=op.f('fk_repair_events_order_id_repair_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_events'))
    )
    with op.batch_alter_table('repair_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repair_events_order_id'), ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('repair_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_events_order_id'))

    op.drop_table('repair_events')
    with op.batch_alter_table('repair_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_repair_orders_state_reported')
        batch_op.drop_index('ix_repair_orders_room_reported')
        batch_op.drop_index(batch_op.f('ix_repair_orders_reported_at'))
        batch_op.drop_index('ix_repair_orders_engineer_state')
        batch_op.drop_index('ix_repair_orders_dispatched')
        batch_op.drop_index('ix_repair_orders_category_reported')

    op.drop_table('repair_orders')
