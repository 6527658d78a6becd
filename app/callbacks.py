"""走访回访 (§七): callbacks created by the rules, recorded on 《业主回访记录单》, planned monthly."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from app import audit
from app.errors import ConflictError, InvalidTransition, NotFoundError, ValidationError
from app.monthly import Month
from app.roles import Actor, Perm, require
from app.rooms import Relation, RoomKind
from app.timeutil import fmt_local, local_day_bounds, local_tz, to_local
from app.validation import canonical_phone, clean_room_code, mask_phone, normalize_text
from db.models import Callback, Complaint, Occupant, Person, RepairOrder, Room
from db.types import utcnow


class CallbackKind(StrEnum):
    COMPLAINT = "complaint"
    REPAIR = "repair"
    SURVEY = "survey"
    PERIODIC = "periodic"


class CallbackState(StrEnum):
    DUE = "due"
    DONE = "done"
    CANCELLED = "cancelled"


class Method(StrEnum):
    PHONE = "phone"
    VISIT = "visit"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"


KIND_LABELS = {CallbackKind.COMPLAINT: "投诉回访", CallbackKind.REPAIR: "维修回访",
               CallbackKind.SURVEY: "意见调查回访", CallbackKind.PERIODIC: "定期走访"}
STATE_LABELS = {CallbackState.DUE: "待回访", CallbackState.DONE: "已回访", CallbackState.CANCELLED: "已取消"}
METHOD_LABELS = {Method.PHONE: "电话", Method.VISIT: "上门"}
SATISFACTION_LABELS = {Satisfaction.SATISFIED: "满意", Satisfaction.BASIC: "基本满意",
                       Satisfaction.DISSATISFIED: "不满意"}

# Where a callback came from (Callback.source).
SOURCE_COMPLAINT = "complaint"
SOURCE_CALL = "call"
SOURCE_CALLBACK = "callback"
SOURCE_REPAIR = "repair"
SOURCE_PLAN = "plan"
SOURCE_SURVEY = "survey"

COMPLAINT_CALLBACK_HOURS = 48   # §七4: after a complaint, within 48 hours
FOLLOW_UP_HOURS = 48            # Decision: a 不满意 callback is followed up as fast as a complaint
YEARLY_TARGET = 0.5             # §七7: at least 50 % of households a year
PLAN_DUE_TIME = time(18, 0)     # periodic visits are due by the end of the chosen day

# Workflow as data: which action may run from which state, and who may run it.
TRANSITIONS: dict[CallbackState, set[CallbackState]] = {
    CallbackState.DUE: {CallbackState.DONE, CallbackState.CANCELLED},
    CallbackState.DONE: set(),
    CallbackState.CANCELLED: set(),
}
ACTIONS: dict[str, tuple[CallbackState, Perm]] = {
    "record": (CallbackState.DONE, Perm.DO_CALLBACKS),
    "cancel": (CallbackState.CANCELLED, Perm.PLAN_CALLBACKS),
}


def can(action: str, state: CallbackState, actor: Actor) -> bool:
    target, perm = ACTIONS[action]
    return target in TRANSITIONS[state] and actor.can(perm)


def _check(action: str, cb: Callback, actor: Actor) -> None:
    target, perm = ACTIONS[action]
    require(actor, perm)
    state = CallbackState(cb.state)
    if target not in TRANSITIONS[state]:
        raise InvalidTransition(f"该回访{STATE_LABELS[state]}，不能再{'记录' if action == 'record' else '取消'}",
                                state=str(state), action=action)


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class CallbackRow:
    id: int
    kind: CallbackKind
    state: CallbackState
    room_id: int | None
    room_code: str
    person_name: str
    contact: str
    reason: str
    due_at: datetime
    urgent: bool
    source: str
    source_id: int | None
    plan_month: str
    done_at: datetime | None
    done_by: str
    method: Method | None
    content: str
    opinion: str
    satisfaction: Satisfaction | None
    follow_up: str
    complaint_id: int | None
    created_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method] if self.method else ""

    @property
    def satisfaction_label(self) -> str:
        return SATISFACTION_LABELS[self.satisfaction] if self.satisfaction else ""

    def overdue(self, now: datetime) -> bool:
        return self.state == CallbackState.DUE and _aware(self.due_at) < now

    def due_today(self, now: datetime) -> bool:
        if self.state != CallbackState.DUE or self.overdue(now):
            return False
        return _aware(self.due_at) < local_day_bounds(_local_date(now))[1]


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


def _local_date(now: datetime) -> date:
    v = to_local(now)
    assert v is not None
    return v.date()


def _row(cb: Callback, room_code: str, reveal: bool = False) -> CallbackRow:
    return CallbackRow(
        id=cb.id, kind=CallbackKind(cb.kind), state=CallbackState(cb.state), room_id=cb.room_id,
        room_code=room_code, person_name=cb.person_name,
        contact=cb.contact if reveal else mask_phone(cb.contact), reason=cb.reason,
        due_at=_aware(cb.due_at), urgent=bool(cb.urgent), source=cb.source, source_id=cb.source_id,
        plan_month=cb.plan_month, done_at=_aware(cb.done_at) if cb.done_at else None,
        done_by=cb.done_by, method=Method(cb.method) if cb.method else None, content=cb.content,
        opinion=cb.opinion, satisfaction=Satisfaction(cb.satisfaction) if cb.satisfaction else None,
        follow_up=cb.follow_up, complaint_id=cb.complaint_id,
        created_at=_aware(cb.created_at) if cb.created_at else None)


def _room_code(session: Session, room_id: int | None) -> str:
    if room_id is None:
        return ""
    return session.scalar(select(Room.code).where(Room.id == room_id)) or ""


def _snapshot(cb: Callback) -> dict[str, object]:
    return {"kind": cb.kind, "state": cb.state, "room_id": cb.room_id, "person_name": cb.person_name,
            "contact": mask_phone(cb.contact), "reason": cb.reason, "due_at": cb.due_at,
            "urgent": cb.urgent, "source": cb.source, "source_id": cb.source_id,
            "plan_month": cb.plan_month, "done_by": cb.done_by, "method": cb.method,
            "content": cb.content, "opinion": cb.opinion, "satisfaction": cb.satisfaction,
            "follow_up": cb.follow_up, "complaint_id": cb.complaint_id}


def _get(session: Session, callback_id: int) -> Callback:
    cb = session.get(Callback, callback_id)
    if cb is None:
        raise NotFoundError("找不到该回访记录")
    return cb


def get_callback(session: Session, actor: Actor, callback_id: int, reveal: bool = False) -> CallbackRow:
    """One callback; `reveal` shows the full contact number to a role that may see it (audited)."""
    require(actor, Perm.DO_CALLBACKS)
    cb = _get(session, callback_id)
    show = reveal and actor.can(Perm.REVEAL_PHONE)
    if show and cb.contact:
        audit.record(session, actor, "reveal", "callback", cb.id, summary=f"查看回访 #{cb.id} 的完整电话")
    return _row(cb, _room_code(session, cb.room_id), reveal=show)


# ---------------------------------------------------------------- creating (the rules)

def create_callback(session: Session, actor: Actor, *, kind: CallbackKind, room_id: int | None,
                    person_name: str, contact: str, reason: str, due_at: datetime, source: str,
                    source_id: int | None, urgent: bool = False) -> CallbackRow:
    """A callback that a rule asks for. Idempotent per (source, source_id, kind) while one is due."""
    kind = CallbackKind(kind)
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    if source_id is not None:
        existing = session.scalar(select(Callback).where(
            Callback.source == source, Callback.source_id == source_id, Callback.kind == str(kind),
            Callback.state == str(CallbackState.DUE)).order_by(Callback.id).limit(1))
        if existing is not None:
            return _row(existing, _room_code(session, existing.room_id))
    if room_id is not None and session.get(Room, room_id) is None:
        raise NotFoundError("找不到该房屋")
    cb = Callback(kind=str(kind), room_id=room_id, person_name=normalize_text(person_name)[:64],
                  contact=canonical_phone(contact)[:32], reason=(reason or "").strip(),
                  due_at=due_at.astimezone(UTC), urgent=urgent, source=source, source_id=source_id,
                  plan_month="", state=str(CallbackState.DUE),
                  created_by=actor.username, updated_by=actor.username)
    session.add(cb)
    session.flush()
    code = _room_code(session, room_id)
    audit.record(session, actor, "create", "callback", cb.id, after=_snapshot(cb),
                 summary=f"新建{KIND_LABELS[kind]} {code or cb.person_name}，应于 {fmt_local(cb.due_at)} 前回访")
    return _row(cb, code)


# ---------------------------------------------------------------- recording 《业主回访记录单》

@dataclass(frozen=True)
class CallbackResult:
    method: Method | None
    done_by: str
    content: str
    opinion: str = ""
    satisfaction: Satisfaction | None = None
    follow_up: str = ""
    open_complaint: bool = False        # 不满意时立即新建投诉
    complaint_category: str = "其他"
    done_at: datetime | None = None     # default: now


def clean_result(data: CallbackResult) -> CallbackResult:
    return replace(data, done_by=normalize_text(data.done_by), content=(data.content or "").strip(),
                   opinion=(data.opinion or "").strip(), follow_up=(data.follow_up or "").strip(),
                   complaint_category=normalize_text(data.complaint_category))


def result_problems(data: CallbackResult) -> dict[str, str]:
    """Pure: what is wrong with a filled-in 《业主回访记录单》, by field."""
    d = clean_result(data)
    errors: dict[str, str] = {}
    if d.method is None:
        errors["method"] = "请选择回访方式（电话或上门）"
    if not d.done_by:
        errors["done_by"] = "请填写回访人"
    elif len(d.done_by) > 64:
        errors["done_by"] = "回访人姓名过长"
    if not d.content:
        errors["content"] = "请填写回访内容"
    if d.satisfaction is None:
        errors["satisfaction"] = "请选择业主的满意程度"
    if d.satisfaction == Satisfaction.DISSATISFIED and not d.follow_up:
        errors["follow_up"] = "业主不满意：请填写致歉与整改的跟进措施"
    if d.open_complaint and d.satisfaction != Satisfaction.DISSATISFIED:
        errors["open_complaint"] = "只有业主不满意时才从回访新建投诉"
    if d.open_complaint and not d.complaint_category:
        errors["complaint_category"] = "请选择投诉类别"
    return errors


@dataclass(frozen=True)
class RecordOutcome:
    callback: CallbackRow
    follow_up: CallbackRow | None = None   # the urgent callback a 不满意 rating creates
    complaint_id: int | None = None        # the complaint opened from it, when asked


def record_callback(session: Session, actor: Actor, callback_id: int, data: CallbackResult) -> RecordOutcome:
    cb = _get(session, callback_id)
    _check("record", cb, actor)
    d = clean_result(data)
    if errors := result_problems(d):
        raise ValidationError(errors=errors)
    assert d.method is not None and d.satisfaction is not None
    before = _snapshot(cb)
    now = d.done_at or utcnow()
    cb.state = str(CallbackState.DONE)
    cb.done_at = now.astimezone(UTC)
    cb.done_by = d.done_by
    cb.method, cb.satisfaction = str(d.method), str(d.satisfaction)
    cb.content, cb.opinion, cb.follow_up = d.content, d.opinion, d.follow_up
    cb.updated_by = actor.username
    session.flush()
    code = _room_code(session, cb.room_id)
    b, a = audit.diff(before, _snapshot(cb))
    audit.record(session, actor, "record", "callback", cb.id, before=b, after=a,
                 summary=f"记录{KIND_LABELS[CallbackKind(cb.kind)]} {code or cb.person_name}："
                         f"{SATISFACTION_LABELS[d.satisfaction]}")
    if cb.source == SOURCE_COMPLAINT and cb.source_id is not None:
        from app import complaints

        # A complaint already closed (or reopened) by hand keeps its state; the callback still counts.
        state = session.scalar(select(Complaint.state).where(Complaint.id == cb.source_id))
        if state is not None and complaints.can(complaints.Action.MARK_CALLED_BACK, state, actor):
            note = (f"{METHOD_LABELS[d.method]}回访（{d.done_by}）：{SATISFACTION_LABELS[d.satisfaction]}。"
                    f"{d.content}")
            complaints.mark_called_back(session, actor, cb.source_id, note)
    if cb.source == SOURCE_REPAIR and cb.source_id is not None:
        from app import repairs

        # §六7: the repair's callback moves its 维修派工单 to 已回访 (when it still waits for it).
        state = session.scalar(select(RepairOrder.state).where(RepairOrder.id == cb.source_id))
        if state is not None and repairs.can(repairs.Action.MARK_CALLED_BACK, state, actor):
            note = (f"{METHOD_LABELS[d.method]}回访（{d.done_by}）：{SATISFACTION_LABELS[d.satisfaction]}。"
                    f"{d.content}")
            repairs.mark_called_back(session, actor, cb.source_id, note, at=now)
    follow: CallbackRow | None = None
    complaint_id: int | None = None
    if d.satisfaction == Satisfaction.DISSATISFIED:
        reason = f"回访 #{cb.id} 业主不满意，致歉并跟进：{d.follow_up}"
        follow = create_callback(
            session, actor, kind=CallbackKind(cb.kind), room_id=cb.room_id, person_name=cb.person_name,
            contact=cb.contact, reason=reason, due_at=now + timedelta(hours=FOLLOW_UP_HOURS),
            source=SOURCE_CALLBACK, source_id=cb.id, urgent=True)
        if d.open_complaint:
            details = "\n".join(x for x in (d.content, d.opinion and f"业主意见：{d.opinion}") if x)
            complaint_id = open_complaint_from_callback(session, actor, cb.id, d.complaint_category, details)
    return RecordOutcome(_row(cb, code), follow, complaint_id)


def open_complaint_from_callback(session: Session, actor: Actor, callback_id: int, category: str,
                                 details: str) -> int:
    """A dissatisfied owner's callback becomes a new complaint in one step; its id is kept on the callback."""
    from app import complaints

    require(actor, Perm.HANDLE_COMPLAINTS)
    cb = _get(session, callback_id)
    if cb.satisfaction != Satisfaction.DISSATISFIED:
        raise ValidationError("只有业主不满意的回访才能直接新建投诉", field="open_complaint")
    if cb.complaint_id is not None:
        raise ConflictError(f"该回访已新建投诉（#{cb.complaint_id}）")
    text = (details or "").strip() or cb.content
    created = complaints.create_complaint(session, actor, complaints.ComplaintData(
        channel=complaints.Channel.VISIT if cb.method == Method.VISIT else complaints.Channel.PHONE,
        complainant=cb.person_name,
        contact=cb.contact, room_id=cb.room_id, category=category,
        details=f"（由回访 #{cb.id} 转入）{text}"))
    complaint_id = int(created.id)
    cb.complaint_id = complaint_id
    cb.updated_by = actor.username
    session.flush()
    audit.record(session, actor, "open_complaint", "callback", cb.id, before={"complaint_id": None},
                 after={"complaint_id": complaint_id}, summary=f"回访 #{cb.id} 业主不满意，新建投诉 #{complaint_id}")
    return complaint_id


