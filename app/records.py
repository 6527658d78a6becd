"""Helpers shared by the procedures that open numbered records (投诉, 维修派工单 …)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.validation import mask_phone
from db.models import Occupant, Person


def next_serial(session: Session, column: Any, prefix: str, year: int, pg_lock: int) -> str:
    """PREFIX-YYYY-NNNNNN, counted per year inside the write transaction (`column`: the serial
    column; `pg_lock`: the procedure's advisory-lock key on PostgreSQL, where writers run at once)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": pg_lock})
    start = f"{prefix}{year}-"
    # A range on the unique index (LIKE is case-insensitive in SQLite and would scan).
    last = session.scalar(select(func.max(column)).where(column >= start, column < f"{start}~"))
    n = int(last[len(start):]) + 1 if last else 1
    return f"{start}{n:06d}"


def unmask_room_phone(session: Session, room_id: int | None, masked: str) -> str:
    """The full phone of the room's person whose masked phone a form showed (and sent back)."""
    if room_id is not None:
        for phone, phone2 in session.execute(
                select(Person.phone, Person.phone2).join(Occupant, Occupant.person_id == Person.id)
                .where(Occupant.room_id == room_id, Occupant.active.is_(True))):
            for p in (phone, phone2):
                if p and mask_phone(p) == masked:
                    return str(p)
    raise ValidationError("请填写完整的联系电话", field="contact")
