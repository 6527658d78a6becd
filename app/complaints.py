"""Complaints (投诉处理, DOMAIN.md §二): intake, the workflow as a transition table, evidence, timeline."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app import audit, settings
from app.errors import ConflictError, InvalidTransition, NotFoundError, StorageError, ValidationError
from app.records import next_serial, unmask_room_phone
from app.roles import Actor, Perm, require
from app.timeutil import fmt_local, local_day_bounds, to_local
from app.validation import canonical_phone, clean_room_code, mask_phone, normalize_text, phone_problem
from db.models import (
    CallLog,
    Complaint,
    ComplaintEvent,
    Department,
    Evidence,
    MonthNote,
    Room,
    Staff,
    User,
)
from db.types import utcnow

# ---------------------------------------------------------------- codes and labels


class ComplaintState(StrEnum):
    RECEIVED = "received"
    VERIFYING = "verifying"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CALLED_BACK = "called_back"
    CLOSED = "closed"
    INVALID = "invalid"


STATE_LABELS = {
    ComplaintState.RECEIVED: "已受理",
    ComplaintState.VERIFYING: "核实中",
    ComplaintState.IN_PROGRESS: "处理中",
    ComplaintState.ESCALATED: "已升级",
    ComplaintState.RESOLVED: "已处理",
    ComplaintState.CALLED_BACK: "已回访",
    ComplaintState.CLOSED: "已关闭",
    ComplaintState.INVALID: "无效",
}
OPEN_STATES = frozenset({ComplaintState.RECEIVED, ComplaintState.VERIFYING,
                         ComplaintState.IN_PROGRESS, ComplaintState.ESCALATED})


class Channel(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    COUNTER = "counter"


CHANNEL_LABELS = {Channel.PHONE: "来电", Channel.VISIT: "来访", Channel.COUNTER: "柜台"}


class Severity(StrEnum):
    NORMAL = "normal"
    SERIOUS = "serious"


SEVERITY_LABELS = {Severity.NORMAL: "一般", Severity.SERIOUS: "严重"}


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"


SATISFACTION_LABELS = {Satisfaction.SATISFIED: "满意", Satisfaction.BASIC: "基本满意",
                       Satisfaction.DISSATISFIED: "不满意"}


class Action(StrEnum):
    START_VERIFY = "start_verify"
    MARK_INVALID = "mark_invalid"
    MARK_VALID = "mark_valid"
    HANDLE_ON_SPOT = "handle_on_spot"
    AGREE_DEADLINE = "agree_deadline"
    ASSIGN_DEPARTMENT = "assign_department"
    ESCALATE = "escalate"
    TAKE_BACK = "take_back"
    RECORD_RESULT = "record_result"
    MARK_APOLOGY_DONE = "mark_apology_done"
    MARK_CALLED_BACK = "mark_called_back"
    CLOSE = "close"


ACTION_LABELS = {
    Action.START_VERIFY: "开始核实",
    Action.MARK_INVALID: "判定无效",
    Action.MARK_VALID: "判定有效",
    Action.HANDLE_ON_SPOT: "当场处理",
    Action.AGREE_DEADLINE: "约定处理期限",
    Action.ASSIGN_DEPARTMENT: "转交部门",
    Action.ESCALATE: "升级至主管",
    Action.TAKE_BACK: "主管收回处理",
    Action.RECORD_RESULT: "登记处理结果",
    Action.MARK_APOLOGY_DONE: "已致歉",
    Action.MARK_CALLED_BACK: "已回访",
    Action.CLOSE: "关闭",
}
# Timeline entries that are not workflow actions.
EVENT_LABELS = {"create": "受理投诉", "add_evidence": "添加证据", **{str(a): t for a, t in ACTION_LABELS.items()}}

S = ComplaintState
# action → (states it may run from, state it leads to (None: stays), permission). Read by the
# service, the panel's buttons and the tests.
TRANSITIONS: dict[Action, tuple[frozenset[ComplaintState], ComplaintState | None, Perm]] = {
    Action.START_VERIFY: (frozenset({S.RECEIVED}), S.VERIFYING, Perm.HANDLE_COMPLAINTS),
    Action.MARK_INVALID: (frozenset({S.VERIFYING}), S.INVALID, Perm.HANDLE_COMPLAINTS),
    Action.MARK_VALID: (frozenset({S.VERIFYING}), S.IN_PROGRESS, Perm.HANDLE_COMPLAINTS),
    # The first person who hears it may explain on the spot (§二1), or after verifying.
    Action.HANDLE_ON_SPOT: (frozenset({S.RECEIVED, S.VERIFYING, S.IN_PROGRESS}), S.RESOLVED,
                            Perm.HANDLE_COMPLAINTS),
    Action.AGREE_DEADLINE: (frozenset({S.IN_PROGRESS, S.ESCALATED}), S.IN_PROGRESS,
                            Perm.APPROVE_COMPLAINTS),
    Action.ASSIGN_DEPARTMENT: (frozenset({S.IN_PROGRESS}), S.IN_PROGRESS, Perm.HANDLE_COMPLAINTS),
    # Owner not satisfied with the proposed result (§二6) or refuses a new time (§二7). A result the
    # owner was dissatisfied with once recorded is followed up by its urgent callback instead.
    Action.ESCALATE: (frozenset({S.IN_PROGRESS}), S.ESCALATED, Perm.HANDLE_COMPLAINTS),
    Action.TAKE_BACK: (frozenset({S.ESCALATED}), S.IN_PROGRESS, Perm.APPROVE_COMPLAINTS),
    Action.RECORD_RESULT: (frozenset({S.IN_PROGRESS, S.ESCALATED}), S.RESOLVED, Perm.HANDLE_COMPLAINTS),
    Action.MARK_APOLOGY_DONE: (frozenset({S.IN_PROGRESS, S.ESCALATED, S.RESOLVED, S.CALLED_BACK}), None,
                               Perm.HANDLE_COMPLAINTS),
    Action.MARK_CALLED_BACK: (frozenset({S.RESOLVED}), S.CALLED_BACK, Perm.DO_CALLBACKS),
    Action.CLOSE: (frozenset({S.CALLED_BACK, S.INVALID}), S.CLOSED, Perm.APPROVE_COMPLAINTS),
}
del S

DEFAULT_CATEGORIES = ["服务态度", "维修质量", "安全秩序", "环境卫生", "绿化", "停车", "收费", "噪音",
                      "装修", "邻里纠纷", "设施设备", "其他"]
CATEGORIES_KEY = "complaint_categories"
REPEAT_DAYS_KEY = "complaint_repeat_days"
DEFAULT_REPEAT_DAYS = 30
CALLBACK_HOURS = 48
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
SERIAL_PREFIX = "TS-"
_PG_SERIAL_LOCK = 0x54530001  # pg_advisory_xact_lock key for the serial counter


def can(action: Action | str, state: ComplaintState | str, actor: Actor | None) -> bool:
    """May `actor` run `action` on a complaint in `state`? (The table only: see also apology_needed.)"""
    sources, _target, perm = TRANSITIONS[Action(action)]
    return ComplaintState(state) in sources and actor is not None and actor.can(perm)


def allowed_actions(state: ComplaintState | str, actor: Actor | None) -> list[Action]:
    return [a for a in Action if can(a, state, actor)]


# ---------------------------------------------------------------- settings


def categories(session: Session) -> list[str]:
    return settings.get_list(session, CATEGORIES_KEY, DEFAULT_CATEGORIES)


def category_problems(items: list[str]) -> dict[str, str]:
    return settings.list_problems(items, "categories", "投诉类别")


def save_categories(session: Session, actor: Actor, items: list[str]) -> list[str]:
    return settings.save_list(session, actor, CATEGORIES_KEY, items, DEFAULT_CATEGORIES, "categories", "投诉类别")


def repeat_days(session: Session) -> int:
    try:
        days = int(settings.get_value(session, REPEAT_DAYS_KEY, str(DEFAULT_REPEAT_DAYS)))
    except ValueError:
        return DEFAULT_REPEAT_DAYS
    return days if days > 0 else DEFAULT_REPEAT_DAYS


def save_repeat_days(session: Session, actor: Actor, days: int) -> int:
    """How many days back a complaint of the same room and category counts as a repeat."""
    require(actor, Perm.EDIT_SETTINGS)
    if not 1 <= int(days) <= 365:
        raise ValidationError("重复投诉的判定天数应在 1 到 365 之间", field="repeat_days")
    old = repeat_days(session)
    if old != days:
        settings.set_value(session, REPEAT_DAYS_KEY, str(int(days)))
        audit.record(session, actor, "update", "settings", REPEAT_DAYS_KEY, before={"days": old},
                     after={"days": int(days)}, summary="修改重复投诉判定天数")
    return int(days)


# ---------------------------------------------------------------- intake data and validation


@dataclass(frozen=True)
class ComplaintData:
    channel: Channel = Channel.PHONE
    complainant: str = ""
    contact: str = ""
    room_id: int | None = None
    category: str = ""
    department_code: str = ""
    staff_id: int | None = None
    severity: Severity = Severity.NORMAL
    details: str = ""
    call_id: int | None = None
    room_code: str = ""  # instead of room_id, e.g. from a reception-log line or the dialog


def _enum(cls: Any, value: Any) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


def clean_complaint(data: ComplaintData) -> ComplaintData:
    return replace(data, channel=_enum(Channel, data.channel), severity=_enum(Severity, data.severity),
                   room_code=clean_room_code(data.room_code), complainant=normalize_text(data.complainant),
                   contact=canonical_phone(data.contact), category=normalize_text(data.category),
                   department_code=normalize_text(data.department_code), details=data.details.strip())


# A phone picked from the room's people as the form showed it (masked): the service looks it up.
MASKED_PHONE_RE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def complaint_problems(data: ComplaintData) -> dict[str, str]:
    """Pure: what is wrong with this intake, by field, in the clerk's words."""
    d = clean_complaint(data)
    e: dict[str, str] = {}
    if d.channel not in set(Channel):
        e["channel"] = "请选择受理方式"
    if not d.complainant:
        e["complainant"] = "请填写投诉人姓名"
    elif len(d.complainant) > 64:
        e["complainant"] = "投诉人姓名过长"
    if (p := phone_problem(d.contact)) and not MASKED_PHONE_RE.match(d.contact):
        e["contact"] = p
    if not d.category:
        e["category"] = "请选择投诉类别"
    elif len(d.category) > 32:
        e["category"] = "投诉类别名称不能超过32个字"
    if d.severity not in set(Severity):
        e["severity"] = "请选择严重程度"
    if not d.details:
        e["details"] = "请详细记录投诉内容"
    elif len(d.details) < 4:
        e["details"] = "投诉内容过于简单，请详细记录事实"
    return e


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    serial: str
    received_at: datetime
    channel: Channel
    complainant: str
    contact: str
    room_id: int | None
    room_code: str
    category: str
    department_code: str
    department: str
    staff_id: int | None
    staff_name: str
    severity: Severity
    details: str
    state: ComplaintState
    valid: bool | None
    invalid_reason: str
    handled_on_spot: bool
    deadline: datetime | None
    deadline_approved_by: str
    deadline_approved_at: datetime | None
    assigned_department: str
    assigned_department_name: str
    result: str
    satisfaction: str
    apology_needed: bool
    apology_done_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    repeat_of_id: int | None
    call_id: int | None
    created_by: str
    masked: bool = True

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def satisfaction_label(self) -> str:
        return SATISFACTION_LABELS[Satisfaction(self.satisfaction)] if self.satisfaction else ""

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def apology_pending(self) -> bool:
        return self.apology_needed and self.apology_done_at is None

    def overdue(self, now: datetime | None = None) -> bool:
        """An agreed deadline has passed while the complaint is still open."""
        return (self.deadline is not None and self.state in OPEN_STATES
                and self.deadline < (now or utcnow()))


