"""来电来访记录本 (DOMAIN.md §一): the reception log, promised answers, suggestions, caller card."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from app import audit, settings
from app.errors import ConflictError, InvalidTransition, NotFoundError, ValidationError
from app.roles import Actor, Perm, require
from app.timeutil import local_day_bounds
from app.validation import (
    canonical_phone,
    clean_room_code,
    mask_phone,
    normalize_text,
    phone_problem,
    room_code_problem,
)
from db.models import Callback, CallLog, Complaint, Promise, RepairOrder, Room, User
from db.types import utcnow


class Channel(StrEnum):
    PHONE = "phone"
    VISIT = "visit"


class CallKind(StrEnum):
    INQUIRY = "inquiry"
    SUGGESTION = "suggestion"
    COMPLAINT = "complaint"
    REPAIR = "repair"
    HELP = "help"
    PRAISE = "praise"


class SuggestionState(StrEnum):
    PENDING = "pending"
    ADOPTED = "adopted"
    REJECTED = "rejected"


class PromiseState(StrEnum):
    OPEN = "open"
    KEPT = "kept"


class DueStatus(StrEnum):
    OK = "ok"        # not yet near
    NEAR = "near"    # amber: due within the warning window
    LATE = "late"    # red: past due


CHANNEL_LABELS = {Channel.PHONE: "来电", Channel.VISIT: "来访"}
KIND_LABELS = {CallKind.INQUIRY: "咨询", CallKind.SUGGESTION: "建议", CallKind.COMPLAINT: "投诉",
               CallKind.REPAIR: "报修", CallKind.HELP: "求助", CallKind.PRAISE: "表扬"}
SUGGESTION_LABELS = {SuggestionState.PENDING: "待处理", SuggestionState.ADOPTED: "已采纳",
                     SuggestionState.REJECTED: "未采纳"}
PROMISE_LABELS = {PromiseState.OPEN: "待答复", PromiseState.KEPT: "已答复"}
DUE_LABELS = {DueStatus.OK: "未到期", DueStatus.NEAR: "即将到期", DueStatus.LATE: "已超时"}

# A suggestion is decided once; the table is read by the service, the UI and the tests.
SUGGESTION_TRANSITIONS: dict[SuggestionState, set[SuggestionState]] = {
    SuggestionState.PENDING: {SuggestionState.ADOPTED, SuggestionState.REJECTED},
    SuggestionState.ADOPTED: set(),
    SuggestionState.REJECTED: set(),
}

# §一 要点5: calls should not exceed ten minutes; the timer warns two minutes before.
CALL_AMBER_SECONDS = 8 * 60
CALL_RED_SECONDS = 10 * 60
PROMISE_NEAR_KEY = "calls.promise_near_minutes"   # a setting; default one hour
PROMISE_NEAR_DEFAULT_MINUTES = 60
SUGGESTION_CALLBACK_HOURS = 24  # the owner hears the outcome within a day of the decision
FTS_TABLE = "calls_fts"
FTS_MIN_CHARS = 3  # the trigram tokenizer finds nothing for shorter queries
FTS_DENSE = 2000   # more hits than this: scan newest-first with LIKE instead
MAX_CONTENT = 4000


# ---------------------------------------------------------------- input and validation

@dataclass(frozen=True)
class CallData:
    channel: Channel = Channel.PHONE
    kind: CallKind = CallKind.INQUIRY
    content: str = ""
    action_taken: str = ""
    room_code: str = ""
    caller_name: str = ""
    contact: str = ""
    declined_contact: bool = False
    person_id: int | None = None
    at: datetime | None = None
    duration_seconds: int | None = None
    promise_due: datetime | None = None   # a definite time for an answer (§一 程序9)
    promise_what: str = ""


def clean_call(data: CallData) -> CallData:
    room = clean_room_code(data.room_code)
    contact = "" if data.declined_contact else canonical_phone(data.contact)
    return replace(data, room_code=room, caller_name=normalize_text(data.caller_name),
                   contact=contact, content=data.content.strip(),
                   action_taken=data.action_taken.strip(), promise_what=data.promise_what.strip())


def call_problems(data: CallData) -> dict[str, str]:
    """{field: message}; a caller who declines to leave contact details is never a problem."""
    d = clean_call(data)
    errors: dict[str, str] = {}
    try:
        Channel(d.channel)
    except ValueError:
        errors["channel"] = "请选择来电或来访"
    try:
        CallKind(d.kind)
    except ValueError:
        errors["kind"] = "请选择类别"
    if not d.content:
        errors["content"] = "请填写来电来访内容"
    elif len(d.content) > MAX_CONTENT:
        errors["content"] = f"内容过长（最多 {MAX_CONTENT} 字）"
    if len(d.action_taken) > MAX_CONTENT:
        errors["action_taken"] = f"处理情况过长（最多 {MAX_CONTENT} 字）"
    if d.room_code and (p := room_code_problem(d.room_code)):
        errors["room_code"] = p
    if len(d.caller_name) > 64:
        errors["caller_name"] = "姓名过长"
    # A masked phone picked from the room's people means "that person's stored phone".
    picked = d.person_id is not None and "*" in d.contact
    if d.contact and not picked and (p := phone_problem(d.contact)):
        errors["contact"] = p
    if d.duration_seconds is not None and d.duration_seconds < 0:
        errors["duration_seconds"] = "通话时长不能为负"
    if d.promise_due is not None:
        if d.promise_due.tzinfo is None:
            errors["promise_due"] = "答复时间缺少时区"
        elif d.promise_due <= (d.at or utcnow()):
            errors["promise_due"] = "承诺答复时间应晚于现在"
    return errors


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class CallRow:
    id: int
    at: datetime
    channel: Channel
    kind: CallKind
    room_id: int | None
    room_code: str
    caller_name: str
    contact: str            # masked
    declined_contact: bool
    content: str
    action_taken: str
    taken_by: str
    taken_by_name: str
    duration_seconds: int | None
    complaint_id: int | None
    repair_ref: str
    suggestion_status: str
    suggestion_reason: str
    suggestion_decided_by: str

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def suggestion_label(self) -> str:
        return SUGGESTION_LABELS[SuggestionState(self.suggestion_status)] if self.suggestion_status else ""

    @property
    def contact_label(self) -> str:
        return "（不愿留下）" if self.declined_contact else self.contact

    @property
    def can_become_complaint(self) -> bool:
        return self.kind == CallKind.COMPLAINT and self.complaint_id is None

    @property
    def can_become_repair(self) -> bool:
        return self.kind == CallKind.REPAIR and not self.repair_ref


@dataclass(frozen=True)
class PromiseRow:
    id: int
    call_id: int
    due_at: datetime
    what: str
    state: PromiseState
    kept_at: datetime | None
    kept_by: str
    kept_note: str
    created_by: str
    room_code: str = ""
    caller_name: str = ""
    contact: str = ""
    status: DueStatus = DueStatus.OK

    @property
    def kept_on_time(self) -> bool | None:
        return None if self.kept_at is None else self.kept_at <= self.due_at

    @property
    def state_label(self) -> str:
        return PROMISE_LABELS[self.state]

    @property
    def status_label(self) -> str:
        return DUE_LABELS[self.status]


@dataclass(frozen=True)
class CallQuery:
    text: str = ""
    kind: CallKind | None = None
    channel: Channel | None = None
    room: str = ""          # a room code, or its beginning (3-2 → every room of building 3 unit 2)
    clerk: str = ""         # username of who took it
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int = 200


@dataclass(frozen=True)
class CardComplaint:
    id: int
    serial: str
    category: str
    state: str
    received_at: datetime


@dataclass(frozen=True)
class CardCallback:
    id: int
    kind: str
    due_at: datetime
    reason: str
    late: bool


@dataclass(frozen=True)
class CallerCard:
    """The household on the line: people (masked), open complaints, callbacks due, recent calls.

    Keys and vacancy join the card as those procedures land.
    """

    room_id: int | None
    room_code: str = ""
    room_info: str = ""
    people: list[Any] = field(default_factory=list)       # rooms.OccupantRow, masked
    open_complaints: list[CardComplaint] = field(default_factory=list)
    open_repairs: list[CardComplaint] = field(default_factory=list)   # 维修派工单 not finished yet
    callbacks_due: list[CardCallback] = field(default_factory=list)
    open_promises: list[PromiseRow] = field(default_factory=list)
    recent_calls: list[CallRow] = field(default_factory=list)
    matched_by: str = ""   # "room" / "phone" / ""

    @property
    def found(self) -> bool:
        return self.room_id is not None or bool(self.recent_calls)


# ---------------------------------------------------------------- helpers

def _get_call(session: Session, call_id: int) -> CallLog:
    c = session.get(CallLog, call_id)
    if c is None:
        raise NotFoundError("找不到该来电来访记录")
    return c


def _snapshot(c: CallLog) -> dict[str, object]:
    # Audit keeps masked personal data.
    return {"at": c.at, "channel": c.channel, "kind": c.kind, "room_id": c.room_id,
            "caller_name": c.caller_name, "contact": mask_phone(c.contact),
            "declined_contact": c.declined_contact, "content": c.content,
            "action_taken": c.action_taken, "duration_seconds": c.duration_seconds,
            "suggestion_status": c.suggestion_status}


_ROW_COLUMNS = (CallLog.id, CallLog.at, CallLog.channel, CallLog.kind, CallLog.room_id, Room.code,
                CallLog.caller_name, CallLog.contact, CallLog.declined_contact, CallLog.content,
                CallLog.action_taken, CallLog.taken_by, CallLog.duration_seconds, CallLog.complaint_id,
                CallLog.repair_ref, CallLog.suggestion_status, CallLog.suggestion_reason,
                CallLog.suggestion_decided_by)


def _rows(session: Session, stmt: Any) -> list[CallRow]:
    found = session.execute(stmt).all()
    names = _display_names(session, {r[11] for r in found})
    return [CallRow(i, at, Channel(ch), CallKind(k), rid, code or "", name, mask_phone(contact),
                    bool(declined), content, action, by, names.get(by, by), dur, cid, rref or "",
                    sst or "", sr or "", sby or "")
            for (i, at, ch, k, rid, code, name, contact, declined, content, action, by, dur, cid,
                 rref, sst, sr, sby) in found]


def _display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    return {u: (d or u) for u, d in session.execute(
        select(User.username, User.display_name).where(User.username.in_(usernames)))}


def _select_rows() -> Any:
    return select(*_ROW_COLUMNS).outerjoin(Room, CallLog.room_id == Room.id)


def call_row(session: Session, call_id: int) -> CallRow:
    rows = _rows(session, _select_rows().where(CallLog.id == call_id))
    if not rows:
        raise NotFoundError("找不到该来电来访记录")
    return rows[0]


def _room_id_for(session: Session, code: str) -> int | None:
    if not code:
        return None
    rid = session.scalar(select(Room.id).where(Room.code == code))
    if rid is None:
        raise ValidationError(f"房号 {code} 不存在", field="room_code")
    return rid


# ---------------------------------------------------------------- logging a call

def log_call(session: Session, actor: Actor, data: CallData) -> CallRow:
    """One line of the 来电来访记录本; a suggestion waits for the supervisor's decision."""
    require(actor, Perm.LOG_CALLS)
    d = clean_call(data)
    if errors := call_problems(d):
        raise ValidationError(errors=errors)
    room_id = _room_id_for(session, d.room_code)
    kind = CallKind(d.kind)
    if d.person_id is not None and "*" in d.contact:
        from db.models import Person

        d = replace(d, contact=session.scalar(select(Person.phone).where(Person.id == d.person_id)) or "")
    c = CallLog(at=d.at or utcnow(), channel=str(Channel(d.channel)), caller_name=d.caller_name,
                contact=d.contact, declined_contact=d.declined_contact, room_id=room_id,
                person_id=d.person_id, kind=str(kind), content=d.content,
                action_taken=d.action_taken, taken_by=actor.username,
                duration_seconds=d.duration_seconds, repair_ref="",
                suggestion_status=str(SuggestionState.PENDING) if kind == CallKind.SUGGESTION else "",
                suggestion_reason="", suggestion_decided_by="",
                created_by=actor.username, updated_by=actor.username)
    session.add(c)
    session.flush()
    label = CHANNEL_LABELS[Channel(c.channel)]
    where = f" {d.room_code}" if d.room_code else ""
    audit.record(session, actor, "create", "call", c.id, after=_snapshot(c),
                 summary=f"登记{label}{where}（{KIND_LABELS[kind]}）"
                         + ("，来电人不愿留下联系方式" if d.declined_contact else ""))
    if d.promise_due is not None:
        promise(session, actor, c.id, d.promise_due, d.promise_what or d.content)
    return call_row(session, c.id)


