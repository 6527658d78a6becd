"""The key cabinet (钥匙领用分发, DOMAIN.md §三): cabinets and hooks, keys and their states as a
transition table, acceptance, owner deposits, loans and returns, move-in handovers, lost or damaged
keys, reminders, cabinet counts and label checks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app import audit, settings
from app.errors import ConflictError, InvalidTransition, NotFoundError, PermissionDenied, ValidationError
from app.records import next_serial
from app.roles import Actor, Perm, require
from app.timeutil import fmt_local, local_tz, to_local
from app.validation import (
    canonical_phone,
    clean_room_code,
    is_masked,
    mask_id,
    mask_phone,
    normalize_text,
    phone_problem,
    resident_id_problem,
)
from db.models import (
    Contractor,
    DecorationPermit,
    Department,
    Key,
    KeyAcceptance,
    KeyCabinet,
    KeyCount,
    KeyCountLine,
    KeyDelegate,
    KeyDeposit,
    KeyEvent,
    KeyHandover,
    KeyHook,
    KeyIncident,
    KeyLoan,
    KeyLoanItem,
    KeyReminder,
    Occupant,
    Person,
    Room,
    Staff,
)
from db.types import utcnow

# ---------------------------------------------------------------- codes and labels


class KeyKind(StrEnum):
    CONSTRUCTION = "construction"
    DECORATION_1 = "decoration_1"
    DECORATION_2 = "decoration_2"
    OFFICIAL = "official"
    DEPOSIT = "deposit"
    COMMON = "common"


KIND_LABELS = {
    KeyKind.CONSTRUCTION: "施工钥匙",
    KeyKind.DECORATION_1: "装修钥匙（第一把）",
    KeyKind.DECORATION_2: "装修钥匙（第二把）",
    KeyKind.OFFICIAL: "正式钥匙",
    KeyKind.DEPOSIT: "业主托存",
    KeyKind.COMMON: "公共区域",
}


class KeyState(StrEnum):
    IN = "in"
    OUT = "out"
    HANDED = "handed"
    LOST = "lost"
    DAMAGED = "damaged"
    RETIRED = "retired"


STATE_LABELS = {
    KeyState.IN: "在柜",
    KeyState.OUT: "借出",
    KeyState.HANDED: "已交付",
    KeyState.LOST: "遗失",
    KeyState.DAMAGED: "损坏",
    KeyState.RETIRED: "作废",
}
# What the grid shows on a hook: the state, 逾期 for a loan past its due time, or an empty hook.
OVERDUE = "overdue"
EMPTY = "empty"
DISPLAY_LABELS = {**{str(s): t for s, t in STATE_LABELS.items()}, OVERDUE: "逾期", EMPTY: "空钩"}
# A key that no longer hangs anywhere gives its hook back.
OFF_HOOK_STATES = frozenset({KeyState.HANDED, KeyState.RETIRED})


class Borrower(StrEnum):
    STAFF = "staff"
    CONTRACTOR = "contractor"
    SALES = "sales"
    OWNER = "owner"


BORROWER_LABELS = {Borrower.STAFF: "公司员工", Borrower.CONTRACTOR: "施工单位",
                   Borrower.SALES: "售楼人员", Borrower.OWNER: "业主"}


class LoanState(StrEnum):
    OUT = "out"
    RETURNED = "returned"
    SHORT = "short"      # back with fewer copies than lent: the shortfall went to the lost-key procedure


LOAN_STATE_LABELS = {LoanState.OUT: "借出中", LoanState.RETURNED: "已归还", LoanState.SHORT: "归还短缺"}


class ReminderMethod(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    MESSAGE = "message"


REMINDER_LABELS = {ReminderMethod.PHONE: "电话", ReminderMethod.VISIT: "上门", ReminderMethod.MESSAGE: "短信"}


class HandoverKind(StrEnum):
    MOVE_IN = "move_in"
    SECOND_DECORATION = "second_decoration"


HANDOVER_LABELS = {HandoverKind.MOVE_IN: "收房交付", HandoverKind.SECOND_DECORATION: "第二把装修钥匙"}
# Which kinds of key each handover gives the owner (§三 钥匙借、领取制度 3 and 4).
HANDOVER_KINDS = {HandoverKind.MOVE_IN: frozenset({KeyKind.DECORATION_1, KeyKind.OFFICIAL}),
                  HandoverKind.SECOND_DECORATION: frozenset({KeyKind.DECORATION_2})}


class IncidentKind(StrEnum):
    LOST = "lost"
    DAMAGED = "damaged"


INCIDENT_KIND_LABELS = {IncidentKind.LOST: "遗失", IncidentKind.DAMAGED: "损坏"}


class IncidentState(StrEnum):
    REPORTED = "reported"
    CONSENTED = "consented"
    RESOLVED = "resolved"
    DECLINED = "declined"


INCIDENT_STATE_LABELS = {IncidentState.REPORTED: "已报告主管", IncidentState.CONSENTED: "业主已同意",
                         IncidentState.RESOLVED: "已处理", IncidentState.DECLINED: "业主不同意"}


class Remedy(StrEnum):
    RECUT = "recut"
    LOCK_CHANGE = "lock_change"


REMEDY_LABELS = {Remedy.RECUT: "补配钥匙", Remedy.LOCK_CHANGE: "换锁"}
SOURCE_LABELS = {"report": "报告", "return": "归还短缺", "count": "盘点缺失"}


class Action(StrEnum):
    ACCEPT = "accept"
    CREATE = "create"
    DEPOSIT = "deposit"
    LEND = "lend"
    RETURN = "return"
    HAND_OVER = "hand_over"
    GIVE_BACK = "give_back"          # a deposited key given back to its owner against the ID
    REPORT = "report"                # lost or damaged, reported to the supervisor
    RECUT = "recut"
    RETIRE = "retire"                # by a lock change
    MOVE = "move"
    REMIND = "remind"
    CONSENT = "consent"
    DECLINE = "decline"
    RETURN_SHORT = "return_short"    # back with none of the copies lent: 遗失
    WRITE_OFF = "write_off"          # the owner declined 补配/换锁: the lost or damaged key leaves its hook


ACTION_LABELS = {
    Action.ACCEPT: "验收入柜", Action.CREATE: "登记入柜", Action.DEPOSIT: "业主托存", Action.LEND: "借出",
    Action.RETURN: "归还", Action.HAND_OVER: "交付业主", Action.GIVE_BACK: "托存交还",
    Action.REPORT: "报告遗失/损坏", Action.RECUT: "补配钥匙", Action.RETIRE: "换锁作废", Action.MOVE: "换钩位",
    Action.REMIND: "催还", Action.CONSENT: "业主同意处理", Action.DECLINE: "业主不同意处理",
    Action.RETURN_SHORT: "归还短缺", Action.WRITE_OFF: "注销",
}

K = KeyState
# action → (key states it may run from, state it leads to (None: stays), permission). Read by the
# service, the key card's buttons and the tests. Incidents and reminders act on their own records.
TRANSITIONS: dict[Action, tuple[frozenset[KeyState], KeyState | None, Perm]] = {
    Action.LEND: (frozenset({K.IN}), K.OUT, Perm.HANDLE_KEYS),
    # Back with every copy: on its hook. With fewer: the rest is reported lost (return_loan).
    Action.RETURN: (frozenset({K.OUT}), K.IN, Perm.HANDLE_KEYS),
    Action.RETURN_SHORT: (frozenset({K.OUT}), K.LOST, Perm.HANDLE_KEYS),
    Action.HAND_OVER: (frozenset({K.IN}), K.HANDED, Perm.HANDLE_KEYS),
    Action.GIVE_BACK: (frozenset({K.IN}), K.HANDED, Perm.HANDLE_KEYS),
    # → 遗失 or 损坏. A key out on loan is counted at its return; a shortfall is reported then.
    Action.REPORT: (frozenset({K.IN}), None, Perm.HANDLE_KEYS),
    Action.RECUT: (frozenset({K.IN, K.LOST, K.DAMAGED}), K.IN, Perm.APPROVE_KEYS),
    # 换锁 retires every key of the lock, those already handed to the owner too.
    Action.RETIRE: (frozenset({K.IN, K.OUT, K.LOST, K.DAMAGED, K.HANDED}), K.RETIRED, Perm.APPROVE_KEYS),
    Action.MOVE: (frozenset({K.IN, K.OUT, K.LOST, K.DAMAGED}), None, Perm.HANDLE_KEYS),
    Action.WRITE_OFF: (frozenset({K.LOST, K.DAMAGED}), K.RETIRED, Perm.APPROVE_KEYS),
}
del K

IS = IncidentState
# The supervisor asks the owner, then approves 补配 (RECUT) or 换锁 (RETIRE).
INCIDENT_TRANSITIONS: dict[Action, tuple[frozenset[IncidentState], IncidentState, Perm]] = {
    Action.CONSENT: (frozenset({IS.REPORTED}), IS.CONSENTED, Perm.APPROVE_KEYS),
    Action.DECLINE: (frozenset({IS.REPORTED}), IS.DECLINED, Perm.APPROVE_KEYS),
    Action.RECUT: (frozenset({IS.CONSENTED}), IS.RESOLVED, Perm.APPROVE_KEYS),
    Action.RETIRE: (frozenset({IS.CONSENTED}), IS.RESOLVED, Perm.APPROVE_KEYS),
}
del IS

SERIALS = {"loan": "JY-", "deposit": "TC-", "acceptance": "YS-", "handover": "JF-"}
_PG_LOCKS = {"loan": 0x4B590001, "deposit": 0x4B590002, "acceptance": 0x4B590003, "handover": 0x4B590004}
RULES_KEY = "key_loan_rules"
KEEP_YEARS = 2                 # every key record is kept two years (钥匙的损坏或丢失2)
MAX_COPIES = 20
MAX_HOOKS = 10_000             # per cabinet
FUTURE_SLACK = timedelta(minutes=5)
DEPOSIT_ONLY = "业主托存的钥匙请用“业主托存”登记（凭业主身份证交还）"


def can(action: Action | str, state: KeyState | str, actor: Actor | None) -> bool:
    sources, _target, perm = TRANSITIONS[Action(action)]
    return KeyState(state) in sources and actor is not None and actor.can(perm)


def allowed_actions(state: KeyState | str, actor: Actor | None) -> list[Action]:
    return [a for a in TRANSITIONS if can(a, state, actor)]


# ---------------------------------------------------------------- loan rules (settings)


@dataclass(frozen=True)
class LoanRules:
    """Due times: days after the loan per borrower kind (0: the same day at closing time)."""

    closing: time = time(18, 0)
    days: dict[str, int] = field(default_factory=lambda: {Borrower.STAFF: 0, Borrower.OWNER: 0,
                                                          Borrower.SALES: 0, Borrower.CONTRACTOR: 7})

    def due(self, kind: Borrower | str, lent_at: datetime) -> datetime:
        local = to_local(lent_at)
        assert local is not None
        n = self.days.get(str(kind), 0)
        if n == 0:
            closing = datetime.combine(local.date(), self.closing, tzinfo=local.tzinfo)
            if local >= closing:  # lent after closing: back by the end of the day
                closing = datetime.combine(local.date(), time(23, 59), tzinfo=local.tzinfo)
            return closing.astimezone(UTC)
        return (local + timedelta(days=n)).astimezone(UTC)


def loan_rules(session: Session) -> LoanRules:
    raw = settings.get_value(session, RULES_KEY)
    base = LoanRules()
    if not raw:
        return base
    try:
        value = json.loads(raw)
        closing = time.fromisoformat(value.get("closing", "18:00"))
        days = {**base.days, **{str(Borrower(k)): int(v) for k, v in value.get("days", {}).items()}}
    except (ValueError, TypeError, AttributeError):
        return base
    return LoanRules(closing=closing, days=days)


def rules_problems(rules: LoanRules) -> dict[str, str]:
    e: dict[str, str] = {}
    if not time(8, 0) <= rules.closing <= time(23, 0):
        e["closing"] = "下班时间应在 08:00 到 23:00 之间"
    for k, n in rules.days.items():
        if not 0 <= n <= 90:
            e[f"days_{k}"] = f"{BORROWER_LABELS[Borrower(k)]}：借期应在 0 到 90 天之间（0 表示当日归还）"
    return e


def save_loan_rules(session: Session, actor: Actor, rules: LoanRules) -> LoanRules:
    require(actor, Perm.EDIT_SETTINGS)
    if errors := rules_problems(rules):
        raise ValidationError(errors=errors)
    old = loan_rules(session)

    def enc(r: LoanRules) -> dict[str, Any]:
        return {"closing": r.closing.strftime("%H:%M"), "days": {str(k): v for k, v in r.days.items()}}

    if enc(old) != enc(rules):
        settings.set_value(session, RULES_KEY, json.dumps(enc(rules)))
        audit.record(session, actor, "update", "settings", RULES_KEY, before=enc(old), after=enc(rules),
                     summary="修改钥匙借期规则")
    return rules


# ---------------------------------------------------------------- small helpers


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _when(at: datetime | None, not_before: datetime | None = None, what: str = "时间",
          field_name: str = "at") -> datetime:
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


def _last_event(session: Session, key_ids: Iterable[int]) -> datetime | None:
    """The newest step in these keys' histories: a backdated step may not come before it."""
    ids = list(key_ids)
    if not ids:
        return None
    return _aware(session.scalar(select(func.max(KeyEvent.at)).where(KeyEvent.key_id.in_(ids))))


def _text(value: str, field_name: str, message: str, limit: int = 64) -> str:
    v = normalize_text(value)
    if not v:
        raise ValidationError(message, field=field_name)
    if len(v) > limit:
        raise ValidationError(f"内容过长（最多{limit}个字）", field=field_name)
    return v


def _serial(session: Session, what: str, column: Any, when: datetime) -> str:
    return next_serial(session, column, SERIALS[what], to_local(when).year, _PG_LOCKS[what])  # type: ignore[union-attr]


def _key(session: Session, key_id: int, *, lock: bool = True) -> Key:
    stmt = select(Key).where(Key.id == key_id)
    if lock:
        stmt = stmt.with_for_update()
    k = session.scalar(stmt)
    if k is None:
        raise NotFoundError("找不到这把钥匙", key_id=key_id)
    return k