@dataclass(frozen=True)
class ComplaintEventRow:
    id: int
    at: datetime
    username: str
    user_display: str
    action: str
    from_state: str
    to_state: str
    note: str

    @property
    def action_label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)

    @property
    def change_label(self) -> str:
        to = STATE_LABELS[ComplaintState(self.to_state)] if self.to_state else ""
        if not self.from_state:
            return to
        if self.from_state == self.to_state:
            return ""
        return f"{STATE_LABELS[ComplaintState(self.from_state)]} → {to}"


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    filename: str
    stored_name: str
    sha256: str
    size: int
    added_at: datetime
    added_by: str

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        if self.size >= 1024:
            return f"{self.size / 1024:.0f} KB"
        return f"{self.size} B"


@dataclass(frozen=True)
class ComplaintDetail:
    row: ComplaintRow
    events: list[ComplaintEventRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    similar: list[ComplaintRow] = field(default_factory=list)
    repeat_of_serial: str = ""


@dataclass(frozen=True)
class ComplaintQuery:
    text: str = ""
    state: ComplaintState | None = None
    category: str = ""
    room_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    reveal: bool = False
    offset: int = 0
    limit: int = 200


_Dept = aliased(Department)
_Assigned = aliased(Department)


def _row_select():  # noqa: ANN202 - a Select of (Complaint, room code, dept, assigned dept, staff)
    return (select(Complaint, Room.code, _Dept.name, _Assigned.name, Staff.name)
            .outerjoin(Room, Complaint.room_id == Room.id)
            .outerjoin(_Dept, Complaint.department_code == _Dept.code)
            .outerjoin(_Assigned, Complaint.assigned_department == _Assigned.code)
            .outerjoin(Staff, Complaint.staff_id == Staff.id))


def _row(c: Complaint, room_code: str | None, dept: str | None, assigned: str | None,
         staff: str | None, show_phone: bool = False) -> ComplaintRow:
    return ComplaintRow(
        id=c.id, serial=c.serial, received_at=c.received_at, channel=Channel(c.channel),
        complainant=c.complainant, contact=c.contact if show_phone else mask_phone(c.contact),
        room_id=c.room_id, room_code=room_code or "", category=c.category,
        department_code=c.department_code, department=dept or "", staff_id=c.staff_id,
        staff_name=staff or "", severity=Severity(c.severity), details=c.details,
        state=ComplaintState(c.state), valid=c.valid, invalid_reason=c.invalid_reason,
        handled_on_spot=c.handled_on_spot, deadline=c.deadline,
        deadline_approved_by=c.deadline_approved_by, deadline_approved_at=c.deadline_approved_at,
        assigned_department=c.assigned_department, assigned_department_name=assigned or "",
        result=c.result, satisfaction=c.satisfaction, apology_needed=c.apology_needed,
        apology_done_at=c.apology_done_at, resolved_at=c.resolved_at, closed_at=c.closed_at,
        repeat_of_id=c.repeat_of_id, call_id=c.call_id, created_by=c.created_by,
        masked=not show_phone)


def _load_row(session: Session, complaint_id: int, show_phone: bool = False) -> ComplaintRow:
    found = session.execute(_row_select().where(Complaint.id == complaint_id)).first()
    if found is None:
        raise NotFoundError("找不到该投诉")
    return _row(*found, show_phone=show_phone)


def _get(session: Session, complaint_id: int, lock: bool = False) -> Complaint:
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    if lock and session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()  # SQLite writers already hold the lock (BEGIN IMMEDIATE)
    c = session.scalars(stmt).first()
    if c is None:
        raise NotFoundError("找不到该投诉")
    return c


def _snapshot(c: Complaint) -> dict[str, Any]:
    # Audit keeps the contact masked: supervisors and administrators read the log.
    return {"serial": c.serial, "received_at": c.received_at, "channel": c.channel,
            "complainant": c.complainant, "contact": mask_phone(c.contact), "room_id": c.room_id,
            "category": c.category, "department_code": c.department_code, "staff_id": c.staff_id,
            "severity": c.severity, "details": c.details, "state": c.state,
            "apology_needed": c.apology_needed, "repeat_of_id": c.repeat_of_id, "call_id": c.call_id}


# ---------------------------------------------------------------- intake


def earlier_similar(session: Session, room_id: int | None, category: str, at: datetime | None = None,
                    exclude_id: int | None = None) -> list[ComplaintRow]:
    """Complaints from the same room and category in the repeat window before `at`, newest first."""
    if room_id is None or not category:
        return []
    at = at or utcnow()
    since = at - timedelta(days=repeat_days(session))
    stmt = _row_select().where(Complaint.room_id == room_id, Complaint.category == category,
                               Complaint.received_at >= since, Complaint.received_at <= at)
    if exclude_id is not None:
        stmt = stmt.where(Complaint.id != exclude_id)
    found = session.execute(stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc())).all()
    return [_row(*r) for r in found]


