"""Repairs (报修 · 维修派工单, DOMAIN.md §六): intake, dispatch, the workflow as a transition table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select, text
from sqlalchemy.orm import Session

from app import audit, settings
from app.errors import ConflictError, InvalidTransition, NotFoundError, ValidationError
from app.records import next_serial, unmask_room_phone
from app.roles import Actor, Perm, require
from app.timeutil import fmt_local, local_day_bounds, to_local
from app.validation import (
    canonical_phone,
    clean_room_code,
    is_masked,
    mask_phone,
    normalize_text,
    phone_problem,
)
from db.models import (
    Callback,
    CallLog,
    Department,
    RepairEvent,
    RepairOrder,
    Room,
    Staff,
    User,
)
from db.types import utcnow

# ---------------------------------------------------------------- codes and labels


class RepairState(StrEnum):
    PENDING = "pending"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    AWAITING_FEE = "awaiting_fee"
    DONE = "done"
    CALLED_BACK = "called_back"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


STATE_LABELS = {
    RepairState.PENDING: "待派工",
    RepairState.DISPATCHED: "已派工",
    RepairState.IN_PROGRESS: "维修中",
    RepairState.AWAITING_FEE: "待确认费用",
    RepairState.DONE: "已完工",
    RepairState.CALLED_BACK: "已回访",
    RepairState.ARCHIVED: "已归档",
    RepairState.CANCELLED: "已取消",
}
OPEN_STATES = frozenset({RepairState.PENDING, RepairState.DISPATCHED, RepairState.IN_PROGRESS,
                         RepairState.AWAITING_FEE})
# With an engineer who holds the job (his open load).
HELD_STATES = frozenset({RepairState.DISPATCHED, RepairState.IN_PROGRESS, RepairState.AWAITING_FEE})
FINISHED_STATES = frozenset({RepairState.DONE, RepairState.CALLED_BACK, RepairState.ARCHIVED})


class Channel(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    COUNTER = "counter"
    INSPECTION = "inspection"


CHANNEL_LABELS = {Channel.PHONE: "来电", Channel.VISIT: "来访", Channel.COUNTER: "柜台",
                  Channel.INSPECTION: "巡查发现"}


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    EMERGENCY = "emergency"


URGENCY_LABELS = {Urgency.NORMAL: "一般", Urgency.URGENT: "紧急", Urgency.EMERGENCY: "特急"}


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"


RATING_LABELS = {Rating.SATISFIED: "满意", Rating.BASIC: "基本满意", Rating.DISSATISFIED: "不满意"}
PAID_LABELS = {True: "有偿", False: "无偿"}


class Action(StrEnum):
    DISPATCH = "dispatch"
    ARRIVE = "arrive"
    QUOTE = "quote"
    ACCEPT_FEE = "accept_fee"
    COMPLETE = "complete"
    MARK_CALLED_BACK = "mark_called_back"
    ARCHIVE = "archive"
    SEND_BACK = "send_back"
    TRANSFER = "transfer"
    CANCEL = "cancel"
    REOPEN = "reopen"


ACTION_LABELS = {
    Action.DISPATCH: "派工",
    Action.ARRIVE: "到场确认",
    Action.QUOTE: "报价",
    Action.ACCEPT_FEE: "业主确认费用",
    Action.COMPLETE: "完工验收",
    Action.MARK_CALLED_BACK: "已回访",
    Action.ARCHIVE: "归档",
    Action.SEND_BACK: "退单",
    Action.TRANSFER: "转单",
    Action.CANCEL: "取消",
    Action.REOPEN: "返修",
}
# Timeline entries that are not workflow actions.
EVENT_LABELS = {"create": "报修登记", "update": "修改报修信息", "follow_up_created": "返修单已建", **{str(a): t for a, t in ACTION_LABELS.items()}}

S = RepairState
# action → (states it may run from, state it leads to (None: stays), permission). Read by the
# service, the board's buttons and the tests.
TRANSITIONS: dict[Action, tuple[frozenset[RepairState], RepairState | None, Perm]] = {
    # The engineer signs for the slip and goes (§六2).
    Action.DISPATCH: (frozenset({S.PENDING}), S.DISPATCHED, Perm.HANDLE_REPAIRS),
    # On site: confirms the job and tells the owner the plan (§六4).
    Action.ARRIVE: (frozenset({S.DISPATCHED}), S.IN_PROGRESS, Perm.HANDLE_REPAIRS),
    # A paid job states the cost; the owner signs to accept it before work starts (§六5).
    Action.QUOTE: (frozenset({S.IN_PROGRESS}), S.AWAITING_FEE, Perm.HANDLE_REPAIRS),
    Action.ACCEPT_FEE: (frozenset({S.AWAITING_FEE}), S.IN_PROGRESS, Perm.HANDLE_REPAIRS),
    # The owner tries it and signs (§六6). A paid job needs the owner's signed fee first (complete()
    # says so in words when asked from 待确认费用 or before a quote).
    Action.COMPLETE: (frozenset({S.IN_PROGRESS}), S.DONE, Perm.HANDLE_REPAIRS),
    # Normally set when the repair's callback is recorded in 走访回访 (§六7, §七5).
    Action.MARK_CALLED_BACK: (frozenset({S.DONE}), S.CALLED_BACK, Perm.DO_CALLBACKS),
    # From 已完工 only when its callback was cancelled (owner moved away …): archive() checks.
    Action.ARCHIVE: (frozenset({S.DONE, S.CALLED_BACK}), S.ARCHIVED, Perm.HANDLE_REPAIRS),
    # 退单: the engineer hands the job back; it waits for dispatch again.
    Action.SEND_BACK: (frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.PENDING, Perm.HANDLE_REPAIRS),
    # 转单: another engineer takes it over where it stands.
    Action.TRANSFER: (frozenset({S.DISPATCHED, S.IN_PROGRESS, S.AWAITING_FEE}), None, Perm.HANDLE_REPAIRS),
    Action.CANCEL: (frozenset(OPEN_STATES), S.CANCELLED, Perm.HANDLE_REPAIRS),
    # A 不满意 job is done again as a linked new order; this one keeps its state.
    Action.REOPEN: (frozenset(FINISHED_STATES), None, Perm.HANDLE_REPAIRS),
}
del S

DEFAULT_CATEGORIES = ["水", "电", "门窗", "暖气", "燃气", "公共设施", "电梯", "其他"]
CATEGORIES_KEY = "repair_categories"
THRESHOLDS_KEY = "repair_late_thresholds"
ENGINEERING = "engineering"   # the department whose staff are dispatched
CALLBACK_HOURS = 48           # the repair callback is due this long after completion (decisions.md)
SERIAL_PREFIX = "WX-"
SERIAL_RE = re.compile(r"^WX-\d{4}-\d{6}$")
MAX_AMOUNT = Decimal("100000")
_PG_SERIAL_LOCK = 0x57580001  # pg_advisory_xact_lock key for the serial counter
FUTURE_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Threshold:
    """When an order of one urgency counts as late: minutes to be on site, hours to be done."""

    response_minutes: int
    completion_hours: int

    @property
    def response(self) -> timedelta:
        return timedelta(minutes=self.response_minutes)

    @property
    def completion(self) -> timedelta:
        return timedelta(hours=self.completion_hours)


DEFAULT_THRESHOLDS = {
    Urgency.EMERGENCY: Threshold(30, 4),
    Urgency.URGENT: Threshold(120, 24),
    Urgency.NORMAL: Threshold(24 * 60, 72),
}


def can(action: Action | str, state: RepairState | str, actor: Actor | None) -> bool:
    """May `actor` run `action` on an order in `state`? (The table only; the service adds the rules.)"""
    sources, _target, perm = TRANSITIONS[Action(action)]
    return RepairState(state) in sources and actor is not None and actor.can(perm)


def allowed_actions(state: RepairState | str, actor: Actor | None) -> list[Action]:
    return [a for a in Action if can(a, state, actor)]


# ---------------------------------------------------------------- settings


def categories(session: Session) -> list[str]:
    return settings.get_list(session, CATEGORIES_KEY, DEFAULT_CATEGORIES)


def category_problems(items: list[str]) -> dict[str, str]:
    return settings.list_problems(items, "repair_categories", "报修类别")


def save_categories(session: Session, actor: Actor, items: list[str]) -> list[str]:
    return settings.save_list(session, actor, CATEGORIES_KEY, items, DEFAULT_CATEGORIES, "repair_categories", "报修类别")


def thresholds(session: Session) -> dict[Urgency, Threshold]:
    out = dict(DEFAULT_THRESHOLDS)
    raw = settings.get_value(session, THRESHOLDS_KEY)
    if raw:
        try:
            value = json.loads(raw)
        except ValueError:
            value = {}
        if isinstance(value, dict):
            for u in Urgency:
                pair = value.get(str(u))
                if (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, int) for x in pair)
                        and pair[0] > 0 and pair[1] > 0):
                    out[u] = Threshold(pair[0], pair[1])
    return out


def threshold_problems(values: dict[Urgency, Threshold]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for u, t in values.items():
        if not 1 <= t.response_minutes <= 7 * 24 * 60:
            errors[f"response_{u}"] = f"{URGENCY_LABELS[Urgency(u)]}：到场时限应在 1 分钟到 7 天之间"
        if not 1 <= t.completion_hours <= 90 * 24:
            errors[f"completion_{u}"] = f"{URGENCY_LABELS[Urgency(u)]}：完工时限应在 1 小时到 90 天之间"
        elif t.completion > timedelta(0) and t.completion < t.response:
            errors[f"completion_{u}"] = f"{URGENCY_LABELS[Urgency(u)]}：完工时限不能短于到场时限"
    return errors


def save_thresholds(session: Session, actor: Actor, values: dict[Urgency, Threshold]) -> dict[Urgency, Threshold]:
    """The 'late' limits per urgency (minutes to be on site, hours to be done)."""
    require(actor, Perm.EDIT_SETTINGS)
    if errors := threshold_problems(values):
        raise ValidationError(errors=errors)
    old = thresholds(session)
    new = {**old, **{Urgency(u): t for u, t in values.items()}}
    if new != old:
        def enc(d: dict[Urgency, Threshold]) -> dict[str, list[int]]:
            return {str(u): [t.response_minutes, t.completion_hours] for u, t in d.items()}

        settings.set_value(session, THRESHOLDS_KEY, json.dumps(enc(new)))
        audit.record(session, actor, "update", "settings", THRESHOLDS_KEY, before=enc(old), after=enc(new),
                     summary="修改维修超时标准")
    return new


# ---------------------------------------------------------------- intake data and validation


@dataclass(frozen=True)
class RepairData:
    channel: Channel = Channel.PHONE
    reporter: str = ""
    contact: str = ""
    room_id: int | None = None
    room_code: str = ""        # instead of room_id, e.g. typed in the dialog
    location: str = ""         # where exactly (厨房, 3号楼电梯厅 …)
    category: str = ""
    content: str = ""
    urgency: Urgency = Urgency.NORMAL
    paid: bool = False
    preferred_time: str = ""
    call_id: int | None = None


def _enum(cls: Any, value: Any) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


def clean_repair(data: RepairData) -> RepairData:
    return replace(data, channel=_enum(Channel, data.channel), urgency=_enum(Urgency, data.urgency),
                   reporter=normalize_text(data.reporter), contact=canonical_phone(data.contact),
                   room_code=clean_room_code(data.room_code), location=normalize_text(data.location),
                   category=normalize_text(data.category), content=(data.content or "").strip(),
                   preferred_time=normalize_text(data.preferred_time), paid=bool(data.paid))


def repair_problems(data: RepairData) -> dict[str, str]:
    """Pure: what is wrong with this intake, by field, in the clerk's words."""
    d = clean_repair(data)
    e: dict[str, str] = {}
    if d.channel not in set(Channel):
        e["channel"] = "请选择报修方式"
    if not d.reporter:
        e["reporter"] = "请填写报修人"
    elif len(d.reporter) > 64:
        e["reporter"] = "报修人姓名过长"
    if not d.contact:
        e["contact"] = "请填写联系电话，工程人员上门前需要联系"
    elif (p := phone_problem(d.contact)) and not is_masked(d.contact):
        e["contact"] = p  # a masked number (picked from the room's people or the call) is unmasked later
    if d.room_id is None and not d.room_code:
        e["room"] = "请填写房号或公共区域"
    if len(d.location) > 128:
        e["location"] = "具体位置过长（最多128个字）"
    if not d.category:
        e["category"] = "请选择报修类别"
    elif len(d.category) > 32:
        e["category"] = "报修类别名称不能超过32个字"
    if not d.content:
        e["content"] = "请填写报修内容"
    elif len(d.content) < 2:
        e["content"] = "报修内容过于简单，请写明故障情况"
    if d.urgency not in set(Urgency):
        e["urgency"] = "请选择紧急程度"
    if len(d.preferred_time) > 64:
        e["preferred_time"] = "预约上门时间过长（最多64个字）"
    return e