def _room(session: Session, room_id: int | None, room_code: str = "") -> Room:
    r = None
    if room_id is not None:
        r = session.get(Room, room_id)
    elif room_code:
        r = session.scalar(select(Room).where(Room.code == clean_room_code(room_code)))
    if r is None:
        raise ValidationError(f"找不到房号 {room_code}" if room_code else "请填写房号", field="room")
    return r


def _event(session: Session, actor: Actor, k: Key, action: Action | str, at: datetime,
           to_state: KeyState | str | None = None, note: str = "", ref: str = "") -> None:
    before = k.state
    if to_state is not None:
        k.state = str(to_state)
    k.updated_by = actor.username
    session.add(KeyEvent(key_id=k.id, at=at, username=actor.username, action=str(action), from_state=before,
                         to_state=k.state if to_state is not None else "", note=note, ref=ref))


def _transition(actor: Actor, k: Key, action: Action) -> None:
    sources, _target, perm = TRANSITIONS[action]
    require(actor, perm)
    if KeyState(k.state) not in sources:
        raise InvalidTransition(f"钥匙 {k.number} 当前为“{STATE_LABELS[KeyState(k.state)]}”，不能{ACTION_LABELS[action]}",
                                key=k.number, state=k.state, action=str(action))


def _free_hook(k: Key) -> None:
    if k.hook_id is not None:
        k.home_hook_label = ""
        k.hook_id = None


def _owners(session: Session, room_id: int) -> list[Person]:
    return list(session.scalars(
        select(Person).join(Occupant, Occupant.person_id == Person.id)
        .where(Occupant.room_id == room_id, Occupant.relation == "owner", Occupant.active.is_(True))))


def _snapshot(k: Key) -> dict[str, Any]:
    return {"number": k.number, "room_id": k.room_id, "kind": k.kind, "copies": k.copies, "state": k.state,
            "hook_id": k.hook_id, "lock_no": k.lock_no, "door": k.door}


# ---------------------------------------------------------------- cabinets and hooks


def default_label(row: int, col: int) -> str:
    """A01 … Z99 by row letter and column; past 26 rows 27-01."""
    return f"{chr(65 + row)}{col + 1:02d}" if row < 26 else f"{row + 1:02d}-{col + 1:02d}"


@dataclass(frozen=True)
class CabinetData:
    name: str
    rows: int
    cols: int
    location: str = ""


@dataclass(frozen=True)
class CabinetRow:
    id: int
    name: str
    rows: int
    cols: int
    location: str
    hooks: int
    keys: int           # keys on hooks (any state but handed/retired)
    in_cabinet: int
    out: int


def cabinet_problems(data: CabinetData) -> dict[str, str]:
    e: dict[str, str] = {}
    name = normalize_text(data.name)
    if not name:
        e["name"] = "请填写钥匙柜名称"
    elif len(name) > 64:
        e["name"] = "名称过长（最多64个字）"
    if not 1 <= data.rows <= 200:
        e["rows"] = "行数应在 1 到 200 之间"
    if not 1 <= data.cols <= 200:
        e["cols"] = "列数应在 1 到 200 之间"
    if not e and data.rows * data.cols > MAX_HOOKS:
        e["cols"] = f"一个钥匙柜最多 {MAX_HOOKS} 个钩位"
    return e


def create_cabinet(session: Session, actor: Actor, data: CabinetData) -> CabinetRow:
    require(actor, Perm.SETUP_CABINETS)
    if errors := cabinet_problems(data):
        raise ValidationError(errors=errors)
    name = normalize_text(data.name)
    if session.scalar(select(KeyCabinet.id).where(KeyCabinet.name == name)):
        raise ValidationError(f"已有名为“{name}”的钥匙柜", field="name")
    order = (session.scalar(select(func.max(KeyCabinet.sort_order))) or 0) + 1
    c = KeyCabinet(name=name, rows=data.rows, cols=data.cols, location=normalize_text(data.location),
                   sort_order=order, created_by=actor.username, updated_by=actor.username)
    session.add(c)
    session.flush()
    session.execute(KeyHook.__table__.insert(), [
        {"cabinet_id": c.id, "row": r, "col": col, "label": default_label(r, col), "label_replaced": False,
         "label_checked_by": ""}
        for r in range(data.rows) for col in range(data.cols)])
    audit.record(session, actor, "create", "key_cabinet", c.id, after={"name": name, "rows": data.rows,
                 "cols": data.cols, "location": c.location}, summary=f"新建钥匙柜 {name}（{data.rows}×{data.cols}）")
    return cabinet(session, c.id)


def update_cabinet(session: Session, actor: Actor, cabinet_id: int, data: CabinetData) -> CabinetRow:
    """Rename, move, or resize; shrinking is refused while a key hangs on a hook that would go."""
    require(actor, Perm.SETUP_CABINETS)
    if errors := cabinet_problems(data):
        raise ValidationError(errors=errors)
    c = session.get(KeyCabinet, cabinet_id)
    if c is None:
        raise NotFoundError("找不到这个钥匙柜")
    name = normalize_text(data.name)
    if session.scalar(select(KeyCabinet.id).where(KeyCabinet.name == name, KeyCabinet.id != c.id)):
        raise ValidationError(f"已有名为“{name}”的钥匙柜", field="name")
    before = {"name": c.name, "rows": c.rows, "cols": c.cols, "location": c.location}
    gone = select(KeyHook.id).where(KeyHook.cabinet_id == c.id, or_(KeyHook.row >= data.rows, KeyHook.col >= data.cols))
    used = session.scalar(select(func.count()).select_from(Key).where(Key.hook_id.in_(gone)))
    if used:
        raise ValidationError(f"缩小后将去掉的钩位上还挂着 {used} 把钥匙，请先移走", field="rows")
    used_in_counts = select(KeyCountLine.hook_id).where(KeyCountLine.hook_id.in_(gone))
    if session.scalar(select(func.count()).select_from(used_in_counts.subquery())):
        raise ValidationError("将去掉的钩位有盘点记录，不能缩小钥匙柜", field="rows")
    session.execute(delete(KeyHook).where(KeyHook.id.in_(gone)))
    have = set(session.execute(select(KeyHook.row, KeyHook.col).where(KeyHook.cabinet_id == c.id)).all())
    labels = set(session.scalars(select(KeyHook.label).where(KeyHook.cabinet_id == c.id)))
    new = []
    for r in range(data.rows):
        for col in range(data.cols):
            if (r, col) not in have:
                label = default_label(r, col)
                while label in labels:
                    label += "'"
                labels.add(label)
                new.append({"cabinet_id": c.id, "row": r, "col": col, "label": label, "label_replaced": False,
                            "label_checked_by": ""})
    if new:
        session.execute(KeyHook.__table__.insert(), new)
    c.name, c.rows, c.cols, c.location = name, data.rows, data.cols, normalize_text(data.location)
    c.updated_by = actor.username
    if name != before["name"]:  # the keys' 钥匙柜-钩位 follows the new name
        for key_id, hook_label in session.execute(select(Key.id, KeyHook.label).join(KeyHook, KeyHook.id == Key.hook_id)
                                                  .where(KeyHook.cabinet_id == c.id)).all():
            session.execute(Key.__table__.update().where(Key.id == key_id).values(home_hook_label=f"{name}-{hook_label}"))
    after = {"name": c.name, "rows": c.rows, "cols": c.cols, "location": c.location}
    if before != after:
        audit.record(session, actor, "update", "key_cabinet", c.id, before=before, after=after,
                     summary=f"修改钥匙柜 {c.name}")
    return cabinet(session, c.id)


def rename_hook(session: Session, actor: Actor, hook_id: int, label: str) -> None:
    require(actor, Perm.SETUP_CABINETS)
    h = session.get(KeyHook, hook_id)
    if h is None:
        raise NotFoundError("找不到这个钩位")
    label = _text(label, "label", "请填写钩位标签", 32)
    if session.scalar(select(KeyHook.id).where(KeyHook.cabinet_id == h.cabinet_id, KeyHook.label == label,
                                               KeyHook.id != h.id)):
        raise ValidationError(f"本柜已有钩位标签 {label}", field="label")
    if label != h.label:
        audit.record(session, actor, "update", "key_hook", h.id, before={"label": h.label}, after={"label": label},
                     summary=f"钩位标签 {h.label} 改为 {label}")
        h.label = label
        cab = session.scalar(select(KeyCabinet.name).where(KeyCabinet.id == h.cabinet_id))
        session.execute(Key.__table__.update().where(Key.hook_id == h.id).values(home_hook_label=f"{cab}-{label}"))


def _cabinet_rows(session: Session, where: Any = None) -> list[CabinetRow]:
    hooks = (select(KeyHook.cabinet_id, func.count().label("n")).group_by(KeyHook.cabinet_id).subquery())
    keyed = (select(KeyHook.cabinet_id,
                    func.count(Key.id).label("keys"),
                    func.count(Key.id).filter(Key.state == KeyState.IN).label("in_cabinet"),
                    func.count(Key.id).filter(Key.state == KeyState.OUT).label("out"))
             .join(Key, Key.hook_id == KeyHook.id).group_by(KeyHook.cabinet_id).subquery())
    stmt = (select(KeyCabinet, func.coalesce(hooks.c.n, 0), func.coalesce(keyed.c["keys"], 0),
                   func.coalesce(keyed.c.in_cabinet, 0), func.coalesce(keyed.c.out, 0))
            .outerjoin(hooks, hooks.c.cabinet_id == KeyCabinet.id)
            .outerjoin(keyed, keyed.c.cabinet_id == KeyCabinet.id)
            .where(KeyCabinet.active.is_(True)).order_by(KeyCabinet.sort_order, KeyCabinet.id))
    if where is not None:
        stmt = stmt.where(where)
    return [CabinetRow(c.id, c.name, c.rows, c.cols, c.location, n, keys, i, o)
            for c, n, keys, i, o in session.execute(stmt)]


def cabinets(session: Session) -> list[CabinetRow]:
    return _cabinet_rows(session)


def cabinet(session: Session, cabinet_id: int) -> CabinetRow:
    rows = _cabinet_rows(session, KeyCabinet.id == cabinet_id)
    if not rows:
        raise NotFoundError("找不到这个钥匙柜")
    return rows[0]


@dataclass(slots=True)  # not frozen: 5,000 cells build in 3 ms instead of 20 (docs/performance.md)
class HookCell:
    """One hook as the grid draws it."""

    hook_id: int
    row: int
    col: int
    label: str
    key_id: int | None = None
    number: str = ""
    room_code: str = ""
    kind: str = ""
    state: str = EMPTY            # a KeyState, OVERDUE or EMPTY
    copies: int = 0
    holder: str = ""              # on loan: the borrower (name, company)
    due_at: datetime | None = None
    loan_serial: str = ""
    label_checked_at: datetime | None = None

    @property
    def state_label(self) -> str:
        return DISPLAY_LABELS[self.state]


def _open_loans(session: Session, key_ids: Iterable[int] | None = None) -> dict[int, tuple[str, datetime, str]]:
    """key id → (holder, due, serial) for keys out on loan."""
    stmt = (select(KeyLoanItem.key_id, KeyLoan.borrower_name, KeyLoan.company, KeyLoan.due_at, KeyLoan.serial)
            .join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id).where(KeyLoan.state == LoanState.OUT,
                                                                   KeyLoanItem.returned_copies.is_(None)))
    if key_ids is not None:
        stmt = stmt.where(KeyLoanItem.key_id.in_(list(key_ids)))
    out = {}
    for key_id, name, company, due, serial in session.execute(stmt):
        out[key_id] = (f"{name}（{company}）" if company else name, _aware(due), serial)
    return out  # type: ignore[return-value]


def cabinet_grid(session: Session, cabinet_id: int, now: datetime | None = None) -> list[HookCell]:
    """Every hook of a cabinet, row by row, with the key on it: one query, plus one for loans."""
    now = now or utcnow()
    stmt = (select(KeyHook.id, KeyHook.row, KeyHook.col, KeyHook.label, KeyHook.label_checked_at,
                   Key.id, Key.number, Room.code, Key.kind, Key.state, Key.copies)
            .select_from(KeyHook).outerjoin(Key, Key.hook_id == KeyHook.id).outerjoin(Room, Room.id == Key.room_id)
            .where(KeyHook.cabinet_id == cabinet_id).order_by(KeyHook.row, KeyHook.col))
    rows = session.execute(stmt).all()
    loans = _open_loans(session, None) if any(r[9] == KeyState.OUT for r in rows) else {}
    cells = []
    for hook_id, row, col, label, checked, key_id, number, room_code, kind, state, copies in rows:
        if key_id is None:
            cells.append(HookCell(hook_id, row, col, label, label_checked_at=_aware(checked)))
            continue
        holder, due, serial = loans.get(key_id, ("", None, ""))
        shown = state
        if state == KeyState.OUT and due is not None and due < now:
            shown = OVERDUE
        cells.append(HookCell(hook_id, row, col, label, key_id, number, room_code or "", kind, shown, copies,
                              holder, due, serial, _aware(checked)))
    return cells


def empty_hooks(session: Session, cabinet_id: int) -> list[tuple[int, str]]:
    """(hook id, label) of the cabinet's free hooks, row by row."""
    return [(i, lbl) for i, lbl in session.execute(
        select(KeyHook.id, KeyHook.label).outerjoin(Key, Key.hook_id == KeyHook.id)
        .where(KeyHook.cabinet_id == cabinet_id, Key.id.is_(None)).order_by(KeyHook.row, KeyHook.col))]


def _hook_label(session: Session, hook_id: int | None) -> str:
    if hook_id is None:
        return ""
    row = session.execute(select(KeyCabinet.name, KeyHook.label).join(KeyHook, KeyHook.cabinet_id == KeyCabinet.id)
                          .where(KeyHook.id == hook_id)).first()
    return f"{row[0]}-{row[1]}" if row else ""