def cancel_callback(session: Session, actor: Actor, callback_id: int, reason: str) -> CallbackRow:
    """The supervisor cancels a callback no longer needed; the reason is kept with it."""
    cb = _get(session, callback_id)
    _check("cancel", cb, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写取消原因", field="reason")
    before = _snapshot(cb)
    cb.state = str(CallbackState.CANCELLED)
    # No column of its own: the reason is the callback's disposition, kept as its follow-up text.
    cb.follow_up = f"取消：{reason}"
    cb.updated_by = actor.username
    session.flush()
    b, a = audit.diff(before, _snapshot(cb))
    code = _room_code(session, cb.room_id)
    audit.record(session, actor, "cancel", "callback", cb.id, before=b, after=a,
                 summary=f"取消{KIND_LABELS[CallbackKind(cb.kind)]} {code or cb.person_name}：{reason}")
    return _row(cb, code)


# ---------------------------------------------------------------- opinion surveys (§七6)

SURVEY_ITEMS = ("客服服务", "维修服务", "环境卫生", "安全秩序", "绿化养护", "收费服务")


def record_survey(session: Session, actor: Actor, room_id: int | None, person_name: str, contact: str,
                  ratings: dict[str, Satisfaction], note: str, *, verified: bool = False,
                  now: datetime | None = None) -> list[CallbackRow]:
    """An owner's survey ratings; every 不满意 rating gets an urgent callback (apology and fix).

    The counter checks that ratings are genuine: `verified` is written into the note and audit.
    """
    require(actor, Perm.DO_CALLBACKS)
    if not ratings:
        raise ValidationError("请至少填写一项评价", field="ratings")
    clean = {normalize_text(k): Satisfaction(v) for k, v in ratings.items() if normalize_text(k)}
    mark = "[已核实]" if verified else "[未核实]"
    full_note = f"{mark} {(note or '').strip()}".strip()
    audit.record(session, actor, "survey", "room", room_id if room_id is not None else "",
                 after={"person": person_name, "ratings": {k: str(v) for k, v in clean.items()},
                        "verified": verified, "note": full_note},
                 summary=f"登记意见调查 {_room_code(session, room_id) or person_name}："
                         f"{sum(v == Satisfaction.DISSATISFIED for v in clean.values())} 项不满意")
    at = now or utcnow()
    made = []
    for item, value in clean.items():
        if value != Satisfaction.DISSATISFIED:
            continue
        check = "" if verified else "（评价尚未核实，回访时一并核实）"
        made.append(create_callback(
            session, actor, kind=CallbackKind.SURVEY, room_id=room_id, person_name=person_name,
            contact=contact, reason=f"意见调查“{item}”不满意：致歉并整改{check}。{full_note}",
            due_at=at + timedelta(hours=FOLLOW_UP_HOURS), source=SOURCE_SURVEY, source_id=None,
            urgent=True))
    return made


# ---------------------------------------------------------------- the due list

@dataclass(frozen=True)
class DueQuery:
    kind: CallbackKind | None = None
    state: CallbackState | None = None     # None: due only, or every state with include_done
    include_done: bool = False
    date_from: date | None = None          # on the due date, local days
    date_to: date | None = None
    text: str = ""                         # room code, name, contact or reason
    offset: int = 0
    limit: int = 200
    room_id: int | None = None             # one household (the caller card)
    reveal: bool = False


def _filtered(stmt: Select, q: DueQuery) -> Select:
    if q.state is not None:
        stmt = stmt.where(Callback.state == str(q.state))
    elif not q.include_done:
        stmt = stmt.where(Callback.state == str(CallbackState.DUE))
    if q.kind is not None:
        stmt = stmt.where(Callback.kind == str(q.kind))
    if q.room_id is not None:
        stmt = stmt.where(Callback.room_id == q.room_id)
    if q.date_from is not None:
        stmt = stmt.where(Callback.due_at >= local_day_bounds(q.date_from)[0])
    if q.date_to is not None:
        stmt = stmt.where(Callback.due_at < local_day_bounds(q.date_to)[1])
    text = normalize_text(q.text)
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Room.code.like(f"{clean_room_code(text)}%"), Callback.person_name.like(like),
                              Callback.reason.like(like), Callback.contact.like(like)))
    return stmt