# ---------------------------------------------------------------- the log list

def _fts_available(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    return bool(session.execute(text("SELECT 1 FROM sqlite_master WHERE type='table' AND name=:n"),
                                {"n": FTS_TABLE}).first())


def _like(value: str) -> str:
    esc = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


def _text_conditions(session: Session, q_text: str) -> list[Any]:
    words = [w for w in normalize_text(q_text).split(" ") if w]
    if not words:
        return []
    long_words = [w for w in words if len(w) >= FTS_MIN_CHARS]
    conds: list[Any] = []
    short = words
    if long_words and _fts_available(session):
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        hits = list(session.scalars(
            select(text("rowid")).select_from(text(FTS_TABLE)).where(text(f"{FTS_TABLE} MATCH :m"))
            .params(m=match).limit(FTS_DENSE + 1)))
        # Few hits: the index names them (a no-match search answers at once). Many hits: the
        # newest-first scan with LIKE fills a page after a few hundred rows, faster than sorting all.
        if len(hits) <= FTS_DENSE:
            conds.append(CallLog.id.in_(hits or [-1]))
            short = [w for w in words if len(w) < FTS_MIN_CHARS]
    for w in short:
        pat = _like(w)
        digits = w.replace("-", "")
        alts = [CallLog.content.like(pat, escape="\\"), CallLog.caller_name.like(pat, escape="\\"),
                CallLog.action_taken.like(pat, escape="\\")]
        if digits.isdigit():
            alts.append(CallLog.contact.like(pat, escape="\\"))
        conds.append(or_(*alts))
    return conds


def _query_stmt(session: Session, q: CallQuery) -> Any:
    stmt = _select_rows()
    if q.kind is not None:
        stmt = stmt.where(CallLog.kind == str(q.kind))
    if q.channel is not None:
        stmt = stmt.where(CallLog.channel == str(q.channel))
    room = clean_room_code(q.room)
    if room:
        rid = session.scalar(select(Room.id).where(Room.code == room))
        if rid is not None:
            stmt = stmt.where(CallLog.room_id == rid)
        else:
            # The beginning of a code (3-2-12): the rooms first, then their calls through the index.
            stmt = stmt.where(CallLog.room_id.in_(select(Room.id).where(Room.code.like(f"{room}%"))))
    if q.clerk:
        stmt = stmt.where(CallLog.taken_by == q.clerk)
    if q.date_from:
        stmt = stmt.where(CallLog.at >= local_day_bounds(q.date_from)[0])
    if q.date_to:
        stmt = stmt.where(CallLog.at < local_day_bounds(q.date_to)[1])
    for cond in _text_conditions(session, q.text):
        stmt = stmt.where(cond)
    return stmt


def list_calls(session: Session, actor: Actor, q: CallQuery) -> list[CallRow]:
    """Newest first, filtered and paged in SQL on the indexed columns (room/kind/at)."""
    require(actor, Perm.LOG_CALLS)
    stmt = _query_stmt(session, q).order_by(CallLog.at.desc(), CallLog.id.desc())
    return _rows(session, stmt.offset(max(q.offset, 0)).limit(max(q.limit, 0)))


def clerks(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of everyone who may take calls, for the filter."""
    return [(u, d or u) for u, d in session.execute(
        select(User.username, User.display_name).order_by(User.username))]


# ---------------------------------------------------------------- promised answers

def _promise_row(p: Promise, now: datetime | None = None, near: timedelta | None = None,
                 room_code: str = "", caller: str = "", contact: str = "") -> PromiseRow:
    status = DueStatus.OK
    if p.state == PromiseState.OPEN and now is not None:
        if p.due_at < now:
            status = DueStatus.LATE
        elif near is not None and p.due_at <= now + near:
            status = DueStatus.NEAR
    return PromiseRow(p.id, p.call_id, p.due_at, p.what, PromiseState(p.state), p.kept_at, p.kept_by,
                      p.kept_note, p.created_by, room_code, caller, mask_phone(contact), status)


def promise_near_window(session: Session) -> timedelta:
    raw = settings.get_value(session, PROMISE_NEAR_KEY, str(PROMISE_NEAR_DEFAULT_MINUTES))
    try:
        minutes = int(raw)
    except ValueError:
        minutes = PROMISE_NEAR_DEFAULT_MINUTES
    return timedelta(minutes=max(minutes, 0))


def promise(session: Session, actor: Actor, call_id: int, due_at: datetime, what: str) -> PromiseRow:
    """The clerk gives a definite time for the answer (§一 程序9, 要点4: never “I don't know”)."""
    require(actor, Perm.LOG_CALLS)
    c = _get_call(session, call_id)
    if due_at.tzinfo is None:
        raise ValidationError("答复时间缺少时区", field="due_at")
    if due_at <= c.at:
        raise ValidationError("承诺答复时间应晚于来电时间", field="due_at")
    what = (what or "").strip() or c.content
    p = Promise(call_id=c.id, due_at=due_at, what=what, state=str(PromiseState.OPEN), kept_by="",
                kept_note="", created_by=actor.username, updated_by=actor.username)
    session.add(p)
    session.flush()
    audit.record(session, actor, "create", "promise", p.id,
                 after={"call_id": c.id, "due_at": due_at, "what": what},
                 summary=f"承诺答复（来电 #{c.id}）")
    return _promise_row(p)


def keep_promise(session: Session, actor: Actor, promise_id: int, note: str) -> PromiseRow:
    """The answer was given: record when and what; whether it was on time follows from due_at."""
    require(actor, Perm.LOG_CALLS)
    p = session.get(Promise, promise_id)
    if p is None:
        raise NotFoundError("找不到该承诺答复")
    if p.state != PromiseState.OPEN:
        raise InvalidTransition("该承诺已答复")
    note = (note or "").strip()
    if not note:
        raise ValidationError("请填写答复内容", field="note")
    p.state, p.kept_at, p.kept_by, p.kept_note = str(PromiseState.KEPT), utcnow(), actor.username, note
    p.updated_by = actor.username
    session.flush()
    late = p.kept_at > p.due_at
    audit.record(session, actor, "keep", "promise", p.id,
                 before={"state": "open"}, after={"state": "kept", "note": note},
                 summary=f"已答复（来电 #{p.call_id}）" + ("，已超时" if late else ""))
    return _promise_row(p)


def promises_due(session: Session, now: datetime | None = None) -> list[PromiseRow]:
    """Open promises, earliest first: amber within the warning window, red when late."""
    now = now or utcnow()
    near = promise_near_window(session)
    rows = session.execute(
        select(Promise, Room.code, CallLog.caller_name, CallLog.contact)
        .join(CallLog, Promise.call_id == CallLog.id).outerjoin(Room, CallLog.room_id == Room.id)
        .where(Promise.state == str(PromiseState.OPEN)).order_by(Promise.due_at, Promise.id)).all()
    return [_promise_row(p, now, near, code or "", name, contact) for p, code, name, contact in rows]


def promises_for_call(session: Session, call_id: int) -> list[PromiseRow]:
    return [_promise_row(p) for p in session.scalars(
        select(Promise).where(Promise.call_id == call_id).order_by(Promise.id))]


# ---------------------------------------------------------------- suggestions

def suggestions_for_day(session: Session, day: date) -> list[CallRow]:
    """The day's suggestions for the supervisor (§一 程序4): pending first, then decided."""
    start, end = local_day_bounds(day)
    stmt = (_select_rows().where(CallLog.kind == str(CallKind.SUGGESTION), CallLog.at >= start,
                                 CallLog.at < end)
            .order_by(CallLog.suggestion_status != str(SuggestionState.PENDING), CallLog.at))
    return _rows(session, stmt)


def pending_suggestions(session: Session) -> list[CallRow]:
    """Every suggestion still waiting, whatever its day (none is forgotten over a weekend)."""
    stmt = (_select_rows().where(CallLog.kind == str(CallKind.SUGGESTION),
                                 CallLog.suggestion_status == str(SuggestionState.PENDING))
            .order_by(CallLog.at))
    return _rows(session, stmt)


def decide_suggestion(session: Session, actor: Actor, call_id: int, adopted: bool,
                      reason: str) -> CallRow:
    """Adopt or reject a suggestion; the owner is then called back with the outcome (a callback)."""
    from app import callbacks

    require(actor, Perm.DECIDE_SUGGESTIONS)
    c = _get_call(session, call_id)
    if c.kind != CallKind.SUGGESTION:
        raise InvalidTransition("只有“建议”类记录需要采纳或不采纳")
    state = SuggestionState(c.suggestion_status or SuggestionState.PENDING)
    target = SuggestionState.ADOPTED if adopted else SuggestionState.REJECTED
    if target not in SUGGESTION_TRANSITIONS[state]:
        raise InvalidTransition(f"该建议已{SUGGESTION_LABELS[state]}，不能再次处理")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写采纳或不采纳的理由（将回复给业主）", field="reason")
    now = utcnow()
    c.suggestion_status, c.suggestion_reason = str(target), reason
    c.suggestion_decided_by, c.suggestion_decided_at = actor.username, now
    c.updated_by = actor.username
    session.flush()
    audit.record(session, actor, "decide", "call", c.id, before={"suggestion_status": str(state)},
                 after={"suggestion_status": str(target), "reason": reason},
                 summary=f"建议{SUGGESTION_LABELS[target]}（来电 #{c.id}）")
    if c.room_id is not None or c.contact:
        callbacks.create_callback(
            session, actor, kind=callbacks.CallbackKind.SURVEY, room_id=c.room_id,
            person_name=c.caller_name, contact=c.contact,
            reason=f"建议处理结果回复：{SUGGESTION_LABELS[target]}。{reason}",
            due_at=now + timedelta(hours=SUGGESTION_CALLBACK_HOURS), source="call", source_id=c.id)
    # An anonymous caller (no room, no contact) cannot be called back: no callback that nobody can make.
    return call_row(session, c.id)


# ---------------------------------------------------------------- complaints from calls

def complaint_data_for_call(session: Session, actor: Actor, call_id: int, category: str = "",
                            **extra: Any) -> Any:
    """A complaints.ComplaintData pre-filled from the log line, for the intake dialog."""
    from app import complaints

    require(actor, Perm.LOG_CALLS)
    c = _get_call(session, call_id)
    if c.kind != CallKind.COMPLAINT:
        raise InvalidTransition("只有“投诉”类记录可以转为投诉")
    if c.complaint_id is not None:
        raise ConflictError("该记录已转为投诉")
    room_code = session.scalar(select(Room.code).where(Room.id == c.room_id)) if c.room_id else ""
    contact = mask_phone(c.contact)  # create_complaint puts the call's number back
    values: dict[str, Any] = {"channel": c.channel, "complainant": c.caller_name,
                              "contact": contact, "room_code": room_code or "",
                              "details": c.content, "call_id": c.id}
    if category:
        values["category"] = category
    values.update(extra)
    known = set(complaints.ComplaintData.__dataclass_fields__)
    return complaints.ComplaintData(**{k: v for k, v in values.items() if k in known})


def link_complaint(session: Session, actor: Actor, call_id: int, complaint_id: int) -> CallRow:
    """Link a log line and the complaint made from it, both ways."""
    require(actor, Perm.LOG_CALLS)
    c = _get_call(session, call_id)
    comp = session.get(Complaint, complaint_id)
    if comp is None:
        raise NotFoundError("找不到该投诉")
    if c.complaint_id not in (None, complaint_id):
        raise ConflictError("该记录已转为另一条投诉")
    if c.complaint_id == complaint_id and comp.call_id == c.id:
        return call_row(session, c.id)
    c.complaint_id, c.updated_by = complaint_id, actor.username
    comp.call_id = c.id
    session.flush()
    audit.record(session, actor, "link", "call", c.id, after={"complaint_id": complaint_id},
                 summary=f"来电 #{c.id} 转为投诉 {comp.serial}")
    return call_row(session, c.id)


def complaint_from_call(session: Session, actor: Actor, call_id: int, category: str,
                        **extra: Any) -> Any:
    """Turn a 投诉 line into a complaint (§一 程序8) and link both ways; returns the ComplaintRow."""
    from app import complaints

    data = complaint_data_for_call(session, actor, call_id, category, **extra)
    row = complaints.create_complaint(session, actor, data)
    link_complaint(session, actor, call_id, row.id)
    return row


# ---------------------------------------------------------------- caller card

def _room_for_phone(session: Session, phone: str) -> int | None:
    from db.models import Occupant, Person

    p = canonical_phone(phone)
    if not p or phone_problem(p):
        return None
    return session.scalar(
        select(Occupant.room_id).join(Person, Occupant.person_id == Person.id)
        .where(or_(Person.phone == p, Person.phone2 == p), Occupant.active.is_(True))
        .order_by(Occupant.relation != "owner", Occupant.id).limit(1))


def caller_card(session: Session, actor: Actor, room_id: int | None = None,
                phone: str | None = None, recent: int = 5) -> CallerCard:
    """As soon as a room or phone is typed: who lives there and what is open for them."""
    from app import rooms

    require(actor, Perm.LOG_CALLS)
    matched = "room" if room_id is not None else ""
    if room_id is None and phone:
        room_id = _room_for_phone(session, phone)
        matched = "phone" if room_id is not None else ""
    if room_id is None:
        return CallerCard(room_id=None)
    detail = rooms.room_detail(session, actor, room_id) if actor.can(Perm.VIEW_ROOMS) else None
    now = utcnow()
    try:
        from app.complaints import OPEN_STATES
        open_states = [str(x) for x in OPEN_STATES]
    except ImportError:  # the complaints procedure not installed
        open_states = []
    complaints_open = [
        CardComplaint(i, serial, cat, st, at) for i, serial, cat, st, at in session.execute(
            select(Complaint.id, Complaint.serial, Complaint.category, Complaint.state,
                   Complaint.received_at)
            .where(Complaint.room_id == room_id, Complaint.state.in_(open_states or ["-"]))
            .order_by(Complaint.received_at.desc()).limit(10))]
    from app.repairs import OPEN_STATES as REPAIR_OPEN

    repairs_open = [
        CardComplaint(i, serial, cat, st, at) for i, serial, cat, st, at in session.execute(
            select(RepairOrder.id, RepairOrder.serial, RepairOrder.category, RepairOrder.state,
                   RepairOrder.reported_at)
            .where(RepairOrder.room_id == room_id, RepairOrder.state.in_([str(x) for x in REPAIR_OPEN]))
            .order_by(RepairOrder.reported_at.desc()).limit(10))]
    due = [CardCallback(i, k, at, reason, at < now) for i, k, at, reason in session.execute(
        select(Callback.id, Callback.kind, Callback.due_at, Callback.reason)
        .where(Callback.room_id == room_id, Callback.state == "due")
        .order_by(Callback.due_at).limit(10))]
    near = promise_near_window(session)
    proms = [_promise_row(p, now, near) for p in session.scalars(
        select(Promise).join(CallLog, Promise.call_id == CallLog.id)
        .where(CallLog.room_id == room_id, Promise.state == str(PromiseState.OPEN))
        .order_by(Promise.due_at))]
    calls = list_calls(session, actor, CallQuery(room=detail.room.code if detail else "",
                                                 limit=recent)) if detail else []
    info = ""
    people: list[Any] = []
    code = ""
    if detail is not None:
        r = detail.room
        code = r.code
        info = "  ·  ".join(x for x in (r.kind_label, r.occupancy_label,
                                        f"{r.area} ㎡" if r.area is not None else "") if x)
        people = [o for o in detail.occupants if o.active]
    return CallerCard(room_id=room_id, room_code=code, room_info=info, people=people,
                      open_complaints=complaints_open, open_repairs=repairs_open, callbacks_due=due, open_promises=proms,
                      recent_calls=calls, matched_by=matched)


def room_people(session: Session, actor: Actor, room_code: str) -> list[tuple[int, str, str]]:
    """(person id, name, masked phone) of a room's current people, owners first: the caller picker."""
    from db.models import Occupant, Person

    require(actor, Perm.LOG_CALLS)
    code = clean_room_code(room_code)
    if not code:
        return []
    return [(pid, name, mask_phone(phone)) for pid, name, phone in session.execute(
        select(Person.id, Person.name, Person.phone).join(Occupant, Occupant.person_id == Person.id)
        .join(Room, Occupant.room_id == Room.id)
        .where(Room.code == code, Occupant.active.is_(True))
        .order_by(Occupant.relation != "owner", Occupant.id))]


def person_phone(session: Session, actor: Actor, person_id: int) -> str:
    """The phone to fill into the form when the clerk picks a person: full only if the role may see it."""
    from db.models import Person

    require(actor, Perm.LOG_CALLS)
    phone = session.scalar(select(Person.phone).where(Person.id == person_id)) or ""
    return mask_phone(phone)  # masked on screen; log_call puts the stored number back


def count_calls(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CallLog)) or 0