def _check_hook_free(session: Session, hook_id: int | None, key_id: int | None = None) -> None:
    if hook_id is None:
        return
    if session.get(KeyHook, hook_id) is None:
        raise ValidationError("找不到这个钩位", field="hook")
    other = session.scalar(select(Key.number).where(Key.hook_id == hook_id, Key.id != (key_id or 0)))
    if other:
        raise ValidationError(f"钩位 {_hook_label(session, hook_id)} 已挂有钥匙 {other}", field="hook")


def check_labels(session: Session, actor: Actor, hook_ids: Sequence[int], replaced: bool = False,
                 at: datetime | None = None) -> int:
    """钥匙整理与保管3: mark hooks whose labels were checked (or replaced because faded)."""
    require(actor, Perm.HANDLE_KEYS)
    when = _when(at, what="检查时间")
    hooks = list(session.scalars(select(KeyHook).where(KeyHook.id.in_(list(hook_ids)))))
    for h in hooks:
        h.label_checked_at, h.label_checked_by, h.label_replaced = when, actor.username, replaced
    if hooks:
        audit.record(session, actor, "label_check", "key_hook", ",".join(str(h.id) for h in hooks[:50]),
                     after={"hooks": len(hooks), "replaced": replaced},
                     summary=f"{'更换' if replaced else '检查'}钩位标签 {len(hooks)} 个")
    return len(hooks)


# ---------------------------------------------------------------- keys


@dataclass(frozen=True)
class KeyData:
    number: str
    kind: KeyKind | str
    room_id: int | None = None
    room_code: str = ""
    copies: int = 1
    door: str = ""
    hook_id: int | None = None
    note: str = ""


def key_problems(data: KeyData) -> dict[str, str]:
    e: dict[str, str] = {}
    number = normalize_text(data.number)
    if not number:
        e["number"] = "请填写钥匙编号"
    elif len(number) > 32:
        e["number"] = "钥匙编号过长（最多32个字符）"
    if str(data.kind) not in set(KeyKind):
        e["kind"] = "请选择钥匙类别"
    if data.room_id is None and not clean_room_code(data.room_code):
        e["room"] = "请填写钥匙对应的房号或公共区域"
    if not 1 <= int(data.copies or 0) <= MAX_COPIES:
        e["copies"] = f"钥匙数量应在 1 到 {MAX_COPIES} 把之间"
    if len(normalize_text(data.door)) > 64:
        e["door"] = "门锁说明过长"
    return e


def _new_key(session: Session, actor: Actor, data: KeyData, at: datetime, action: Action, ref: str = "",
             acceptance_id: int | None = None, deposit_id: int | None = None, lock_no: int | None = None) -> Key:
    if errors := key_problems(data):
        raise ValidationError(errors=errors)
    number = normalize_text(data.number)
    # Unique whatever the case: a scanner or a clerk may type a-1 for A-1 (find() ignores case).
    if session.scalar(select(Key.id).where(func.upper(Key.number) == number.upper())):
        raise ValidationError(f"钥匙编号 {number} 已存在", field="number")
    room = _room(session, data.room_id, data.room_code)
    _check_hook_free(session, data.hook_id)
    door = normalize_text(data.door)
    if lock_no is None:
        lock_no = session.scalar(select(func.max(Key.lock_no)).where(Key.room_id == room.id, Key.door == door)) or 1
    k = Key(number=number, room_id=room.id, kind=str(data.kind), copies=int(data.copies),
            accepted_copies=int(data.copies), door=door,
            state=KeyState.IN, hook_id=data.hook_id, home_hook_label=_hook_label(session, data.hook_id),
            note=(data.note or "").strip(), lock_no=lock_no, acceptance_id=acceptance_id, deposit_id=deposit_id,
            created_by=actor.username, updated_by=actor.username)
    session.add(k)
    session.flush()
    session.add(KeyEvent(key_id=k.id, at=at, username=actor.username, action=str(action), from_state="",
                         to_state=KeyState.IN, note=k.home_hook_label, ref=ref))
    return k


def create_key(session: Session, actor: Actor, data: KeyData, at: datetime | None = None) -> int:
    """Register one key and hang it (a common-area key, or one found without acceptance papers)."""
    require(actor, Perm.HANDLE_KEYS)
    when = _when(at)
    if str(data.kind) == KeyKind.DEPOSIT:
        raise ValidationError(DEPOSIT_ONLY, field="kind")
    if data.hook_id is None:
        raise ValidationError("请选择钩位", field="hook")
    k = _new_key(session, actor, data, when, Action.CREATE)
    audit.record(session, actor, "create", "key", k.id, after=_snapshot(k), summary=f"登记钥匙 {k.number}")
    return k.id


def move_key(session: Session, actor: Actor, key_id: int, hook_id: int) -> None:
    k = _key(session, key_id)
    _transition(actor, k, Action.MOVE)
    _check_hook_free(session, hook_id, k.id)
    before = k.home_hook_label
    k.hook_id, k.home_hook_label = hook_id, _hook_label(session, hook_id)
    _event(session, actor, k, Action.MOVE, _when(None, _last_event(session, [k.id])), note=f"{before} → {k.home_hook_label}")
    audit.record(session, actor, "move", "key", k.id, before={"hook": before}, after={"hook": k.home_hook_label},
                 summary=f"钥匙 {k.number} 换钩位")


@dataclass(frozen=True)
class BulkResult:
    created: int
    skipped: int          # rooms that already have a key of this kind
    first_hook: str = ""
    last_hook: str = ""


def bulk_create_keys(session: Session, actor: Actor, cabinet_id: int, room_ids: Sequence[int],
                     kind: KeyKind | str, copies: int = 1, door: str = "", at: datetime | None = None) -> BulkResult:
    """One key per room, numbered 房号-类别, hung on the cabinet's free hooks in order."""
    require(actor, Perm.SETUP_CABINETS)
    kind = KeyKind(kind)
    if kind == KeyKind.DEPOSIT:
        raise ValidationError(DEPOSIT_ONLY, field="kind")
    when = _when(at)
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationError(f"钥匙数量应在 1 到 {MAX_COPIES} 把之间", field="copies")
    have = set(session.scalars(select(Key.room_id).where(Key.kind == kind, Key.state.notin_(list(OFF_HOOK_STATES)))))
    todo = [r for r in dict.fromkeys(room_ids) if r not in have]
    free = empty_hooks(session, cabinet_id)
    if len(todo) > len(free):
        raise ValidationError(f"需要 {len(todo)} 个空钩位，这个钥匙柜只有 {len(free)} 个", field="cabinet")
    if not todo:
        return BulkResult(0, len(room_ids))
    codes = dict(session.execute(select(Room.id, Room.code).where(Room.id.in_(todo))).all())
    suffix = {KeyKind.CONSTRUCTION: "S", KeyKind.DECORATION_1: "Z1", KeyKind.DECORATION_2: "Z2",
              KeyKind.OFFICIAL: "G", KeyKind.DEPOSIT: "T", KeyKind.COMMON: "P"}[kind]
    numbers = [f"{codes[r]}-{suffix}" for r in todo]
    taken = set(session.scalars(select(Key.number).where(Key.number.in_(numbers))))
    cab_name = session.scalar(select(KeyCabinet.name).where(KeyCabinet.id == cabinet_id)) or ""
    door = normalize_text(door)
    gen = dict(session.execute(select(Key.room_id, func.max(Key.lock_no)).where(Key.room_id.in_(todo), Key.door == door)
                               .group_by(Key.room_id)).all())
    rows, created = [], 0
    for r, number, (hook_id, label) in zip(todo, numbers, free, strict=False):
        n = number
        i = 2
        while n in taken:
            n, i = f"{number}-{i}", i + 1
        taken.add(n)
        rows.append({"number": n, "room_id": r, "kind": str(kind), "copies": copies, "accepted_copies": copies,
                     "lock_no": gen.get(r, 1), "door": door,
                     "state": str(KeyState.IN), "hook_id": hook_id, "home_hook_label": f"{cab_name}-{label}",
                     "note": "", "created_by": actor.username, "updated_by": actor.username,
                     "created_at": when, "updated_at": when})
        created += 1
    session.execute(Key.__table__.insert(), rows)
    ids = dict(session.execute(select(Key.number, Key.id).where(Key.number.in_([x["number"] for x in rows]))).all())
    session.execute(KeyEvent.__table__.insert(), [
        {"key_id": ids[x["number"]], "at": when, "username": actor.username, "action": str(Action.CREATE),
         "from_state": "", "to_state": str(KeyState.IN), "note": x["home_hook_label"], "ref": ""} for x in rows])
    audit.record(session, actor, "bulk_create", "key", cabinet_id,
                 after={"kind": str(kind), "created": created, "copies": copies},
                 summary=f"批量登记{KIND_LABELS[kind]} {created} 把（{cab_name}）")
    return BulkResult(created, len(room_ids) - len(todo), free[0][1], free[created - 1][1])


# ---------------------------------------------------------------- rows, search, register


@dataclass(frozen=True)
class KeyRow:
    id: int
    number: str
    room_id: int
    room_code: str
    kind: KeyKind
    copies: int
    door: str
    lock_no: int
    state: KeyState
    overdue: bool
    cabinet_id: int | None
    hook_id: int | None
    hook: str             # 钥匙柜-钩位
    holder: str = ""
    due_at: datetime | None = None
    loan_id: int | None = None
    loan_serial: str = ""
    deposit_id: int | None = None
    note: str = ""
    accepted_copies: int = 0     # as taken in; copies changes with losses and 补配

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def state_label(self) -> str:
        return DISPLAY_LABELS[OVERDUE] if self.overdue else STATE_LABELS[self.state]

    @property
    def display_state(self) -> str:
        return OVERDUE if self.overdue else str(self.state)


@dataclass(frozen=True)
class KeyQuery:
    state: str = ""          # a KeyState, or OVERDUE
    kind: str = ""
    room: str = ""           # room code or its beginning (3-2 → the unit)
    holder: str = ""
    cabinet_id: int | None = None
    include_retired: bool = False
    limit: int = 5000


def _key_rows(session: Session, where: Sequence[Any], limit: int | None = None, now: datetime | None = None) -> list[KeyRow]:
    now = now or utcnow()
    loan = (select(KeyLoanItem.key_id, KeyLoan.id.label("loan_id"), KeyLoan.serial, KeyLoan.borrower_name,
                   KeyLoan.company, KeyLoan.due_at)
            .join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id)
            .where(KeyLoan.state == LoanState.OUT, KeyLoanItem.returned_copies.is_(None)).subquery())
    stmt = (select(Key, Room.code, KeyHook.cabinet_id, loan.c.loan_id, loan.c.serial, loan.c.borrower_name,
                   loan.c.company, loan.c.due_at)
            .join(Room, Room.id == Key.room_id).outerjoin(KeyHook, KeyHook.id == Key.hook_id)
            .outerjoin(loan, loan.c.key_id == Key.id).where(*where).order_by(Room.code, Key.number))
    if limit:
        stmt = stmt.limit(limit)
    out = []
    for k, code, cab, loan_id, serial, name, company, due in session.execute(stmt):
        due = _aware(due)
        out.append(KeyRow(k.id, k.number, k.room_id, code, KeyKind(k.kind), k.copies, k.door, k.lock_no,
                          KeyState(k.state), k.state == KeyState.OUT and due is not None and due < now, cab,
                          k.hook_id, k.home_hook_label,
                          (f"{name}（{company}）" if company else (name or "")), due, loan_id, serial or "",
                          k.deposit_id, k.note, k.accepted_copies))
    return out


def list_keys(session: Session, q: KeyQuery, now: datetime | None = None) -> list[KeyRow]:
    """The register: every key with filters (state incl. 逾期, kind, room, holder, cabinet)."""
    now = now or utcnow()
    where: list[Any] = []
    if q.state == OVERDUE:
        late = (select(KeyLoanItem.key_id).join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id)
                .where(KeyLoan.state == LoanState.OUT, KeyLoan.due_at < now, KeyLoanItem.returned_copies.is_(None)))
        where += [Key.state == KeyState.OUT, Key.id.in_(late)]
    elif q.state:
        where.append(Key.state == q.state)
    elif not q.include_retired:
        where.append(Key.state != KeyState.RETIRED)
    if q.kind:
        where.append(Key.kind == q.kind)
    if room := clean_room_code(q.room):
        where.append(or_(Room.code == room, Room.code.startswith(room + "-")))
    if q.cabinet_id is not None:
        where.append(Key.hook_id.in_(select(KeyHook.id).where(KeyHook.cabinet_id == q.cabinet_id)))
    if holder := normalize_text(q.holder):
        held = (select(KeyLoanItem.key_id).join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id)
                .where(KeyLoan.state == LoanState.OUT, KeyLoanItem.returned_copies.is_(None),
                       or_(KeyLoan.borrower_name.icontains(holder), KeyLoan.company.icontains(holder))))
        where.append(Key.id.in_(held))
    return _key_rows(session, where, q.limit, now)


def key_row(session: Session, key_id: int) -> KeyRow:
    rows = _key_rows(session, [Key.id == key_id])
    if not rows:
        raise NotFoundError("找不到这把钥匙", key_id=key_id)
    return rows[0]


def room_keys(session: Session, room_id: int, include_off: bool = False) -> list[KeyRow]:
    where = [Key.room_id == room_id]
    if not include_off:
        where.append(Key.state.notin_([str(s) for s in OFF_HOOK_STATES]))
    return _key_rows(session, where)


@dataclass(frozen=True)
class SearchHit:
    key_ids: tuple[int, ...]
    what: str                      # "key", "room", "loan", "deposit", "acceptance", "handover"
    ref: str = ""


