"""Demo history for 报修 (维修派工单, §六): about ten orders a day for a year, in every state.

Each order runs its course in memory — 派工, 到场, 报价 and the owner's signature for paid jobs,
完工验收 with a rating, the callback two days later, 归档 — with a few 退单, 转单, cancellations and
返修 follow-ups of 不满意 jobs, then everything is inserted in bulk. Times follow the urgency and the
engineers' working day, so most orders keep to the default limits and some are late. Orders
reported in the last days before the anchor are still on the board (待派工 … 待确认费用), those
done in the last two days wait for their callback. Some 报修 lines of the reception log become
orders (the line keeps the serial, the order the line's id).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.callbacks import METHOD_LABELS, SATISFACTION_LABELS, CallbackKind, Method, Satisfaction
from app.repairs import (
    CALLBACK_HOURS,
    CHANNEL_LABELS,
    ENGINEERING,
    PAID_LABELS,
    RATING_LABELS,
    SERIAL_PREFIX,
    URGENCY_LABELS,
    Action,
    Channel,
    Rating,
    RepairState,
    Urgency,
    categories,
)
from app.rooms import RoomKind
from app.timeutil import local_tz
from db.models import Callback, CallLog, Department, Occupant, Person, RepairEvent, RepairOrder, Room, Staff

CALLBACK_CLERKS = ("李助理", "张主管", "李助理", "李助理")
PER_600_HOUSEHOLDS = 5.0  # orders a day for the default demo community (4–8 with the seasons)
PAID_SHARE = 0.75          # about one order in seven is paid
S = RepairState
U = Urgency


@dataclass(frozen=True)
class Job:
    """One kind of fault: what the owner says, where, what the engineer plans and does."""

    category: str
    content: str
    location: str
    plan: str
    work: str
    common: bool = False                        # in a common area (not a home)
    urgency: tuple[int, int, int] = (85, 13, 2)  # weights of 一般, 紧急, 特急
    paid: float = 0.0                           # chance that the owner pays (× PAID_SHARE)
    prices: tuple[int, ...] = ()
    parts: float = 0.08                         # chance that it waits for parts (days)


JOBS: tuple[Job, ...] = (
    # 水
    Job("水", "厨房水龙头漏水", "厨房", "更换水龙头阀芯", "已更换阀芯，试水无渗漏", paid=0.45, prices=(35, 45, 60, 85)),
    Job("水", "卫生间下水道堵塞", "卫生间", "疏通下水管道", "已疏通下水道，排水正常", paid=0.15, prices=(50, 80, 120)),
    Job("水", "马桶水箱一直流水", "卫生间", "更换水箱配件", "已更换进水阀及排水阀，试用正常", paid=0.45,
        prices=(45, 68, 90)),
    Job("水", "楼上渗水，卫生间天花板滴水", "卫生间", "查找渗漏点，约楼上住户配合检查", "楼上防水层破损处已修补，观察两天无渗漏",
        urgency=(40, 55, 5), paid=0.08, prices=(300, 450, 600, 800), parts=0.25),
    Job("水", "进户水管爆裂，屋内漏水", "厨房", "关闭进户阀门，更换破裂管段", "已更换破裂水管，试压正常",
        urgency=(0, 30, 70), paid=0.25, prices=(180, 260, 350)),
    Job("水", "热水器进水管接头漏水", "阳台", "更换接头及软管", "已更换不锈钢软管，无渗漏", paid=0.4, prices=(30, 40, 55)),
    Job("水", "水泵房水泵运行有异响", "水泵房", "检查水泵轴承", "已更换水泵轴承，运行平稳", common=True,
        urgency=(50, 45, 5), parts=0.2),
    Job("水", "楼道消防栓箱内漏水", "楼道消防栓", "更换消防栓阀门密封圈", "已更换密封圈，无渗漏", common=True),
    # 电
    Job("电", "客厅灯不亮，开关无反应", "客厅", "检查线路及开关", "已更换墙壁开关，照明正常", paid=0.3, prices=(30, 45, 60)),
    Job("电", "厨房插座没电", "厨房", "检查插座及回路", "插座接线松动，已重新接线，通电正常", paid=0.08, prices=(30, 50)),
    Job("电", "一开空调就跳闸", "入户配电箱", "检查空调回路及空气开关", "已更换漏电保护开关，空调运行正常",
        urgency=(55, 43, 2), paid=0.35, prices=(80, 120, 150)),
    Job("电", "整户停电", "入户配电箱", "检查入户总开关及电表", "入户总开关损坏，已更换，恢复供电",
        urgency=(0, 60, 40), paid=0.15, prices=(120, 180)),
    Job("电", "卫生间浴霸不工作", "卫生间", "检查浴霸电源及灯泡", "已更换浴霸取暖灯泡两只，工作正常", paid=0.6,
        prices=(60, 90, 150)),
    Job("电", "楼道感应灯不亮", "楼道", "更换感应灯", "已更换感应灯具，感应正常", common=True),
    Job("电", "地下车库照明灯坏了多盏", "地下车库", "逐盏检查更换灯管", "已更换灯管 12 支", common=True),
    Job("电", "配电室变压器温度报警", "配电室", "检查散热风机及负荷", "散热风机故障，已更换，温度恢复正常",
        common=True, urgency=(0, 40, 60)),
    # 门窗
    Job("门窗", "入户门锁芯卡住，钥匙拧不动", "入户门", "检查锁芯，必要时更换", "已更换 C 级锁芯，交业主钥匙三把",
        urgency=(40, 55, 5), paid=0.65, prices=(120, 180, 260)),
    Job("门窗", "卧室窗户关不严，漏风", "卧室", "调整窗扇及五金件", "已调整合页并更换密封条", paid=0.3, prices=(50, 80)),
    Job("门窗", "阳台推拉门滑轮坏了", "阳台", "更换推拉门滑轮", "已更换滑轮四只，推拉顺畅", paid=0.5, prices=(60, 90, 120)),
    Job("门窗", "纱窗破损需要更换", "卧室", "测量尺寸，更换纱网", "已更换纱网", paid=0.7, prices=(40, 60, 80), parts=0.3),
    Job("门窗", "单元门闭门器损坏，门关不上", "单元门", "更换闭门器", "已更换闭门器，开关正常", common=True,
        urgency=(60, 38, 2)),
    # 暖气
    Job("暖气", "暖气片不热", "卧室", "排气，检查阀门及过滤网", "已排气并清洗过滤网，温度正常", paid=0.03, prices=(50,)),
    Job("暖气", "暖气阀门漏水", "客厅", "关闭阀门，更换阀芯", "已更换暖气阀芯，无渗漏", urgency=(30, 65, 5), paid=0.3,
        prices=(60, 90, 150)),
    Job("暖气", "地暖分水器漏水", "厨房", "检查分水器接口", "已更换分水器活接及密封件，试压正常", urgency=(30, 65, 5),
        paid=0.4, prices=(150, 260, 380)),
    Job("暖气", "换热站循环泵故障", "换热站", "检修循环泵", "已更换循环泵机械密封，供暖恢复", common=True,
        urgency=(0, 60, 40)),
    # 燃气
    Job("燃气", "闻到燃气味，怀疑漏气", "厨房", "关闭总阀，检测漏点", "燃气软管老化开裂，已更换并检测无泄漏",
        urgency=(0, 20, 80), paid=0.3, prices=(35, 50)),
    Job("燃气", "燃气灶点不着火", "厨房", "检查点火器及电池", "已更换点火针，打火正常", paid=0.4, prices=(40, 60)),
    Job("燃气", "燃气表不走字", "厨房", "检查燃气表", "已联系燃气公司上门更换燃气表", parts=0.4),
    # 公共设施
    Job("公共设施", "单元门禁对讲无法开门", "单元门", "检查门禁主机及电磁锁", "电磁锁损坏，已更换，门禁正常",
        common=True, urgency=(55, 43, 2)),
    Job("公共设施", "路灯不亮", "", "检查路灯线路及灯具", "已更换路灯光源，照明正常", common=True),
    Job("公共设施", "地下车库道闸不抬杆", "地下车库出口", "检查道闸控制器", "道闸地感线圈损坏，已更换", common=True,
        urgency=(10, 80, 10)),
    Job("公共设施", "健身器材螺丝松动", "健身区", "紧固并检查器材", "已紧固全部器材螺丝并做安全检查", common=True),
    Job("公共设施", "监控摄像头画面黑屏", "监控中心", "检查摄像头电源及线路", "摄像头电源适配器损坏，已更换", common=True,
        urgency=(60, 40, 0)),
    Job("公共设施", "垃圾房门锁坏了", "垃圾房", "更换门锁", "已更换挂锁及锁扣", common=True),
    # 电梯
    Job("电梯", "电梯运行有异响", "电梯", "通知电梯维保单位检查", "维保单位已调整导靴并加注润滑，运行平稳", common=True,
        urgency=(40, 58, 2)),
    Job("电梯", "电梯按钮失灵", "电梯", "通知维保单位更换按钮", "维保单位已更换外呼按钮", common=True),
    Job("电梯", "电梯门关不上", "电梯", "停梯并通知维保单位", "维保单位已调整门机及门刀，运行正常", common=True,
        urgency=(0, 80, 20)),
    Job("电梯", "电梯困人", "电梯", "安抚被困人员，通知维保单位救援", "维保单位到场放人并排除故障，运行正常", common=True,
        urgency=(0, 0, 100), parts=0.0),
    # 其他
    Job("其他", "空调冷凝水管滴水到楼下阳台", "阳台", "重新固定冷凝水管引入排水管", "已将冷凝水管引入雨水管", paid=0.2,
        prices=(30, 50)),
    Job("其他", "晾衣架升降卡住", "阳台", "检查钢丝绳及摇把", "已更换钢丝绳，升降顺畅", paid=0.6, prices=(50, 80)),
    Job("其他", "防盗网松动", "卧室窗外", "加固防盗网", "已加装膨胀螺栓加固", urgency=(50, 48, 2), paid=0.3, prices=(60, 100)),
    Job("其他", "卫生间墙面瓷砖空鼓脱落", "卫生间", "铲除空鼓瓷砖重新铺贴", "已重新铺贴瓷砖六块", paid=0.55,
        prices=(200, 350, 500), parts=0.3),
)
# The 报修 lines of the demo reception log (app/demo_calls.py) and the job each one is.
CALL_JOBS = {"卫生间下水道堵塞": 1, "客厅灯不亮，开关无反应": 8, "厨房水龙头漏水": 0, "单元门禁对讲无法开门": 28,
             "空调冷凝水管滴水到楼下阳台": 38}
STREET_LIGHT_JOB = 29  # "{place}路灯不亮"

# Share of each category by month: more 水 and 电 in summer, 暖气 in the heating months.
BASE_WEIGHTS = {"水": 22, "电": 20, "门窗": 13, "暖气": 2, "燃气": 5, "公共设施": 15, "电梯": 8, "其他": 12}
SUMMER = {6: 1.5, 7: 1.7, 8: 1.7, 9: 1.3}
HEATING = {11: 10, 12: 16, 1: 18, 2: 14, 3: 8}
PLACES = ("东门", "西门", "中心花园", "儿童游乐区", "北侧消防通道", "3号楼门前")

CHANNEL_WEIGHTS = ((Channel.PHONE, 66), (Channel.VISIT, 16), (Channel.COUNTER, 18))  # 巡查发现: common areas
PREFERRED = ("今天下午", "明天上午", "工作日 18 点以后", "周末上午", "上午 10 点前", "")
UNHAPPY = ("修完第二天又开始漏水", "师傅迟到一个多小时，也没有提前联系", "修完没多久又坏了", "现场没有清理干净",
           "认为收费偏高")
SEND_BACK = ("配件型号不符，需另派熟悉该型号的师傅", "临时接到紧急抢修任务", "不属于本人专业，需电工处理",
             "业主临时不在家，约不上时间")
TRANSFER = ("原维修人员调休，转交同组人员跟进", "需要持证电工操作", "原维修人员被调去抢修，转交继续处理")
CANCEL_PENDING = ("业主自行修好，取消报修", "重复报修，已在另一张派工单处理", "业主已自行联系厂家售后")
CANCEL_DISPATCHED = ("业主临时外出，改日另行报修", "业主表示问题已消失，暂不需要维修")
CANCEL_FEE = ("业主不同意维修费用，自行找人处理", "业主认为费用偏高，暂不维修")
CALLBACK_CONTENT = ("维修后使用正常", "业主确认已修好，师傅态度好", "维修后无渗漏", "业主表示满意，感谢及时处理")

# The board on the anchor day: the last orders stop in turn at these states (so that every state
# shows, also in a small demo); a chargeable one or two wait for the owner's signature.
STOPS = (S.PENDING, S.DISPATCHED, None, S.IN_PROGRESS, S.DONE, None, S.DISPATCHED, S.CALLED_BACK, None,
         S.IN_PROGRESS, S.CANCELLED, S.PENDING, None)
RECENT = timedelta(days=2)
STAGE = {S.PENDING: 0, S.CANCELLED: 1, S.DISPATCHED: 2, S.IN_PROGRESS: 3, S.AWAITING_FEE: 4, S.DONE: 5,
         S.CALLED_BACK: 6}


def _chargeable(job: Job) -> bool:
    return not job.common and bool(job.prices)


Note = str | Callable[[], str]


@dataclass
class _Order:
    values: dict[str, Any]
    job: Job
    local_year: int
    events: list[tuple[datetime, str, str, str, str, int | None, Note]] = field(default_factory=list)
    callback: dict[str, Any] | None = None
    parent: _Order | None = None
    seq: int = 0
    serial: str = ""
    id: int = 0


def _at(local_day: date, minutes: float) -> datetime:
    """A local day and minutes into it, as UTC to the second."""
    return (datetime.combine(local_day, time.min).replace(tzinfo=local_tz())
            + timedelta(seconds=round(minutes * 60))).astimezone(UTC)


def _next_shift(t: datetime, rng: random.Random) -> datetime:
    """The same moment inside 08:00–17:30, or the next morning's first round (08:00–09:30)."""
    lt = t.astimezone(local_tz())
    if 8 <= lt.hour + lt.minute / 60 < 17.5:
        return t
    day = lt.date() if lt.hour < 8 else lt.date() + timedelta(days=1)
    return _at(day, 8 * 60 + rng.uniform(0, 90))