def parse_amount(value: str | Decimal | int | None) -> Decimal:
    """A fee in yuan, exact to the fen: '120', '120.5', '¥1,200.00' → Decimal('1200.00')."""
    if isinstance(value, float):
        raise ValidationError("金额不能使用浮点数", field="amount")
    raw = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    raw = raw.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    if not raw:
        raise ValidationError("请填写维修费用金额", field="amount")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(f"金额格式不正确：{value}（例如 120 或 85.50）", field="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError("维修费用应大于 0 元；无偿维修不需要报价", field="amount")
    if amount > MAX_AMOUNT:
        raise ValidationError(f"金额超过 {MAX_AMOUNT} 元，请核对", field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("金额最多保留两位小数（精确到分）", field="amount")
    return amount.quantize(Decimal("0.01"))


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class RepairRow:
    id: int
    serial: str
    reported_at: datetime
    channel: Channel
    reporter: str
    contact: str
    room_id: int | None
    room_code: str
    location: str
    category: str
    content: str
    urgency: Urgency
    paid: bool
    preferred_time: str
    state: RepairState
    engineer_id: int | None
    engineer_name: str
    dispatched_at: datetime | None
    arrived_at: datetime | None
    plan: str
    quote_amount: Decimal | None
    quote_note: str
    fee_accepted_at: datetime | None
    fee_accepted_by: str
    completed_at: datetime | None
    work_done: str
    owner_signed_by: str
    rating: str
    owner_comment: str
    response_minutes: int | None
    completion_minutes: int | None
    called_back_at: datetime | None
    archived_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    call_id: int | None
    follow_up_of_id: int | None
    created_by: str
    late_response: bool = False     # on site later than the urgency allows (or still not there)
    late_completion: bool = False   # done later than the urgency allows (or still not done)
    masked: bool = True

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    @property
    def paid_label(self) -> str:
        return PAID_LABELS[self.paid]

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[Rating(self.rating)] if self.rating else ""

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.room_code, self.location) if p)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_late(self) -> bool:
        return self.late_response or self.late_completion

    @property
    def fee_accepted(self) -> bool:
        return self.fee_accepted_at is not None

    @property
    def amount_text(self) -> str:
        return f"¥{self.quote_amount:,.2f}" if self.quote_amount is not None else ""


def minutes_text(minutes: int | None) -> str:
    """'45 分钟', '3 小时 20 分', '2 天 4 小时'; '' for none."""
    if minutes is None:
        return ""
    if minutes < 60:
        return f"{minutes} 分钟"
    if minutes < 24 * 60:
        h, m = divmod(minutes, 60)
        return f"{h} 小时" + (f" {m} 分" if m else "")
    d, rest = divmod(minutes, 24 * 60)
    return f"{d} 天" + (f" {rest // 60} 小时" if rest // 60 else "")


@dataclass(frozen=True)
class RepairEventRow:
    id: int
    at: datetime
    username: str
    user_display: str
    action: str
    from_state: str
    to_state: str
    engineer_name: str
    note: str

    @property
    def action_label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)

    @property
    def change_label(self) -> str:
        to = STATE_LABELS[RepairState(self.to_state)] if self.to_state else ""
        if not self.from_state:
            return to
        if self.from_state == self.to_state:
            return ""
        return f"{STATE_LABELS[RepairState(self.from_state)]} → {to}"