def find(session: Session, text: str) -> SearchHit | None:
    """A typed or scanned room number, key number or slip serial (QR) → the keys it names."""
    t = normalize_text(text).upper()
    if not t:
        return None
    for what, prefix in SERIALS.items():
        if t.startswith(prefix):
            if what == "loan":
                ids = session.scalars(select(KeyLoanItem.key_id).join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id)
                                      .where(KeyLoan.serial == t).order_by(KeyLoanItem.id))
            elif what == "deposit":
                ids = session.scalars(select(Key.id).join(KeyDeposit, KeyDeposit.id == Key.deposit_id)
                                      .where(KeyDeposit.serial == t))
            elif what == "acceptance":
                ids = session.scalars(select(Key.id).join(KeyAcceptance, KeyAcceptance.id == Key.acceptance_id)
                                      .where(KeyAcceptance.serial == t).order_by(Key.id))
            else:
                ids = session.scalars(select(KeyEvent.key_id).where(KeyEvent.ref == t, KeyEvent.action == Action.HAND_OVER))
            found = tuple(dict.fromkeys(ids))
            return SearchHit(found, what, t) if found else None
    # The key number as typed or in capitals through the unique index; a room; only then a scan
    # ignoring case (numbers are unique whatever the case, so at most one key matches).
    typed = normalize_text(text)
    key_id = session.scalar(select(Key.id).where(Key.number.in_({typed, t})))
    if key_id is not None:
        return SearchHit((key_id,), "key", t)
    code = clean_room_code(text)
    room_id = session.scalar(select(Room.id).where(Room.code == code))
    if room_id is not None:
        ids = tuple(session.scalars(select(Key.id).where(Key.room_id == room_id, Key.hook_id.is_not(None))
                                    .order_by(Key.kind, Key.number)))
        return SearchHit(ids, "room", code) if ids else None
    key_id = session.scalar(select(Key.id).where(func.upper(Key.number) == t))
    return SearchHit((key_id,), "key", t) if key_id is not None else None


def hook_position(session: Session, key_id: int) -> tuple[int, int, int] | None:
    """(cabinet id, row, col) of the key's hook."""
    row = session.execute(select(KeyHook.cabinet_id, KeyHook.row, KeyHook.col)
                          .join(Key, Key.hook_id == KeyHook.id).where(Key.id == key_id)).first()
    return (row[0], row[1], row[2]) if row else None


@dataclass(frozen=True)
class EventRow:
    at: datetime
    username: str
    action: str
    from_state: str
    to_state: str
    note: str
    ref: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(Action(self.action), self.action) if self.action in set(Action) else self.action

    @property
    def change_label(self) -> str:
        if not self.to_state or self.to_state == self.from_state:
            return ""
        a = STATE_LABELS[KeyState(self.from_state)] if self.from_state else ""
        return f"{a} → {STATE_LABELS[KeyState(self.to_state)]}" if a else STATE_LABELS[KeyState(self.to_state)]


@dataclass(frozen=True)
class KeyDetail:
    row: KeyRow
    events: list[EventRow]
    actions: list[Action]
    incidents: list[IncidentRow]
    deposit: DepositRow | None
    acceptance_serial: str = ""


def key_detail(session: Session, actor: Actor, key_id: int) -> KeyDetail:
    row = key_row(session, key_id)
    events = [EventRow(_aware(e.at), e.username, e.action, e.from_state, e.to_state, e.note, e.ref)  # type: ignore[arg-type]
              for e in session.scalars(select(KeyEvent).where(KeyEvent.key_id == key_id)
                                       .order_by(KeyEvent.at, KeyEvent.id))]
    incidents = [_incident_row(session, i) for i in session.scalars(
        select(KeyIncident).where(KeyIncident.key_id == key_id).order_by(KeyIncident.reported_at))]
    deposit = _deposit_row(session, session.get(KeyDeposit, row.deposit_id), actor) if row.deposit_id else None
    acc = ""
    k = session.get(Key, key_id)
    if k is not None and k.acceptance_id:
        acc = session.scalar(select(KeyAcceptance.serial).where(KeyAcceptance.id == k.acceptance_id)) or ""
    acts = allowed_actions(row.state, actor)
    if row.kind == KeyKind.DEPOSIT:  # a deposited key only goes back to its owner
        acts = [a for a in acts if a not in (Action.LEND, Action.HAND_OVER)]
    else:
        acts = [a for a in acts if a != Action.GIVE_BACK]
    if row.kind not in (KeyKind.DECORATION_1, KeyKind.DECORATION_2, KeyKind.OFFICIAL):
        acts = [a for a in acts if a != Action.HAND_OVER]
    acts = [a for a in acts if a not in (Action.RECUT, Action.RETIRE)]  # through an incident
    return KeyDetail(row, events, acts, incidents, deposit, acc)


# ---------------------------------------------------------------- acceptance from a contractor


@dataclass(frozen=True)
class AcceptItem:
    number: str
    room_code: str = ""
    room_id: int | None = None
    kind: KeyKind | str = KeyKind.CONSTRUCTION
    copies: int = 1
    door: str = ""
    hook_id: int | None = None
    count_ok: bool = False      # the copies counted match the contractor's list
    opens_ok: bool = False      # tried in its lock (适用性)
    note: str = ""


@dataclass(frozen=True)
class AcceptanceData:
    company: str
    handed_by: str
    items: Sequence[AcceptItem]
    contractor_id: int | None = None
    at: datetime | None = None
    note: str = ""


def accept_keys(session: Session, actor: Actor, data: AcceptanceData) -> tuple[int, str]:
    """钥匙移交 (§三 1–2): each key counted and tried, numbered, labelled and hung; (id, serial YS-…)."""
    require(actor, Perm.HANDLE_KEYS)
    e: dict[str, str] = {}
    company = normalize_text(data.company)
    if data.contractor_id is not None:
        c = session.get(Contractor, data.contractor_id)
        if c is None:
            e["company"] = "找不到这个施工单位"
        else:
            company = c.company
    if not company:
        e["company"] = "请填写移交钥匙的施工单位"
    if not normalize_text(data.handed_by):
        e["handed_by"] = "请填写施工队交匙人"
    if not data.items:
        e["items"] = "请至少登记一把钥匙"
    for i, it in enumerate(data.items, 1):
        if str(it.kind) == KeyKind.DEPOSIT:
            e.setdefault("items", f"第{i}把（{it.number}）：{DEPOSIT_ONLY}")
        elif not it.count_ok:
            e.setdefault("items", f"第{i}把（{it.number}）数量未核对，不能验收")
        elif not it.opens_ok:
            e.setdefault("items", f"第{i}把（{it.number}）未试开门锁，不能验收")
        elif it.hook_id is None:
            e.setdefault("items", f"第{i}把（{it.number}）请选择钩位")
    numbers = [normalize_text(it.number) for it in data.items]
    if len(set(numbers)) != len(numbers):
        e.setdefault("items", "同一批次中钥匙编号重复")
    hooks = [it.hook_id for it in data.items if it.hook_id is not None]
    if len(set(hooks)) != len(hooks):
        e.setdefault("items", "同一批次中有两把钥匙挂在同一钩位")
    if e:
        raise ValidationError(errors=e)
    when = _when(data.at, what="验收时间")
    serial = _serial(session, "acceptance", KeyAcceptance.serial, when)
    acc = KeyAcceptance(serial=serial, contractor_id=data.contractor_id, company=company,
                        handed_by=normalize_text(data.handed_by), accepted_at=when, note=(data.note or "").strip(),
                        created_by=actor.username, updated_by=actor.username)
    session.add(acc)
    session.flush()
    for i, it in enumerate(data.items, 1):
        try:
            _new_key(session, actor, KeyData(it.number, it.kind, it.room_id, it.room_code, it.copies, it.door,
                                             it.hook_id, it.note), when, Action.ACCEPT, serial, acceptance_id=acc.id)
        except ValidationError as err:
            raise ValidationError(f"第{i}把（{it.number}）：{err.message}", field="items") from None
    audit.record(session, actor, "create", "key_acceptance", acc.id,
                 after={"serial": serial, "company": company, "handed_by": acc.handed_by, "keys": len(data.items)},
                 summary=f"钥匙验收 {serial}：{company} 移交 {len(data.items)} 把")
    return acc.id, serial


@dataclass(frozen=True)
class AcceptanceRow:
    id: int
    serial: str
    company: str
    handed_by: str
    accepted_at: datetime
    created_by: str
    note: str
    keys: list[KeyRow]


def acceptance(session: Session, acceptance_id: int) -> AcceptanceRow:
    a = session.get(KeyAcceptance, acceptance_id)
    if a is None:
        raise NotFoundError("找不到这份钥匙验收记录")
    keys = _key_rows(session, [Key.acceptance_id == a.id])
    return AcceptanceRow(a.id, a.serial, a.company, a.handed_by, _aware(a.accepted_at), a.created_by, a.note, keys)  # type: ignore[arg-type]


# ---------------------------------------------------------------- owner deposits


@dataclass(frozen=True)
class DelegateData:
    name: str
    id_number: str
    valid_until: date


@dataclass(frozen=True)
class DepositData:
    room_code: str = ""
    room_id: int | None = None
    person_id: int | None = None        # the owner, picked from the room's people
    owner_name: str = ""
    owner_id_number: str = ""
    phone: str = ""
    copies: int = 1
    number: str = ""                    # blank: 房号-T
    hook_id: int | None = None
    door: str = ""
    reason: str = ""
    delegates: Sequence[DelegateData] = ()
    at: datetime | None = None


@dataclass(frozen=True)
class DelegateRow:
    name: str
    id_number: str          # masked unless revealed
    valid_until: date


@dataclass(frozen=True)
class DepositRow:
    id: int
    serial: str
    room_id: int
    room_code: str
    owner_name: str
    owner_id_number: str    # masked unless revealed
    phone: str              # masked unless revealed
    deposited_at: datetime
    reason: str
    state: str
    returned_at: datetime | None
    returned_to: str
    returned_by: str
    created_by: str
    delegates: list[DelegateRow]
    key_id: int | None
    key_number: str
    copies: int

    @property
    def state_label(self) -> str:
        return {"held": "托存中", "returned": "已交还", "void": "换锁作废"}.get(self.state, self.state)


def _id_problem(value: str, field_name: str) -> dict[str, str]:
    v = (value or "").strip().upper()
    if not v:
        return {field_name: "请填写身份证号码：托存钥匙凭身份证交还"}
    if p := resident_id_problem(v):
        return {field_name: p}
    return {}


def deposit_key(session: Session, actor: Actor, data: DepositData) -> tuple[int, str]:
    """业主托存 (钥匙整理与保管2): record the owner and their ID, hang the key; (deposit id, serial TC-…)."""
    require(actor, Perm.HANDLE_KEYS)
    room = _room(session, data.room_id, data.room_code)
    e: dict[str, str] = {}
    name = normalize_text(data.owner_name)
    person = session.get(Person, data.person_id) if data.person_id else None
    owners = _owners(session, room.id)
    id_number = (data.owner_id_number or "").strip().upper()
    if person is not None:
        if person.id not in {p.id for p in owners}:
            e["owner"] = f"{person.name} 不是 {room.code} 的业主"
        name = person.name
        if is_masked(id_number) or not id_number:
            id_number = (person.id_number or "").upper()
    if not name:
        e["owner"] = "请填写托存钥匙的业主姓名"
    e.update(_id_problem(id_number, "owner_id"))
    phone = canonical_phone(data.phone)
    if (is_masked(phone) or not phone) and person is not None:
        phone = person.phone
    if phone and (p := phone_problem(phone)):
        e["phone"] = p
    if not 1 <= data.copies <= MAX_COPIES:
        e["copies"] = f"钥匙数量应在 1 到 {MAX_COPIES} 把之间"
    if data.hook_id is None:
        e["hook"] = "请选择钩位"
    today = to_local(utcnow()).date()  # type: ignore[union-attr]
    for i, d in enumerate(data.delegates, 1):
        if not normalize_text(d.name):
            e["delegates"] = f"第{i}位代领人请填写姓名"
        elif p := _id_problem(d.id_number, "delegates"):
            e["delegates"] = f"第{i}位代领人：{p['delegates']}"
        elif d.valid_until < today:
            e["delegates"] = f"第{i}位代领人的有效期已过"
    if e:
        raise ValidationError(errors=e)
    when = _when(data.at, what="托存时间")
    serial = _serial(session, "deposit", KeyDeposit.serial, when)
    dep = KeyDeposit(serial=serial, room_id=room.id, person_id=person.id if person else None, owner_name=name,
                     owner_id_number=id_number, phone=phone, deposited_at=when, reason=(data.reason or "").strip(),
                     state="held", created_by=actor.username, updated_by=actor.username)
    session.add(dep)
    session.flush()
    for d in data.delegates:
        session.add(KeyDelegate(deposit_id=dep.id, name=normalize_text(d.name), id_number=d.id_number.strip().upper(),
                                valid_until=d.valid_until))
    number = normalize_text(data.number) or f"{room.code}-T"
    base, i = number, 2
    while session.scalar(select(Key.id).where(Key.number == number)):
        number, i = f"{base}-{i}", i + 1
    _new_key(session, actor, KeyData(number, KeyKind.DEPOSIT, room.id, "", data.copies, data.door, data.hook_id),
             when, Action.DEPOSIT, serial, deposit_id=dep.id)
    audit.record(session, actor, "create", "key_deposit", dep.id,
                 after={"serial": serial, "room": room.code, "owner": name, "owner_id": mask_id(id_number),
                        "copies": data.copies, "delegates": len(data.delegates)},
                 summary=f"业主托存钥匙 {serial}（{room.code} {name}）")
    return dep.id, serial


def _deposit_row(session: Session, d: KeyDeposit | None, actor: Actor | None, reveal: bool = False) -> DepositRow | None:
    if d is None:
        return None
    show_id = reveal and actor is not None and actor.can(Perm.REVEAL_ID)
    show_phone = reveal and actor is not None and actor.can(Perm.REVEAL_PHONE)
    code = session.scalar(select(Room.code).where(Room.id == d.room_id)) or ""
    delegates = [DelegateRow(x.name, x.id_number if show_id else mask_id(x.id_number), x.valid_until)
                 for x in session.scalars(select(KeyDelegate).where(KeyDelegate.deposit_id == d.id).order_by(KeyDelegate.id))]
    k = session.scalar(select(Key).where(Key.deposit_id == d.id))
    return DepositRow(d.id, d.serial, d.room_id, code, d.owner_name,
                      d.owner_id_number if show_id else mask_id(d.owner_id_number),
                      d.phone if show_phone else mask_phone(d.phone), _aware(d.deposited_at), d.reason, d.state,  # type: ignore[arg-type]
                      _aware(d.returned_at), d.returned_to, d.returned_by, d.created_by, delegates,
                      k.id if k else None, k.number if k else "", k.copies if k else 0)


