"""Demo history for the key cabinet (钥匙领用分发, §三): cabinets, keys on hooks and a year of their use.

The contractor hands over each building's keys a week before the community's handover (钥匙移交, one
《钥匙验收记录表》 per building): the first and second decoration keys and the official keys of every home,
plus a construction key for the homes the developer has not sold; the common areas' keys come from
the plumbing contractor. Owners receive the first decoration key and the official keys at 收房 and,
once their decoration permit is recorded with its fees paid, the second decoration key. The keys of
homes not yet handed over stay in the cabinet, with the common areas' keys, and are lent every day:
to staff for inspections and meter readings, to contractors for repairs (seven days, a few late and
chased), to the sales office for showings of unsold homes, to owners before they move in. Some owners
deposit a key (业主托存, some naming people who may collect it) and collect it later.

Scripted on top, so that each procedure shows: a contractor returns a key short (the lost copy is
reported, the owner agrees, a new one is cut); last month's cabinet count finds a construction key
missing, which starts the lost-key procedure and ends in a lock change (every key of that lock retired,
the new ones hung on the freed hooks); at the anchor a contractor loan is overdue and chased, a
staff loan did not come back the same day, a decoration permit waits for its fees.

Everything is built in memory as the services would have recorded it — each key's history replays
through the transition table (app.keys.TRANSITIONS), a key is 借出 exactly while one open loan holds it,
handed over and retired keys hang nowhere — and inserted in bulk (no audit entries, as for the other
demo procedures).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.demo_repairs import _insert_rows
from app.keys import (
    REMINDER_LABELS,
    SERIALS,
    Action,
    Borrower,
    HandoverKind,
    IncidentKind,
    IncidentState,
    KeyKind,
    KeyState,
    LoanRules,
    LoanState,
    Remedy,
    ReminderMethod,
    default_label,
    loan_rules,
)
from app.rooms import Occupancy, RoomKind
from app.timeutil import local_tz
from app.validation import id_check_char, resident_id_problem
from db.models import (
    Contractor,
    DecorationPermit,
    Department,
    Developer,
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

CLERK, SUPERVISOR = "li", "zhang"          # the demo's 客服助理 and 客服主管 (app.demo.DEMO_USERS)
DISPLAY = {"li": "李助理", "zhang": "张主管"}
PER_600_HOUSEHOLDS = 3.0                     # loans a day for the default demo community
FIRST_CABINET_BUILDINGS = 5                  # 1号钥匙柜: buildings 1–5; 2号钥匙柜: the rest
# What the contractor hands over for each home (kind, copies); the developer's unsold homes keep
# their construction key too.
HOME_KEYS = ((KeyKind.DECORATION_1, 1), (KeyKind.DECORATION_2, 1), (KeyKind.OFFICIAL, 3))
UNSOLD_KEYS = ((KeyKind.CONSTRUCTION, 2), *HOME_KEYS)
SUFFIX = {KeyKind.CONSTRUCTION: "S", KeyKind.DECORATION_1: "Z1", KeyKind.DECORATION_2: "Z2",
          KeyKind.OFFICIAL: "G", KeyKind.DEPOSIT: "T", KeyKind.COMMON: "P"}
HOME_CONTRACTOR = "杭州华誉装饰工程有限公司"
COMMON_CONTRACTOR = "杭州佳园水电安装有限公司"
# Who comes for which common area's key, and why.
COMMON_WORK = {
    "配电室": (COMMON_CONTRACTOR, "配电柜年度检修"), "水泵房": (COMMON_CONTRACTOR, "水泵检修保养"),
    "电梯机房": ("杭州安达电梯维保有限公司", "电梯月度维保"), "消防控制室": ("杭州恒信消防工程有限公司", "消防设施检测"),
    "会所": ("杭州明洁保洁服务有限公司", "会所深度保洁"), "垃圾房": ("杭州明洁保洁服务有限公司", "垃圾房清洗消杀"),
    "地下车库": ("浙江绿源园林绿化工程有限公司", "车库出入口绿化修剪"), "监控中心": ("杭州恒信消防工程有限公司", "监控线路检修"),
}
HOME_WORK = (("浙江鼎盛防水工程有限公司", "空置房卫生间渗水维修"), (COMMON_CONTRACTOR, "空置房水电检修"),
             (HOME_CONTRACTOR, "空置房墙面修补"), (HOME_CONTRACTOR, "门窗五金更换"))
STAFF_COMMON_WORK = ("设备巡检", "抄水电表", "线路检修", "安全检查", "消防巡查")
STAFF_HOME_WORK = ("空置房巡查", "空置房开窗通风", "检查楼上渗水", "抄水电表", "空置房设施检查")
OWNER_WORK = ("验房", "量房做装修设计", "带设计师看房", "测量家具尺寸")
SALES_WORK = ("带客户看房", "带客户看房", "样板间展示", "带客户复看")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "明", "刚", "平", "辉", "鹏", "华", "志强", "海涛", "永刚")
SAME_DAY_LATE = 0.04     # same-day loans back the next morning, after a reminder in the evening
CONTRACTOR_LATE = 0.07   # contractor loans kept past their seven days and chased

K = KeyState


_TZ = [local_tz()]   # this PC's time zone, read once per run (local_tz() asks the clock each time)


def _at(day: date, minutes: float) -> datetime:
    """A local day and minutes into it, as UTC to the second."""
    return (datetime.combine(day, time.min, _TZ[0]) + timedelta(seconds=round(minutes * 60))).astimezone(UTC)


def _local_day(t: datetime) -> date:
    return t.astimezone(_TZ[0]).date()


def _year(t: datetime) -> int:
    return t.astimezone(_TZ[0]).year


# ------------------------------------------------------------------ the records, in memory


@dataclass(eq=False)
class _Key:
    number: str
    room_id: int
    kind: KeyKind
    copies: int
    cabinet: str
    accepted: datetime
    acceptance: _Acceptance | None = None
    deposit: _Deposit | None = None
    lock_no: int = 1
    note: str = ""
    # (when, order, user, action, state it leads to (None: stays), note, the record behind it)
    events: list[tuple[datetime, int, str, Action, KeyState | None, str, Any]] = field(default_factory=list)
    loans: list[tuple[datetime, datetime | None]] = field(default_factory=list)   # (lent, back) on loan
    slots: list[list[Any]] = field(default_factory=list)          # [slot, from, to or None]
    free_at: datetime | None = None         # free for the next loan from then
    reserved_from: datetime | None = None   # kept out of the random loans from then (scripted)
    replaced_by: _Key | None = None
    id: int = 0

    @property
    def slot(self) -> int | None:
        return self.slots[-1][0] if self.slots and self.slots[-1][2] is None else None


_seq = itertools.count()


def _ev(k: _Key, at: datetime, user: str, action: Action, to: KeyState | None = None, note: str = "",
        ref: Any = None) -> None:
    """One step of a key's history (`ref`: the record whose serial it carries, numbered later); the
    states it leaves from are filled in by replaying the steps in time order."""
    k.events.append((at, next(_seq), user, action, to, note, ref))


@dataclass(eq=False)
class _Acceptance:
    at: datetime
    company: str
    contractor_id: int | None
    handed_by: str
    note: str
    serial: str = ""
    id: int = 0


@dataclass(eq=False)
class _Deposit:
    room_id: int
    person_id: int
    owner: str
    id_number: str
    phone: str
    at: datetime
    reason: str
    delegates: list[tuple[str, str, date]]
    back: tuple[datetime, str, str] | None = None      # (when, collector, ID shown)
    serial: str = ""
    id: int = 0


@dataclass(eq=False)
class _Loan:
    kind: Borrower
    name: str
    at: datetime
    due: datetime
    items: list[tuple[_Key, int]]
    purpose: str
    staff_id: int | None = None
    work_id: str = ""
    contractor_id: int | None = None
    company: str = ""
    permit_no: str = ""
    person_id: int | None = None
    phone: str = ""
    escort_id: int | None = None
    back: datetime | None = None
    returned: list[int] | None = None
    note: str = ""
    clerk: str = CLERK
    receiver: str = CLERK
    reminders: list[tuple[datetime, str, ReminderMethod, str]] = field(default_factory=list)
    serial: str = ""
    id: int = 0

    @property
    def returned_by(self) -> str:
        return self.name


@dataclass(eq=False)
class _Handover:
    room_id: int
    kind: HandoverKind
    person_id: int
    recipient: str
    at: datetime
    keys: list[_Key]
    permit: _Permit | None = None
    note: str = ""
    serial: str = ""


@dataclass(eq=False)
class _Permit:
    room_id: int
    issued: date
    paid: date | None
    at: datetime
    no: str = ""
    receipt: str = ""
    id: int = 0


@dataclass(eq=False)
class _Incident:
    key: _Key
    kind: IncidentKind
    copies: int
    source: str
    at: datetime
    description: str
    owner: str
    consent_at: datetime
    consent_note: str
    remedy: Remedy
    resolved_at: datetime
    outcome: str
    loan: _Loan | None = None
    id: int = 0


class _Builder:
    def __init__(self, session: Session, rng: random.Random, anchor: date, months: int,
                 room_ids: Sequence[int]) -> None:
        self.rng = rng
        self.cutoff = _at(anchor, 0)
        self.first = anchor - timedelta(days=round(months * 30.44))
        self.rules: LoanRules = loan_rules(session)
        self.keys: list[_Key] = []
        self.acceptances: list[_Acceptance] = []
        self.deposits: list[_Deposit] = []
        self.loans: list[_Loan] = []
        self.handovers: list[_Handover] = []
        self.permits: list[_Permit] = []
        self.incidents: list[_Incident] = []
        self.slot_ops: list[tuple[datetime, int, str, _Key, _Key | None]] = []   # hang / unhang
        wanted = set(room_ids)
        self.homes = [r for r in session.execute(
            select(Room.id, Room.code, Room.occupancy, Room.created_at, Room.building_id)
            .where(Room.kind == str(RoomKind.RESIDENCE), Room.active.is_(True)).order_by(Room.code)) if r.id in wanted]
        self.commons = session.execute(select(Room.id, Room.code, Room.name).where(
            Room.kind == str(RoomKind.COMMON), Room.active.is_(True)).order_by(Room.code)).all()
        self.owner: dict[int, Any] = {}
        self.moved_in: dict[int, date] = {}
        for p in session.execute(select(Occupant.room_id, Occupant.relation, Occupant.move_in_date, Person.id,
                                        Person.name, Person.phone, Person.id_type, Person.id_number)
                                 .join(Person, Person.id == Occupant.person_id)
                                 .where(Occupant.active.is_(True)).order_by(Occupant.id)):
            if p.relation == "owner":
                self.owner.setdefault(p.room_id, p)
            if p.move_in_date is not None:
                self.moved_in[p.room_id] = min(self.moved_in.get(p.room_id, p.move_in_date), p.move_in_date)
        self.staff: dict[str, list[Any]] = {}
        for row in session.execute(select(Staff.id, Staff.name, Staff.work_id, Staff.phone, Department.code)
                                   .join(Department, Department.id == Staff.department_id)
                                   .where(Staff.active.is_(True)).order_by(Staff.id)):
            self.staff.setdefault(row.code, []).append(row)
        self.contractors = {c.company: c for c in session.execute(
            select(Contractor.id, Contractor.company, Contractor.contact, Contractor.phone)
            .where(Contractor.active.is_(True)).order_by(Contractor.id))}
        self.permit_nos: dict[tuple[str, int], str] = {}
        self.received: dict[int, datetime] = {}     # room → its 收房
        self.developer = session.scalar(select(Developer.name).order_by(Developer.id)) or "开发商"

    # ------------------------------------------------------------------ helpers

    def cabinet_of(self, code: str) -> str:
        head = code.split("-")[0]
        return "1号钥匙柜" if head.isdigit() and int(head) <= FIRST_CABINET_BUILDINGS else "2号钥匙柜"

    def hang(self, k: _Key, at: datetime, like: _Key | None = None) -> None:
        self.slot_ops.append((at, next(_seq), "hang", k, like))

    def unhang(self, k: _Key, at: datetime) -> None:
        self.slot_ops.append((at, next(_seq), "unhang", k, None))

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def work_minutes(self, lo: float = 8.5, hi: float = 17.0) -> float:
        return self.rng.uniform(lo * 60, hi * 60)

    def contractor(self, company: str) -> Any:
        return self.contractors.get(company) or next(iter(self.contractors.values()), None)

    def permit_no(self, company: str, when: datetime) -> str:
        """施工人员的出入证: one number per company and year."""
        key = (company, _year(when))
        if key not in self.permit_nos:
            self.permit_nos[key] = f"SG-{_year(when)}-{len(self.permit_nos) + 1:03d}"
        return self.permit_nos[key]

    def id_number(self) -> str:
        while True:
            born = date(1960, 1, 1) + timedelta(days=self.rng.randrange(40 * 365))
            first17 = f"3301{self.rng.choice('0568')}{self.rng.randrange(2, 10)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            idn = first17 + id_check_char(first17)
            if resident_id_problem(idn) is None:
                return idn

    # ------------------------------------------------------------------ 钥匙移交 and 收房

    def accept_and_hand_over(self, count_at: datetime) -> None:
        """Each building's keys taken over a week before its handover; 收房 and the second key after."""
        by_building: dict[int, list[Any]] = {}
        for r in self.homes:
            by_building.setdefault(r.building_id, []).append(r)
        company = self.contractor(HOME_CONTRACTOR)
        for rows in by_building.values():
            handover_day = min(_local_day(r.created_at) for r in rows)
            acc = _Acceptance(_at(handover_day - timedelta(days=7), self.rng.uniform(9.5, 11) * 60),
                              company.company if company else HOME_CONTRACTOR, company.id if company else None,
                              company.contact if company and company.contact else self.person_name(),
                              f"{rows[0].code.split('-')[0]}号楼钥匙移交，逐一核对数量并试开")
            self.acceptances.append(acc)
            for r in rows:
                occ = Occupancy(r.occupancy)
                made = []
                for kind, copies in UNSOLD_KEYS if occ == Occupancy.VACANT_UNSOLD else HOME_KEYS:
                    k = _Key(f"{r.code}-{SUFFIX[kind]}", r.id, kind, copies, self.cabinet_of(r.code), acc.at, acc)
                    self.keys.append(k)
                    made.append(k)
                owner = self.owner.get(r.id)
                handed = occ in (Occupancy.OCCUPIED, Occupancy.VACANT_UNDECORATED) and owner is not None
                decorated = occ == Occupancy.OCCUPIED
                for k in made:
                    _ev(k, acc.at, CLERK, Action.ACCEPT, K.IN, ref=acc)
                    # The hooks are laid out for the keys still kept now: those handed over long ago
                    # were filed with the acceptance papers (the cabinet is not drawn as it was then).
                    if not handed or (k.kind == KeyKind.DECORATION_2 and not decorated):
                        self.hang(k, acc.at)
                if handed:
                    self.move_in(r, made, owner, acc.at, count_at)

    def move_in(self, r: Any, made: list[_Key], owner: Any, accepted: datetime, count_at: datetime) -> None:
        rng = self.rng
        by_kind = {k.kind: k for k in made}
        # 收房 before the owner moves in (and, in the demo, before last month's count).
        latest = _local_day(count_at) - timedelta(days=2)
        day0 = _local_day(accepted) + timedelta(days=7)
        moved = self.moved_in.get(r.id, latest)
        last = max(day0, min(moved, latest))
        day = day0 + timedelta(days=rng.randrange((last - day0).days + 1)) if last > day0 else day0
        at = _at(day, self.work_minutes(9, 16.5))
        first = [by_kind[KeyKind.DECORATION_1], by_kind[KeyKind.OFFICIAL]]
        h = _Handover(r.id, HandoverKind.MOVE_IN, owner.id, owner.name, at, first, note="入伙手续联系单已签字")
        self.handovers.append(h)
        self.received[r.id] = at
        for k in first:
            _ev(k, at, CLERK, Action.HAND_OVER, K.HANDED, f"{owner.name} 签收", h)
        if Occupancy(r.occupancy) != Occupancy.OCCUPIED:
            return   # moved in, not decorated yet: the second key waits in the cabinet
        # Decorated: the permit within weeks of 收房, its fees, then the second decoration key — all
        # before the count (squeezed in when 收房 came late).
        steps = [timedelta(days=rng.uniform(1, 25)), timedelta(days=rng.uniform(0, 3)),
                 timedelta(days=rng.uniform(0.1, 5))]
        room = max(timedelta(hours=3), _at(latest, 17 * 60) - at)
        scale = min(1.0, room / sum(steps, timedelta()))
        issued_at = (at + steps[0] * scale).replace(microsecond=0)
        paid_at = (issued_at + steps[1] * scale).replace(microsecond=0)
        given_at = (paid_at + steps[2] * scale).replace(microsecond=0)
        permit = _Permit(r.id, _local_day(issued_at), _local_day(paid_at), issued_at)
        self.permits.append(permit)
        z2 = by_kind[KeyKind.DECORATION_2]
        h = _Handover(r.id, HandoverKind.SECOND_DECORATION, owner.id, owner.name, given_at, [z2], permit,
                      "装修手续已办结，费用已交清")
        self.handovers.append(h)
        _ev(z2, given_at, CLERK, Action.HAND_OVER, K.HANDED, f"{owner.name} 签收", h)

    def commons_keys(self) -> None:
        if not self.commons:
            return
        company = self.contractor(COMMON_CONTRACTOR)
        at = min((a.at for a in self.acceptances), default=_at(self.first, 10 * 60)) + timedelta(hours=2)
        acc = _Acceptance(at, company.company if company else COMMON_CONTRACTOR, company.id if company else None,
                          company.contact if company and company.contact else self.person_name(), "公共区域钥匙移交")
        self.acceptances.append(acc)
        for rid, code, _name in self.commons:
            k = _Key(f"{code}-{SUFFIX[KeyKind.COMMON]}", rid, KeyKind.COMMON, 2, "公共区域钥匙柜", at, acc)
            self.keys.append(k)
            _ev(k, at, CLERK, Action.ACCEPT, K.IN, ref=acc)
            self.hang(k, at)

    # ------------------------------------------------------------------ loans

    def pools(self) -> dict[Borrower, list[tuple[_Key, Any]]]:
        """Which keys each kind of borrower takes, with what they need to know about the key."""
        occ = {r.id: Occupancy(r.occupancy) for r in self.homes}
        names = {rid: name for rid, _code, name in self.commons}
        common = [(k, names.get(k.room_id)) for k in self.keys if k.kind == KeyKind.COMMON]
        homes = [k for k in self.keys if k.acceptance is not None or k.lock_no > 1]
        unsold = [k for k in homes if occ.get(k.room_id) == Occupancy.VACANT_UNSOLD]
        sold = [k for k in homes if occ.get(k.room_id) == Occupancy.VACANT_SOLD and k.room_id in self.owner]
        vacant_official = [(k, None) for k in unsold + sold if k.kind == KeyKind.OFFICIAL]
        return {
            Borrower.STAFF: common + vacant_official,
            Borrower.CONTRACTOR: common + vacant_official,
            Borrower.SALES: [(k, None) for k in unsold if k.kind in (KeyKind.OFFICIAL, KeyKind.CONSTRUCTION)],
            Borrower.OWNER: [(k, k.room_id) for k in sold if k.kind == KeyKind.OFFICIAL],
        }

    def pick(self, pool: list[tuple[_Key, Any]], lent: datetime, back: datetime | None,
             n: int = 1) -> list[tuple[_Key, Any]]:
        chosen: list[tuple[_Key, Any]] = []
        for _ in range(8 * n):
            if len(chosen) == n or not pool:
                break
            k, info = self.rng.choice(pool)
            if any(k is c for c, _ in chosen) or k.accepted >= lent:
                continue
            if k.free_at is not None and k.free_at > lent:
                continue
            if k.reserved_from is not None and (back is None or back >= k.reserved_from):
                continue
            chosen.append((k, info))
        return chosen

    def lend(self, loan: _Loan, scripted: bool = False) -> None:
        """Record a loan. Random loans come in time order (each key free again once back); a
        scripted one keeps its keys out of the random loans from its start on."""
        self.loans.append(loan)
        for k, n in loan.items:
            _ev(k, loan.at, loan.clerk, Action.LEND, K.OUT, f"{loan.name} {n}把", loan)
            k.loans.append((loan.at, loan.back))
            if scripted:
                k.reserved_from = min(k.reserved_from or loan.at, loan.at)
            else:
                k.free_at = loan.back
        for at, user, method, _note in loan.reminders:
            for k, _n in loan.items:
                _ev(k, at, user, Action.REMIND, None, f"{REMINDER_LABELS[method]}催还 {loan.name}", loan)
        if loan.back is not None:
            back = loan.returned or [n for _k, n in loan.items]
            for (k, n), b in zip(loan.items, back, strict=True):
                note = f"{loan.returned_by} 归还 {b}把" + (f"，短缺 {n - b}把" if b < n else "")
                _ev(k, loan.back, loan.receiver, Action.RETURN, K.IN, note, loan)

    def borrower(self, kind: Borrower, info: Any, key: _Key, at: datetime) -> dict[str, Any] | None:
        rng = self.rng
        if kind == Borrower.STAFF:
            dept = rng.choices(("engineering", "service", "security"), cum_weights=(70, 90, 100))[0]
            people = self.staff.get(dept) or self.staff.get("engineering")
            if not people:
                return None
            s = rng.choice(people)
            work = rng.choice(STAFF_COMMON_WORK if info else STAFF_HOME_WORK)
            return dict(name=s.name, staff_id=s.id, work_id=s.work_id, phone=s.phone,
                        purpose=f"{info}{work}" if info else work)
        if kind == Borrower.SALES:
            people = self.staff.get("sales")
            if not people:
                return None
            s = rng.choice(people)
            return dict(name=s.name, staff_id=s.id, work_id=s.work_id, phone=s.phone, purpose=rng.choice(SALES_WORK))
        if kind == Borrower.OWNER:
            p = self.owner.get(info)
            if p is None:
                return None
            return dict(name=p.name, person_id=p.id, phone=p.phone, purpose=rng.choice(OWNER_WORK))
        company, work = COMMON_WORK.get(info, (None, None)) if info else rng.choice(HOME_WORK)
        c = self.contractor(company or COMMON_CONTRACTOR)
        if c is None:
            return None
        engineers = self.staff.get("engineering") or []
        escort = rng.choice(engineers).id if engineers and not info and rng.random() < 0.3 else None
        return dict(name=self.person_name(), contractor_id=c.id, company=c.company,
                    permit_no=self.permit_no(c.company, at), purpose=work or "维修", escort_id=escort)

    def course(self, kind: Borrower, lent: datetime) -> tuple[datetime, list[tuple[datetime, str, ReminderMethod, str]]]:
        """When the loan comes back and the reminders on the way (all may lie past the cutoff)."""
        back, reminders = self._course(kind, lent)
        return back.replace(microsecond=0), [(t.replace(microsecond=0), *rest) for t, *rest in reminders]

    def _course(self, kind: Borrower, lent: datetime) -> tuple[datetime, list[tuple[datetime, str, ReminderMethod, str]]]:
        rng = self.rng
        due = self.rules.due(kind, lent)
        day = _local_day(lent)
        if kind != Borrower.CONTRACTOR:
            closing = _at(day, 17.9 * 60)
            if lent < closing and rng.random() < SAME_DAY_LATE:
                remind = due + timedelta(minutes=rng.uniform(10, 50))
                return (_at(day + timedelta(days=1), rng.uniform(8.3, 9.8) * 60),
                        [(remind, CLERK, ReminderMethod.PHONE, "借匙人答应明早送回")])
            latest = min(due - timedelta(minutes=5), closing) if lent < closing else due - timedelta(minutes=5)
            span = (latest - lent).total_seconds() / 60
            return lent + timedelta(minutes=rng.uniform(min(20, span * 0.3), min(300, span))), []
        if rng.random() < CONTRACTOR_LATE:
            days = rng.randint(8, 14)
            reminders = [(_at(_local_day(due) + timedelta(days=1), rng.uniform(9, 11) * 60), CLERK,
                          ReminderMethod.PHONE, "施工单位称工程未完，答应尽快归还")]
            if days > 10:
                reminders.append((_at(_local_day(due) + timedelta(days=3), rng.uniform(14, 16) * 60), SUPERVISOR,
                                  ReminderMethod.VISIT, "主管到施工现场催还"))
            return _at(day + timedelta(days=days), self.work_minutes(9, 17)), reminders
        days = rng.choices(range(7), cum_weights=(25, 45, 61, 73, 83, 92, 100))[0]
        if days == 0:
            return lent + timedelta(minutes=rng.uniform(60, 360)), []
        back = _at(day + timedelta(days=days), self.work_minutes(8.5, 17))
        return min(back, due - timedelta(minutes=5)), []

    def daily_loans(self) -> None:
        rng = self.rng
        pools = self.pools()
        kinds = [b for b in (Borrower.STAFF, Borrower.CONTRACTOR, Borrower.SALES, Borrower.OWNER) if pools[b]]
        if not kinds:
            return
        weights = list(itertools.accumulate(
            {Borrower.STAFF: 40, Borrower.CONTRACTOR: 25, Borrower.SALES: 20, Borrower.OWNER: 15}[b] for b in kinds))
        size = len(self.homes) / 600
        per_day = max(0.4, PER_600_HOUSEHOLDS * (size if size <= 1 else min(size ** 0.5, 3.0)))
        start = max(self.first, _local_day(min((a.at for a in self.acceptances), default=self.cutoff)) + timedelta(days=1))
        day = start
        while day < _local_day(self.cutoff):
            mean = per_day * (0.6 if day.weekday() >= 5 else 1.1)
            n = int(mean) + (rng.random() < mean % 1)
            for t in sorted(_at(day, self.work_minutes(8.5, 16.8)) for _ in range(n)):
                kind = rng.choices(kinds, cum_weights=weights)[0]
                if kind == Borrower.OWNER and rng.random() < 0.1:
                    t = _at(day, rng.uniform(18.3, 19.8) * 60)    # after work: back by the end of the day
                back, reminders = self.course(kind, t)
                if back >= self.cutoff or any(r[0] >= self.cutoff for r in reminders):
                    continue
                many = kind == Borrower.STAFF and rng.random() < 0.2
                picked = self.pick(pools[kind], t, back, 2 if many else 1)
                if not picked:
                    continue
                who = self.borrower(kind, picked[0][1], picked[0][0], t)
                if who is None:
                    continue
                if kind == Borrower.OWNER:
                    picked = picked[:1]
                self.lend(_Loan(kind, at=t, due=self.rules.due(kind, t), items=[(k, k.copies) for k, _ in picked],
                                back=back, reminders=reminders, clerk=rng.choice((CLERK, CLERK, SUPERVISOR)),
                                receiver=rng.choice((CLERK, CLERK, SUPERVISOR)), **who))
            day += timedelta(days=1)

    # ------------------------------------------------------------------ owner deposits

    def deposits_(self) -> None:
        rng = self.rng
        homes = [r for r in self.homes if Occupancy(r.occupancy) == Occupancy.OCCUPIED
                 and (p := self.owner.get(r.id)) is not None and p.id_type == "resident_id"
                 and resident_id_problem(p.id_number or "") is None]
        if not homes:
            return
        n = max(3, len(self.homes) // 50)
        numbers: dict[int, int] = {}
        reasons = ("出差期间托存，家政人员凭证领取", "外出旅游，托存备用钥匙", "装修期间托存，装修公司凭授权领取",
                   "老人独居，托存备用钥匙以防万一", "出国探亲，托存钥匙")
        plan = []
        for _ in range(n):
            r = rng.choice(homes)
            lo = max(self.first, _local_day(self.received.get(r.id, r.created_at)) + timedelta(days=3))
            if lo >= _local_day(self.cutoff) - timedelta(days=2):
                continue
            day = lo + timedelta(days=rng.randrange((_local_day(self.cutoff) - timedelta(days=2) - lo).days))
            plan.append((_at(day, self.work_minutes(9, 18.5)), r))
        for i, (at, r) in enumerate(sorted(plan, key=lambda x: x[0])):
            p = self.owner[r.id]
            day = _local_day(at)
            delegates = []
            for _ in range(rng.choice((0, 1, 1, 2))):
                delegates.append((self.person_name(), self.id_number(), day + timedelta(days=rng.randint(20, 120))))
            d = _Deposit(r.id, p.id, p.name, p.id_number.upper(), p.phone, at, rng.choice(reasons), delegates)
            # Most come back, to the owner or a named person within their dates; the last few are still held.
            back_at = at + timedelta(days=rng.uniform(2, 45))
            if i % 5 != 4 and back_at < self.cutoff - timedelta(hours=12):
                back_at = _at(_local_day(back_at), self.work_minutes(9, 19))
                valid = [x for x in delegates if x[2] >= _local_day(back_at)]
                if valid and rng.random() < 0.4:
                    name, idn, _until = rng.choice(valid)
                    d.back = (back_at, name, idn)
                else:
                    d.back = (back_at, p.name, d.id_number)
            numbers[r.id] = numbers.get(r.id, 0) + 1
            number = f"{r.code}-T" + ("" if numbers[r.id] == 1 else f"-{numbers[r.id]}")
            k = _Key(number, r.id, KeyKind.DEPOSIT, rng.choice((1, 1, 2)), self.cabinet_of(r.code), at, deposit=d)
            self.keys.append(k)
            self.deposits.append(d)
            _ev(k, at, CLERK, Action.DEPOSIT, K.IN, ref=d)
            self.hang(k, at)
            if d.back is not None:
                _ev(k, d.back[0], CLERK, Action.GIVE_BACK, K.HANDED, f"交还 {d.back[1]}", d)
                self.unhang(k, d.back[0])

    # ------------------------------------------------------------------ the scripted stories

    def stories(self, count_at: datetime) -> _Key | None:
        """The short return and its recut, the count's missing key and the lock change, the loans
        still out at the anchor, the permits still waiting. Returns the key the count misses."""
        anchor = _local_day(self.cutoff)
        by_room: dict[int, dict[KeyKind, _Key]] = {}
        for k in self.keys:
            if k.acceptance is not None and k.kind != KeyKind.COMMON:
                by_room.setdefault(k.room_id, {})[k.kind] = k
        occ = {r.id: Occupancy(r.occupancy) for r in self.homes}
        codes = {r.id: r.code for r in self.homes}
        unsold = [rid for rid in by_room if occ[rid] == Occupancy.VACANT_UNSOLD]
        sold = [rid for rid in by_room if occ[rid] == Occupancy.VACANT_SOLD and rid in self.owner]
        undecorated = [rid for rid in by_room if occ[rid] == Occupancy.VACANT_UNDECORATED and rid in self.owner]
        missing = None
        # The count misses an unsold home's construction key: 遗失 → the developer agrees → 换锁.
        lock_room = next((rid for rid in unsold if self.cabinet_of(codes[rid]) == "1号钥匙柜"), None) or (
            unsold[0] if unsold else None)
        if lock_room is not None and by_room[lock_room][KeyKind.CONSTRUCTION].accepted < count_at - timedelta(days=3):
            old = list(by_room[lock_room].values())
            for k in old:
                k.reserved_from = count_at - timedelta(days=2)
            missing = by_room[lock_room][KeyKind.CONSTRUCTION]
            reported = count_at + timedelta(minutes=25)
            consent = _at(_local_day(count_at) + timedelta(days=1), 10.5 * 60)
            changed = _at(_local_day(count_at) + timedelta(days=3), 15 * 60)
            _ev(missing, reported, CLERK, Action.REPORT, K.LOST, "遗失：盘点时发现缺失")
            inc = _Incident(missing, IncidentKind.LOST, missing.copies, "count", reported, "盘点时发现缺失",
                            self.developer, consent, "开发商同意更换入户门锁芯", Remedy.LOCK_CHANGE, changed, "")
            _ev(missing, consent, SUPERVISOR, Action.CONSENT, None, f"{inc.owner}：{inc.consent_note}")
            new = []
            for k in old:
                _ev(k, changed, SUPERVISOR, Action.RETIRE, K.RETIRED, "换锁作废")
                self.unhang(k, changed)
            for k in old:
                nk = _Key(f"{k.number}-2", k.room_id, k.kind, k.copies, k.cabinet, changed, lock_no=2,
                          note="换锁后新钥匙")
                nk.reserved_from = changed
                self.keys.append(nk)
                _ev(nk, changed, SUPERVISOR, Action.CREATE, K.IN, ref="")
                self.hang(nk, changed, like=k)
                new.append(nk)
            for k in old:
                k.replaced_by = new[0]
            inc.outcome = f"换锁，作废 {len(old)} 把，新钥匙 {len(new)} 把"
            self.incidents.append(inc)
        # A contractor brings back two of the three official keys: the third is reported lost, the
        # owner agrees, a new one is cut.
        if sold:
            rid = sold[0]
            k = by_room[rid][KeyKind.OFFICIAL]
            lent = _at(anchor - timedelta(days=75), 9.6 * 60)
            k.reserved_from = lent - timedelta(days=1)
            back = _at(anchor - timedelta(days=72), 16.2 * 60)
            if k.accepted < lent:
                who = self.borrower(Borrower.CONTRACTOR, None, k, lent)
                if who is not None:
                    loan = _Loan(Borrower.CONTRACTOR, at=lent, due=self.rules.due(Borrower.CONTRACTOR, lent),
                                 items=[(k, 3)], back=back, returned=[2], note="施工人员称一把钥匙遗失在工地", **who)
                    self.lend(loan, scripted=True)
                    owner = self.owner[rid].name
                    inc = _Incident(k, IncidentKind.LOST, 1, "return", back, loan.note, owner,
                                    _at(anchor - timedelta(days=71), 10.5 * 60), "同意补配一把",
                                    Remedy.RECUT, _at(anchor - timedelta(days=69), 15 * 60), "锁匠补配一把，已试开", loan)
                    _ev(k, inc.consent_at, SUPERVISOR, Action.CONSENT, None, f"{owner}：{inc.consent_note}")
                    _ev(k, inc.resolved_at, SUPERVISOR, Action.RECUT, K.IN, f"补配 1把：{inc.outcome}")
                    self.incidents.append(inc)
        # Still out at the anchor: a contractor's loan past its seven days (chased twice) and a staff
        # loan that did not come back at closing time; a contractor's loan still within its days.
        out = [(Borrower.CONTRACTOR, anchor - timedelta(days=12), 10.2,
                [(anchor - timedelta(days=4), 9.5, CLERK, ReminderMethod.PHONE, "施工单位答应两天内归还"),
                 (anchor - timedelta(days=2), 15.0, SUPERVISOR, ReminderMethod.VISIT, "主管到现场催还，仍未归还")]),
               (Borrower.STAFF, anchor - timedelta(days=1), 15.3, []),
               (Borrower.CONTRACTOR, anchor - timedelta(days=3), 9.4, [])]
        pools = self.pools()
        for kind, day, hour, reminders in out:
            lent = _at(day, hour * 60)
            candidates = [(k, info) for k, info in pools[kind] if info is not None or kind == Borrower.STAFF]
            picked = self.pick(candidates or pools[kind], lent, None)
            if not picked:
                continue
            k, info = picked[0]
            who = self.borrower(kind, info, k, lent)
            if who is None:
                continue
            self.lend(_Loan(kind, at=lent, due=self.rules.due(kind, lent), items=[(k, k.copies)],
                            reminders=[(_at(d, h * 60), u, m, n) for d, h, u, m, n in reminders], **who),
                      scripted=True)
        # Decoration permits still waiting: one recorded with its fees unpaid; another paid, its
        # second key handed over a few days before the anchor.
        for i, rid in enumerate(undecorated[:2]):
            issued = anchor - timedelta(days=9 - i * 3)
            paid = i == 1
            permit = _Permit(rid, issued, issued + timedelta(days=1) if paid else None, _at(issued, 10 * 60))
            self.permits.append(permit)
            if paid:
                z2 = by_room[rid][KeyKind.DECORATION_2]
                owner = self.owner[rid]
                at = _at(anchor - timedelta(days=2), 14.5 * 60)
                h = _Handover(rid, HandoverKind.SECOND_DECORATION, owner.id, owner.name, at, [z2], permit,
                              "装修手续已办结，费用已交清")
                self.handovers.append(h)
                _ev(z2, at, CLERK, Action.HAND_OVER, K.HANDED, f"{owner.name} 签收", h)
                self.unhang(z2, at)
        return missing

    # ------------------------------------------------------------------ hooks over time

    def allocate(self) -> dict[str, int]:
        """Hang and take down keys in time order, each on the lowest free hook of its cabinet (a new
        lock's key on its predecessor's); returns the hooks each cabinet needs."""
        free: dict[str, list[int]] = {}
        top: dict[str, int] = {}
        for at, _order, op, k, like in sorted(self.slot_ops, key=lambda x: (x[0], x[1])):
            if op == "unhang":
                slot = k.slot
                assert slot is not None, k.number
                k.slots[-1][2] = at
                free.setdefault(k.cabinet, []).append(slot)
                continue
            pool = free.setdefault(k.cabinet, [])
            if like is not None and like.slots and like.slots[-1][0] in pool:
                slot = like.slots[-1][0]
                pool.remove(slot)
            elif pool:
                slot = min(pool)
                pool.remove(slot)
            else:
                slot = top.get(k.cabinet, 0)
                top[k.cabinet] = slot + 1
            k.slots.append([slot, at, None])
        return top


# ------------------------------------------------------------------ writing it all


def _dims(need: int, cols: int, min_rows: int) -> tuple[int, int]:
    """rows × cols with about a tenth spare, at most 200 rows (as a cabinet's settings allow)."""
    want = int(need * 1.1) + cols
    rows = max(min_rows, -(-want // cols))
    while rows > 200:
        cols += 10
        rows = max(min_rows, -(-want // cols))
    return rows, cols


def _replay(k: _Key, hung: str) -> list[dict[str, Any]]:
    """The key's steps in time order with the states they leave from and lead to (`hung`: the
    cabinet and hook it was first hung on, which its first step notes, as the services do)."""
    state = ""
    rows = []
    for at, _n, user, action, to, note, ref in sorted(k.events, key=lambda e: (e[0], e[1])):
        if action in (Action.ACCEPT, Action.DEPOSIT, Action.CREATE):
            note = hung
        rows.append({"key_id": k.id, "at": at, "username": user, "action": str(action), "from_state": state,
                     "to_state": "" if to is None else str(to), "note": note,
                     "ref": ref if isinstance(ref, str) else (ref.serial if ref is not None else "")})
        if to is not None:
            state = str(to)
    return rows


def generate_keys(session: Session, rng: random.Random, anchor: date, months: int, room_ids: list[int],
                  clerks: Sequence[str] = ()) -> int:
    """The key cabinet's history over `months` months before `anchor` (local days). Returns the
    number of loans (《钥匙借领确认单》)."""
    if not room_ids:
        return 0
    _TZ[0] = local_tz()
    del clerks  # the 客服助理 keeps the key cabinet, the 客服主管 approves (CLERK, SUPERVISOR)
    b = _Builder(session, rng, anchor, months, room_ids)
    count_at = _at(anchor - timedelta(days=20), 16 * 60)
    b.accept_and_hand_over(count_at)
    b.commons_keys()
    if not b.keys:
        return 0
    missing = b.stories(count_at)
    b.daily_loans()
    b.deposits_()
    need = b.allocate()

    def tracked(at: datetime, by: str = CLERK) -> dict[str, Any]:
        return {"created_at": at, "created_by": by, "updated_at": at, "updated_by": by}

    # Cabinets and their hooks.
    first_at = min(a.at for a in b.acceptances) - timedelta(days=1)
    spec = [("1号钥匙柜", "客服中心前台", 20, 12), ("2号钥匙柜", "客服中心前台", 20, 12), ("公共区域钥匙柜", "客服中心后台", 10, 4)]
    cab_rows = []
    dims: dict[str, tuple[int, int]] = {}
    for name, place, cols, min_rows in spec:
        if name not in need:
            continue
        dims[name] = _dims(need[name], cols, min_rows)
        cab_rows.append({"name": name, "rows": dims[name][0], "cols": dims[name][1], "location": place,
                         "sort_order": len(cab_rows) + 1, "active": True, **tracked(first_at, SUPERVISOR)})
    _insert_rows(session, KeyCabinet.__table__, cab_rows)
    cab_id = dict(session.execute(select(KeyCabinet.name, KeyCabinet.id).where(KeyCabinet.name.in_(list(dims)))).all())
    hook_rows = []
    checked = _at(anchor - timedelta(days=25), 15 * 60)
    for name, (rows, cols) in dims.items():
        for r in range(rows):
            for c in range(cols):
                done = name == "1号钥匙柜" and r < 2 or name == "公共区域钥匙柜"
                hook_rows.append({"cabinet_id": cab_id[name], "row": r, "col": c, "label": default_label(r, c),
                                  "label_checked_at": checked if done else None,
                                  "label_checked_by": CLERK if done else "",
                                  "label_replaced": name == "1号钥匙柜" and r == 0 and c in (3, 11)})
    _insert_rows(session, KeyHook.__table__, hook_rows)
    hook_id: dict[tuple[str, int], int] = {}
    for cid, row, col, hid in session.execute(select(KeyHook.cabinet_id, KeyHook.row, KeyHook.col, KeyHook.id)
                                              .where(KeyHook.cabinet_id.in_(list(cab_id.values())))):
        name = next(n for n, i in cab_id.items() if i == cid)
        hook_id[(name, row * dims[name][1] + col)] = hid

    def label(name: str, slot: int) -> str:
        cols = dims[name][1]
        return f"{name}-{default_label(slot // cols, slot % cols)}"

    # Serial numbers per year in time order (YS-, TC-, JY-, JF-), as the services number them.
    def number(items: Sequence[Any], what: str, when: Any) -> None:
        counters: dict[int, int] = {}
        for x in sorted(items, key=when):
            y = _year(when(x))
            counters[y] = counters.get(y, 0) + 1
            x.serial = f"{SERIALS[what]}{y}-{counters[y]:06d}"

    number(b.acceptances, "acceptance", lambda a: a.at)
    number(b.deposits, "deposit", lambda d: d.at)
    number(b.loans, "loan", lambda x: x.at)
    number(b.handovers, "handover", lambda h: h.at)
    permit_seq = itertools.count(1)   # 装修许可证 and 收据 numbers, as the decoration office issues them
    for p in sorted(b.permits, key=lambda p: p.at):
        n = next(permit_seq)
        p.no = f"ZX-{_year(p.at)}-{n:04d}"
        p.receipt = f"SJ{_year(p.at) % 100:02d}{n:05d}" if p.paid else ""
    _insert_rows(session, KeyAcceptance.__table__, [
        {"serial": a.serial, "contractor_id": a.contractor_id, "company": a.company, "handed_by": a.handed_by,
         "accepted_at": a.at, "note": a.note, **tracked(a.at)} for a in b.acceptances])
    acc_id = dict(session.execute(select(KeyAcceptance.serial, KeyAcceptance.id)).all())
    _insert_rows(session, KeyDeposit.__table__, [
        {"serial": d.serial, "room_id": d.room_id, "person_id": d.person_id, "owner_name": d.owner,
         "owner_id_number": d.id_number, "phone": d.phone, "deposited_at": d.at, "reason": d.reason,
         "state": "returned" if d.back else "held", "returned_at": d.back[0] if d.back else None,
         "returned_to": d.back[1] if d.back else "", "returned_to_id_number": d.back[2] if d.back else "",
         "returned_by": CLERK if d.back else "", **tracked(d.at),
         "updated_at": d.back[0] if d.back else d.at} for d in b.deposits])
    dep_id = dict(session.execute(select(KeyDeposit.serial, KeyDeposit.id)).all())
    for d in b.deposits:
        d.id = dep_id[d.serial]
    delegates = [{"deposit_id": d.id, "name": n, "id_number": i, "valid_until": u}
                 for d in b.deposits for n, i, u in d.delegates]
    if delegates:
        _insert_rows(session, KeyDelegate.__table__, delegates)
    _insert_rows(session, DecorationPermit.__table__, [
        {"room_id": p.room_id, "permit_no": p.no, "issued_on": p.issued, "fees_paid": p.paid is not None,
         "receipt_no": p.receipt, "paid_on": p.paid, "note": "", **tracked(p.at)} for p in b.permits])
    permit_id = dict(session.execute(select(DecorationPermit.permit_no, DecorationPermit.id)).all())

    # The keys: where they hang at the anchor (handed over and retired ones nowhere).
    key_rows = []
    for k in b.keys:
        events = sorted(k.events, key=lambda e: (e[0], e[1]))
        state = next(str(e[4]) for e in reversed(events) if e[4] is not None)
        slot = k.slot
        hid = hook_id[(k.cabinet, slot)] if slot is not None else None
        if state in (K.HANDED, K.RETIRED):
            assert hid is None, k.number
        key_rows.append({"number": k.number, "room_id": k.room_id, "kind": str(k.kind), "copies": k.copies,
                         "accepted_copies": k.copies, "lock_no": k.lock_no, "door": "", "state": state,
                         "hook_id": hid, "home_hook_label": label(k.cabinet, slot) if slot is not None else "",
                         "note": k.note, "acceptance_id": acc_id[k.acceptance.serial] if k.acceptance else None,
                         "deposit_id": k.deposit.id if k.deposit else None, "replaced_by_id": None,
                         "created_at": k.accepted, "created_by": events[0][2], "updated_at": events[-1][0],
                         "updated_by": events[-1][2]})
    _insert_rows(session, Key.__table__, key_rows)
    key_id = dict(session.execute(select(Key.number, Key.id)).all())
    for k in b.keys:
        k.id = key_id[k.number]
    # (updated_at given: the ORM's bulk update would otherwise stamp it with the clock.)
    links = [{"id": k.id, "replaced_by_id": k.replaced_by.id, "updated_at": max(e[0] for e in k.events)}
             for k in b.keys if k.replaced_by is not None]
    if links:
        session.execute(update(Key).execution_options(synchronize_session=False), links)

    # Loans, their items and reminders.
    _insert_rows(session, KeyLoan.__table__, [
        {"serial": x.serial, "borrower_kind": str(x.kind), "borrower_name": x.name, "staff_id": x.staff_id,
         "work_id": x.work_id, "contractor_id": x.contractor_id, "company": x.company, "permit_no": x.permit_no,
         "person_id": x.person_id, "phone": x.phone, "purpose": x.purpose, "escort_id": x.escort_id,
         "lent_at": x.at, "due_at": x.due,
         "state": str(LoanState.OUT if x.back is None else LoanState.SHORT if x.returned and
                      sum(x.returned) < sum(n for _k, n in x.items) else LoanState.RETURNED),
         "returned_at": x.back, "returned_by": x.returned_by if x.back else "",
         "received_by": DISPLAY[x.receiver] if x.back else "", "return_note": x.note,
         "reminders": len(x.reminders), "last_reminded_at": max((r[0] for r in x.reminders), default=None),
         "created_at": x.at, "created_by": x.clerk, "updated_at": x.back or max([x.at, *(r[0] for r in x.reminders)]),
         "updated_by": x.receiver if x.back else x.clerk} for x in b.loans])
    loan_id = dict(session.execute(select(KeyLoan.serial, KeyLoan.id)).all())
    for x in b.loans:
        x.id = loan_id[x.serial]
    _insert_rows(session, KeyLoanItem.__table__, [
        {"loan_id": x.id, "key_id": k.id, "copies": n,
         "returned_copies": (x.returned[i] if x.returned else n) if x.back else None}
        for x in b.loans for i, (k, n) in enumerate(x.items)])
    reminders = [{"loan_id": x.id, "at": at, "username": user, "method": str(m), "note": note}
                 for x in b.loans for at, user, m, note in x.reminders]
    if reminders:
        _insert_rows(session, KeyReminder.__table__, reminders)
    _insert_rows(session, KeyHandover.__table__, [
        {"serial": h.serial, "room_id": h.room_id, "kind": str(h.kind), "recipient": h.recipient,
         "person_id": h.person_id, "at": h.at, "permit_id": permit_id[h.permit.no] if h.permit else None,
         "note": h.note, **tracked(h.at)} for h in b.handovers])

    # Lost keys: reported, the owner asked, 补配 or 换锁.
    for i in b.incidents:
        row = KeyIncident(key_id=i.key.id, kind=str(i.kind), copies=i.copies, source=i.source, reported_at=i.at,
                          reported_by=CLERK, description=i.description, loan_id=i.loan.id if i.loan else None,
                          state=str(IncidentState.RESOLVED), consent_by=i.owner, consent_at=i.consent_at,
                          consent_note=i.consent_note, remedy=str(i.remedy), approved_by=SUPERVISOR,
                          resolved_at=i.resolved_at, outcome=i.outcome, created_at=i.at, created_by=CLERK,
                          updated_at=i.resolved_at, updated_by=SUPERVISOR)
        session.add(row)
        session.flush()
        i.id = row.id

    # Every key's history, in time order (the ids agree with the times).
    events = sorted((e for k in b.keys for e in _replay(k, label(k.cabinet, k.slots[0][0]) if k.slots else "")),
                    key=lambda e: (e["at"], e["key_id"]))
    _insert_rows(session, KeyEvent.__table__, events)

    # Last month's count of the cabinet with the missing key: each hook as it was then.
    if missing is not None:
        _count(session, b, missing, count_at, dims, hook_id)
    return len(b.loans)


def _count(session: Session, b: _Builder, missing: _Key, at: datetime, dims: dict[str, tuple[int, int]],
           hook_id: dict[tuple[str, int], int]) -> None:
    name = missing.cabinet
    on_hook: dict[int, _Key] = {}
    for k in b.keys:
        if k.cabinet != name:
            continue
        for slot, start, end in k.slots:
            if start <= at and (end is None or end > at):
                on_hook[slot] = k
    out = {k for k in on_hook.values() if any(lent <= at and (back is None or back > at) for lent, back in k.loans)}
    started = at - timedelta(minutes=40)
    c = KeyCount(cabinet_id=session.scalar(select(KeyCabinet.id).where(KeyCabinet.name == name)), started_at=started,
                 finished_at=at, counted_by=CLERK, note="月度盘点", created_at=at, created_by=CLERK,
                 updated_at=at, updated_by=CLERK)
    session.add(c)
    session.flush()
    inc = next(i.id for i in b.incidents if i.key is missing)
    rows = []
    expected = present = 0
    rows_n, cols = dims[name]
    for slot in range(rows_n * cols):
        k = on_hook.get(slot)
        if k is None:
            result = "empty"
        elif k in out:
            result = "empty"         # out on loan: not expected on its hook
        elif k is missing:
            result = "missing"
            expected += 1
        else:
            result = "present"
            expected += 1
            present += 1
        rows.append({"count_id": c.id, "hook_id": hook_id[(name, slot)], "key_id": k.id if k else None,
                     "result": result, "note": "" if k is not missing else "钩位上没有这把钥匙",
                     "incident_id": inc if k is missing else None})
    _insert_rows(session, KeyCountLine.__table__, rows)
    c.expected, c.present, c.missing, c.unexpected = expected, present, 1, 0