def create_complaint(session: Session, actor: Actor, data: ComplaintData,
                     received_at: datetime | None = None) -> ComplaintRow:
    require(actor, Perm.HANDLE_COMPLAINTS)
    d = clean_complaint(data)
    if errors := complaint_problems(d):
        raise ValidationError(errors=errors)
    if d.category not in categories(session):
        raise ValidationError(f"“{d.category}”不在投诉类别设置中", field="category")
    now = utcnow()
    at = received_at or now
    if at > now + timedelta(minutes=5):
        raise ValidationError("受理时间不能晚于现在", field="received_at")
    if d.room_id is None and d.room_code:
        d = replace(d, room_id=session.scalar(select(Room.id).where(Room.code == d.room_code)))
        if d.room_id is None:
            raise ValidationError(f"找不到房号 {d.room_code}", field="room")
    if d.room_id is not None and session.get(Room, d.room_id) is None:
        raise ValidationError("找不到该房屋", field="room")
    call = None
    if d.call_id is not None:  # only a 投诉 line, and only once (the service decides, not the dialog)
        call = session.get(CallLog, d.call_id)
        if call is None:
            raise NotFoundError("找不到该来电记录")
        if call.kind != "complaint":
            raise InvalidTransition("只有“投诉”类来电记录可以转为投诉")
        if call.complaint_id is not None:
            raise ConflictError("该来电记录已转为投诉")
    if "*" in d.contact:
        if call is not None and call.contact and mask_phone(call.contact) == d.contact:
            d = replace(d, contact=call.contact)
        else:
            d = replace(d, contact=unmask_room_phone(session, d.room_id, d.contact))
    dept = d.department_code
    if d.staff_id is not None:
        staff = session.get(Staff, d.staff_id)
        if staff is None:
            raise ValidationError("找不到该员工", field="staff_id")
        dept = dept or staff.department.code
    if dept and session.scalar(select(Department.id).where(Department.code == dept)) is None:
        raise ValidationError("找不到该部门", field="department_code")
    similar = earlier_similar(session, d.room_id, d.category, at)
    local = to_local(at)
    assert local is not None
    c = Complaint(
        serial=next_serial(session, Complaint.serial, SERIAL_PREFIX, local.year, _PG_SERIAL_LOCK), received_at=at, channel=str(d.channel),
        complainant=d.complainant, contact=d.contact, room_id=d.room_id, category=d.category,
        department_code=dept, staff_id=d.staff_id, severity=str(d.severity), details=d.details,
        state=str(ComplaintState.RECEIVED), apology_needed=d.severity == Severity.SERIOUS,
        repeat_of_id=similar[0].id if similar else None, call_id=d.call_id,
        created_by=actor.username, updated_by=actor.username)
    session.add(c)
    session.flush()
    if call is not None:  # linked both ways with the reception-log line
        call.complaint_id = c.id
    note = f"{CHANNEL_LABELS[d.channel]}受理"
    if similar:
        note += f"；重复投诉（{repeat_days(session)} 天内同房同类：{similar[0].serial}）"
    if c.apology_needed:
        note += "；严重投诉，需上门或电话致歉"
    _event(session, actor, c, "create", "", str(ComplaintState.RECEIVED), note, at)
    audit.record(session, actor, "create", "complaint", c.id, after=_snapshot(c),
                 summary=f"受理投诉 {c.serial}（{d.category}）")
    return _load_row(session, c.id)


