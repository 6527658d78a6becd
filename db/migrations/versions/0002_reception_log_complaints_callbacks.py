"""reception log, complaints, callbacks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_month_notes")),
        sa.UniqueConstraint("month", "section", name=op.f("uq_month_notes_month")),
    )
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("plan_month", sa.String(length=7), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.String(length=16), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_callbacks_room_id_rooms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
    )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callbacks_room_id"), ["room_id"], unique=False)
        batch_op.create_index("ix_callbacks_source", ["source", "source_id"], unique=False)
        batch_op.create_index("ix_callbacks_state_due", ["state", "due_at"], unique=False)

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("received_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("complainant", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=32), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=True),
        sa.Column("invalid_reason", sa.Text(), nullable=False),
        sa.Column("handled_on_spot", sa.Boolean(), nullable=False),
        sa.Column("deadline", db.types.UTCDateTime(), nullable=True),
        sa.Column("deadline_approved_by", sa.String(length=64), nullable=False),
        sa.Column("deadline_approved_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("assigned_department", sa.String(length=32), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.String(length=16), nullable=False),
        sa.Column("apology_needed", sa.Boolean(), nullable=False),
        sa.Column("apology_done_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("repeat_of_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["repeat_of_id"], ["complaints.id"], name=op.f("fk_complaints_repeat_of_id_complaints")
        ),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_complaints_room_id_rooms")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_complaints_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("serial", name=op.f("uq_complaints_serial")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_received_at"), ["received_at"], unique=False)
        batch_op.create_index(
            "ix_complaints_room_category", ["room_id", "category", "received_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaints_state"), ["state"], unique=False)

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("caller_name", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=32), nullable=False),
        sa.Column("declined_contact", sa.Boolean(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("taken_by", sa.String(length=64), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("repair_ref", sa.String(length=32), nullable=False),
        sa.Column("suggestion_status", sa.String(length=16), nullable=False),
        sa.Column("suggestion_reason", sa.Text(), nullable=False),
        sa.Column("suggestion_decided_by", sa.String(length=64), nullable=False),
        sa.Column("suggestion_decided_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_calls_complaint_id_complaints")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_calls_person_id_persons")),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_calls_room_id_rooms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_at"), ["at"], unique=False)
        batch_op.create_index("ix_calls_kind_at", ["kind", "at"], unique=False)
        batch_op.create_index("ix_calls_room_at", ["room_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_taken_by"), ["taken_by"], unique=False)

    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_complaint_events_complaint_id_complaints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_events_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_evidence_complaint_id_complaints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("due_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("kept_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("kept_by", sa.String(length=64), nullable=False),
        sa.Column("kept_note", sa.Text(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_promises_call_id_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
    )
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_promises_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promises_state"))
        batch_op.drop_index(batch_op.f("ix_promises_due_at"))
        batch_op.drop_index(batch_op.f("ix_promises_call_id"))

    op.drop_table("promises")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_complaint_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_events_complaint_id"))

    op.drop_table("complaint_events")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_taken_by"))
        batch_op.drop_index("ix_calls_room_at")
        batch_op.drop_index("ix_calls_kind_at")
        batch_op.drop_index(batch_op.f("ix_calls_at"))

    op.drop_table("calls")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_state"))
        batch_op.drop_index("ix_complaints_room_category")
        batch_op.drop_index(batch_op.f("ix_complaints_received_at"))
        batch_op.drop_index(batch_op.f("ix_complaints_category"))

    op.drop_table("complaints")
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_index("ix_callbacks_state_due")
        batch_op.drop_index("ix_callbacks_source")
        batch_op.drop_index(batch_op.f("ix_callbacks_room_id"))

    op.drop_table("callbacks")
    op.drop_table("month_notes")