def deposit(session: Session, actor: Actor, deposit_id: int, reveal: bool = False) -> DepositRow:
    d = session.get(KeyDeposit, deposit_id)
    if d is None:
        raise NotFoundError("找不到这份托存登记")
    if reveal and actor.can(Perm.REVEAL_ID):
        audit.record(session, actor, "reveal", "key_deposit", d.id, summary=f"查看托存登记 {d.serial} 的完整证件号码")
    return _deposit_row(session, d, actor, reveal)  # type: ignore[return-value]


def give_back_deposit(session: Session, actor: Actor, deposit_id: int, collector: str, id_number: str,
                      at: datetime | None = None) -> None:
    """A deposited key goes back only to the owner, or a person the owner named and still valid,
    whose ID number matches the record: no ID, no key (钥匙整理与保管2)."""
    require(actor, Perm.HANDLE_KEYS)
    d = session.scalar(select(KeyDeposit).where(KeyDeposit.id == deposit_id).with_for_update())
    if d is None:
        raise NotFoundError("找不到这份托存登记")
    if d.state == "void":
        raise InvalidTransition(f"托存登记 {d.serial} 的钥匙已因换锁作废，请与业主联系")
    if d.state != "held":
        raise InvalidTransition(f"托存登记 {d.serial} 的钥匙已于 {fmt_local(_aware(d.returned_at))} 交还")
    collector = normalize_text(collector)
    given = (id_number or "").strip().upper()
    if not collector:
        raise ValidationError("请填写领取人姓名", field="collector")
    if not given:
        raise PermissionDenied("无任何证件证明的索匙者不得领取钥匙：请出示身份证", field="id_number")
    dep_keys = list(session.scalars(select(Key.id).where(Key.deposit_id == d.id)))
    when = _when(at, max([t for t in (_aware(d.deposited_at), _last_event(session, dep_keys)) if t]), "交还时间")
    day = to_local(when).date()  # type: ignore[union-attr]
    who = ""
    if given == d.owner_id_number.upper():
        who = d.owner_name
    else:
        for x in session.scalars(select(KeyDelegate).where(KeyDelegate.deposit_id == d.id)):
            if given == x.id_number.upper():
                if x.valid_until < day:
                    audit.record(session, actor, "refuse", "key_deposit", d.id,
                                 after={"collector": collector, "id_number": mask_id(given)},
                                 summary=f"托存钥匙 {d.serial} 拒绝交付：代领人 {x.name} 的授权已到期")
                    raise PermissionDenied(f"代领人 {x.name} 的授权已于 {x.valid_until:%Y-%m-%d} 到期，不能领取",
                                           field="id_number")
                who = x.name
                break
    if not who:
        audit.record(session, actor, "refuse", "key_deposit", d.id,
                     after={"collector": collector, "id_number": mask_id(given)},
                     summary=f"托存钥匙 {d.serial} 拒绝交付：证件号码与登记不符")
        raise PermissionDenied("身份证号码与托存登记的业主或代领人不符，不能交付钥匙", field="id_number")
    if normalize_text(who) != collector:
        raise ValidationError(f"证件号码属于 {who}，与领取人姓名“{collector}”不符", field="collector")
    keys = list(session.scalars(select(Key).where(Key.deposit_id == d.id).with_for_update()))
    for k in keys:
        _transition(actor, k, Action.GIVE_BACK)
    for k in keys:
        _free_hook(k)
        _event(session, actor, k, Action.GIVE_BACK, when, KeyState.HANDED, note=f"交还 {collector}", ref=d.serial)
    d.state, d.returned_at, d.returned_to = "returned", when, collector
    d.returned_to_id_number, d.returned_by = given, actor.username
    d.updated_by = actor.username
    audit.record(session, actor, "give_back", "key_deposit", d.id,
                 after={"collector": collector, "id_number": mask_id(given)},
                 summary=f"托存钥匙 {d.serial} 交还 {collector}")


def give_back_deposit_tx(Session_: Any, actor: Actor, deposit_id: int, collector: str, id_number: str,  # noqa: N803
                         at: datetime | None = None) -> None:
    """give_back_deposit in its own transaction that keeps the audit entry of a refused ID."""
    with Session_() as s:
        with s.begin():
            try:
                return give_back_deposit(s, actor, deposit_id, collector, id_number, at)
            except PermissionDenied as e:
                err = e
        raise err


def deposits(session: Session, actor: Actor, held_only: bool = True, room_id: int | None = None) -> list[DepositRow]:
    stmt = select(KeyDeposit).order_by(KeyDeposit.deposited_at.desc())
    if held_only:
        stmt = stmt.where(KeyDeposit.state == "held")
    if room_id is not None:
        stmt = stmt.where(KeyDeposit.room_id == room_id)
    return [_deposit_row(session, d, actor) for d in session.scalars(stmt)]  # type: ignore[misc]


# ---------------------------------------------------------------- loans


@dataclass(frozen=True)
class LoanItemData:
    key_id: int
    copies: int = 0       # 0: every copy the key has


@dataclass(frozen=True)
class LoanData:
    borrower_kind: Borrower | str
    items: Sequence[LoanItemData]
    borrower_name: str = ""
    work_id: str = ""                # staff and sales staff: must match an active staff record
    contractor_id: int | None = None
    company: str = ""
    permit_no: str = ""              # contractor workers' 施工许可证/出入证 number
    person_id: int | None = None     # owner
    phone: str = ""
    purpose: str = ""
    escort_id: int | None = None     # 工程部 staff who goes along
    at: datetime | None = None


def _active_staff(session: Session, work_id: str, dept: str | None = None) -> Staff | None:
    stmt = select(Staff).where(Staff.work_id == normalize_text(work_id).upper(), Staff.active.is_(True))
    s = session.scalar(stmt) or session.scalar(
        select(Staff).where(Staff.work_id == normalize_text(work_id), Staff.active.is_(True)))
    if s is not None and dept is not None:
        code = session.scalar(select(Department.code).where(Department.id == s.department_id))
        if code != dept:
            return None
    return s


def lend(session: Session, actor: Actor, data: LoanData) -> tuple[int, str]:
    """《钥匙借领确认单》 (§三 钥匙借、领取制度 1–2): (loan id, serial JY-…)."""
    require(actor, Perm.HANDLE_KEYS)
    e: dict[str, str] = {}
    try:
        kind = Borrower(data.borrower_kind)
    except ValueError:
        raise ValidationError("请选择借匙人类别", field="borrower_kind") from None
    name = normalize_text(data.borrower_name)
    staff_id = contractor_id = person_id = None
    work_id = normalize_text(data.work_id)
    company = normalize_text(data.company)
    permit = normalize_text(data.permit_no)
    phone = canonical_phone(data.phone)
    if not data.items:
        e["items"] = "请选择要借出的钥匙"
    keys = {k.id: k for k in session.scalars(select(Key).where(Key.id.in_([i.key_id for i in data.items]))
                                             .with_for_update())}
    if kind in (Borrower.STAFF, Borrower.SALES):
        if not work_id:
            e["work_id"] = "请核对借匙人的工作证号"
        else:
            s = _active_staff(session, work_id, "sales" if kind == Borrower.SALES else None)
            if s is None:
                e["work_id"] = (f"工作证号 {work_id} 不是在职的售楼人员" if kind == Borrower.SALES
                                else f"工作证号 {work_id} 与在职员工记录不符，不能借出")
            else:
                staff_id, name, work_id = s.id, s.name, s.work_id
                if not phone or is_masked(phone):
                    phone = s.phone
        if kind == Borrower.SALES:
            for k in keys.values():
                occ = session.scalar(select(Room.occupancy).where(Room.id == k.room_id))
                if occ != "vacant_unsold":
                    code = session.scalar(select(Room.code).where(Room.id == k.room_id))
                    e["items"] = f"{code} 不是未售房：售楼人员只能代借未售空置房的钥匙"
                    break
    elif kind == Borrower.CONTRACTOR:
        if data.contractor_id is not None:
            c = session.get(Contractor, data.contractor_id)
            if c is None or not c.active:
                e["company"] = "找不到这个施工单位"
            else:
                contractor_id, company = c.id, c.company
        if not company:
            e["company"] = "请填写施工单位"
        if not permit:
            e["permit_no"] = "请核对并填写施工人员的工作证/出入证号"
        if not name:
            e["borrower_name"] = "请填写借匙人姓名"
    elif kind == Borrower.OWNER:
        person = session.get(Person, data.person_id) if data.person_id else None
        rooms = {k.room_id for k in keys.values()}
        if person is None:
            e["borrower_name"] = "请从房屋的业主中选择借匙人"
        else:
            for room_id in rooms:
                if person.id not in {p.id for p in _owners(session, room_id)}:
                    code = session.scalar(select(Room.code).where(Room.id == room_id))
                    e["borrower_name"] = f"{person.name} 不是 {code} 的业主"
                    break
            person_id, name = person.id, person.name
            if is_masked(phone) or not phone:
                phone = person.phone
    if not name and "borrower_name" not in e and "work_id" not in e:
        e["borrower_name"] = "请填写借匙人姓名"
    if phone and not is_masked(phone) and (p := phone_problem(phone)):
        e["phone"] = p
    if not normalize_text(data.purpose):
        e["purpose"] = "请填写借用事由"
    if data.escort_id is not None:
        s = session.get(Staff, data.escort_id)
        code = session.scalar(select(Department.code).where(Department.id == s.department_id)) if s else None
        if s is None or not s.active or code != "engineering":
            e["escort"] = "陪同人员应为在职的工程部员工"
    lent: list[tuple[Key, int]] = []
    for it in data.items:
        k = keys.get(it.key_id)
        if k is None:
            e["items"] = "找不到要借出的钥匙"
            continue
        if k.kind == KeyKind.DEPOSIT:
            e["items"] = f"{k.number} 是业主托存钥匙，只能凭身份证交还业主本人，不能外借"
        elif (k.kind == KeyKind.DECORATION_2 and kind in (Borrower.OWNER, Borrower.CONTRACTOR)
              and (problem := second_key_problem(session, k.room_id))):
            e["items"] = f"{k.number}：{problem}"
        elif k.state != KeyState.IN:
            e["items"] = f"{k.number} 当前为“{STATE_LABELS[KeyState(k.state)]}”，不能借出"
        n = it.copies or k.copies
        if not 1 <= n <= k.copies:
            e["items"] = f"{k.number} 柜内只有 {k.copies} 把，不能借出 {n} 把"
        lent.append((k, n))
    if len({k.id for k, _ in lent}) != len(lent):
        e["items"] = "同一把钥匙选了两次"
    if e:
        raise ValidationError(errors=e)
    when = _when(data.at, _last_event(session, [k.id for k, _ in lent]), "借出时间")
    due = loan_rules(session).due(kind, when)
    serial = _serial(session, "loan", KeyLoan.serial, when)
    loan = KeyLoan(serial=serial, borrower_kind=str(kind), borrower_name=name, staff_id=staff_id, work_id=work_id,
                   contractor_id=contractor_id, company=company if kind == Borrower.CONTRACTOR else "",
                   permit_no=permit if kind == Borrower.CONTRACTOR else "", person_id=person_id, phone=phone,
                   purpose=(data.purpose or "").strip(), escort_id=data.escort_id, lent_at=when, due_at=due,
                   state=LoanState.OUT, created_by=actor.username, updated_by=actor.username)
    session.add(loan)
    session.flush()
    for k, n in lent:
        _transition(actor, k, Action.LEND)
        session.add(KeyLoanItem(loan_id=loan.id, key_id=k.id, copies=n))
        _event(session, actor, k, Action.LEND, when, KeyState.OUT, note=f"{name} {n}把", ref=serial)
    audit.record(session, actor, "create", "key_loan", loan.id,
                 after={"serial": serial, "borrower_kind": str(kind), "borrower": name, "work_id": work_id,
                        "company": loan.company, "keys": [k.number for k, _ in lent], "due_at": due},
                 summary=f"借出钥匙 {serial}：{name} {len(lent)} 项")
    return loan.id, serial


@dataclass(frozen=True)
class LoanItemRow:
    key_id: int
    number: str
    room_code: str
    kind: KeyKind
    copies: int
    returned_copies: int | None


@dataclass(frozen=True)
class LoanRow:
    id: int
    serial: str
    borrower_kind: Borrower
    borrower_name: str
    work_id: str
    company: str
    permit_no: str
    phone: str             # masked unless revealed
    purpose: str
    escort: str
    lent_at: datetime
    due_at: datetime
    state: LoanState
    returned_at: datetime | None
    returned_by: str
    received_by: str
    return_note: str
    reminders: int
    last_reminded_at: datetime | None
    created_by: str
    items: list[LoanItemRow]
    overdue: bool = False

    @property
    def borrower_label(self) -> str:
        return BORROWER_LABELS[self.borrower_kind]

    @property
    def state_label(self) -> str:
        return DISPLAY_LABELS[OVERDUE] if self.overdue else LOAN_STATE_LABELS[self.state]

    @property
    def copies(self) -> int:
        return sum(i.copies for i in self.items)

    @property
    def holder(self) -> str:
        return f"{self.borrower_name}（{self.company}）" if self.company else self.borrower_name


def _loan_rows(session: Session, loans: Sequence[KeyLoan], actor: Actor | None, reveal: bool = False,
               now: datetime | None = None) -> list[LoanRow]:
    now = now or utcnow()
    ids = [x.id for x in loans]
    items: dict[int, list[LoanItemRow]] = {i: [] for i in ids}
    if ids:
        for loan_id, key_id, number, code, kind, n, back in session.execute(
                select(KeyLoanItem.loan_id, Key.id, Key.number, Room.code, Key.kind, KeyLoanItem.copies,
                       KeyLoanItem.returned_copies).join(Key, Key.id == KeyLoanItem.key_id)
                .join(Room, Room.id == Key.room_id).where(KeyLoanItem.loan_id.in_(ids)).order_by(KeyLoanItem.id)):
            items[loan_id].append(LoanItemRow(key_id, number, code, KeyKind(kind), n, back))
    escorts = dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.id.in_([x.escort_id for x in loans if x.escort_id]))).all()) if loans else {}
    show = reveal and actor is not None and actor.can(Perm.REVEAL_PHONE)
    out = []
    for x in loans:
        due = _aware(x.due_at)
        out.append(LoanRow(x.id, x.serial, Borrower(x.borrower_kind), x.borrower_name, x.work_id, x.company,
                           x.permit_no, x.phone if show else mask_phone(x.phone), x.purpose,
                           escorts.get(x.escort_id, "") if x.escort_id else "", _aware(x.lent_at), due,  # type: ignore[arg-type]
                           LoanState(x.state), _aware(x.returned_at), x.returned_by, x.received_by, x.return_note,
                           x.reminders, _aware(x.last_reminded_at), x.created_by, items[x.id],
                           x.state == LoanState.OUT and due is not None and due < now))
    return out