def _event(session: Session, actor: Actor, c: Complaint, action: str, from_state: str, to_state: str,
           note: str, at: datetime) -> None:
    session.add(ComplaintEvent(complaint_id=c.id, at=at, username=actor.username, action=action,
                               from_state=from_state, to_state=to_state, note=note))


# ---------------------------------------------------------------- the workflow


def _require_text(value: str, field_name: str, message: str) -> str:
    v = (value or "").strip()
    if not v:
        raise ValidationError(message, field=field_name)
    return v


def _apply(session: Session, actor: Actor, complaint_id: int, action: Action, note: str,
           at: datetime | None, change: Any = None) -> ComplaintRow:
    """Check the table, run `change(c, at)`, move the state, write the timeline and the audit."""
    sources, target, perm = TRANSITIONS[action]
    require(actor, perm)
    c = _get(session, complaint_id, lock=True)
    state = ComplaintState(c.state)
    if state not in sources:
        raise InvalidTransition(
            f"投诉 {c.serial} 当前为“{STATE_LABELS[state]}”，不能{ACTION_LABELS[action]}",
            action=str(action), state=str(state))
    at = at or utcnow()
    before = _snapshot_workflow(c)
    if change is not None:
        change(c, at)
    if target is not None:
        c.state = str(target)
    c.updated_by = actor.username
    _event(session, actor, c, str(action), str(state), c.state, note, at)
    b, a = audit.diff(before, _snapshot_workflow(c))
    audit.record(session, actor, str(action), "complaint", c.id, before=b, after=a | {"note": note},
                 summary=f"投诉 {c.serial}：{ACTION_LABELS[action]}")
    session.flush()
    return _load_row(session, c.id)