@dataclass(frozen=True)
class LinkedCall:
    id: int
    at: datetime
    caller_name: str
    content: str


@dataclass(frozen=True)
class LinkedCallback:
    id: int
    state: str          # callbacks.CallbackState code
    due_at: datetime
    urgent: bool
    done_at: datetime | None
    satisfaction: str   # callbacks.Satisfaction code or ""


@dataclass(frozen=True)
class LinkedOrder:
    id: int
    serial: str
    state: RepairState

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class RepairDetail:
    row: RepairRow
    events: list[RepairEventRow] = field(default_factory=list)
    call: LinkedCall | None = None
    callbacks: list[LinkedCallback] = field(default_factory=list)
    follow_up_of: LinkedOrder | None = None
    follow_ups: list[LinkedOrder] = field(default_factory=list)

    @property
    def can_archive(self) -> bool:
        """Filed after its callback; or, when every callback was cancelled, straight from 已完工."""
        if self.row.state == RepairState.CALLED_BACK:
            return True
        return self.row.state == RepairState.DONE and not any(c.state != "cancelled" for c in self.callbacks)

    @property
    def can_reopen(self) -> bool:
        """不满意 (on the slip or at the callback), finished, and no open follow-up order yet."""
        r = self.row
        unhappy = r.rating == Rating.DISSATISFIED or any(
            c.satisfaction == Rating.DISSATISFIED for c in self.callbacks)
        return (r.state in FINISHED_STATES and unhappy
                and not any(f.state in OPEN_STATES for f in self.follow_ups))


@dataclass(frozen=True)
class RepairQuery:
    text: str = ""
    state: RepairState | None = None
    category: str = ""
    engineer_id: int | None = None
    urgency: Urgency | None = None
    room_code: str = ""          # a room code or its beginning (3-2 → every room of unit 2)
    date_from: date | None = None
    date_to: date | None = None
    late_only: bool = False
    reveal: bool = False
    offset: int = 0
    limit: int = 200


@dataclass(frozen=True)
class EngineerLoad:
    """An engineer as the clerk picks whom to send: open jobs in hand, jobs given today."""

    staff_id: int
    name: str
    work_id: str
    phone: str
    open_orders: int
    dispatched_today: int

    @property
    def label(self) -> str:
        return f"{self.name}（在手 {self.open_orders} 单，今日派 {self.dispatched_today} 单）"


# ---------------------------------------------------------------- loading


def _row_select():  # noqa: ANN202 - a Select of (RepairOrder, room code, engineer name)
    return (select(RepairOrder, Room.code, Staff.name)
            .outerjoin(Room, RepairOrder.room_id == Room.id)
            .outerjoin(Staff, RepairOrder.engineer_id == Staff.id))


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _late(o: RepairOrder, limits: dict[Urgency, Threshold], now: datetime) -> tuple[bool, bool]:
    t = limits.get(_enum(Urgency, o.urgency), DEFAULT_THRESHOLDS[Urgency.NORMAL])
    if o.state == RepairState.CANCELLED:
        return False, False
    reported = _aware(o.reported_at)
    assert reported is not None
    if o.response_minutes is not None:
        late_r = o.response_minutes > t.response_minutes
    else:
        late_r = now - reported > t.response
    if o.completion_minutes is not None:
        late_c = o.completion_minutes > t.completion_hours * 60
    else:
        late_c = now - reported > t.completion
    return late_r, late_c


def _row(o: RepairOrder, room_code: str | None, engineer: str | None, limits: dict[Urgency, Threshold],
         now: datetime, show_phone: bool = False) -> RepairRow:
    late_r, late_c = _late(o, limits, now)
    return RepairRow(
        id=o.id, serial=o.serial, reported_at=o.reported_at, channel=_enum(Channel, o.channel),
        reporter=o.reporter, contact=o.contact if show_phone else mask_phone(o.contact),
        room_id=o.room_id, room_code=room_code or "", location=o.location, category=o.category,
        content=o.content, urgency=_enum(Urgency, o.urgency), paid=bool(o.paid),
        preferred_time=o.preferred_time, state=RepairState(o.state), engineer_id=o.engineer_id,
        engineer_name=engineer or "", dispatched_at=o.dispatched_at, arrived_at=o.arrived_at,
        plan=o.plan, quote_amount=o.quote_amount, quote_note=o.quote_note,
        fee_accepted_at=o.fee_accepted_at, fee_accepted_by=o.fee_accepted_by,
        completed_at=o.completed_at, work_done=o.work_done, owner_signed_by=o.owner_signed_by,
        rating=o.rating, owner_comment=o.owner_comment, response_minutes=o.response_minutes,
        completion_minutes=o.completion_minutes, called_back_at=o.called_back_at,
        archived_at=o.archived_at, cancelled_at=o.cancelled_at, cancel_reason=o.cancel_reason,
        call_id=o.call_id, follow_up_of_id=o.follow_up_of_id, created_by=o.created_by,
        late_response=late_r, late_completion=late_c, masked=not show_phone)


def _load_row(session: Session, order_id: int, show_phone: bool = False) -> RepairRow:
    found = session.execute(_row_select().where(RepairOrder.id == order_id)).first()
    if found is None:
        raise NotFoundError("找不到该维修派工单")
    return _row(*found, limits=thresholds(session), now=utcnow(), show_phone=show_phone)


def _get(session: Session, order_id: int, lock: bool = False) -> RepairOrder:
    stmt = select(RepairOrder).where(RepairOrder.id == order_id)
    if lock and session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()  # SQLite writers already hold the lock (BEGIN IMMEDIATE)
    o = session.scalars(stmt).first()
    if o is None:
        raise NotFoundError("找不到该维修派工单")
    return o


def _snapshot(o: RepairOrder) -> dict[str, Any]:
    # Audit keeps the contact masked: supervisors and administrators read the log.
    return {"serial": o.serial, "reported_at": o.reported_at, "channel": o.channel,
            "reporter": o.reporter, "contact": mask_phone(o.contact), "room_id": o.room_id,
            "location": o.location, "category": o.category, "content": o.content,
            "urgency": o.urgency, "paid": o.paid, "preferred_time": o.preferred_time,
            "state": o.state, "call_id": o.call_id, "follow_up_of_id": o.follow_up_of_id}


def _snapshot_workflow(o: RepairOrder) -> dict[str, Any]:
    return {"state": o.state, "engineer_id": o.engineer_id, "dispatched_at": o.dispatched_at,
            "arrived_at": o.arrived_at, "plan": o.plan, "paid": o.paid,
            "quote_amount": str(o.quote_amount) if o.quote_amount is not None else None,
            "fee_accepted_at": o.fee_accepted_at, "fee_accepted_by": o.fee_accepted_by,
            "completed_at": o.completed_at, "work_done": o.work_done,
            "owner_signed_by": o.owner_signed_by, "rating": o.rating, "owner_comment": o.owner_comment,
            "called_back_at": o.called_back_at, "archived_at": o.archived_at,
            "cancelled_at": o.cancelled_at, "cancel_reason": o.cancel_reason}


# ---------------------------------------------------------------- intake


def _event(session: Session, actor: Actor, o: RepairOrder, action: str, from_state: str, to_state: str,
           note: str, at: datetime, engineer_id: int | None = None) -> None:
    session.add(RepairEvent(order_id=o.id, at=at, username=actor.username, action=action,
                            from_state=from_state, to_state=to_state, note=note,
                            engineer_id=engineer_id))