def loan(session: Session, actor: Actor, loan_id: int, reveal: bool = False, audit_reveal: bool = True) -> LoanRow:
    x = session.get(KeyLoan, loan_id)
    if x is None:
        raise NotFoundError("找不到这张钥匙借领确认单")
    if reveal and audit_reveal and actor.can(Perm.REVEAL_PHONE):
        audit.record(session, actor, "reveal", "key_loan", x.id, summary=f"查看借领单 {x.serial} 的完整电话")
    return _loan_rows(session, [x], actor, reveal)[0]


def loan_by_serial(session: Session, serial: str) -> int | None:
    return session.scalar(select(KeyLoan.id).where(KeyLoan.serial == normalize_text(serial).upper()))


def open_loan_for_key(session: Session, key_id: int) -> int | None:
    return session.scalar(select(KeyLoan.id).join(KeyLoanItem, KeyLoanItem.loan_id == KeyLoan.id)
                          .where(KeyLoanItem.key_id == key_id, KeyLoan.state == LoanState.OUT,
                                 KeyLoanItem.returned_copies.is_(None)))


@dataclass(frozen=True)
class LoanQuery:
    state: str = ""              # a LoanState, OVERDUE, or "" for all
    borrower_kind: str = ""
    text: str = ""               # borrower, company, serial, key number
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 2000


def list_loans(session: Session, actor: Actor, q: LoanQuery, now: datetime | None = None) -> list[LoanRow]:
    now = now or utcnow()
    stmt = select(KeyLoan).order_by(KeyLoan.lent_at.desc()).limit(q.limit)
    if q.state == OVERDUE:
        stmt = stmt.where(KeyLoan.state == LoanState.OUT, KeyLoan.due_at < now)
    elif q.state:
        stmt = stmt.where(KeyLoan.state == q.state)
    if q.borrower_kind:
        stmt = stmt.where(KeyLoan.borrower_kind == q.borrower_kind)
    if t := normalize_text(q.text):
        keyed = (select(KeyLoanItem.loan_id).join(Key, Key.id == KeyLoanItem.key_id)
                 .where(Key.number.icontains(t)))
        stmt = stmt.where(or_(KeyLoan.borrower_name.icontains(t), KeyLoan.company.icontains(t),
                              KeyLoan.serial == t.upper(), KeyLoan.id.in_(keyed)))
    tz = local_tz()
    if q.date_from:
        stmt = stmt.where(KeyLoan.lent_at >= datetime.combine(q.date_from, time(), tz).astimezone(UTC))
    if q.date_to:
        stmt = stmt.where(KeyLoan.lent_at < datetime.combine(q.date_to + timedelta(days=1), time(), tz).astimezone(UTC))
    return _loan_rows(session, list(session.scalars(stmt)), actor, now=now)


@dataclass(frozen=True)
class ReturnResult:
    serial: str
    short: int                       # copies missing in all
    incident_ids: tuple[int, ...]


def return_loan(session: Session, actor: Actor, loan_id: int, returned_by: str, counts: dict[int, int],
                at: datetime | None = None, note: str = "") -> ReturnResult:
    """归还 (§三 5): count the copies; every key back on its hook; a shortfall is recorded and reported
    lost (the lost-key procedure starts); the clerk signs as 接收人."""
    require(actor, Perm.HANDLE_KEYS)
    x = session.scalar(select(KeyLoan).where(KeyLoan.id == loan_id).with_for_update())
    if x is None:
        raise NotFoundError("找不到这张钥匙借领确认单")
    if x.state != LoanState.OUT:
        raise InvalidTransition(f"借领单 {x.serial} 已于 {fmt_local(_aware(x.returned_at))} 归还")
    returned_by = normalize_text(returned_by)
    if not returned_by:
        raise ValidationError("请填写还匙人", field="returned_by")
    items = list(session.scalars(select(KeyLoanItem).where(KeyLoanItem.loan_id == x.id).order_by(KeyLoanItem.id)))
    e: dict[str, str] = {}
    for it in items:
        n = counts.get(it.key_id)
        if n is None:
            e["counts"] = "请逐把清点归还的钥匙数量"
        elif not 0 <= n <= it.copies:
            e["counts"] = f"归还数量应在 0 到 {it.copies} 之间（借出 {it.copies} 把）"
    short = sum(it.copies - counts.get(it.key_id, 0) for it in items)
    if short and not (note or "").strip():
        e["note"] = f"少还 {short} 把：请写明情况，将按遗失上报主管"
    if e:
        raise ValidationError(errors=e)
    when = _when(at, _aware(x.lent_at), "归还时间")
    incidents: list[int] = []
    for it in items:
        k = _key(session, it.key_id)
        _transition(actor, k, Action.RETURN)
        n = counts[it.key_id]
        it.returned_copies = n
        missing = it.copies - n
        if missing == 0:
            _event(session, actor, k, Action.RETURN, when, KeyState.IN, note=f"{returned_by} 归还 {n}把", ref=x.serial)
            continue
        if n > 0 or k.copies > it.copies:   # some copies back on the hook
            k.copies -= missing
            _event(session, actor, k, Action.RETURN, when, KeyState.IN,
                   note=f"{returned_by} 归还 {n}把，短缺 {missing}把", ref=x.serial)
        else:
            _event(session, actor, k, Action.RETURN_SHORT, when, KeyState.LOST,
                   note=f"{returned_by} 未归还，{missing}把遗失", ref=x.serial)
        inc = KeyIncident(key_id=k.id, kind=IncidentKind.LOST, copies=missing, source="return", reported_at=when,
                          reported_by=actor.username, description=(note or "").strip(), loan_id=x.id,
                          state=IncidentState.REPORTED, created_by=actor.username, updated_by=actor.username)
        session.add(inc)
        session.flush()
        incidents.append(inc.id)
    x.state = LoanState.SHORT if short else LoanState.RETURNED
    x.returned_at, x.returned_by, x.received_by = when, returned_by, actor.display_name or actor.username
    x.return_note, x.updated_by = (note or "").strip(), actor.username
    audit.record(session, actor, "return", "key_loan", x.id,
                 after={"returned_by": returned_by, "counts": {str(k): v for k, v in counts.items()}, "short": short},
                 summary=f"归还钥匙 {x.serial}" + (f"，短缺 {short} 把已上报" if short else ""))
    return ReturnResult(x.serial, short, tuple(incidents))


def remind(session: Session, actor: Actor, loan_id: int, method: ReminderMethod | str, note: str = "",
           at: datetime | None = None) -> int:
    """催还 (§三 6): each reminder is recorded; returns how many the loan has had."""
    require(actor, Perm.HANDLE_KEYS)
    x = session.scalar(select(KeyLoan).where(KeyLoan.id == loan_id).with_for_update())
    if x is None:
        raise NotFoundError("找不到这张钥匙借领确认单")
    if x.state != LoanState.OUT:
        raise InvalidTransition(f"借领单 {x.serial} 已归还，不需要催还")
    try:
        m = ReminderMethod(method)
    except ValueError:
        raise ValidationError("请选择催还方式", field="method") from None
    when = _when(at, _aware(x.lent_at), "催还时间")
    session.add(KeyReminder(loan_id=x.id, at=when, username=actor.username, method=str(m), note=(note or "").strip()))
    x.reminders += 1
    x.last_reminded_at, x.updated_by = when, actor.username
    for it in session.scalars(select(KeyLoanItem).where(KeyLoanItem.loan_id == x.id)):
        k = _key(session, it.key_id, lock=False)
        _event(session, actor, k, Action.REMIND, when, note=f"{REMINDER_LABELS[m]}催还 {x.borrower_name}", ref=x.serial)
    audit.record(session, actor, "remind", "key_loan", x.id, after={"method": str(m), "note": note, "count": x.reminders},
                 summary=f"催还钥匙 {x.serial}（第{x.reminders}次）")
    return x.reminders


@dataclass(frozen=True)
class ReminderRow:
    at: datetime
    username: str
    method: str
    note: str

    @property
    def method_label(self) -> str:
        return REMINDER_LABELS[ReminderMethod(self.method)]


def reminders(session: Session, loan_id: int) -> list[ReminderRow]:
    return [ReminderRow(_aware(r.at), r.username, r.method, r.note)  # type: ignore[arg-type]
            for r in session.scalars(select(KeyReminder).where(KeyReminder.loan_id == loan_id).order_by(KeyReminder.at))]


@dataclass(frozen=True)
class DueRow:
    loan: LoanRow
    reason: str          # "same_day" (not back at closing), "chase" (contractor past its days), "due_today"

    @property
    def reason_label(self) -> str:
        return {"same_day": "当日未还", "chase": "超期催还", "due_today": "今日到期"}[self.reason]


def due_list(session: Session, actor: Actor, now: datetime | None = None) -> list[DueRow]:
    """Keys not back: same-day loans past closing, contractor loans past their days (催还), and
    loans due later today; latest first within each reason."""
    now = now or utcnow()
    local = to_local(now)
    assert local is not None
    end_of_day = datetime.combine(local.date() + timedelta(days=1), time(), local.tzinfo).astimezone(UTC)
    loans = list(session.scalars(select(KeyLoan).where(KeyLoan.state == LoanState.OUT, KeyLoan.due_at < end_of_day)
                                 .order_by(KeyLoan.due_at)))
    out = []
    for r in _loan_rows(session, loans, actor, now=now):
        if r.due_at >= now:
            reason = "due_today"
        elif r.borrower_kind == Borrower.CONTRACTOR:
            reason = "chase"
        else:
            reason = "same_day"
        out.append(DueRow(r, reason))
    order = {"same_day": 0, "chase": 1, "due_today": 2}
    return sorted(out, key=lambda d: (order[d.reason], d.loan.due_at))


# ---------------------------------------------------------------- move-in handover, decoration permit


@dataclass(frozen=True)
class PermitData:
    room_code: str = ""
    room_id: int | None = None
    permit_no: str = ""
    issued_on: date | None = None
    fees_paid: bool = False
    receipt_no: str = ""
    paid_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class PermitRow:
    id: int
    room_id: int
    room_code: str
    permit_no: str
    issued_on: date
    fees_paid: bool
    receipt_no: str
    paid_on: date | None
    note: str
    created_by: str


def record_permit(session: Session, actor: Actor, data: PermitData, permit_id: int | None = None) -> PermitRow:
    """A room's decoration permit (装修手续) and, once paid, the receipt number and date."""
    require(actor, Perm.HANDLE_KEYS)
    room = _room(session, data.room_id, data.room_code)
    e: dict[str, str] = {}
    no = normalize_text(data.permit_no)
    if not no:
        e["permit_no"] = "请填写装修许可证编号"
    elif len(no) > 32:
        e["permit_no"] = "编号过长"
    elif session.scalar(select(DecorationPermit.id).where(DecorationPermit.permit_no == no,
                                                          DecorationPermit.id != (permit_id or 0))):
        e["permit_no"] = f"装修许可证 {no} 已登记"
    today = to_local(utcnow()).date()  # type: ignore[union-attr]
    if data.issued_on is None:
        e["issued_on"] = "请填写办理日期"
    elif data.issued_on > today:
        e["issued_on"] = "办理日期不能晚于今天"
    receipt = normalize_text(data.receipt_no)
    if data.fees_paid:
        if not receipt:
            e["receipt_no"] = "已交清费用请填写收据号码"
        if data.paid_on is None:
            e["paid_on"] = "请填写交费日期"
        elif data.paid_on > today:
            e["paid_on"] = "交费日期不能晚于今天"
        elif data.issued_on and data.paid_on < data.issued_on - timedelta(days=60):
            e["paid_on"] = "交费日期与办理日期相差过远，请核对"
    if e:
        raise ValidationError(errors=e)
    if permit_id is None:
        p = DecorationPermit(room_id=room.id, created_by=actor.username)
        session.add(p)
        before: dict[str, Any] = {}
    else:
        p = session.get(DecorationPermit, permit_id)
        if p is None:
            raise NotFoundError("找不到这份装修手续")
        before = {"permit_no": p.permit_no, "issued_on": p.issued_on, "fees_paid": p.fees_paid,
                  "receipt_no": p.receipt_no, "paid_on": p.paid_on}
    p.room_id, p.permit_no, p.issued_on = room.id, no, data.issued_on  # type: ignore[assignment]
    p.fees_paid, p.receipt_no = bool(data.fees_paid), receipt if data.fees_paid else ""
    p.paid_on, p.note, p.updated_by = data.paid_on if data.fees_paid else None, (data.note or "").strip(), actor.username
    session.flush()
    after = {"permit_no": p.permit_no, "issued_on": p.issued_on, "fees_paid": p.fees_paid,
             "receipt_no": p.receipt_no, "paid_on": p.paid_on}
    audit.record(session, actor, "create" if permit_id is None else "update", "decoration_permit", p.id,
                 before=before or None, after=after,
                 summary=f"{'登记' if permit_id is None else '修改'}装修手续 {no}（{room.code}）" + ("，费用已交清" if p.fees_paid else ""))
    return _permit_row(session, p)


def _permit_row(session: Session, p: DecorationPermit) -> PermitRow:
    code = session.scalar(select(Room.code).where(Room.id == p.room_id)) or ""
    return PermitRow(p.id, p.room_id, code, p.permit_no, p.issued_on, p.fees_paid, p.receipt_no, p.paid_on, p.note,
                     p.created_by)


def permits(session: Session, room_id: int) -> list[PermitRow]:
    return [_permit_row(session, p) for p in session.scalars(
        select(DecorationPermit).where(DecorationPermit.room_id == room_id).order_by(DecorationPermit.issued_on.desc()))]