def _snapshot_workflow(c: Complaint) -> dict[str, Any]:
    return {"state": c.state, "valid": c.valid, "invalid_reason": c.invalid_reason,
            "handled_on_spot": c.handled_on_spot, "deadline": c.deadline,
            "deadline_approved_by": c.deadline_approved_by,
            "assigned_department": c.assigned_department, "result": c.result,
            "satisfaction": c.satisfaction, "apology_done_at": c.apology_done_at,
            "resolved_at": c.resolved_at, "closed_at": c.closed_at}


def run_action(session: Session, actor: Actor, complaint_id: int, action: Action | str,
               **params: Any) -> ComplaintRow:
    """Dispatch by action code (what the panel's buttons call)."""
    fn = {
        Action.START_VERIFY: start_verify, Action.MARK_INVALID: mark_invalid,
        Action.MARK_VALID: mark_valid, Action.HANDLE_ON_SPOT: handle_on_spot,
        Action.AGREE_DEADLINE: agree_deadline, Action.ASSIGN_DEPARTMENT: assign_department,
        Action.ESCALATE: escalate, Action.TAKE_BACK: take_back, Action.RECORD_RESULT: record_result,
        Action.MARK_APOLOGY_DONE: mark_apology_done, Action.MARK_CALLED_BACK: mark_called_back,
        Action.CLOSE: close,
    }[Action(action)]
    return fn(session, actor, complaint_id, **params)  # type: ignore[operator]


def start_verify(session: Session, actor: Actor, complaint_id: int, note: str = "",
                 at: datetime | None = None) -> ComplaintRow:
    return _apply(session, actor, complaint_id, Action.START_VERIFY, note.strip(), at)


def mark_invalid(session: Session, actor: Actor, complaint_id: int, reason: str,
                 at: datetime | None = None) -> ComplaintRow:
    reason = _require_text(reason, "reason", "请填写判定无效的原因")

    def change(c: Complaint, _at: datetime) -> None:
        c.valid, c.invalid_reason = False, reason

    return _apply(session, actor, complaint_id, Action.MARK_INVALID, reason, at, change)


def mark_valid(session: Session, actor: Actor, complaint_id: int, note: str = "",
               at: datetime | None = None) -> ComplaintRow:
    def change(c: Complaint, _at: datetime) -> None:
        c.valid = True

    return _apply(session, actor, complaint_id, Action.MARK_VALID, note.strip(), at, change)


def _satisfaction(value: Satisfaction | str) -> Satisfaction:
    try:
        return Satisfaction(value)
    except ValueError:
        raise ValidationError("请选择业主对处理结果的满意度", field="satisfaction") from None


def _resolve(session: Session, actor: Actor, c: Complaint, at: datetime, result: str,
             satisfaction: Satisfaction) -> None:
    c.result, c.satisfaction, c.resolved_at = result, str(satisfaction), at
    _complaint_callback(session, actor, c, at, satisfaction)


def _complaint_callback(session: Session, actor: Actor, c: Complaint, at: datetime,
                        satisfaction: Satisfaction) -> None:
    """§七4: a resolved complaint gets a callback within 48 hours (urgent when dissatisfied)."""
    from app import callbacks

    callbacks.create_callback(
        session, actor, kind=callbacks.CallbackKind.COMPLAINT, room_id=c.room_id,
        person_name=c.complainant, contact=c.contact, reason=f"投诉 {c.serial} 处理后回访",
        due_at=at + timedelta(hours=CALLBACK_HOURS), source="complaint", source_id=c.id,
        urgent=satisfaction == Satisfaction.DISSATISFIED)


def handle_on_spot(session: Session, actor: Actor, complaint_id: int, result: str,
                   satisfaction: Satisfaction | str = Satisfaction.SATISFIED,
                   at: datetime | None = None) -> ComplaintRow:
    result = _require_text(result, "result", "请填写当场处理的结果")
    sat = _satisfaction(satisfaction)

    def change(c: Complaint, when: datetime) -> None:
        c.valid, c.handled_on_spot = True, True
        _resolve(session, actor, c, when, result, sat)

    note = f"{result}（{SATISFACTION_LABELS[sat]}）"
    return _apply(session, actor, complaint_id, Action.HANDLE_ON_SPOT, note, at, change)