def create_order(session: Session, actor: Actor, data: RepairData,
                 reported_at: datetime | None = None, follow_up_of_id: int | None = None) -> RepairRow:
    """Record a 报修 and open its 《维修派工单》 (§六1–3): 待派工."""
    require(actor, Perm.HANDLE_REPAIRS)
    d = clean_repair(data)
    if errors := repair_problems(d):
        raise ValidationError(errors=errors)
    if follow_up_of_id is None and d.category not in categories(session):
        # (a 返修 keeps its original's category even if the list has changed since)
        raise ValidationError(f"“{d.category}”不在报修类别设置中", field="category")
    if d.room_id is None:
        d = replace(d, room_id=session.scalar(select(Room.id).where(Room.code == d.room_code)))
        if d.room_id is None:
            raise ValidationError(f"找不到房号或公共区域 {d.room_code}", field="room")
    room = session.get(Room, d.room_id)
    if room is None:
        raise ValidationError("找不到该房屋", field="room")
    if not room.active:
        raise ValidationError(f"{room.code} 已停用，不能报修", field="room")
    call = None
    if d.call_id is not None:  # only a 报修 line, and only once
        stmt = select(CallLog).where(CallLog.id == d.call_id)
        if session.get_bind().dialect.name != "sqlite":
            stmt = stmt.with_for_update()  # two counters converting the same line
        call = session.scalars(stmt).first()
        if call is None:
            raise NotFoundError("找不到该来电记录")
        if call.kind != "repair":
            raise InvalidTransition("只有“报修”类来电记录可以转为维修派工单")
        if call.repair_ref:
            raise ConflictError(f"该来电记录已转为维修派工单 {call.repair_ref}")
    now = utcnow()
    # A line of the reception log was reported when the call came in, not when it was converted.
    at = reported_at or (_aware(call.at) if call is not None else None) or now
    if at.tzinfo is None:
        raise ValidationError("时间缺少时区", field="reported_at")
    if at > now + FUTURE_SLACK:
        raise ValidationError("报修时间不能晚于现在", field="reported_at")
    if is_masked(d.contact):
        if call is not None and call.contact and mask_phone(call.contact) == d.contact:
            d = replace(d, contact=call.contact)
        else:
            d = replace(d, contact=unmask_room_phone(session, d.room_id, d.contact))
        if p := phone_problem(d.contact):
            raise ValidationError(p, field="contact")
    local = to_local(at)
    assert local is not None
    o = RepairOrder(
        serial=next_serial(session, RepairOrder.serial, SERIAL_PREFIX, local.year, _PG_SERIAL_LOCK), reported_at=at, channel=str(d.channel),
        reporter=d.reporter, contact=d.contact, room_id=d.room_id, location=d.location,
        category=d.category, content=d.content, urgency=str(d.urgency), paid=d.paid,
        preferred_time=d.preferred_time, state=str(RepairState.PENDING), call_id=d.call_id,
        follow_up_of_id=follow_up_of_id, created_by=actor.username, updated_by=actor.username)
    session.add(o)
    session.flush()
    if call is not None:  # linked both ways with the reception-log line
        call.repair_ref, call.updated_by = o.serial, actor.username
        audit.record(session, actor, "link", "call", call.id, after={"repair_ref": o.serial},
                     summary=f"来电 #{call.id} 转为维修派工单 {o.serial}")
    note = f"{CHANNEL_LABELS[d.channel]}报修 · {URGENCY_LABELS[d.urgency]} · {PAID_LABELS[d.paid]}"
    if d.preferred_time:
        note += f" · 预约：{d.preferred_time}"
    _event(session, actor, o, "create", "", str(RepairState.PENDING), note, at)
    audit.record(session, actor, "create", "repair", o.id, after=_snapshot(o),
                 summary=f"报修登记 {o.serial}（{d.category}）")
    return _load_row(session, o.id)


def update_intake(session: Session, actor: Actor, order_id: int, data: RepairData) -> RepairRow:
    """修改报修信息 while the order is open: a wrong room, phone, category, urgency or 有偿 tick.

    有偿 → 无偿 only before a quote; the report time and the linked call stay."""
    require(actor, Perm.HANDLE_REPAIRS)
    o = _get(session, order_id, lock=True)
    if o.state not in OPEN_STATES:
        raise InvalidTransition(f"维修派工单 {o.serial} 已{STATE_LABELS[RepairState(o.state)]}，报修信息不能再修改",
                                action="update", state=o.state)
    d = clean_repair(data)
    if errors := repair_problems(d):
        raise ValidationError(errors=errors)
    if d.category != o.category and d.category not in categories(session):
        raise ValidationError(f"“{d.category}”不在报修类别设置中", field="category")
    if d.room_id is None:
        d = replace(d, room_id=session.scalar(select(Room.id).where(Room.code == d.room_code)))
        if d.room_id is None:
            raise ValidationError(f"找不到房号或公共区域 {d.room_code}", field="room")
    room = session.get(Room, d.room_id)
    if room is None:
        raise ValidationError("找不到该房屋", field="room")
    if d.room_id != o.room_id and not room.active:
        raise ValidationError(f"{room.code} 已停用，不能报修", field="room")
    if o.paid and not d.paid and o.quote_amount is not None:
        raise ValidationError(f"已报价 ¥{o.quote_amount:,.2f}，不能改为无偿；业主不同意费用时请取消此单",
                              field="paid")
    if is_masked(d.contact):
        if mask_phone(o.contact) == d.contact:
            d = replace(d, contact=o.contact)
        else:
            d = replace(d, contact=unmask_room_phone(session, d.room_id, d.contact))
        if p := phone_problem(d.contact):
            raise ValidationError(p, field="contact")
    before = _snapshot(o)
    o.channel, o.reporter, o.contact, o.room_id = str(d.channel), d.reporter, d.contact, d.room_id
    o.location, o.category, o.content, o.urgency = d.location, d.category, d.content, str(d.urgency)
    o.paid, o.preferred_time, o.updated_by = d.paid, d.preferred_time, actor.username
    b, a = audit.diff(before, _snapshot(o))
    if not a:
        return _load_row(session, o.id)
    names = {"channel": "报修方式", "reporter": "报修人", "contact": "联系电话", "room_id": "房号",
             "location": "具体位置", "category": "报修类别", "content": "报修内容", "urgency": "紧急程度",
             "paid": "收费", "preferred_time": "预约时间"}
    note = "修改" + "、".join(names.get(k, k) for k in a)
    _event(session, actor, o, "update", o.state, o.state, note, utcnow())
    audit.record(session, actor, "update", "repair", o.id, before=b, after=a,
                 summary=f"维修派工单 {o.serial}：{note}")
    session.flush()
    return _load_row(session, o.id)


def data_for_call(session: Session, actor: Actor, call_id: int) -> RepairData:
    """A RepairData pre-filled from a 报修 line of the reception log, for the intake dialog."""
    require(actor, Perm.HANDLE_REPAIRS)
    c = session.get(CallLog, call_id)
    if c is None:
        raise NotFoundError("找不到该来电来访记录")
    if c.kind != "repair":
        raise InvalidTransition("只有“报修”类记录可以转为维修派工单")
    if c.repair_ref:
        raise ConflictError(f"该记录已转为维修派工单 {c.repair_ref}")
    code = session.scalar(select(Room.code).where(Room.id == c.room_id)) if c.room_id else ""
    channel = Channel.VISIT if c.channel == "visit" else Channel.PHONE
    return RepairData(channel=channel, reporter=c.caller_name, contact=mask_phone(c.contact),
                      room_id=c.room_id, room_code=code or "", content=c.content, call_id=c.id)


def order_from_call(session: Session, actor: Actor, call_id: int, category: str, **extra: Any) -> RepairRow:
    """Turn a 报修 line into a 维修派工单 and link both ways."""
    data = replace(data_for_call(session, actor, call_id), category=category, **extra)
    return create_order(session, actor, data)


# ---------------------------------------------------------------- the workflow


def _require_for(actor: Actor, action: Action) -> None:
    """The action's permission, checked before anything about the order is looked at or told."""
    require(actor, TRANSITIONS[action][2])