def _money(v: Decimal) -> str:
    return f"¥{v:,.2f}"


class _Builder:
    def __init__(self, session: Session, rng: random.Random, cutoff: datetime, clerks: Sequence[str]) -> None:
        self.rng = rng
        self.cutoff = cutoff
        self.clerks = list(clerks) or ["demo"]
        self.orders: list[_Order] = []
        cats = categories(session)
        self.category = {c: (c if c in cats else ("其他" if "其他" in cats else cats[0])) for c in BASE_WEIGHTS}
        # Engineers: each has a trade and takes most of its jobs.
        self.engineers = session.execute(
            select(Staff.id, Staff.name).join(Department, Staff.department_id == Department.id)
            .where(Department.code == ENGINEERING, Staff.active.is_(True)).order_by(Staff.id)).all()
        trades = ["水", "电", "门窗", "公共设施", "暖气", "电梯"]
        self.trade = {sid: trades[i % len(trades)] for i, (sid, _n) in enumerate(self.engineers)}
        self.pace = {sid: rng.uniform(0.7, 1.4) for sid, _n in self.engineers}
        self.names = {sid: n for sid, n in self.engineers}
        self.pools: dict[tuple[str, int | None], tuple[list[Any], list[float]]] = {}
        # Reporters: the first owner (with a phone) of each home; guards report what they find on rounds.
        self.owners: dict[int, tuple[str, str]] = {}
        for rid, name, phone in session.execute(
                select(Occupant.room_id, Person.name, Person.phone).join(Person, Occupant.person_id == Person.id)
                .where(Occupant.active.is_(True), Person.phone != "")
                .order_by(Occupant.relation != "owner", Occupant.id)):
            self.owners.setdefault(rid, (name, phone))
        self.guards = session.execute(
            select(Staff.name, Staff.phone).join(Department, Staff.department_id == Department.id)
            .where(Department.code.in_(("security", "engineering")), Staff.phone != "")
            .order_by(Staff.id)).all()
        common = session.execute(select(Room.id, Room.code, Room.name).where(
            Room.kind == str(RoomKind.COMMON), Room.active.is_(True)).order_by(Room.id)).all()
        self.common = {name: rid for rid, _code, name in common}
        self.lifts = [rid for rid, _code, name in common if name == "电梯机房"]

    # ------------------------------------------------------------------ one order

    def engineer(self, category: str, other_than: int | None = None) -> int:
        key = (category, other_than)
        if key not in self.pools:
            ids = [sid for sid, _n in self.engineers if sid != other_than] or [other_than]
            self.pools[key] = (ids, list(itertools.accumulate(
                self.pace.get(sid, 1) * (4 if self.trade.get(sid) == category else 1) for sid in ids)))
        ids, cum = self.pools[key]
        return self.rng.choices(ids, cum_weights=cum)[0]

    def place(self, job: Job, home: int) -> tuple[int, str]:
        """The room (a home, or a common area) and the exact spot of a job."""
        rng = self.rng
        if not job.common:
            return home, job.location
        if job.category == "电梯" and self.lifts:
            return rng.choice(self.lifts), f"{rng.randint(1, 2)}号电梯"
        rooms = {"水泵房": "水泵房", "换热站": "水泵房", "配电室": "配电室", "地下车库": "地下车库",
                 "地下车库出口": "地下车库", "监控中心": "监控中心", "垃圾房": "垃圾房"}
        name = rooms.get(job.location, "会所")  # outdoors: the clubhouse is the nearest common area
        if name in self.common and job.location not in ("楼道", "楼道消防栓", "单元门"):
            return self.common[name], "" if job.location == name else (job.location or f"{rng.choice(PLACES)}路灯")
        # A unit's door or stairs: by the home of whoever reports it (the code names building and unit).
        return home, job.location

    def add(self, reported: datetime, job: Job, home: int, stop: S | None = None,
            call: tuple[int, str, str, str, str] | None = None, parent: _Order | None = None,
            reopen_reason: str = "", urgency: Urgency | None = None) -> _Order | None:
        rng = self.rng
        if parent is not None:  # 返修: the same place and reporter, free of charge
            p = parent.values
            room, location, reporter, contact = p["room_id"], p["location"], p["reporter"], p["contact"]
            channel, paid, content = Channel.PHONE, False, p["content"]
        else:
            room, location = self.place(job, home)
            reporter, contact = self.owners.get(home, ("", ""))
            if call is not None:
                _cid, channel_code, name, phone, content = call
                channel = Channel.VISIT if channel_code == "visit" else Channel.PHONE
                reporter, contact = name or reporter, phone or contact
                if content.endswith("路灯不亮"):
                    room, location = self.common.get("会所", room), content.removesuffix("不亮")
            else:
                content = job.content
                if job.common and (rng.random() < 0.6 or not reporter):
                    channel = Channel.INSPECTION
                else:
                    channel = rng.choices([c for c, _w in CHANNEL_WEIGHTS], [w for _c, w in CHANNEL_WEIGHTS])[0]
                if channel == Channel.INSPECTION or not reporter:  # found on rounds
                    if not self.guards:
                        return None
                    channel = Channel.INSPECTION
                    reporter, contact = rng.choice(self.guards)
            paid = bool(job.prices) and not job.common and rng.random() < job.paid * PAID_SHARE
        if urgency is None:
            urgency = rng.choices(list(U), job.urgency)[0]
        if stop == S.AWAITING_FEE:  # only chargeable jobs are given this stop
            paid = True
        # Some paid jobs are marked so at intake; the others become paid when the engineer quotes.
        paid_at_intake = paid and rng.random() < 0.6
        preferred = rng.choice(PREFERRED) if urgency == U.NORMAL and rng.random() < 0.3 else ""
        clerk = rng.choice(self.clerks)
        local = reported.astimezone(local_tz())
        v: dict[str, Any] = {
            "serial": "", "reported_at": reported, "channel": str(channel), "reporter": reporter,
            "contact": contact, "room_id": room, "location": location, "category": self.category[job.category],
            "content": content, "urgency": str(urgency), "paid": paid_at_intake, "preferred_time": preferred,
            "state": str(S.PENDING), "engineer_id": None, "dispatched_at": None, "arrived_at": None, "plan": "",
            "quote_amount": None, "quote_note": "", "fee_accepted_at": None, "fee_accepted_by": "",
            "completed_at": None, "work_done": "", "owner_signed_by": "", "rating": "", "owner_comment": "",
            "response_minutes": None, "completion_minutes": None, "called_back_at": None, "archived_at": None,
            "cancelled_at": None, "cancel_reason": "", "call_id": call[0] if call else None,
            "follow_up_of_id": None, "created_at": reported, "created_by": clerk, "updated_at": reported,
            "updated_by": clerk,
        }
        o = _Order(v, job, local.year, parent=parent, seq=len(self.orders))
        if parent is not None:
            v["content"] = lambda: f"返修（原单 {parent.serial}）：{reopen_reason}\n原报修内容：{content}"
        note = f"{CHANNEL_LABELS[channel]}报修 · {URGENCY_LABELS[urgency]} · {PAID_LABELS[paid_at_intake]}"
        if preferred:
            note += f" · 预约：{preferred}"
        o.events.append((reported, clerk, "create", "", str(S.PENDING), None, note))
        if parent is not None:
            o.events.append((reported, clerk, "follow_up_created", str(S.PENDING), str(S.PENDING), None,
                             lambda: f"由 {parent.serial} 返修（业主不满意）"))
        self.orders.append(o)
        self.run(o, urgency, paid, stop)
        return o

    def run(self, o: _Order, urgency: Urgency, paid: bool, stop: S | None) -> None:
        rng, v, job = self.rng, o.values, o.job
        t = v["reported_at"]
        clerk = v["created_by"]

        def step(when: datetime, action: str, to: S | None, note: Note, engineer: int | None = None,
                 who: str | None = None) -> bool:
            nonlocal t
            when = max(when.replace(microsecond=0), t)
            if when >= self.cutoff:
                return False
            frm = v["state"]
            if to is not None:
                v["state"] = str(to)
            who = who or clerk
            o.events.append((when, who, action, frm, v["state"], engineer if engineer is not None
                             else v["engineer_id"], note))
            v["updated_at"], v["updated_by"] = when, who
            t = when
            return True

        def minutes(a: float, b: float) -> timedelta:
            return timedelta(minutes=rng.uniform(a, b))

        def cancel(after: timedelta, reasons: tuple[str, ...]) -> None:
            reason = rng.choice(reasons)
            if step(t + after, str(Action.CANCEL), S.CANCELLED, reason):
                v["cancelled_at"], v["cancel_reason"] = t, reason

        if stop == S.PENDING:
            return
        if stop == S.CANCELLED or rng.random() < 0.012:
            cancel(minutes(10, 300), CANCEL_PENDING)
            return

        def dispatch_at() -> datetime:
            if urgency == U.EMERGENCY:
                return t + minutes(1, 8)
            if urgency == U.URGENT:
                return t + minutes(3, 25)
            return _next_shift(t + minutes(10, 120), rng)

        def dispatch(engineer: int) -> bool:
            if not step(dispatch_at(), str(Action.DISPATCH), S.DISPATCHED,
                        f"派给 {self.names[engineer]}，签收", engineer):
                return False
            v["engineer_id"], v["dispatched_at"] = engineer, t
            return True

        if not dispatch(self.engineer(job.category)):
            return
        if len(self.engineers) > 1 and rng.random() < 0.03:  # 退单, then sent to someone else
            who = v["engineer_id"]
            if not step(t + minutes(15, 90), str(Action.SEND_BACK), S.PENDING,
                        f"{self.names[who]} 退单：{rng.choice(SEND_BACK)}", who):
                return
            v["engineer_id"], v["dispatched_at"] = None, None
            if not dispatch(self.engineer(job.category, other_than=who)):
                return
        if stop == S.DISPATCHED:
            return
        if rng.random() < 0.005:
            cancel(minutes(20, 240), CANCEL_DISPATCHED)
            return
        # On site: the response time.
        if urgency == U.EMERGENCY:
            travel = minutes(30, 70) if rng.random() < 0.08 else minutes(4, 22)
        elif urgency == U.URGENT:
            travel = minutes(130, 260) if rng.random() < 0.07 else minutes(10, 80)
        else:
            travel = minutes(20, 240) if rng.random() < 0.85 else minutes(240, 600)
        arrive = t + travel
        if urgency == U.NORMAL:
            arrive = _next_shift(arrive, rng)
            if rng.random() < 0.03:  # the owner was out: a day later
                arrive = _next_shift(arrive + timedelta(days=1, hours=rng.uniform(0, 6)), rng)
        if not step(arrive, str(Action.ARRIVE), S.IN_PROGRESS, f"到场确认；方案：{job.plan}"):
            return
        v["arrived_at"], v["plan"] = t, job.plan
        v["response_minutes"] = int((t - v["reported_at"]).total_seconds() // 60)
        if len(self.engineers) > 1 and rng.random() < 0.025:  # 转单
            old = v["engineer_id"]
            new = self.engineer(job.category, other_than=old)
            if not step(t + minutes(10, 90), str(Action.TRANSFER), None,
                        f"{self.names[old]} 转给 {self.names[new]}：{rng.choice(TRANSFER)}", new):
                return
            v["engineer_id"], v["dispatched_at"] = new, t
        if stop == S.IN_PROGRESS:
            return
        work_from = t
        if paid:
            amount = Decimal(rng.choice(job.prices) + rng.choice((0, 0, 0, 5, 10, 15))).quantize(Decimal("0.01"))
            if rng.random() < 0.1:
                amount += Decimal("0.50")
            labour = min(amount, Decimal(rng.choice((20, 30, 50))))
            qnote = f"材料费 {amount - labour} 元，人工费 {labour} 元"
            if not step(t + minutes(5, 40), str(Action.QUOTE), S.AWAITING_FEE, f"报价 {_money(amount)}（{qnote}）"):
                return
            v["paid"], v["quote_amount"], v["quote_note"] = True, amount, qnote
            if stop == S.AWAITING_FEE:
                return
            if rng.random() < 0.06:
                cancel(minutes(30, 600), CANCEL_FEE)
                return
            signer = v["reporter"]
            wait = minutes(2, 20) if rng.random() < 0.75 else minutes(60, 1200)
            if not step(t + wait, str(Action.ACCEPT_FEE), S.IN_PROGRESS, f"{signer} 签字确认费用 {_money(amount)}"):
                return
            v["fee_accepted_at"], v["fee_accepted_by"] = t, signer
            work_from = t
        # Done: most jobs within the hour or two; some wait for parts.
        if urgency == U.EMERGENCY:
            work = minutes(20, 150) if rng.random() < 0.9 else minutes(200, 420)
            done = work_from + work
        elif rng.random() < job.parts * (0.4 if urgency == U.URGENT else 1):
            days = rng.choice((1, 1, 2, 2, 3, 5)) if urgency == U.NORMAL else 1
            done = _next_shift(work_from + timedelta(days=days, hours=rng.uniform(-3, 3)), rng)
            done = max(done, work_from + minutes(30, 90))
        else:
            done = work_from + minutes(15, 120)
        rating = rng.choices(list(Rating), (78, 18, 4))[0]
        comment = rng.choice(UNHAPPY if paid else UNHAPPY[:-1]) if rating == Rating.DISSATISFIED else (
            "师傅很专业" if rng.random() < 0.1 else "")
        signer = v["reporter"]
        note = f"{job.work}；{signer} 验收签字：{RATING_LABELS[rating]}" + (f"；意见：{comment}" if comment else "")
        if not step(done, str(Action.COMPLETE), S.DONE, note):
            return
        v["completed_at"], v["completion_minutes"] = t, int((t - v["reported_at"]).total_seconds() // 60)
        v["work_done"], v["owner_signed_by"], v["rating"], v["owner_comment"] = job.work, signer, str(rating), comment
        completed = t
        cb: dict[str, Any] = {
            "kind": str(CallbackKind.REPAIR), "room_id": v["room_id"], "person_name": v["reporter"],
            "contact": v["contact"], "due_at": completed + timedelta(hours=CALLBACK_HOURS),
            "urgent": rating == Rating.DISSATISFIED, "source": "repair", "plan_month": "", "state": "due",
            "done_at": None, "done_by": "", "method": "", "content": "", "opinion": "", "satisfaction": "",
            "follow_up": "", "complaint_id": None, "created_at": completed, "created_by": clerk,
            "updated_at": completed, "updated_by": clerk,
        }
        category = v["category"]
        cb["reason"] = (lambda: f"维修 {o.serial}（{category}）完工后回访"
                        + (f"：业主验收不满意（{comment}）" if rating == Rating.DISSATISFIED else ""))
        o.callback = cb
        if stop == S.DONE:
            return
        # 返修: most 不满意 jobs are done again as a linked order within the day.
        called = completed + (timedelta(hours=rng.uniform(49, 90)) if rng.random() < 0.07
                              else timedelta(hours=rng.uniform(2, 46)))
        follow: list[_Order] = []
        if rating == Rating.DISSATISFIED and o.parent is None and rng.random() < 0.75:
            if step(completed + minutes(30, 600), str(Action.REOPEN), None,
                    lambda: f"返修单 {follow[0].serial}：{comment}"):
                child = self.add(t, job, v["room_id"], parent=o, reopen_reason=comment, urgency=U.URGENT)
                assert child is not None
                follow.append(child)
                called = t + timedelta(hours=rng.uniform(4, 40))  # after the job is done again
        method = Method.PHONE if rng.random() < 0.85 else Method.VISIT
        sat = Satisfaction.BASIC if rating == Rating.DISSATISFIED or rng.random() < 0.12 else Satisfaction.SATISFIED
        if rating != Rating.DISSATISFIED:
            content = rng.choice(CALLBACK_CONTENT)
        else:
            content = "返修后问题已解决，业主基本认可" if follow else "已向业主致歉并说明原因，业主基本认可"
        done_by = rng.choice(CALLBACK_CLERKS)
        note = f"{METHOD_LABELS[method]}回访（{done_by}）：{SATISFACTION_LABELS[sat]}。{content}"
        if not step(called, str(Action.MARK_CALLED_BACK), S.CALLED_BACK, note):
            return
        v["called_back_at"] = t
        cb.update(state="done", done_at=t, done_by=done_by, method=str(method), content=content,
                  satisfaction=str(sat), updated_at=t)
        if stop == S.CALLED_BACK:
            return
        if step(t + timedelta(hours=rng.uniform(4, 240)), str(Action.ARCHIVE), S.ARCHIVED, "派工单已交回客服中心存档"):
            v["archived_at"] = t


def _insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany of plain rows (all with the same keys), each value through its column type.

    What Session.execute(insert(table), rows) does, without SQLAlchemy's per-row bookkeeping,
    which is most of the time of the tens of thousands of timeline rows."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    procs = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]
    quote = dialect.identifier_preparer.quote
    style = dialect.paramstyle
    if style == "qmark":
        marks = ["?"] * len(keys)
    elif style == "format":
        marks = ["%s"] * len(keys)
    elif style == "numeric":
        marks = [f":{i}" for i in range(1, len(keys) + 1)]
    elif style == "named":
        marks = [f":p{i}" for i in range(len(keys))]
    else:  # pyformat
        marks = [f"%(p{i})s" for i in range(len(keys))]
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
           f"VALUES ({', '.join(marks)})")
    pairs = list(zip(keys, procs, strict=True))
    values = [tuple(r[k] if f is None or r[k] is None else f(r[k]) for k, f in pairs) for r in rows]
    if style in ("named", "pyformat"):
        conn.exec_driver_sql(sql, [{f"p{i}": v for i, v in enumerate(t)} for t in values])
    else:
        conn.exec_driver_sql(sql, values)


def _weights(month: int) -> list[float]:
    """Cumulative weights of JOBS in a month: more 水 and 电 in summer, 暖气 in the heating months."""
    w = dict(BASE_WEIGHTS)
    w["水"] *= SUMMER.get(month, 1)
    w["电"] *= SUMMER.get(month, 1)
    w["暖气"] = HEATING.get(month, w["暖气"])
    per = {c: sum(1 for j in JOBS if j.category == c) for c in w}
    return list(itertools.accumulate(w[j.category] / per[j.category] for j in JOBS))


def generate_repairs(session: Session, rng: random.Random, anchor: date, months: int, room_ids: list[int],
                     clerks: Sequence[str] = ()) -> int:
    """Repair orders reported over `months` months before `anchor` (local days). Returns the count."""
    if not room_ids:
        return 0
    first = anchor - timedelta(days=round(months * 30.44))
    cutoff = _at(anchor, 0)
    b = _Builder(session, rng, cutoff, clerks)
    if not b.engineers:
        return 0
    homes = [r for r in room_ids if r in b.owners] or list(room_ids)
    # About five a day for 600 homes; fewer for a small community, and more slowly more for a big one
    # (one team of engineers, and the demo stays quick to build).
    size = len(room_ids) / 600
    per_day = max(0.3, PER_600_HOUSEHOLDS * (size if size <= 1 else min(size ** 0.5, 3.0)))
    # 报修 lines of the reception log, by local day: about half become orders.
    calls: dict[date, list[tuple[int, str, str, str, str]]] = {}
    tz = local_tz()
    for cid, at, channel, name, phone, room, content in session.execute(
            select(CallLog.id, CallLog.at, CallLog.channel, CallLog.caller_name, CallLog.contact, CallLog.room_id,
                   CallLog.content)
            .where(CallLog.kind == "repair", CallLog.at >= _at(first, 0), CallLog.at < cutoff,
                   CallLog.repair_ref == "", CallLog.room_id.is_not(None), CallLog.contact != "")
            .order_by(CallLog.at)):
        calls.setdefault(at.astimezone(tz).date(), []).append((cid, channel, name, phone, content, room, at))
    # First what is reported when, then each order's course (the last ones stop on the board).
    intake: list[tuple[datetime, Job, int, tuple[int, str, str, str, str] | None]] = []
    day = first
    weights_of = {m: _weights(m) for m in range(1, 13)}
    while day < anchor:
        weights = weights_of[day.month]
        season = 1.15 if day.month in SUMMER else (1.05 if day.month in HEATING else 1.0)
        mean = per_day * season * (1.1 if day.weekday() >= 5 else 1.0)
        n = max(0, round(rng.uniform(0.7, 1.3) * mean)) if mean >= 3 else int(mean) + (rng.random() < mean % 1)
        todays: list[tuple[datetime, Job, int, tuple[int, str, str, str, str] | None]] = []
        for cid, channel, name, phone, content, room, at in calls.get(day, []):
            if rng.random() < 0.5:
                continue
            job = JOBS[CALL_JOBS[content]] if content in CALL_JOBS else (
                JOBS[STREET_LIGHT_JOB] if content.endswith("路灯不亮") else None)
            if job is not None:
                todays.append((at + timedelta(seconds=rng.randint(60, 480)), job, room,
                               (cid, channel, name, phone, content)))
        for _ in range(max(0, n - len(todays))):
            job = rng.choices(JOBS, cum_weights=weights)[0]
            urgent_hour = rng.random() < 0.06 and job.urgency[2] > 0
            minute = rng.uniform(0, 24 * 60) if urgent_hour else rng.triangular(7 * 60, 21.5 * 60, 10 * 60)
            todays.append((_at(day, minute), job, rng.choice(homes), None))
        intake += sorted((x for x in todays if x[0] < cutoff), key=lambda x: x[0])
        day += timedelta(days=1)
    recent = min(len(intake), max(len(STOPS), sum(1 for x in intake if cutoff - x[0] < RECENT)))
    tail = [STOPS[i % len(STOPS)] for i in range(recent)]
    # The older of the last orders stop further along (a later one has not had the time).
    later = iter(sorted((st for st in tail if st is not None), key=lambda st: -STAGE[st]))
    stops = [None] * (len(intake) - recent) + [st if st is None else next(later) for st in tail]
    fee = [i for i in range(len(intake) - recent, len(intake))
           if _chargeable(intake[i][1]) and stops[i] is None and cutoff - intake[i][0] > timedelta(hours=20)]
    for i in rng.sample(fee, min(len(fee), max(1, recent // 12))):
        stops[i] = S.AWAITING_FEE
    for (reported, job, home, call), stop in zip(intake, stops, strict=True):
        b.add(reported, job, home, stop=stop, call=call, urgency=U.EMERGENCY if job.urgency == (0, 0, 100) else None)
    orders = b.orders
    if not orders:
        return 0

    # Serials in reported order, per year, after whatever the year already holds.
    orders.sort(key=lambda o: (o.values["reported_at"], o.seq))
    counters: dict[int, int] = {}
    for o in orders:
        if o.local_year not in counters:
            prefix = f"{SERIAL_PREFIX}{o.local_year}-"
            last = session.scalar(select(func.max(RepairOrder.serial)).where(
                RepairOrder.serial >= prefix, RepairOrder.serial < f"{prefix}~"))
            counters[o.local_year] = int(last[len(prefix):]) if last else 0
        counters[o.local_year] += 1
        o.serial = f"{SERIAL_PREFIX}{o.local_year}-{counters[o.local_year]:06d}"
    rows = []
    for o in orders:
        v = dict(o.values, serial=o.serial)
        if callable(v["content"]):
            v["content"] = v["content"]()
        rows.append(v)
    # Plain executemany (the ORM would also split the rows into groups by which columns are NULL);
    # the ids are read back by serial (RETURNING in parameter order runs row by row on SQLite).
    _insert_rows(session, RepairOrder.__table__, rows)
    id_of: dict[str, int] = {}
    for year in counters:
        prefix = f"{SERIAL_PREFIX}{year}-"
        id_of.update(session.execute(select(RepairOrder.serial, RepairOrder.id).where(
            RepairOrder.serial >= prefix, RepairOrder.serial < f"{prefix}~")).all())
    for o in orders:
        o.id = id_of[o.serial]
    # (updated_at given: the ORM's bulk update would otherwise stamp it with the clock.)
    links = [{"id": o.id, "follow_up_of_id": o.parent.id, "updated_at": o.values["updated_at"]}
             for o in orders if o.parent is not None]
    if links:
        session.execute(update(RepairOrder), links)
    _insert_rows(session, RepairEvent.__table__, [
        {"order_id": o.id, "at": at, "username": who, "action": action, "from_state": frm, "to_state": to,
         "engineer_id": eng, "note": note() if callable(note) else note}
        for o in orders for at, who, action, frm, to, eng, note in sorted(o.events, key=lambda e: e[0])])
    callbacks = [dict(o.callback, source_id=o.id, reason=o.callback["reason"]()) for o in orders if o.callback]
    if callbacks:
        _insert_rows(session, Callback.__table__, callbacks)
    linked = [{"id": o.values["call_id"], "repair_ref": o.serial, "updated_at": o.values["reported_at"],
               "updated_by": o.values["created_by"]} for o in orders if o.values["call_id"]]
    if linked:
        session.execute(update(CallLog), linked)
    return len(orders)