def agree_deadline(session: Session, actor: Actor, complaint_id: int, deadline: datetime,
                   note: str = "", at: datetime | None = None) -> ComplaintRow:
    """A deadline agreed with the owner; the supervisor running this is the approval (§二4, 6)."""
    if deadline is None:
        raise ValidationError("请填写处理期限", field="deadline")
    when = at or utcnow()
    if deadline <= when:
        raise ValidationError("处理期限应晚于现在", field="deadline")

    def change(c: Complaint, t: datetime) -> None:
        c.deadline, c.deadline_approved_by, c.deadline_approved_at = deadline, actor.username, t

    text_note = f"期限 {fmt_local(deadline)}，主管 {actor.display_name or actor.username} 批准"
    if note.strip():
        text_note += f"；{note.strip()}"
    return _apply(session, actor, complaint_id, Action.AGREE_DEADLINE, text_note, when, change)


def assign_department(session: Session, actor: Actor, complaint_id: int, department_code: str,
                      note: str = "", at: datetime | None = None) -> ComplaintRow:
    code = normalize_text(department_code)
    if not code:
        raise ValidationError("请选择转交的部门", field="department")
    name = session.scalar(select(Department.name).where(Department.code == code))
    if name is None:
        raise ValidationError("找不到该部门", field="department")

    def change(c: Complaint, _t: datetime) -> None:
        c.assigned_department = code

    text_note = f"转交{name}" + (f"；{note.strip()}" if note.strip() else "")
    return _apply(session, actor, complaint_id, Action.ASSIGN_DEPARTMENT, text_note, at, change)


def escalate(session: Session, actor: Actor, complaint_id: int, note: str,
             at: datetime | None = None) -> ComplaintRow:
    note = _require_text(note, "note", "请概述升级的原因（业主对结果不满意或不接受新的期限）")
    return _apply(session, actor, complaint_id, Action.ESCALATE, note, at)


def take_back(session: Session, actor: Actor, complaint_id: int, note: str,
              at: datetime | None = None) -> ComplaintRow:
    note = _require_text(note, "note", "请填写主管的处理意见")
    return _apply(session, actor, complaint_id, Action.TAKE_BACK, note, at)


def record_result(session: Session, actor: Actor, complaint_id: int, result: str,
                  satisfaction: Satisfaction | str, at: datetime | None = None) -> ComplaintRow:
    result = _require_text(result, "result", "请填写处理结果")
    sat = _satisfaction(satisfaction)

    def change(c: Complaint, when: datetime) -> None:
        _resolve(session, actor, c, when, result, sat)

    note = f"{result}（{SATISFACTION_LABELS[sat]}）"
    return _apply(session, actor, complaint_id, Action.RECORD_RESULT, note, at, change)


def mark_apology_done(session: Session, actor: Actor, complaint_id: int, note: str = "",
                      at: datetime | None = None) -> ComplaintRow:
    c = _get(session, complaint_id)
    if not c.apology_needed:
        raise InvalidTransition(f"投诉 {c.serial} 不是严重投诉，无需登记致歉", action="mark_apology_done")
    if c.apology_done_at is not None:
        raise InvalidTransition(f"投诉 {c.serial} 已于 {fmt_local(c.apology_done_at)} 登记致歉",
                                action="mark_apology_done")

    def change(cc: Complaint, when: datetime) -> None:
        cc.apology_done_at = when

    return _apply(session, actor, complaint_id, Action.MARK_APOLOGY_DONE,
                  note.strip() or "已上门或电话致歉", at, change)


def mark_called_back(session: Session, actor: Actor, complaint_id: int, note: str = "",
                     at: datetime | None = None) -> ComplaintRow:
    """Normally run by the callbacks procedure when the complaint's callback is recorded."""
    return _apply(session, actor, complaint_id, Action.MARK_CALLED_BACK, note.strip(), at)


def close(session: Session, actor: Actor, complaint_id: int, note: str = "",
          at: datetime | None = None) -> ComplaintRow:
    def change(c: Complaint, when: datetime) -> None:
        if c.apology_needed and c.apology_done_at is None:
            raise InvalidTransition("严重投诉须先完成致歉回访（登记“已致歉”）才能关闭")
        c.closed_at = when

    return _apply(session, actor, complaint_id, Action.CLOSE, note.strip(), at, change)


# ---------------------------------------------------------------- evidence


