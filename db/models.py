"""SQLAlchemy models. States are stored as stable ASCII codes; the UI translates them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import FixedDecimal, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tracked:
    """Who created and last changed a record, and when (DOMAIN.md: every record keeps this)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Building(Base):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64), default="")


class Room(Tracked, Base):
    __tablename__ = "rooms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(String(16), default="")
    number: Mapped[str] = mapped_column(String(16), default="")
    floor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    area: Mapped[Decimal | None] = mapped_column(FixedDecimal(2), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default="residence")
    occupancy: Mapped[str] = mapped_column(String(24), default="occupied")
    name: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    building: Mapped[Building] = relationship()
    occupants: Mapped[list[Occupant]] = relationship(back_populates="room")


class Person(Tracked, Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    phone2: Mapped[str] = mapped_column(String(32), default="")
    id_type: Mapped[str] = mapped_column(String(16), default="resident_id")
    id_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    foreigner: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Occupant(Tracked, Base):
    """A person's tie to a room: owner, resident or tenant."""

    __tablename__ = "occupants"
    __table_args__ = (UniqueConstraint("room_id", "person_id", "relation"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16), default="owner")
    move_in_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    room: Mapped[Room] = relationship(back_populates="occupants")
    person: Mapped[Person] = relationship()


class Staff(Tracked, Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    work_id: Mapped[str] = mapped_column(String(32), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    department: Mapped[Department] = relationship()


class Contractor(Tracked, Base):
    __tablename__ = "contractors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company: Mapped[str] = mapped_column(String(128), unique=True)
    contact: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Developer(Tracked, Base):
    __tablename__ = "developers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    contact: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")


class User(Tracked, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditEntry(Base):
    """Append-only, hash-chained; triggers refuse UPDATE and DELETE (see the first migration)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The newest audit hash and count, kept apart so truncating the log is detected."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")


class PrintRecord(Base):
    """Each print or reprint of a slip, kept on the record it belongs to."""

    __tablename__ = "print_log"
    __table_args__ = (Index("ix_print_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64), index=True)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(64))
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    output: Mapped[str] = mapped_column(String(16), default="printer")  # printer / pdf


# ------------------------------------------------------------------ §一 reception log, §二 complaints, §七 callbacks


class CallLog(Tracked, Base):
    """来电来访记录: one call or visit at the counter."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_room_at", "room_id", "at"), Index("ix_calls_kind_at", "kind", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(16))              # phone / visit
    caller_name: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(String(32), default="")
    declined_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), nullable=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))                 # inquiry / suggestion / complaint / repair / help / praise
    content: Mapped[str] = mapped_column(Text, default="")
    action_taken: Mapped[str] = mapped_column(Text, default="")
    taken_by: Mapped[str] = mapped_column(String(64), index=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), nullable=True)
    repair_ref: Mapped[str] = mapped_column(String(32), default="")
    suggestion_status: Mapped[str] = mapped_column(String(16), default="")  # "" / pending / adopted / rejected
    suggestion_reason: Mapped[str] = mapped_column(Text, default="")
    suggestion_decided_by: Mapped[str] = mapped_column(String(64), default="")
    suggestion_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Promise(Tracked, Base):
    """A definite time given for an answer (§一 程序9): tracked until kept."""

    __tablename__ = "promises"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    what: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open / kept
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    kept_by: Mapped[str] = mapped_column(String(64), default="")
    kept_note: Mapped[str] = mapped_column(Text, default="")