def due_list(session: Session, actor: Actor, q: DueQuery) -> list[CallbackRow]:
    """Open callbacks first, overdue at the top (earliest due first); then the rest, newest first."""
    require(actor, Perm.DO_CALLBACKS)
    stmt = _filtered(select(Callback, Room.code).outerjoin(Room, Callback.room_id == Room.id), q)
    open_first = case((Callback.state == str(CallbackState.DUE), 0), else_=1)
    stmt = stmt.order_by(open_first, case((Callback.state == str(CallbackState.DUE), Callback.due_at)),
                         Callback.done_at.desc(), Callback.id.desc())
    show = q.reveal and actor.can(Perm.REVEAL_PHONE)
    return [_row(cb, code or "", reveal=show)
            for cb, code in session.execute(stmt.offset(q.offset).limit(q.limit))]


@dataclass(frozen=True)
class DueCounts:
    due_today: int
    overdue: int
    open: int
    by_kind: dict[CallbackKind, int] = field(default_factory=dict)


def due_counts(session: Session, now: datetime) -> DueCounts:
    """Due today (not yet late), overdue (due before `now`), and every open callback by kind."""
    end_of_today = local_day_bounds(_local_date(now))[1]
    due = Callback.state == str(CallbackState.DUE)
    overdue = session.scalar(select(func.count()).where(due, Callback.due_at < now)) or 0
    today = session.scalar(select(func.count()).where(
        due, Callback.due_at >= now, Callback.due_at < end_of_today)) or 0
    kinds = session.execute(select(Callback.kind, func.count()).where(due).group_by(Callback.kind)).all()
    by_kind = {k: 0 for k in CallbackKind} | {CallbackKind(k): n for k, n in kinds}
    return DueCounts(today, overdue, sum(by_kind.values()), by_kind)