def _sha256_of(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def add_evidence(session: Session, actor: Actor, complaint_id: int, source_path: Path | str,
                 evidence_dir: Path) -> EvidenceRow:
    """Copy the file into `evidence_dir` under its SHA-256 (the same file is stored once)."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    c = _get(session, complaint_id)
    if c.state == ComplaintState.CLOSED:
        raise InvalidTransition(f"投诉 {c.serial} 已关闭，不能再添加证据", action="add_evidence")
    src = Path(source_path)
    try:
        size = src.stat().st_size
    except OSError as e:
        raise ValidationError(f"无法读取文件：{src.name}（{e.strerror or e}）", field="evidence") from e
    if not src.is_file():
        raise ValidationError(f"不是文件：{src.name}", field="evidence")
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            f"文件 {src.name} 有 {size / 1024 / 1024:.1f} MB，超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB 的上限；"
            "请压缩或截取后再添加", field="evidence")
    try:
        evidence_dir.mkdir(parents=True, exist_ok=True)
        digest, size = _sha256_of(src)
        stored = f"{digest}{src.suffix.lower()[:16]}"
        target = evidence_dir / stored
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=evidence_dir, prefix=".incoming-")
            os.close(fd)
            try:
                shutil.copyfile(src, tmp)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    except OSError as e:
        raise StorageError(f"无法保存证据文件：{e.strerror or e}", code="evidence_copy") from e
    now = utcnow()
    ev = Evidence(complaint_id=c.id, filename=src.name[:255], stored_name=stored, sha256=digest,
                  size=size, added_at=now, added_by=actor.username)
    session.add(ev)
    session.flush()
    _event(session, actor, c, "add_evidence", c.state, c.state, f"{src.name}（SHA-256 {digest[:12]}…）", now)
    audit.record(session, actor, "add_evidence", "complaint", c.id,
                 after={"filename": src.name, "sha256": digest, "size": size},
                 summary=f"投诉 {c.serial}：添加证据 {src.name}")
    return _evidence_row(ev)


def _evidence_row(e: Evidence) -> EvidenceRow:
    return EvidenceRow(e.id, e.filename, e.stored_name, e.sha256, e.size, e.added_at, e.added_by)


def evidence_path(session: Session, actor: Actor, evidence_id: int, evidence_dir: Path,
                  verify: bool = False) -> Path:
    """Where the stored copy is, to open it; `verify` re-checks its SHA-256."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    e = session.get(Evidence, evidence_id)
    if e is None:
        raise NotFoundError("找不到该证据")
    path = evidence_dir / e.stored_name
    if not path.is_file():
        raise StorageError(f"证据文件不见了：{path}", code="evidence_missing")
    if verify and _sha256_of(path)[0] != e.sha256:
        raise StorageError(f"证据文件 {e.filename} 的内容与登记时的校验值不符（已被改动）",
                           code="evidence_corrupt")
    return path


# ---------------------------------------------------------------- queries


def _filtered(stmt: Any, q: ComplaintQuery, with_state: bool = True) -> Any:
    if with_state and q.state is not None:
        stmt = stmt.where(Complaint.state == str(q.state))
    if q.category:
        stmt = stmt.where(Complaint.category == q.category)
    if q.room_id is not None:
        stmt = stmt.where(Complaint.room_id == q.room_id)
    if q.date_from:
        stmt = stmt.where(Complaint.received_at >= local_day_bounds(q.date_from)[0])
    if q.date_to:
        stmt = stmt.where(Complaint.received_at < local_day_bounds(q.date_to)[1])
    t = normalize_text(q.text)
    if t:
        code = clean_room_code(t)
        conds = [Complaint.serial.like(f"%{t.upper()}%"), Complaint.complainant.like(f"%{t}%"),
                 Complaint.details.like(f"%{t}%"),
                 Complaint.room_id.in_(select(Room.id).where(Room.code.like(f"{code}%")))]
        digits = t.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 4:
            conds.append(Complaint.contact.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conds))
    return stmt


def search_complaints(session: Session, actor: Actor, q: ComplaintQuery) -> list[ComplaintRow]:
    require(actor, Perm.HANDLE_COMPLAINTS)
    stmt = _filtered(_row_select(), q).order_by(Complaint.received_at.desc(), Complaint.id.desc())
    show = q.reveal and actor.can(Perm.REVEAL_PHONE)
    return [_row(*r, show_phone=show) for r in session.execute(stmt.offset(q.offset).limit(q.limit))]