class Complaint(Tracked, Base):
    """投诉 (§二); state codes and transitions live in app/complaints.py."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_room_category", "room_id", "category", "received_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(16))              # phone / visit / counter
    complainant: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(String(32), default="")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), nullable=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    department_code: Mapped[str] = mapped_column(String(32), default="")   # complained-about department
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    severity: Mapped[str] = mapped_column(String(16), default="normal")    # normal / serious
    details: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), index=True)
    valid: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    invalid_reason: Mapped[str] = mapped_column(Text, default="")
    handled_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deadline_approved_by: Mapped[str] = mapped_column(String(64), default="")
    deadline_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    assigned_department: Mapped[str] = mapped_column(String(32), default="")
    result: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[str] = mapped_column(String(16), default="")      # satisfied / basic / dissatisfied
    apology_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    apology_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), nullable=True)
    call_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ComplaintEvent(Base):
    """One step of a complaint's timeline: who, when, what, note."""

    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Evidence(Base):
    """A file the complainant gave as evidence, copied into the data folder and checksummed."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(64))


class Callback(Tracked, Base):
    """业主回访 (§七): created by the rules (complaint resolved, repair done, 不满意, monthly plan)."""

    __tablename__ = "callbacks"
    __table_args__ = (Index("ix_callbacks_state_due", "state", "due_at"),
                      Index("ix_callbacks_source", "source", "source_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))                 # complaint / repair / survey / periodic
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), nullable=True, index=True)
    person_name: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="")   # complaint / call / callback / repair / plan
    source_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan_month: Mapped[str] = mapped_column(String(7), default="")  # YYYY-MM for periodic callbacks
    state: Mapped[str] = mapped_column(String(16), default="due")   # due / done / cancelled
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_by: Mapped[str] = mapped_column(String(64), default="")
    method: Mapped[str] = mapped_column(String(16), default="")    # phone / visit
    content: Mapped[str] = mapped_column(Text, default="")
    opinion: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[str] = mapped_column(String(16), default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    complaint_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a complaint opened from it


class MonthNote(Tracked, Base):
    """The supervisor's analysis text for a month (月报分析与措施), kept with the month."""

    __tablename__ = "month_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("month", "section"),)


class RepairOrder(Tracked, Base):
    """维修派工单 (§六); state codes and transitions live in app/repairs.py."""

    __tablename__ = "repair_orders"
    # The board filters by one column and sorts newest first; the chips count by state under the
    # same filter (docs/performance.md, issue 6, measured with 200,000 orders).
    __table_args__ = (Index("ix_repair_orders_state_reported", "state", "reported_at"),
                      Index("ix_repair_orders_reported_at", "reported_at", "state"),
                      Index("ix_repair_orders_category_reported", "category", "reported_at"),
                      Index("ix_repair_orders_category_state", "category", "state"),
                      Index("ix_repair_orders_engineer_state", "engineer_id", "state", "reported_at"),
                      Index("ix_repair_orders_engineer_reported", "engineer_id", "reported_at"),
                      Index("ix_repair_orders_room_reported", "room_id", "reported_at", "state"),
                      Index("ix_repair_orders_urgency_reported", "urgency", "reported_at"),
                      Index("ix_repair_orders_urgency_state", "urgency", "state"),
                      Index("ix_repair_orders_dispatched", "dispatched_at"),
                      Index("ix_repair_orders_follow_up_of", "follow_up_of_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(16))               # phone / visit / counter / inspection
    reporter: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(String(32), default="")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), nullable=True)
    location: Mapped[str] = mapped_column(String(128), default="")  # where in the room / common area
    category: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(16), default="normal")  # normal / urgent / emergency
    paid: Mapped[bool] = mapped_column(Boolean, default=False)           # 有偿 / 无偿
    preferred_time: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[str] = mapped_column(String(16))
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    plan: Mapped[str] = mapped_column(Text, default="")                  # told to the owner on site
    quote_amount: Mapped[Decimal | None] = mapped_column(FixedDecimal(2), nullable=True)
    quote_note: Mapped[str] = mapped_column(Text, default="")
    fee_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    fee_accepted_by: Mapped[str] = mapped_column(String(64), default="")  # the owner who signed
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    work_done: Mapped[str] = mapped_column(Text, default="")
    owner_signed_by: Mapped[str] = mapped_column(String(64), default="")
    rating: Mapped[str] = mapped_column(String(16), default="")          # satisfied / basic / dissatisfied
    owner_comment: Mapped[str] = mapped_column(Text, default="")
    response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)    # reported → on site
    completion_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)  # reported → done
    called_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    call_id: Mapped[int | None] = mapped_column(Integer, nullable=True)            # the reception-log line
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("repair_orders.id"), nullable=True)