def _require_text(value: str, field_name: str, message: str) -> str:
    v = (value or "").strip()
    if not v:
        raise ValidationError(message, field=field_name)
    return v


def _when(at: datetime | None, not_before: datetime | None, what: str, field_name: str = "at") -> datetime:
    """The time a step happened: not in the future, not before the step it follows."""
    now = utcnow()
    when = at or now
    if when.tzinfo is None:
        raise ValidationError("时间缺少时区", field=field_name)
    if when > now + FUTURE_SLACK:
        raise ValidationError(f"{what}不能晚于现在", field=field_name)
    prev = _aware(not_before)
    if prev is not None and when < prev:
        raise ValidationError(f"{what}不能早于 {fmt_local(prev)}", field=field_name)
    return when


def _floor(session: Session, o: RepairOrder, step: datetime | None) -> datetime | None:
    """The earliest time the next step may have: after the report, the step it follows and the
    newest entry of the timeline."""
    last = session.scalar(select(func.max(RepairEvent.at)).where(RepairEvent.order_id == o.id))
    times = [t for t in (_aware(o.reported_at), _aware(step), _aware(last)) if t is not None]
    return max(times) if times else None


def _minutes(a: datetime | None, b: datetime | None) -> int | None:
    aa, bb = _aware(a), _aware(b)
    if aa is None or bb is None:
        return None
    return max(0, int((bb - aa).total_seconds() // 60))


def _apply(session: Session, actor: Actor, order_id: int, action: Action, note: str,
           at: datetime | None, change: Any = None, not_before: Any = None, what: str = "操作时间",
           engineer_id: int | None = None) -> RepairRow:
    """Check the table, run `change(o, at)`, move the state, write the timeline and the audit."""
    sources, target, perm = TRANSITIONS[action]
    require(actor, perm)
    o = _get(session, order_id, lock=True)
    state = RepairState(o.state)
    if state not in sources:
        raise InvalidTransition(
            f"维修派工单 {o.serial} 当前为“{STATE_LABELS[state]}”，不能{ACTION_LABELS[action]}",
            action=str(action), state=str(state))
    when = _when(at, _floor(session, o, not_before(o) if not_before else None), what)
    before = _snapshot_workflow(o)
    if change is not None:
        change(o, when)
    if target is not None:
        o.state = str(target)
    o.updated_by = actor.username
    _event(session, actor, o, str(action), str(state), o.state, note, when,
           engineer_id if engineer_id is not None else o.engineer_id)
    b, a = audit.diff(before, _snapshot_workflow(o))
    audit.record(session, actor, str(action), "repair", o.id, before=b, after=a | {"note": note},
                 summary=f"维修派工单 {o.serial}：{ACTION_LABELS[action]}")
    session.flush()
    return _load_row(session, o.id)


def _engineer(session: Session, staff_id: int | None) -> Staff:
    if staff_id is None:
        raise ValidationError("请选择维修人员", field="engineer")
    s = session.get(Staff, staff_id)
    if s is None:
        raise ValidationError("找不到该维修人员", field="engineer")
    if not s.active:
        raise ValidationError(f"{s.name} 已停用，不能派工", field="engineer")
    if s.department.code != ENGINEERING:
        raise ValidationError(f"{s.name} 不是工程部人员，不能派工", field="engineer")
    return s


def run_action(session: Session, actor: Actor, order_id: int, action: Action | str, **params: Any) -> RepairRow:
    """Dispatch by action code (what the board's buttons call)."""
    fn = {
        Action.DISPATCH: dispatch, Action.ARRIVE: arrive, Action.QUOTE: quote,
        Action.ACCEPT_FEE: accept_fee, Action.COMPLETE: complete,
        Action.MARK_CALLED_BACK: mark_called_back, Action.ARCHIVE: archive,
        Action.SEND_BACK: send_back, Action.TRANSFER: transfer, Action.CANCEL: cancel,
        Action.REOPEN: reopen,
    }[Action(action)]
    return fn(session, actor, order_id, **params)  # type: ignore[operator]


def dispatch(session: Session, actor: Actor, order_id: int, engineer_id: int | None, note: str = "",
             at: datetime | None = None) -> RepairRow:
    """派工: the engineer signs for the slip (who, when)."""
    _require_for(actor, Action.DISPATCH)
    eng = _engineer(session, engineer_id)

    def change(o: RepairOrder, when: datetime) -> None:
        o.engineer_id, o.dispatched_at = eng.id, when

    text_note = f"派给 {eng.name}，签收" + (f"；{note.strip()}" if note.strip() else "")
    return _apply(session, actor, order_id, Action.DISPATCH, text_note, at, change, what="签收时间",
                  engineer_id=eng.id)


def arrive(session: Session, actor: Actor, order_id: int, plan: str = "", at: datetime | None = None) -> RepairRow:
    """到场确认: on site, the job confirmed and the plan told to the owner; the response time is kept."""
    _require_for(actor, Action.ARRIVE)
    plan = (plan or "").strip()

    def change(o: RepairOrder, when: datetime) -> None:
        if o.arrived_at is None:  # the first arrival is the response, also after a 退单
            o.arrived_at = when
            o.response_minutes = _minutes(o.reported_at, when)
        if plan:
            o.plan = plan

    text_note = "到场确认" + (f"；方案：{plan}" if plan else "")
    return _apply(session, actor, order_id, Action.ARRIVE, text_note, at, change,
                  not_before=lambda o: o.dispatched_at, what="到场时间")


def quote(session: Session, actor: Actor, order_id: int, amount: str | Decimal, note: str = "",
          at: datetime | None = None) -> RepairRow:
    """报价: the job is chargeable (有偿); the owner must sign to accept the amount before work starts."""
    _require_for(actor, Action.QUOTE)
    value = parse_amount(amount)
    note = (note or "").strip()

    def change(o: RepairOrder, _when: datetime) -> None:
        o.paid, o.quote_amount, o.quote_note = True, value, note
        o.fee_accepted_at, o.fee_accepted_by = None, ""

    text_note = f"报价 ¥{value:,.2f}" + (f"（{note}）" if note else "")
    return _apply(session, actor, order_id, Action.QUOTE, text_note, at, change,
                  not_before=lambda o: o.arrived_at, what="报价时间")


def accept_fee(session: Session, actor: Actor, order_id: int, signed_by: str,
               at: datetime | None = None) -> RepairRow:
    """业主确认费用: the owner signed the quoted amount; work may start."""
    _require_for(actor, Action.ACCEPT_FEE)
    signed_by = _require_text(normalize_text(signed_by), "signed_by", "请填写签字确认费用的业主姓名")

    def change(o: RepairOrder, when: datetime) -> None:
        o.fee_accepted_at, o.fee_accepted_by = when, signed_by

    o = _get(session, order_id)
    amount = f"¥{o.quote_amount:,.2f}" if o.quote_amount is not None else ""
    return _apply(session, actor, order_id, Action.ACCEPT_FEE, f"{signed_by} 签字确认费用 {amount}".strip(),
                  at, change, not_before=lambda oo: oo.arrived_at, what="确认时间")


def complete(session: Session, actor: Actor, order_id: int, work_done: str, signed_by: str,
             rating: Rating | str, comment: str = "", at: datetime | None = None) -> RepairRow:
    """完工验收: the owner tried it and signed, with a rating and an opinion (§六6).

    A paid job whose fee the owner never accepted is refused. Creates the repair callback (§七5),
    urgent when the owner was not satisfied."""
    _require_for(actor, Action.COMPLETE)
    work_done = _require_text(work_done, "work_done", "请填写维修情况（做了什么）")
    signed_by = _require_text(normalize_text(signed_by), "signed_by", "请填写验收签字的业主姓名")
    try:
        r = Rating(rating)
    except ValueError:
        raise ValidationError("请选择业主评价（满意、基本满意或不满意）", field="rating") from None
    comment = (comment or "").strip()
    if r == Rating.DISSATISFIED and not comment:
        raise ValidationError("业主不满意：请记下业主的意见", field="comment")
    o = _get(session, order_id)
    if o.state in {RepairState.IN_PROGRESS, RepairState.AWAITING_FEE}:
        if o.paid and o.quote_amount is None:
            raise InvalidTransition(f"维修派工单 {o.serial} 是有偿维修，尚未报价：请先报价并由业主签字确认费用，再完工",
                                    action="complete", state=o.state)
        if o.paid and o.fee_accepted_at is None:
            raise InvalidTransition(
                f"维修派工单 {o.serial} 的维修费用 ¥{o.quote_amount:,.2f} 尚未经业主签字确认，不能完工"
                "（有偿维修须先确认费用再施工）", action="complete", state=o.state)

    def change(oo: RepairOrder, when: datetime) -> None:
        oo.completed_at, oo.completion_minutes = when, _minutes(oo.reported_at, when)
        if oo.arrived_at is None:  # (cannot happen through the table; kept for imported data)
            oo.arrived_at, oo.response_minutes = when, _minutes(oo.reported_at, when)
        oo.work_done, oo.owner_signed_by, oo.rating, oo.owner_comment = work_done, signed_by, str(r), comment

    note = f"{work_done}；{signed_by} 验收签字：{RATING_LABELS[r]}" + (f"；意见：{comment}" if comment else "")
    row = _apply(session, actor, order_id, Action.COMPLETE, note, at, change,
                 not_before=lambda oo: oo.fee_accepted_at or oo.arrived_at, what="完工时间")
    _repair_callback(session, actor, order_id, r)
    return _load_row(session, row.id)


def _repair_callback(session: Session, actor: Actor, order_id: int, rating: Rating) -> None:
    """§六7/§七5: the counter calls the owner back after the repair (urgent when 不满意)."""
    from app import callbacks

    o = _get(session, order_id)
    assert o.completed_at is not None
    reason = f"维修 {o.serial}（{o.category}）完工后回访"
    if rating == Rating.DISSATISFIED:
        reason += f"：业主验收不满意（{o.owner_comment}）"
    callbacks.create_callback(
        session, actor, kind=callbacks.CallbackKind.REPAIR, room_id=o.room_id, person_name=o.reporter,
        contact=o.contact, reason=reason, due_at=_aware(o.completed_at) + timedelta(hours=CALLBACK_HOURS),
        source=callbacks.SOURCE_REPAIR, source_id=o.id, urgent=rating == Rating.DISSATISFIED)


def mark_called_back(session: Session, actor: Actor, order_id: int, note: str = "",
                     at: datetime | None = None) -> RepairRow:
    """Normally run by the callbacks procedure when the repair's callback is recorded."""
    _require_for(actor, Action.MARK_CALLED_BACK)
    def change(o: RepairOrder, when: datetime) -> None:
        o.called_back_at = when

    return _apply(session, actor, order_id, Action.MARK_CALLED_BACK, note.strip(), at, change,
                  not_before=lambda o: o.completed_at, what="回访时间")


def archive(session: Session, actor: Actor, order_id: int, note: str = "", at: datetime | None = None) -> RepairRow:
    """归档: the signed slip is back at the counter and filed (§六7)."""
    _require_for(actor, Action.ARCHIVE)

    def change(o: RepairOrder, when: datetime) -> None:
        if o.state == RepairState.DONE:
            open_cb = session.scalar(select(func.count()).select_from(Callback).where(
                Callback.source == "repair", Callback.source_id == o.id, Callback.state != "cancelled"))
            if open_cb:
                raise InvalidTransition(f"维修派工单 {o.serial} 还没有回访：请先在“走访回访”中记录回访，再归档",
                                        action="archive", state=o.state)
        o.archived_at = when

    return _apply(session, actor, order_id, Action.ARCHIVE, note.strip() or "派工单已交回客服中心存档", at,
                  change, not_before=lambda o: o.called_back_at or o.completed_at, what="归档时间")


def send_back(session: Session, actor: Actor, order_id: int, reason: str, at: datetime | None = None) -> RepairRow:
    """退单: the engineer hands the job back with a reason; it waits to be dispatched again."""
    _require_for(actor, Action.SEND_BACK)
    reason = _require_text(reason, "reason", "请填写退单原因")

    def change(o: RepairOrder, _when: datetime) -> None:
        o.engineer_id, o.dispatched_at = None, None

    o = _get(session, order_id)
    who = o.engineer_id
    name = session.scalar(select(Staff.name).where(Staff.id == who)) if who else ""
    return _apply(session, actor, order_id, Action.SEND_BACK, f"{name or ''} 退单：{reason}".strip(), at, change,
                  not_before=lambda oo: oo.dispatched_at, what="退单时间", engineer_id=who)


def transfer(session: Session, actor: Actor, order_id: int, engineer_id: int | None, reason: str,
             at: datetime | None = None) -> RepairRow:
    """转单: another engineer takes the job over where it stands, with a reason."""
    _require_for(actor, Action.TRANSFER)
    reason = _require_text(reason, "reason", "请填写转单原因")
    eng = _engineer(session, engineer_id)
    o = _get(session, order_id)
    if o.engineer_id == eng.id:
        raise ValidationError(f"该单已由 {eng.name} 负责，请选择另一位维修人员", field="engineer")
    old = session.scalar(select(Staff.name).where(Staff.id == o.engineer_id)) if o.engineer_id else ""

    def change(oo: RepairOrder, when: datetime) -> None:
        oo.engineer_id, oo.dispatched_at = eng.id, when

    return _apply(session, actor, order_id, Action.TRANSFER, f"{old or '—'} 转给 {eng.name}：{reason}", at,
                  change, not_before=lambda oo: oo.dispatched_at, what="转单时间", engineer_id=eng.id)


def cancel(session: Session, actor: Actor, order_id: int, reason: str, at: datetime | None = None) -> RepairRow:
    _require_for(actor, Action.CANCEL)
    reason = _require_text(reason, "reason", "请填写取消的原因")

    def change(o: RepairOrder, when: datetime) -> None:
        o.cancelled_at, o.cancel_reason = when, reason

    return _apply(session, actor, order_id, Action.CANCEL, reason, at, change, what="取消时间")


def reopen(session: Session, actor: Actor, order_id: int, reason: str, urgency: Urgency | str | None = None,
           at: datetime | None = None) -> RepairRow:
    """返修: a job the owner was not satisfied with is done again as a linked new order (无偿).

    Returns the new order; the old one keeps its state and shows the link."""
    _require_for(actor, Action.REOPEN)
    reason = _require_text(reason, "reason", "请填写返修的原因（业主不满意之处）")
    _get(session, order_id, lock=True)  # (PostgreSQL: one 返修 at a time)
    d = order_detail(session, actor, order_id, reveal=False, audit_reveal=False)
    if not d.can_reopen:
        if d.row.state not in FINISHED_STATES:
            raise InvalidTransition(f"维修派工单 {d.row.serial} 当前为“{d.row.state_label}”，不能返修",
                                    action="reopen", state=str(d.row.state))
        if any(f.state in OPEN_STATES for f in d.follow_ups):
            open_one = next(f for f in d.follow_ups if f.state in OPEN_STATES)
            raise ConflictError(f"维修派工单 {d.row.serial} 已有未完成的返修单 {open_one.serial}")
        raise InvalidTransition(f"只有业主评价“不满意”的维修单才能返修（{d.row.serial} 的评价为"
                                f"“{d.row.rating_label or '未评价'}”）", action="reopen", state=str(d.row.state))
    o = _get(session, order_id)
    at = _when(at, _floor(session, o, None), "返修时间")
    new = create_order(session, actor, RepairData(
        channel=Channel.PHONE, reporter=o.reporter, contact=o.contact, room_id=o.room_id, location=o.location,
        category=o.category, content=f"返修（原单 {o.serial}）：{reason}\n原报修内容：{o.content}",
        urgency=_enum(Urgency, urgency) if urgency else Urgency.URGENT, paid=False,
        preferred_time=o.preferred_time), reported_at=at, follow_up_of_id=o.id)
    _apply(session, actor, order_id, Action.REOPEN, f"返修单 {new.serial}：{reason}", at)
    n = session.get(RepairOrder, new.id)
    assert n is not None
    _event(session, actor, n, "follow_up_created", str(RepairState.PENDING), str(RepairState.PENDING),
           f"由 {o.serial} 返修（业主不满意）", n.reported_at)
    return new


# ---------------------------------------------------------------- queries


def _late_condition(limits: dict[Urgency, Threshold], now: datetime) -> Any:
    # One CASE on the urgency (not an OR of "urgency = u AND …"), so that SQLite does not turn the
    # urgency indexes into a multi-index OR over every order (docs/performance.md, issue 6).
    whens = [(RepairOrder.urgency == str(u), or_(
        RepairOrder.response_minutes > t.response_minutes,
        and_(RepairOrder.arrived_at.is_(None), RepairOrder.reported_at < now - t.response),
        RepairOrder.completion_minutes > t.completion_hours * 60,
        and_(RepairOrder.completed_at.is_(None), RepairOrder.reported_at < now - t.completion)))
        for u, t in limits.items()]
    return and_(RepairOrder.state != str(RepairState.CANCELLED), case(*whens, else_=false()))


FTS_TABLE = "repair_orders_fts"  # SQLite FTS5 trigram index (migration 0005)
FTS_MIN_CHARS = 3                # the trigram tokenizer finds nothing in shorter text
FTS_DENSE = 2000                 # more hits than this: the newest-first LIKE scan fills a page sooner


def _fts_hits(session: Session, t: str) -> list[int] | None:
    """Ids of the orders whose serial, reporter, contact, content or location contain `t`, from the
    trigram index; None when the index cannot help (short text, PostgreSQL, too many hits)."""
    if len(t) < FTS_MIN_CHARS or session.get_bind().dialect.name != "sqlite":
        return None
    phrase = '"' + t.replace('"', '""') + '"'
    found = list(session.scalars(select(text("rowid")).select_from(text(FTS_TABLE))
                                 .where(text(f"{FTS_TABLE} MATCH :m")).params(m=phrase)
                                 .limit(FTS_DENSE + 1)))
    return found if len(found) <= FTS_DENSE else None


def _escape(value: str) -> str:
    """Literal text for LIKE: % and _ typed by the clerk match themselves."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(stmt: Any, q: RepairQuery, session: Session, with_state: bool = True) -> Any:
    if with_state and q.state is not None:
        stmt = stmt.where(RepairOrder.state == str(q.state))
    if q.category:
        stmt = stmt.where(RepairOrder.category == q.category)
    if q.engineer_id is not None:
        stmt = stmt.where(RepairOrder.engineer_id == q.engineer_id)
    if q.urgency is not None:
        stmt = stmt.where(RepairOrder.urgency == str(q.urgency))
    if q.date_from:
        stmt = stmt.where(RepairOrder.reported_at >= local_day_bounds(q.date_from)[0])
    if q.date_to:
        stmt = stmt.where(RepairOrder.reported_at < local_day_bounds(q.date_to)[1])
    code = clean_room_code(q.room_code)
    if code:
        stmt = stmt.where(RepairOrder.room_id.in_(
            select(Room.id).where(or_(Room.code == code, Room.code.like(f"{code}-%")))))
    if q.late_only:
        stmt = stmt.where(_late_condition(thresholds(session), utcnow()))
    t = normalize_text(q.text)
    if t:
        if SERIAL_RE.match(t.upper()):
            return stmt.where(RepairOrder.serial == t.upper())
        tcode, lt = _escape(clean_room_code(t)), _escape(t)
        hits = _fts_hits(session, t)
        if hits is not None:  # the trigram index named the few orders that contain the text
            return stmt.where(or_(RepairOrder.id.in_(hits or [-1]), RepairOrder.room_id.in_(
                select(Room.id).where(Room.code.like(f"{tcode}%", escape="\\")))))
        conds = [RepairOrder.serial.like(f"%{lt.upper()}%", escape="\\"),
                 RepairOrder.reporter.like(f"%{lt}%", escape="\\"),
                 RepairOrder.content.like(f"%{lt}%", escape="\\"),
                 RepairOrder.location.like(f"%{lt}%", escape="\\"),
                 RepairOrder.room_id.in_(select(Room.id).where(Room.code.like(f"{tcode}%", escape="\\")))]
        digits = t.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 4:
            conds.append(RepairOrder.contact.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conds))
    return stmt


def search_orders(session: Session, actor: Actor, q: RepairQuery) -> list[RepairRow]:
    """The board: newest report first, paged."""
    require(actor, Perm.HANDLE_REPAIRS)
    order = (RepairOrder.reported_at.desc(), RepairOrder.id.desc())
    # The page's ids first (SQLite sorts small index entries, not whole rows), then those orders.
    ids = _filtered(select(RepairOrder.id), q, session).order_by(*order).offset(q.offset).limit(q.limit)
    stmt = _row_select().where(RepairOrder.id.in_(ids)).order_by(*order)
    show = q.reveal and actor.can(Perm.REVEAL_PHONE)
    limits, now = thresholds(session), utcnow()
    return [_row(*r, limits=limits, now=now, show_phone=show) for r in session.execute(stmt)]


def state_counts(session: Session, actor: Actor, q: RepairQuery | None = None) -> dict[RepairState, int]:
    """How many orders in each state under the query's other filters (the board's state chips)."""
    require(actor, Perm.HANDLE_REPAIRS)
    stmt = _filtered(select(RepairOrder.state, func.count()).select_from(RepairOrder),
                     q or RepairQuery(), session, with_state=False).group_by(RepairOrder.state)
    found = {RepairState(s): n for s, n in session.execute(stmt)}
    return {s: found.get(s, 0) for s in RepairState}


def find_by_serial(session: Session, actor: Actor, serial: str) -> int | None:
    """The order a scanned 《维修派工单》 QR code (its serial) points at."""
    require(actor, Perm.HANDLE_REPAIRS)
    s = normalize_text(serial).upper()
    if not SERIAL_RE.match(s):
        return None
    return session.scalar(select(RepairOrder.id).where(RepairOrder.serial == s))


def engineers(session: Session, actor: Actor, day: date | None = None) -> list[EngineerLoad]:
    """Active 工程部 staff with their open load and the jobs given to them on `day` (default today)."""
    require(actor, Perm.HANDLE_REPAIRS)
    from app.timeutil import local_today

    start, end = local_day_bounds(day or local_today())
    open_n = dict(session.execute(
        select(RepairOrder.engineer_id, func.count()).where(
            RepairOrder.engineer_id.is_not(None), RepairOrder.state.in_([str(s) for s in HELD_STATES]))
        .group_by(RepairOrder.engineer_id)).all())
    today_n = dict(session.execute(
        select(RepairEvent.engineer_id, func.count()).where(
            RepairEvent.action.in_([str(Action.DISPATCH), str(Action.TRANSFER)]),
            RepairEvent.at >= start, RepairEvent.at < end).group_by(RepairEvent.engineer_id)).all())
    staff = session.execute(
        select(Staff.id, Staff.name, Staff.work_id, Staff.phone).join(Department, Staff.department_id == Department.id)
        .where(Department.code == ENGINEERING, Staff.active.is_(True)).order_by(Staff.name, Staff.id)).all()
    return [EngineerLoad(sid, name, work_id, mask_phone(phone or ""), open_n.get(sid, 0), today_n.get(sid, 0))
            for sid, name, work_id, phone in staff]


def order_detail(session: Session, actor: Actor, order_id: int, reveal: bool = False,
                 audit_reveal: bool = True) -> RepairDetail:
    require(actor, Perm.HANDLE_REPAIRS)
    show = reveal and actor.can(Perm.REVEAL_PHONE)
    row = _load_row(session, order_id, show_phone=show)
    if show and audit_reveal:
        audit.record(session, actor, "reveal", "repair", order_id, summary=f"查看维修派工单 {row.serial} 的完整联系电话")
    events = [RepairEventRow(e.id, e.at, e.username, display or "", e.action, e.from_state, e.to_state,
                             eng or "", e.note)
              for e, display, eng in session.execute(
                  select(RepairEvent, User.display_name, Staff.name)
                  .outerjoin(User, RepairEvent.username == User.username)
                  .outerjoin(Staff, RepairEvent.engineer_id == Staff.id)
                  .where(RepairEvent.order_id == order_id)
                  .order_by(RepairEvent.at, RepairEvent.id))]
    call = None
    if row.call_id is not None:
        c = session.get(CallLog, row.call_id)
        if c is not None:
            call = LinkedCall(c.id, c.at, c.caller_name, c.content)
    cbs = [LinkedCallback(cb.id, cb.state, cb.due_at, bool(cb.urgent), cb.done_at, cb.satisfaction)
           for cb in session.scalars(select(Callback).where(Callback.source == "repair",
                                                            Callback.source_id == order_id)
                                     .order_by(Callback.id))]
    # Follow-up callbacks a 不满意 callback created (source "callback") belong to the order too.
    if cbs:
        cbs += [LinkedCallback(cb.id, cb.state, cb.due_at, bool(cb.urgent), cb.done_at, cb.satisfaction)
                for cb in session.scalars(select(Callback).where(
                    Callback.source == "callback", Callback.source_id.in_([c.id for c in cbs]))
                    .order_by(Callback.id))]
    parent = None
    if row.follow_up_of_id is not None:
        p = session.get(RepairOrder, row.follow_up_of_id)
        if p is not None:
            parent = LinkedOrder(p.id, p.serial, RepairState(p.state))
    children = [LinkedOrder(i, s, RepairState(st)) for i, s, st in session.execute(
        select(RepairOrder.id, RepairOrder.serial, RepairOrder.state)
        .where(RepairOrder.follow_up_of_id == order_id).order_by(RepairOrder.id))]
    return RepairDetail(row, events, call, cbs, parent, children)


def repair_data(session: Session, actor: Actor, order_id: int) -> RepairData:
    require(actor, Perm.HANDLE_REPAIRS)
    o = _get(session, order_id)
    contact = o.contact if actor.can(Perm.REVEAL_PHONE) else mask_phone(o.contact)
    code = session.scalar(select(Room.code).where(Room.id == o.room_id)) if o.room_id else ""
    return RepairData(_enum(Channel, o.channel), o.reporter, contact, o.room_id, code or "", o.location,
                      o.category, o.content, _enum(Urgency, o.urgency), bool(o.paid), o.preferred_time, o.call_id)


def dispatched_between(session: Session, actor: Actor, start: datetime, end: datetime) -> list[RepairRow]:
    """Orders signed for in [start, end) and still held by an engineer: the batch print of a morning."""
    require(actor, Perm.HANDLE_REPAIRS)
    stmt = (_row_select().where(RepairOrder.dispatched_at >= start, RepairOrder.dispatched_at < end,
                                RepairOrder.state.in_([str(s) for s in HELD_STATES]))
            .order_by(Staff.name, RepairOrder.dispatched_at, RepairOrder.id))
    limits, now = thresholds(session), utcnow()
    return [_row(*r, limits=limits, now=now) for r in session.execute(stmt)]


# ---------------------------------------------------------------- the printable slip


def _box(checked: bool, text_: str) -> str:
    return f"{'■' if checked else '□'}{text_}"


def repair_slip(session: Session, actor: Actor, order_id: int, two_copies: bool = False):  # noqa: ANN201
    """《维修派工单》 on A5 (or 客服中心联 and 维修人员联 on one A4).

    Usually printed at dispatch and filled in by hand on site: what is known is printed, the rest
    (times, amount, what was done, the rating, the opinion) has room to be written, and there are
    lines for 维修人员签收, 业主确认费用 (a paid job, or one that may still become paid) and 业主验收签字.
    Printed after completion it carries the recorded times, amount, rating and opinion."""
    from app.slips import Field, SlipSpec, TextBlock

    # The engineer phones the owner before going: roles that may see phones print the full number.
    r = order_detail(session, actor, order_id, reveal=actor.can(Perm.REVEAL_PHONE), audit_reveal=False).row
    blank_time = "____月____日 ____时____分"

    def when(value: datetime | None) -> str:
        return fmt_local(value) or blank_time

    quotable = r.state in OPEN_STATES  # a quote can still be made on site: keep room for it
    fee = f"{_box(not r.paid, '无偿')}　{_box(r.paid, '有偿')}"
    if r.paid or quotable:
        sep = "；" if two_copies else "\n"  # a copy on half an A4 is wide and short: run on
        fee += f"　　报价金额：{r.amount_text or '__________ 元'}"
        if r.quote_note:
            fee += f"{sep}费用说明：{r.quote_note}"
        if r.fee_accepted:
            fee += f"{sep}业主 {r.fee_accepted_by} 已于 {fmt_local(r.fee_accepted_at)} 签字确认费用"
    rating = "　".join(_box(r.rating == str(x), RATING_LABELS[x]) for x in Rating)
    work = "\n".join(t for t in (f"处理方案：{r.plan}" if r.plan else "",
                                 f"完成情况：{r.work_done}" if r.work_done else "") if t)
    opinion = f"业主意见：{r.owner_comment}"
    if r.owner_signed_by:
        opinion += f"　（验收人：{r.owner_signed_by}）"
    reporter, contact = Field("报修人", r.reporter), Field("联系电话", r.contact)
    place = Field("房号/位置", r.place, wide=not two_copies)
    reported, urgency = Field("报修时间", fmt_local(r.reported_at)), Field("紧急程度", r.urgency_label)
    item, preferred = Field("报修项目", r.category), Field("预约时间", r.preferred_time)
    content = Field("报修内容", r.content, wide=True)
    engineer, signed = Field("维修人员", r.engineer_name), Field("签收时间", when(r.dispatched_at))
    arrived, done = Field("到场时间", when(r.arrived_at)), Field("完工时间", when(r.completed_at))
    fee_field = Field("收费", fee, wide=True)
    if two_copies:  # each copy is half an A4 (A5 landscape): three pairs a row so nothing is shrunk
        fields = [reporter, contact, place, reported, item, urgency, content, preferred, engineer, signed,
                  arrived, done, Field("报修方式", r.channel_label), fee_field]
    else:
        fields = [reporter, contact, place, reported, urgency, item, preferred, content, engineer, signed,
                  arrived, done, fee_field]
    # Room to write on site; once recorded, the text needs no more than its own lines.
    blocks = [TextBlock("维修情况（处理方案、完成内容、更换材料）", work,
                        min_lines=(2 if r.work_done else 3) if two_copies else (2 if r.work_done else 4)),
              TextBlock(f"业主评价　{rating}", opinion, min_lines=1 if r.rating else 2)]
    if r.paid or quotable:
        sigs: tuple[str, ...] = ("维修人员签收", "业主确认费用", "业主验收签字")
    else:
        sigs = ("维修人员签收", "业主验收签字")
    notes = ["请提前电话联系业主；完工后请业主试用并签字，本单交回客服中心回访、存档。"]
    if r.state == RepairState.CANCELLED:
        notes.append(f"本单已于 {fmt_local(r.cancelled_at)} 取消：{r.cancel_reason}。")
    if r.masked:
        notes.append("联系电话已按规定部分隐藏。")
    return SlipSpec(kind="repair_order", title="《维修派工单》", serial=r.serial, fields=fields, blocks=blocks,
                    signatures=sigs, columns=3 if two_copies else 2, page="A5", two_copies=two_copies,
                    copy_labels=("客服中心联", "维修人员联"), footer="".join(notes),
                    min_row_height=6.5 if two_copies else 8.0, signatures_per_row=0 if two_copies else 2,
                    shrink_to_page=0.8)