def state_counts(session: Session, actor: Actor, q: ComplaintQuery | None = None) -> dict[ComplaintState, int]:
    """How many complaints in each state under the query's other filters (the filter chips)."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    stmt = _filtered(select(Complaint.state, func.count()).select_from(Complaint),
                     q or ComplaintQuery(), with_state=False).group_by(Complaint.state)
    found = {ComplaintState(s): n for s, n in session.execute(stmt)}
    return {s: found.get(s, 0) for s in ComplaintState}


def complaint_detail(session: Session, actor: Actor, complaint_id: int,
                     reveal: bool = False) -> ComplaintDetail:
    require(actor, Perm.HANDLE_COMPLAINTS)
    show = reveal and actor.can(Perm.REVEAL_PHONE)
    row = _load_row(session, complaint_id, show_phone=show)
    if show:
        audit.record(session, actor, "reveal", "complaint", complaint_id,
                     summary=f"查看投诉 {row.serial} 的完整联系电话")
    events = [ComplaintEventRow(e.id, e.at, e.username, display or "", e.action, e.from_state,
                                e.to_state, e.note)
              for e, display in session.execute(
                  select(ComplaintEvent, User.display_name)
                  .outerjoin(User, ComplaintEvent.username == User.username)
                  .where(ComplaintEvent.complaint_id == complaint_id)
                  .order_by(ComplaintEvent.at, ComplaintEvent.id))]
    evidence = [_evidence_row(e) for e in session.scalars(
        select(Evidence).where(Evidence.complaint_id == complaint_id).order_by(Evidence.id))]
    similar = earlier_similar(session, row.room_id, row.category, row.received_at, exclude_id=row.id)
    repeat_serial = ""
    if row.repeat_of_id is not None:
        repeat_serial = session.scalar(select(Complaint.serial).where(Complaint.id == row.repeat_of_id)) or ""
    return ComplaintDetail(row, events, evidence, similar, repeat_serial)


def complaint_data(session: Session, actor: Actor, complaint_id: int) -> ComplaintData:
    require(actor, Perm.HANDLE_COMPLAINTS)
    c = _get(session, complaint_id)
    contact = c.contact if actor.can(Perm.REVEAL_PHONE) else mask_phone(c.contact)
    code = session.scalar(select(Room.code).where(Room.id == c.room_id)) if c.room_id else ""
    return ComplaintData(Channel(c.channel), c.complainant, contact, c.room_id, c.category,
                         c.department_code, c.staff_id, Severity(c.severity), c.details, c.call_id,
                         code or "")


# ---------------------------------------------------------------- the printable record


def complaint_slip(session: Session, actor: Actor, complaint_id: int):  # noqa: ANN201 - SlipSpec
    """《投诉处理记录单》: the facts, the timeline and the result, signed by all three."""
    from app.slips import Field, ItemTable, SlipSpec, TextBlock

    d = complaint_detail(session, actor, complaint_id)
    r = d.row
    valid = "" if r.valid is None else ("有效" if r.valid else f"无效：{r.invalid_reason}")
    deadline = ""
    if r.deadline is not None:
        deadline = f"{fmt_local(r.deadline)}（{r.deadline_approved_by} {fmt_local(r.deadline_approved_at)} 批准）"
    fields = [
        Field("受理时间", fmt_local(r.received_at)),
        Field("受理方式", r.channel_label),
        Field("投诉人", r.complainant),
        Field("联系电话", r.contact),
        Field("房号", r.room_code),
        Field("投诉类别", r.category),
        Field("被投诉部门", r.department),
        Field("被投诉员工", r.staff_name),
        Field("严重程度", r.severity_label),
        Field("当前状态", r.state_label),
        Field("核实结论", valid, wide=True),
        Field("处理期限", deadline, wide=bool(deadline)),
        Field("转交部门", r.assigned_department_name),
        Field("重复投诉", f"是（前次 {d.repeat_of_serial}）" if r.is_repeat else "否"),
        Field("处理完成", fmt_local(r.resolved_at)),
        Field("业主满意度", r.satisfaction_label),
    ]
    if r.apology_needed:
        fields.append(Field("致歉", fmt_local(r.apology_done_at) if r.apology_done_at else "待致歉"))
    timeline = [[fmt_local(e.at), e.user_display or e.username, e.action_label, e.change_label, e.note]
                for e in d.events]
    blocks: list[Any] = [TextBlock("投诉内容", r.details, min_lines=3),
                         ItemTable(["时间", "经办人", "操作", "状态", "说明"], timeline,
                                   widths=[0.17, 0.12, 0.15, 0.16, 0.40])]
    if d.evidence:
        blocks.append(ItemTable(["证据文件", "大小", "SHA-256"],
                                [[e.filename, e.size_text, e.sha256[:16] + "…"] for e in d.evidence],
                                widths=[0.45, 0.15, 0.40]))
    blocks.append(TextBlock("处理结果", r.result, min_lines=3))
    return SlipSpec(kind="complaint_record", title="《投诉处理记录单》", serial=r.serial, fields=fields,
                    blocks=blocks, signatures=("投诉人", "经办人", "主管"), page="A4",
                    footer="联系电话已按规定部分隐藏。")


# ---------------------------------------------------------------- the month's analysis


def _month_text(month: object) -> str:
    from app.monthly import Month

    return str(month if isinstance(month, Month) else Month.parse(str(month)))


def month_note_text(session: Session, month: object, section: str) -> str:
    return session.scalar(select(MonthNote.text).where(
        MonthNote.month == _month_text(month), MonthNote.section == section)) or ""


def get_month_note(session: Session, actor: Actor, month: object, section: str = "complaints") -> str:
    require(actor, Perm.HANDLE_COMPLAINTS)
    return month_note_text(session, month, section)


def save_month_note(session: Session, actor: Actor, month: object, section: str, text_: str) -> str:
    """The supervisor's analysis and measures for the month's report (§一程序11)."""
    require(actor, Perm.APPROVE_COMPLAINTS)
    m = _month_text(month)
    value = (text_ or "").strip()
    if len(value) > 20_000:
        raise ValidationError("分析内容过长（最多 20000 字）", field="text")
    note = session.scalar(select(MonthNote).where(MonthNote.month == m, MonthNote.section == section))
    old = note.text if note is not None else ""
    if old == value:
        return value
    if note is None:
        session.add(MonthNote(month=m, section=section, text=value, created_by=actor.username,
                              updated_by=actor.username))
    else:
        note.text, note.updated_by = value, actor.username
    audit.record(session, actor, "update", "month_note", f"{m}/{section}", before={"text": old},
                 after={"text": value}, summary=f"{m} 月报分析（{section}）")
    return value