class RepairEvent(Base):
    """One step of a repair order's timeline: who, when, what, note."""

    __tablename__ = "repair_events"
    __table_args__ = (Index("ix_repair_events_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16), default="")
    engineer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------- keys (钥匙领用分发, §三)


class KeyCabinet(Tracked, Base):
    """A key cabinet as the clerk sees it: rows × columns of hooks."""

    __tablename__ = "key_cabinets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    rows: Mapped[int] = mapped_column(Integer)
    cols: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(128), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class KeyHook(Base):
    """One hook (钩位) of a cabinet, with the label stuck beside it."""

    __tablename__ = "key_hooks"
    __table_args__ = (UniqueConstraint("cabinet_id", "row", "col", name="uq_key_hooks_position"),
                      UniqueConstraint("cabinet_id", "label", name="uq_key_hooks_label"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cabinet_id: Mapped[int] = mapped_column(ForeignKey("key_cabinets.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32))
    label_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    label_checked_by: Mapped[str] = mapped_column(String(64), default="")
    label_replaced: Mapped[bool] = mapped_column(Boolean, default=False)  # at the last check


class Key(Tracked, Base):
    """A key (钥匙) with its copies: number, what it opens, kind, state, hook. State codes in app/keys.py."""

    __tablename__ = "keys"
    __table_args__ = (Index("ix_keys_room_lock", "room_id", "lock_no"), Index("ix_keys_state", "state"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)   # 钥匙编号
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    accepted_copies: Mapped[int] = mapped_column(Integer, default=1)  # as taken in (the acceptance record)
    lock_no: Mapped[int] = mapped_column(Integer, default=1)        # bumps at each lock change (换锁)
    door: Mapped[str] = mapped_column(String(64), default="")       # which lock: 入户门, 单元门 …
    state: Mapped[str] = mapped_column(String(16))
    hook_id: Mapped[int | None] = mapped_column(ForeignKey("key_hooks.id"), nullable=True, unique=True)
    home_hook_label: Mapped[str] = mapped_column(String(64), default="")  # where it hangs when back
    note: Mapped[str] = mapped_column(Text, default="")
    acceptance_id: Mapped[int | None] = mapped_column(ForeignKey("key_acceptances.id"), nullable=True, index=True)
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("key_deposits.id"), nullable=True, index=True)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("keys.id"), nullable=True)


class KeyEvent(Base):
    """One line of a key's history: who, when, what, state change, note, and the record behind it."""

    __tablename__ = "key_events"
    # ref: a slip's serial finds its keys (a handover slip JF- scanned into the cabinet's search).
    __table_args__ = (Index("ix_key_events_at", "at"), Index("ix_key_events_ref", "ref"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    ref: Mapped[str] = mapped_column(String(32), default="")       # slip serial (JY-…, TC-…, YS-…)


class KeyAcceptance(Tracked, Base):
    """钥匙移交: keys taken over from a contractor, signed on 《钥匙验收记录表》."""

    __tablename__ = "key_acceptances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), nullable=True)
    company: Mapped[str] = mapped_column(String(128))
    handed_by: Mapped[str] = mapped_column(String(64))              # 施工队交匙人
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


class KeyDeposit(Tracked, Base):
    """业主托存: a key left with the counter by an owner; given back only against a matching ID."""

    __tablename__ = "key_deposits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), nullable=True)
    owner_name: Mapped[str] = mapped_column(String(64))
    owner_id_number: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(32), default="")
    deposited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="held")   # held / returned
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    returned_to: Mapped[str] = mapped_column(String(64), default="")
    returned_to_id_number: Mapped[str] = mapped_column(String(32), default="")
    returned_by: Mapped[str] = mapped_column(String(64), default="")


class KeyDelegate(Base):
    """A person the owner names to collect a deposited key (name, ID number, until when)."""

    __tablename__ = "key_delegates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("key_deposits.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(32))
    valid_until: Mapped[date] = mapped_column(Date)


class KeyLoan(Tracked, Base):
    """《钥匙借领确认单》: one borrower, one or more keys, due back by rule."""

    __tablename__ = "key_loans"
    __table_args__ = (Index("ix_key_loans_state_due", "state", "due_at"), Index("ix_key_loans_lent_at", "lent_at"),
                      Index("ix_key_loans_returned_at", "returned_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    borrower_kind: Mapped[str] = mapped_column(String(16))          # staff / contractor / sales / owner
    borrower_name: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    work_id: Mapped[str] = mapped_column(String(32), default="")
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), nullable=True)
    company: Mapped[str] = mapped_column(String(128), default="")
    permit_no: Mapped[str] = mapped_column(String(32), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), nullable=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    escort_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    lent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="out")    # out / returned / short
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    returned_by: Mapped[str] = mapped_column(String(64), default="")   # who brought it back
    received_by: Mapped[str] = mapped_column(String(64), default="")   # the clerk (接收人)
    return_note: Mapped[str] = mapped_column(Text, default="")
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class KeyLoanItem(Base):
    __tablename__ = "key_loan_items"
    __table_args__ = (UniqueConstraint("loan_id", "key_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("key_loans.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id"), index=True)
    copies: Mapped[int] = mapped_column(Integer)
    returned_copies: Mapped[int | None] = mapped_column(Integer, nullable=True)


class KeyReminder(Base):
    """催还: one reminder to a borrower who is late."""

    __tablename__ = "key_reminders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("key_loans.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))                  # phone / visit / message
    note: Mapped[str] = mapped_column(Text, default="")


class KeyHandover(Tracked, Base):
    """收房: keys handed to the owner (first decoration + official), or the second decoration key."""

    __tablename__ = "key_handovers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))                    # move_in / second_decoration / deposit_return
    recipient: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    permit_id: Mapped[int | None] = mapped_column(ForeignKey("decoration_permits.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class DecorationPermit(Tracked, Base):
    """A room's decoration permit (装修手续) and whether its fees are marked paid."""

    __tablename__ = "decoration_permits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    permit_no: Mapped[str] = mapped_column(String(32), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    fees_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_no: Mapped[str] = mapped_column(String(32), default="")
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class KeyIncident(Tracked, Base):
    """遗失/损坏: reported to the supervisor → owner's consent → 补配 or 换锁 (supervisor approves)."""

    __tablename__ = "key_incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))                    # lost / damaged
    copies: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(16), default="report")  # report / return / count
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("key_loans.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="reported")  # reported / consented / resolved / declined
    consent_by: Mapped[str] = mapped_column(String(64), default="")  # the owner who agreed
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consent_note: Mapped[str] = mapped_column(Text, default="")
    remedy: Mapped[str] = mapped_column(String(16), default="")      # recut / lock_change
    approved_by: Mapped[str] = mapped_column(String(64), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str] = mapped_column(Text, default="")


class KeyCount(Tracked, Base):
    """盘点: a walk of one cabinet hook by hook."""

    __tablename__ = "key_counts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cabinet_id: Mapped[int] = mapped_column(ForeignKey("key_cabinets.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    counted_by: Mapped[str] = mapped_column(String(64))
    expected: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    unexpected: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class KeyCountLine(Base):
    __tablename__ = "key_count_lines"
    __table_args__ = (UniqueConstraint("count_id", "hook_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("key_counts.id"), index=True)
    hook_id: Mapped[int] = mapped_column(ForeignKey("key_hooks.id"))
    key_id: Mapped[int | None] = mapped_column(ForeignKey("keys.id"), nullable=True)   # expected on the hook
    result: Mapped[str] = mapped_column(String(16))   # present / missing / unexpected / empty
    note: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("key_incidents.id"), nullable=True)