def second_key_problem(session: Session, room_id: int) -> str | None:
    """Why the room's second decoration key may not be handed over yet (§三 领取制度4), or None.
    The fees procedure (issue 10) will check the ledger instead of the permit's mark."""
    ps = permits(session, room_id)
    if not ps:
        return "该房屋尚未办理装修手续，不能领取第二把装修钥匙"
    if not any(p.fees_paid for p in ps):
        return "装修相关费用尚未交清，不能领取第二把装修钥匙"
    return None


def _paid_permit(session: Session, room_id: int) -> int | None:
    return session.scalar(select(DecorationPermit.id).where(DecorationPermit.room_id == room_id,
                                                            DecorationPermit.fees_paid.is_(True))
                          .order_by(DecorationPermit.issued_on.desc()))


@dataclass(frozen=True)
class HandoverData:
    room_code: str = ""
    room_id: int | None = None
    kind: HandoverKind | str = HandoverKind.MOVE_IN
    person_id: int | None = None       # the owner who receives and signs
    key_ids: Sequence[int] = ()
    at: datetime | None = None
    note: str = ""


def hand_over(session: Session, actor: Actor, data: HandoverData) -> tuple[int, str]:
    """收房 (§三 领取制度3–4): keys handed to the owner, who signs; (id, serial JF-…)."""
    require(actor, Perm.HANDLE_KEYS)
    room = _room(session, data.room_id, data.room_code)
    try:
        kind = HandoverKind(data.kind)
    except ValueError:
        raise ValidationError("请选择交付类别", field="kind") from None
    e: dict[str, str] = {}
    person = session.get(Person, data.person_id) if data.person_id else None
    if person is None or person.id not in {p.id for p in _owners(session, room.id)}:
        e["person"] = f"请选择 {room.code} 的业主作为领取人"
    keys = list(session.scalars(select(Key).where(Key.id.in_(list(data.key_ids))).with_for_update()))
    if not keys:
        e["keys"] = "请选择交付的钥匙"
    allowed = HANDOVER_KINDS[kind]
    for k in keys:
        if k.room_id != room.id:
            e["keys"] = f"{k.number} 不是 {room.code} 的钥匙"
        elif KeyKind(k.kind) not in allowed:
            e["keys"] = f"{k.number}（{KIND_LABELS[KeyKind(k.kind)]}）不属于{HANDOVER_LABELS[kind]}"
        elif k.state != KeyState.IN:
            e["keys"] = f"{k.number} 当前为“{STATE_LABELS[KeyState(k.state)]}”，不能交付"
    permit_id = None
    if kind == HandoverKind.SECOND_DECORATION:
        if problem := second_key_problem(session, room.id):
            raise PermissionDenied(problem, field="keys")
        permit_id = _paid_permit(session, room.id)
    if e:
        raise ValidationError(errors=e)
    assert person is not None
    when = _when(data.at, _last_event(session, [k.id for k in keys]), "交付时间")
    serial = _serial(session, "handover", KeyHandover.serial, when)
    h = KeyHandover(serial=serial, room_id=room.id, kind=str(kind), recipient=person.name, person_id=person.id,
                    at=when, permit_id=permit_id, note=(data.note or "").strip(), created_by=actor.username,
                    updated_by=actor.username)
    session.add(h)
    session.flush()
    for k in keys:
        _transition(actor, k, Action.HAND_OVER)
        _free_hook(k)
        _event(session, actor, k, Action.HAND_OVER, when, KeyState.HANDED, note=f"{person.name} 签收", ref=serial)
    audit.record(session, actor, "create", "key_handover", h.id,
                 after={"serial": serial, "room": room.code, "kind": str(kind), "recipient": person.name,
                        "keys": [k.number for k in keys]},
                 summary=f"{HANDOVER_LABELS[kind]} {serial}：{room.code} {person.name}")
    return h.id, serial


@dataclass(frozen=True)
class HandoverRow:
    id: int
    serial: str
    room_id: int
    room_code: str
    kind: HandoverKind
    recipient: str
    at: datetime
    permit_no: str
    note: str
    created_by: str
    keys: list[KeyRow]

    @property
    def kind_label(self) -> str:
        return HANDOVER_LABELS[self.kind]


def handover(session: Session, handover_id: int) -> HandoverRow:
    h = session.get(KeyHandover, handover_id)
    if h is None:
        raise NotFoundError("找不到这份交付记录")
    code = session.scalar(select(Room.code).where(Room.id == h.room_id)) or ""
    permit = session.scalar(select(DecorationPermit.permit_no).where(DecorationPermit.id == h.permit_id)) if h.permit_id else ""
    ids = select(KeyEvent.key_id).where(KeyEvent.ref == h.serial, KeyEvent.action == Action.HAND_OVER)
    return HandoverRow(h.id, h.serial, h.room_id, code, HandoverKind(h.kind), h.recipient, _aware(h.at), permit or "",  # type: ignore[arg-type]
                       h.note, h.created_by, _key_rows(session, [Key.id.in_(ids)]))


# ---------------------------------------------------------------- lost or damaged


@dataclass(frozen=True)
class IncidentRow:
    id: int
    key_id: int
    key_number: str
    room_code: str
    kind: IncidentKind
    copies: int
    source: str
    reported_at: datetime
    reported_by: str
    description: str
    state: IncidentState
    consent_by: str
    consent_at: datetime | None
    consent_note: str
    remedy: str
    approved_by: str
    resolved_at: datetime | None
    outcome: str
    loan_serial: str = ""

    @property
    def kind_label(self) -> str:
        return INCIDENT_KIND_LABELS[self.kind]

    @property
    def state_label(self) -> str:
        return INCIDENT_STATE_LABELS[self.state]

    @property
    def remedy_label(self) -> str:
        return REMEDY_LABELS[Remedy(self.remedy)] if self.remedy else ""

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def _incident_row(session: Session, i: KeyIncident) -> IncidentRow:
    number, code = session.execute(select(Key.number, Room.code).join(Room, Room.id == Key.room_id)
                                   .where(Key.id == i.key_id)).one()
    serial = session.scalar(select(KeyLoan.serial).where(KeyLoan.id == i.loan_id)) if i.loan_id else ""
    return IncidentRow(i.id, i.key_id, number, code, IncidentKind(i.kind), i.copies, i.source, _aware(i.reported_at),  # type: ignore[arg-type]
                       i.reported_by, i.description, IncidentState(i.state), i.consent_by, _aware(i.consent_at),
                       i.consent_note, i.remedy, i.approved_by, _aware(i.resolved_at), i.outcome, serial or "")


def report_incident(session: Session, actor: Actor, key_id: int, kind: IncidentKind | str, description: str,
                    copies: int = 0, at: datetime | None = None, source: str = "report") -> int:
    """遗失/损坏 reported to the supervisor at once (钥匙的损坏或丢失1). Every copy gone: the key is
    遗失 or 损坏; some: the key keeps the rest."""
    k = _key(session, key_id)
    if k.state == KeyState.OUT:
        raise InvalidTransition(f"钥匙 {k.number} 正在借出：请在归还时清点，短缺的会自动上报")
    _transition(actor, k, Action.REPORT)
    try:
        kind = IncidentKind(kind)
    except ValueError:
        raise ValidationError("请选择遗失或损坏", field="kind") from None
    description = (description or "").strip()
    if not description:
        raise ValidationError("请写明遗失或损坏的经过", field="description")
    n = copies or k.copies
    if not 1 <= n <= k.copies:
        raise ValidationError(f"数量应在 1 到 {k.copies} 之间", field="copies")
    when = _when(at, _last_event(session, [k.id]), "报告时间")
    target = KeyState.LOST if kind == IncidentKind.LOST else KeyState.DAMAGED
    if n < k.copies:
        k.copies -= n
        _event(session, actor, k, Action.REPORT, when, note=f"{INCIDENT_KIND_LABELS[kind]} {n}把：{description}")
    else:
        _event(session, actor, k, Action.REPORT, when, target, note=f"{INCIDENT_KIND_LABELS[kind]}：{description}")
    inc = KeyIncident(key_id=k.id, kind=str(kind), copies=n, source=source, reported_at=when,
                      reported_by=actor.username, description=description, state=IncidentState.REPORTED,
                      created_by=actor.username, updated_by=actor.username)
    session.add(inc)
    session.flush()
    audit.record(session, actor, "report", "key_incident", inc.id,
                 after={"key": k.number, "kind": str(kind), "copies": n, "source": source},
                 summary=f"钥匙 {k.number} {INCIDENT_KIND_LABELS[kind]} {n}把，已报告主管")
    return inc.id


def _incident(session: Session, actor: Actor, incident_id: int, action: Action) -> KeyIncident:
    i = session.scalar(select(KeyIncident).where(KeyIncident.id == incident_id).with_for_update())
    if i is None:
        raise NotFoundError("找不到这条遗失/损坏记录")
    sources, _t, perm = INCIDENT_TRANSITIONS[action]
    require(actor, perm)
    if IncidentState(i.state) not in sources:
        raise InvalidTransition(f"该记录当前为“{INCIDENT_STATE_LABELS[IncidentState(i.state)]}”，不能{ACTION_LABELS[action]}")
    return i


def record_consent(session: Session, actor: Actor, incident_id: int, owner: str, agreed: bool, note: str = "",
                   at: datetime | None = None) -> None:
    """The supervisor asked the owner: consent to 补配 or 换锁, or not (then the outcome is recorded)."""
    action = Action.CONSENT if agreed else Action.DECLINE
    i = _incident(session, actor, incident_id, action)
    owner = normalize_text(owner)
    if not owner:
        raise ValidationError("请填写联系的业主姓名", field="owner")
    if not agreed and not (note or "").strip():
        raise ValidationError("业主不同意处理时请记录处理结果", field="note")
    when = _when(at, _aware(i.reported_at), "联系业主时间")
    i.consent_by, i.consent_at, i.consent_note = owner, when, (note or "").strip()
    i.state = INCIDENT_TRANSITIONS[action][1]
    i.updated_by = actor.username
    if not agreed:
        i.resolved_at, i.outcome, i.approved_by = when, i.consent_note, actor.username
    k = _key(session, i.key_id, lock=False)
    _event(session, actor, k, action, when, note=f"{owner}：{note}".rstrip("："))
    if not agreed and k.state in (KeyState.LOST, KeyState.DAMAGED):
        # Nothing is cut or changed: the key that is gone (or broken) leaves the register's hooks.
        _transition(actor, k, Action.WRITE_OFF)
        _free_hook(k)
        _event(session, actor, k, Action.WRITE_OFF, when, KeyState.RETIRED, note="业主不同意补配或换锁")
    audit.record(session, actor, str(action), "key_incident", i.id, after={"owner": owner, "agreed": agreed, "note": note},
                 summary=f"钥匙 {k.number} {'业主同意处理' if agreed else '业主不同意处理'}")


def recut(session: Session, actor: Actor, incident_id: int, copies: int, outcome: str = "",
          at: datetime | None = None) -> None:
    """补配钥匙: new copies cut for the same lock; the key is back in the cabinet (supervisor)."""
    i = _incident(session, actor, incident_id, Action.RECUT)
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationError(f"补配数量应在 1 到 {MAX_COPIES} 把之间", field="copies")
    k = _key(session, i.key_id)
    _transition(actor, k, Action.RECUT)
    when = _when(at, _aware(i.consent_at), "补配时间")
    k.copies = copies if k.state in (KeyState.LOST, KeyState.DAMAGED) else k.copies + copies
    _event(session, actor, k, Action.RECUT, when, KeyState.IN, note=f"补配 {copies}把" + (f"：{outcome}" if outcome else ""))
    i.state, i.remedy, i.approved_by, i.resolved_at = IncidentState.RESOLVED, Remedy.RECUT, actor.username, when
    i.outcome, i.updated_by = (outcome or "").strip() or f"补配 {copies} 把", actor.username
    audit.record(session, actor, "recut", "key_incident", i.id, after={"key": k.number, "copies": copies},
                 summary=f"钥匙 {k.number} 补配 {copies} 把")


@dataclass(frozen=True)
class NewKey:
    number: str
    kind: KeyKind | str
    copies: int = 1
    hook_id: int | None = None      # None: the hook of the retired key of the same kind


def lock_keys(session: Session, key_id: int) -> list[KeyRow]:
    """Every live key of the same lock (same room and door, same lock generation)."""
    k = _key(session, key_id, lock=False)
    return _key_rows(session, [Key.room_id == k.room_id, Key.door == k.door, Key.lock_no == k.lock_no,
                               Key.state != KeyState.RETIRED])