# ---------------------------------------------------------------- yearly coverage (§七7)

def _households(session: Session) -> Select:
    """Residence rooms in use with an active owner: the households §七7 counts."""
    owners = select(Occupant.room_id).where(Occupant.active.is_(True),
                                            Occupant.relation == str(Relation.OWNER))
    return select(Room.id).where(Room.active.is_(True), Room.kind == str(RoomKind.RESIDENCE),
                                 Room.id.in_(owners))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = local_tz()
    start = datetime(year, 1, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    return start, end


def _first_visits(session: Session, year: int) -> dict[int, datetime]:
    """room id → first done callback of the year."""
    start, end = _year_bounds(year)
    rows = session.execute(
        select(Callback.room_id, func.min(Callback.done_at))
        .where(Callback.state == str(CallbackState.DONE), Callback.room_id.is_not(None),
               Callback.done_at >= start, Callback.done_at < end,
               Callback.room_id.in_(_households(session)))
        .group_by(Callback.room_id)).all()
    return {rid: _aware(at) for rid, at in rows}


def _months_left(year: int, today: date) -> int:
    """Months still to come in `year`, this one included."""
    if today.year < year:
        return 12
    if today.year > year:
        return 0
    return 12 - today.month + 1


@dataclass(frozen=True)
class Coverage:
    year: int
    households: int
    visited: int
    share: float
    target: float = YEARLY_TARGET
    by_month: list[int] = field(default_factory=list)   # households first visited in each month
    needed_per_month: int = 0                            # to reach the target from now on

    @property
    def target_households(self) -> int:
        return math.ceil(self.households * self.target)

    @property
    def remaining(self) -> int:
        return max(0, self.target_households - self.visited)


def coverage(session: Session, year: int, target: float = YEARLY_TARGET,
             now: datetime | None = None) -> Coverage:
    households = session.scalar(select(func.count()).select_from(_households(session).subquery())) or 0
    first = _first_visits(session, year)
    by_month = [0] * 12
    for at in first.values():
        local = to_local(at)
        assert local is not None
        if local.year == year:
            by_month[local.month - 1] += 1
    visited = len(first)
    share = visited / households if households else 0.0
    left = _months_left(year, _local_date(now or utcnow()))
    need = max(0, math.ceil(households * target) - visited)
    per_month = math.ceil(need / left) if left else need
    return Coverage(year, households, visited, share, target, by_month, per_month)


# ---------------------------------------------------------------- periodic plan (§七7)

@dataclass(frozen=True)
class PlanCandidate:
    room_id: int
    room_code: str
    person_name: str
    contact: str            # masked: the plan is shown on screen
    last_visit: datetime | None
    targeted: bool          # a 不满意 callback in the past year


@dataclass(frozen=True)
class PlanProposal:
    month: str
    households: int
    visited: int
    planned_open: int       # periodic callbacks still due from earlier plans this year
    months_left: int
    needed: int             # how many this month keeps pace
    candidates: list[PlanCandidate]


def _month_key(month: Month) -> str:
    return str(month)


def _plan_exists(session: Session, month: Month) -> bool:
    return session.scalar(select(Callback.id).where(
        Callback.source == SOURCE_PLAN, Callback.plan_month == _month_key(month)).limit(1)) is not None


def _owner_of(session: Session, room_ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(Occupant.room_id, Person.name, Person.phone).join(Person, Occupant.person_id == Person.id)
        .where(Occupant.room_id.in_(room_ids), Occupant.active.is_(True),
               Occupant.relation == str(Relation.OWNER))
        .order_by(Occupant.room_id, Occupant.id)).all()
    out: dict[int, tuple[str, str]] = {}
    for rid, name, phone in rows:
        out.setdefault(rid, (name, phone))
    return out


def propose_plan(session: Session, month: Month, target_share: float = YEARLY_TARGET,
                 now: datetime | None = None) -> PlanProposal:
    """Households to visit in `month` to keep pace with the yearly target; nothing is written.

    Pace: (target − visited − still planned) ÷ months left, this month included. Targeted first
    (a 不满意 callback in the past year), then never visited, then longest since the last visit.
    """
    year = int(_month_key(month)[:4])
    mon = int(_month_key(month)[5:7])
    today = _local_date(now or utcnow())
    cov = coverage(session, year, target_share, now=now)
    start, end = _year_bounds(year)
    open_planned = select(Callback.room_id).where(
        Callback.kind == str(CallbackKind.PERIODIC), Callback.state == str(CallbackState.DUE),
        Callback.room_id.is_not(None))
    planned_open = session.scalar(select(func.count(func.distinct(Callback.room_id))).where(
        Callback.kind == str(CallbackKind.PERIODIC), Callback.state == str(CallbackState.DUE),
        Callback.room_id.is_not(None), Callback.due_at >= start, Callback.due_at < end)) or 0
    left = 12 - mon + 1 if today.year < year or (today.year == year and today.month <= mon) else 1
    need = max(0, cov.target_households - cov.visited - planned_open)
    needed = math.ceil(need / left) if left else need
    visited_ids = set(_first_visits(session, year))
    last = dict(session.execute(
        select(Callback.room_id, func.max(Callback.done_at))
        .where(Callback.state == str(CallbackState.DONE), Callback.room_id.is_not(None))
        .group_by(Callback.room_id)).all())
    year_ago = datetime.combine(today - timedelta(days=365), time.min, tzinfo=UTC)
    unhappy = set(session.scalars(select(Callback.room_id).where(
        Callback.satisfaction == str(Satisfaction.DISSATISFIED), Callback.done_at >= year_ago,
        Callback.room_id.is_not(None))))
    rooms = session.execute(
        select(Room.id, Room.code).where(Room.id.in_(_households(session)),
                                         Room.id.not_in(open_planned))
        .order_by(func.length(Room.code), Room.code)).all()
    pool = [(rid, code) for rid, code in rooms if rid not in visited_ids]

    def order(item: tuple[int, str]) -> tuple[int, int, datetime]:
        at = last.get(item[0])
        return (0 if item[0] in unhappy else 1, 1 if at is not None else 0,
                _aware(at) if at is not None else datetime.min.replace(tzinfo=UTC))

    pool.sort(key=order)  # stable: natural room order within each group
    chosen = pool[:needed]
    owners = _owner_of(session, [rid for rid, _ in chosen])
    candidates = [PlanCandidate(rid, code, owners.get(rid, ("", ""))[0],
                                mask_phone(owners.get(rid, ("", ""))[1]),
                                _aware(last[rid]) if last.get(rid) is not None else None, rid in unhappy)
                  for rid, code in chosen]
    return PlanProposal(_month_key(month), cov.households, cov.visited, planned_open, left, needed,
                        candidates)


def _plan_days(month: Month, today: date, n: int) -> list[date]:
    year, mon = int(_month_key(month)[:4]), int(_month_key(month)[5:7])
    first = date(year, mon, 1)
    last = (date(year + (mon == 12), mon % 12 + 1, 1)) - timedelta(days=1)
    start = max(first, today)
    span = (last - start).days + 1
    return [start + timedelta(days=(i * span) // max(n, 1)) for i in range(n)]


def _due_on(day: date) -> datetime:
    return datetime.combine(day, PLAN_DUE_TIME).replace(tzinfo=local_tz()).astimezone(UTC)


def _new_plan_callback(session: Session, actor: Actor, month: Month, room_id: int, day: date,
                       why: str) -> CallbackRow:
    owner = _owner_of(session, [room_id]).get(room_id, ("", ""))
    row = create_callback(session, actor, kind=CallbackKind.PERIODIC, room_id=room_id,
                          person_name=owner[0], contact=owner[1], reason=why, due_at=_due_on(day),
                          source=SOURCE_PLAN, source_id=None)
    cb = session.get(Callback, row.id)
    assert cb is not None
    cb.plan_month = _month_key(month)
    session.flush()
    return replace(row, plan_month=cb.plan_month)


def plan_month(session: Session, actor: Actor, month: Month, target_share: float = YEARLY_TARGET, *,
               room_ids: list[int] | None = None, now: datetime | None = None) -> list[CallbackRow]:
    """Create the month's periodic callbacks (the proposal, or the households the supervisor chose)."""
    require(actor, Perm.PLAN_CALLBACKS)
    key = _month_key(month)
    today = _local_date(now or utcnow())
    year, mon = int(key[:4]), int(key[5:7])
    if (year, mon) < (today.year, today.month):
        raise ValidationError(f"{year}年{mon}月已经过去，不能再制定走访计划", field="month")
    if _plan_exists(session, key):
        raise ConflictError(f"{year}年{mon}月的走访计划已制定；如需调整，请逐户加入或移出")
    proposal = propose_plan(session, key, target_share, now=now)
    ids = [c.room_id for c in proposal.candidates] if room_ids is None else list(dict.fromkeys(room_ids))
    targeted = {c.room_id for c in proposal.candidates if c.targeted}
    made = []
    for rid, day in zip(ids, _plan_days(key, today, len(ids)), strict=True):
        why = f"{year}年{mon}月定期走访" + ("（重点：曾不满意）" if rid in targeted else "")
        made.append(_new_plan_callback(session, actor, key, rid, day, why))
    audit.record(session, actor, "plan", "callback_plan", key,
                 after={"month": key, "households": len(made), "needed": proposal.needed,
                        "target_share": target_share},
                 summary=f"制定{year}年{mon}月走访计划：{len(made)} 户（保持进度需 {proposal.needed} 户）")
    return made


def add_to_plan(session: Session, actor: Actor, month: Month, room_id: int,
                now: datetime | None = None) -> CallbackRow:
    """The supervisor adds a household to a month's plan (targeted visit)."""
    require(actor, Perm.PLAN_CALLBACKS)
    key = _month_key(month)
    if not _plan_exists(session, key):
        raise ValidationError(f"{key} 尚未制定走访计划", field="month")
    if session.get(Room, room_id) is None:
        raise NotFoundError("找不到该房屋")
    if session.scalar(select(Callback.id).where(
            Callback.room_id == room_id, Callback.kind == str(CallbackKind.PERIODIC),
            Callback.state == str(CallbackState.DUE)).limit(1)):
        raise ConflictError(f"{_room_code(session, room_id)} 已在走访计划中")
    today = _local_date(now or utcnow())
    day = _plan_days(key, today, 1)[0]
    year, mon = int(key[:4]), int(key[5:7])
    last = date(year + (mon == 12), mon % 12 + 1, 1) - timedelta(days=1)
    return _new_plan_callback(session, actor, key, room_id, max(day, min(last, today)),
                              f"{year}年{mon}月定期走访（主管加入）")


def remove_from_plan(session: Session, actor: Actor, callback_id: int,
                     reason: str = "主管移出走访计划") -> CallbackRow:
    cb = _get(session, callback_id)
    if cb.source != SOURCE_PLAN or cb.kind != CallbackKind.PERIODIC:
        raise ValidationError("只能移出走访计划中的定期走访", field="callback")
    return cancel_callback(session, actor, callback_id, reason)


# ---------------------------------------------------------------- 《业主回访记录单》

CALLBACK_SLIP_PREFIX = "HF-"


def callback_serial(callback_id: int) -> str:
    return f"{CALLBACK_SLIP_PREFIX}{callback_id:06d}"


def _boxes(labels: dict, current: object) -> str:
    return "  ".join(("■" if code == current else "□") + text for code, text in labels.items())


def callback_slip(session: Session, actor: Actor, callback_id: int):  # noqa: ANN201 - SlipSpec
    """《业主回访记录单》: filled in when recorded, blank lines to write on when still due."""
    from app.slips import Field, SlipSpec, TextBlock

    r = get_callback(session, actor, callback_id)
    fields = [
        Field("回访类型", _boxes(KIND_LABELS, r.kind), wide=True),
        Field("回访方式", _boxes(METHOD_LABELS, r.method)),
        Field("房号", r.room_code),
        Field("业主/住户", r.person_name),
        Field("联系电话", r.contact),
        Field("应回访时间", fmt_local(r.due_at)),
        Field("回访时间", fmt_local(r.done_at)),
        Field("回访人", r.done_by),
        Field("状态", STATE_LABELS[r.state] + ("（加急）" if r.urgent else "")),
        Field("回访原因", r.reason, wide=True),
        Field("满意程度", _boxes(SATISFACTION_LABELS, r.satisfaction), wide=True),
    ]
    return SlipSpec(
        kind="callback_record", title="《业主回访记录单》", serial=callback_serial(r.id), fields=fields,
        blocks=[TextBlock("回访内容", r.content, min_lines=3), TextBlock("业主意见", r.opinion, min_lines=2),
                TextBlock("跟进措施", r.follow_up, min_lines=2)],
        signatures=("回访人", "业主", "日期"),
        footer="回访记录按年度归档保存（§七8）。个人信息已按规定部分隐藏。")