def change_lock(session: Session, actor: Actor, incident_id: int, new_keys: Sequence[NewKey], outcome: str = "",
                at: datetime | None = None) -> list[int]:
    """换锁: every key of the old lock is retired (作废) and the new lock's keys hang in their place."""
    i = _incident(session, actor, incident_id, Action.RETIRE)
    k0 = _key(session, i.key_id)
    if not new_keys:
        raise ValidationError("请登记新锁的钥匙", field="new_keys")
    old = list(session.scalars(select(Key).where(Key.room_id == k0.room_id, Key.door == k0.door,
                                                 Key.lock_no == k0.lock_no, Key.state != KeyState.RETIRED)
                               .with_for_update()))
    out = [k for k in old if k.state == KeyState.OUT]
    if out:
        raise InvalidTransition(f"钥匙 {out[0].number} 仍在借出，请先收回再换锁")
    when = _when(at, _aware(i.consent_at), "换锁时间")
    freed: dict[str, list[int]] = {}
    for k in old:
        _transition(actor, k, Action.RETIRE)
        if k.hook_id is not None:
            freed.setdefault(k.kind, []).append(k.hook_id)
        _free_hook(k)
        _event(session, actor, k, Action.RETIRE, when, KeyState.RETIRED, note="换锁作废")
        for j in session.scalars(select(KeyIncident).where(
                KeyIncident.key_id == k.id, KeyIncident.id != i.id,
                KeyIncident.state.in_([IncidentState.REPORTED, IncidentState.CONSENTED])).with_for_update()):
            j.state, j.remedy, j.approved_by, j.resolved_at = IncidentState.RESOLVED, Remedy.LOCK_CHANGE, actor.username, when
            j.outcome, j.updated_by = "随同一门锁换锁，钥匙已作废", actor.username
        if k.deposit_id is not None:  # a deposited key of the old lock is of no use any more
            d = session.get(KeyDeposit, k.deposit_id)
            if d is not None and d.state == "held":
                d.state, d.updated_by = "void", actor.username
    session.flush()
    lock_no = k0.lock_no + 1
    created = []
    for n in new_keys:
        spare = freed.get(str(n.kind)) or []
        hook = n.hook_id if n.hook_id is not None else (spare.pop(0) if spare else None)
        if hook is None:
            raise ValidationError(f"新钥匙 {n.number} 请选择钩位", field="new_keys")
        nk = _new_key(session, actor, KeyData(n.number, n.kind, k0.room_id, "", n.copies, k0.door, hook),
                      when, Action.CREATE, lock_no=lock_no)
        nk.note = "换锁后新钥匙"
        created.append(nk.id)
    for k in old:
        k.replaced_by_id = created[0]
    i.state, i.remedy, i.approved_by, i.resolved_at = IncidentState.RESOLVED, Remedy.LOCK_CHANGE, actor.username, when
    i.outcome, i.updated_by = (outcome or "").strip() or f"换锁，作废 {len(old)} 把，新钥匙 {len(created)} 把", actor.username
    audit.record(session, actor, "lock_change", "key_incident", i.id,
                 after={"retired": [k.number for k in old], "new": [n.number for n in new_keys]},
                 summary=f"{session.scalar(select(Room.code).where(Room.id == k0.room_id))} 换锁：作废 {len(old)} 把")
    return created


def incident(session: Session, incident_id: int) -> IncidentRow:
    i = session.get(KeyIncident, incident_id)
    if i is None:
        raise NotFoundError("找不到这条遗失/损坏记录")
    return _incident_row(session, i)


def incidents(session: Session, open_only: bool = True) -> list[IncidentRow]:
    stmt = select(KeyIncident).order_by(KeyIncident.reported_at.desc())
    if open_only:
        stmt = stmt.where(KeyIncident.state.in_([IncidentState.REPORTED, IncidentState.CONSENTED]))
    return [_incident_row(session, i) for i in session.scalars(stmt)]


# ---------------------------------------------------------------- cabinet count (盘点)


@dataclass(frozen=True)
class CountLineRow:
    hook_id: int
    hook_label: str
    key_id: int | None
    key_number: str
    room_code: str
    expected: bool        # the records say a key hangs here now
    result: str           # present / missing / unexpected / empty
    note: str
    incident_id: int | None

    @property
    def result_label(self) -> str:
        return {"present": "在位", "missing": "缺失", "unexpected": "账外在位", "empty": "空钩"}[self.result]

    @property
    def mismatch(self) -> bool:
        return self.result in ("missing", "unexpected")


@dataclass(frozen=True)
class CountRow:
    id: int
    cabinet_id: int
    cabinet_name: str
    started_at: datetime
    finished_at: datetime | None
    counted_by: str
    expected: int
    present: int
    missing: int
    unexpected: int
    note: str
    lines: list[CountLineRow]

    @property
    def mismatches(self) -> list[CountLineRow]:
        return [x for x in self.lines if x.mismatch]


def record_count(session: Session, actor: Actor, cabinet_id: int, present: dict[int, bool], note: str = "",
                 started_at: datetime | None = None, notes: dict[int, str] | None = None,
                 finished_at: datetime | None = None) -> int:
    """盘点: every hook confirmed present or missing; saved with its mismatches (a key the records
    put in the cabinet that is missing, or a key found on a hook the records say is out or empty)."""
    require(actor, Perm.HANDLE_KEYS)
    cells = cabinet_grid(session, cabinet_id)
    if not cells:
        raise NotFoundError("找不到这个钥匙柜")
    left = [c for c in cells if c.hook_id not in present]
    if left:
        raise ValidationError(f"还有 {len(left)} 个钩位未核对（第一个：{left[0].label}）", field="present")
    started = _when(started_at, what="盘点开始时间")
    finished = _when(finished_at, started, "盘点结束时间")
    notes = notes or {}
    c = KeyCount(cabinet_id=cabinet_id, started_at=started, finished_at=finished, counted_by=actor.username,
                 note=(note or "").strip(), created_by=actor.username, updated_by=actor.username)
    session.add(c)
    session.flush()
    exp = pres = miss = unexp = 0
    lines = []
    for cell in cells:
        expected = cell.state == KeyState.IN
        found = bool(present[cell.hook_id])
        exp += expected
        if expected and found:
            result = "present"
            pres += 1
        elif expected:
            result = "missing"
            miss += 1
        elif found:
            result = "unexpected"
            unexp += 1
        else:
            result = "empty"
        lines.append({"count_id": c.id, "hook_id": cell.hook_id, "key_id": cell.key_id, "result": result,
                      "note": notes.get(cell.hook_id, ""), "incident_id": None})
    session.execute(KeyCountLine.__table__.insert(), lines)
    c.expected, c.present, c.missing, c.unexpected = exp, pres, miss, unexp
    audit.record(session, actor, "count", "key_cabinet", cabinet_id,
                 after={"expected": exp, "present": pres, "missing": miss, "unexpected": unexp},
                 summary=f"钥匙柜盘点：应在 {exp}，在位 {pres}，缺失 {miss}，账外 {unexp}")
    return c.id


def count(session: Session, count_id: int, mismatches_only: bool = False) -> CountRow:
    c = session.get(KeyCount, count_id)
    if c is None:
        raise NotFoundError("找不到这次盘点")
    name = session.scalar(select(KeyCabinet.name).where(KeyCabinet.id == c.cabinet_id)) or ""
    stmt = (select(KeyCountLine, KeyHook.label, Key.number, Room.code).join(KeyHook, KeyHook.id == KeyCountLine.hook_id)
            .outerjoin(Key, Key.id == KeyCountLine.key_id).outerjoin(Room, Room.id == Key.room_id)
            .where(KeyCountLine.count_id == c.id).order_by(KeyHook.row, KeyHook.col))
    if mismatches_only:
        stmt = stmt.where(KeyCountLine.result.in_(["missing", "unexpected"]))
    lines = [CountLineRow(x.hook_id, label, x.key_id, number or "", code or "", x.result in ("present", "missing"),
                          x.result, x.note, x.incident_id) for x, label, number, code in session.execute(stmt)]
    return CountRow(c.id, c.cabinet_id, name, _aware(c.started_at), _aware(c.finished_at), c.counted_by, c.expected,  # type: ignore[arg-type]
                    c.present, c.missing, c.unexpected, c.note, lines)


def last_count(session: Session, cabinet_id: int | None = None, before: datetime | None = None) -> CountRow | None:
    stmt = select(KeyCount.id).order_by(KeyCount.finished_at.desc(), KeyCount.id.desc()).limit(1)
    if cabinet_id is not None:
        stmt = stmt.where(KeyCount.cabinet_id == cabinet_id)
    if before is not None:
        stmt = stmt.where(KeyCount.finished_at < before)
    cid = session.scalar(stmt)
    return count(session, cid, mismatches_only=True) if cid else None


def incident_from_count(session: Session, actor: Actor, count_id: int, hook_id: int, description: str = "",
                        at: datetime | None = None) -> int:
    """A key the count found missing starts the lost-key procedure."""
    line = session.scalar(select(KeyCountLine).where(KeyCountLine.count_id == count_id, KeyCountLine.hook_id == hook_id))
    if line is None or line.result != "missing" or line.key_id is None:
        raise InvalidTransition("只有盘点缺失的钥匙可以按遗失上报")
    if line.incident_id is not None:
        raise ConflictError("这把钥匙已按遗失上报")
    text = (description or "").strip() or "盘点时发现缺失"
    line.incident_id = report_incident(session, actor, line.key_id, IncidentKind.LOST, text, at=at, source="count")
    return line.incident_id


# ---------------------------------------------------------------- records older than two years


@dataclass(frozen=True)
class ArchiveResult:
    loans: int
    deposits: int
    handovers: int
    acceptances: int
    events: int
    incidents: int

    @property
    def total(self) -> int:
        return self.loans + self.deposits + self.handovers + self.acceptances + self.events + self.incidents


def archive_cutoff_problem(before: date, today: date | None = None) -> str | None:
    today = today or to_local(utcnow()).date()  # type: ignore[union-attr]
    try:
        limit = today.replace(year=today.year - KEEP_YEARS)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - KEEP_YEARS, day=28)
    if before > limit:
        return f"钥匙记录至少保存两年：只能归档 {limit:%Y-%m-%d} 以前的记录"
    return None


def archivable(session: Session, before: date) -> dict[str, Any]:
    """What archive_old would take out: closed records whose last activity is before `before`."""
    cut = datetime.combine(before, time(), local_tz()).astimezone(UTC)
    keys_gone = select(Key.id).where(Key.state.in_([KeyState.RETIRED, KeyState.HANDED]), Key.updated_at < cut)
    return {
        "loans": select(KeyLoan).where(KeyLoan.state != LoanState.OUT, KeyLoan.returned_at < cut),
        "deposits": select(KeyDeposit).where(KeyDeposit.state == "returned", KeyDeposit.returned_at < cut),
        "handovers": select(KeyHandover).where(KeyHandover.at < cut),
        "incidents": select(KeyIncident).where(KeyIncident.state.in_([IncidentState.RESOLVED, IncidentState.DECLINED]),
                                               KeyIncident.resolved_at < cut),
        # The history of keys long gone, and loan lines — but never those of a loan still out.
        "events": select(KeyEvent).where(KeyEvent.at < cut, or_(KeyEvent.key_id.in_(keys_gone),
                                                                KeyEvent.action.in_([Action.LEND, Action.RETURN, Action.REMIND])),
                                         KeyEvent.ref.notin_(select(KeyLoan.serial).where(KeyLoan.state == LoanState.OUT))),
        "cut": cut,
    }


def archive_counts(session: Session, before: date) -> dict[str, int]:
    """How many records of each kind archive_old would take out (the dialog's preview)."""
    q = archivable(session, before)
    return {k: session.scalar(select(func.count()).select_from(v.subquery())) or 0 for k, v in q.items() if k != "cut"}


def archive_old(session: Session, actor: Actor, before: date, out_path: Any) -> ArchiveResult:
    """Export the closed key records older than `before` (at least two years back) to a workbook,
    then remove them; only a supervisor, never automatically."""
    require(actor, Perm.APPROVE_KEYS)
    if p := archive_cutoff_problem(before):
        raise ValidationError(p, field="before")
    from app.key_archive import write_archive  # openpyxl only when archiving

    q = archivable(session, before)
    loans = list(session.scalars(q["loans"]))
    deposits_ = list(session.scalars(q["deposits"]))
    handovers = list(session.scalars(q["handovers"]))
    incidents_ = list(session.scalars(q["incidents"]))
    events = list(session.scalars(q["events"]))
    write_archive(session, out_path, before, loans, deposits_, handovers, incidents_, events)
    loan_ids = [x.id for x in loans]
    # An incident keeps its loan's number in the workbook; the link goes with the loan.
    if loan_ids:
        session.execute(KeyIncident.__table__.update().where(KeyIncident.loan_id.in_(loan_ids)).values(loan_id=None))
        session.execute(delete(KeyReminder).where(KeyReminder.loan_id.in_(loan_ids)))
        session.execute(delete(KeyLoanItem).where(KeyLoanItem.loan_id.in_(loan_ids)))
        session.execute(delete(KeyLoan).where(KeyLoan.id.in_(loan_ids)))
    inc_ids = [x.id for x in incidents_]
    if inc_ids:
        session.execute(KeyCountLine.__table__.update().where(KeyCountLine.incident_id.in_(inc_ids)).values(incident_id=None))
        session.execute(delete(KeyIncident).where(KeyIncident.id.in_(inc_ids)))
    if handovers:
        session.execute(delete(KeyHandover).where(KeyHandover.id.in_([x.id for x in handovers])))
    dep_ids = [x.id for x in deposits_]
    if dep_ids:
        session.execute(delete(KeyDelegate).where(KeyDelegate.deposit_id.in_(dep_ids)))
        session.execute(Key.__table__.update().where(Key.deposit_id.in_(dep_ids)).values(deposit_id=None))
        session.execute(delete(KeyDeposit).where(KeyDeposit.id.in_(dep_ids)))
    if events:
        session.execute(delete(KeyEvent).where(KeyEvent.id.in_([x.id for x in events])))
    result = ArchiveResult(len(loans), len(deposits_), len(handovers), 0, len(events), len(incidents_))
    audit.record(session, actor, "archive", "key_records", before.isoformat(),
                 after={"loans": result.loans, "deposits": result.deposits, "handovers": result.handovers,
                        "events": result.events, "incidents": result.incidents, "file": str(out_path)},
                 summary=f"归档 {before:%Y-%m-%d} 以前的钥匙记录 {result.total} 条")
    return result



# ---------------------------------------------------------------- read-only helpers for the 钥匙柜 panel


def hook_positions(session: Session, key_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
    """key id → (cabinet id, row, col) for the keys that hang on a hook, in one query (a search hit)."""
    ids = list(dict.fromkeys(key_ids))
    if not ids:
        return {}
    return {key_id: (cab, row, col) for key_id, cab, row, col in session.execute(
        select(Key.id, KeyHook.cabinet_id, KeyHook.row, KeyHook.col)
        .join(KeyHook, KeyHook.id == Key.hook_id).where(Key.id.in_(ids)))}


def record_by_serial(session: Session, serial: str) -> tuple[str, int] | None:
    """A slip's serial (JY-/TC-/YS-/JF-) → (what, id) of the record behind it."""
    t = normalize_text(serial).upper()
    models = {"loan": KeyLoan, "deposit": KeyDeposit, "acceptance": KeyAcceptance, "handover": KeyHandover}
    for what, model in models.items():
        if t.startswith(SERIALS[what]):
            rid = session.scalar(select(model.id).where(model.serial == t))
            return (what, rid) if rid is not None else None
    return None
