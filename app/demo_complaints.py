"""Demo history for 投诉处理: a few complaints a day in every state, with consistent timelines."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.complaints import (
    CALLBACK_HOURS,
    SERIAL_PREFIX,
    Action,
    Channel,
    ComplaintState,
    Satisfaction,
    Severity,
)
from app.database import DEPARTMENTS
from db.models import Callback, Complaint, ComplaintEvent, Department, Occupant, Person, Staff

DEPT_NAMES = dict(DEPARTMENTS)
HANDLER = "li"        # the demo's 客服助理
SUPERVISOR = "zhang"  # the demo's 客服主管
DEMO_BY = "demo"

CATEGORY_WEIGHTS = {"服务态度": 8, "维修质量": 14, "安全秩序": 6, "环境卫生": 12, "绿化": 4, "停车": 12,
                    "收费": 7, "噪音": 12, "装修": 9, "邻里纠纷": 6, "设施设备": 12, "其他": 3}
CATEGORY_DEPARTMENT = {"服务态度": "service", "维修质量": "engineering", "安全秩序": "security",
                       "环境卫生": "cleaning", "绿化": "cleaning", "停车": "security", "收费": "finance",
                       "噪音": "security", "装修": "engineering", "邻里纠纷": "service",
                       "设施设备": "engineering", "其他": ""}
DETAILS = {
    "服务态度": ["前台接待人员态度生硬，问题没有解释清楚", "打电话到客服中心无人接听，回电不及时"],
    "维修质量": ["卫生间漏水维修后一周又开始渗水", "报修的门禁对讲机修过两次仍然不响"],
    "安全秩序": ["夜间有陌生人尾随进入单元门，门岗未登记", "地下车库监控有盲区，电动车被盗"],
    "环境卫生": ["楼道垃圾两天没有清运，有异味", "电梯轿厢地面脏污，长期无人清洁"],
    "绿化": ["楼前草坪修剪后草屑未清理", "小区树木遮挡低层采光，请求修剪"],
    "停车": ["固定车位被外来车辆占用", "消防通道长期停放私家车，无人管理"],
    "收费": ["物业费账单金额与合同单价不符", "车位费已缴纳但系统仍显示欠费"],
    "噪音": ["楼上住户深夜噪音扰民", "小区广场舞音响音量过大，影响休息"],
    "装修": ["邻居装修超时施工，周末早上七点开始电钻", "装修垃圾堆放在楼道，影响通行"],
    "邻里纠纷": ["邻居在公共走廊堆放杂物，协商无果", "楼上空调冷凝水滴到阳台"],
    "设施设备": ["电梯频繁故障停运", "单元门禁损坏，门无法关闭", "楼道照明灯不亮"],
    "其他": ["快递柜位置不合理，取件不便", "希望增加儿童游乐设施"],
}
RESULTS = ["已安排人员现场处理完毕，业主确认", "已与相关住户沟通，问题得到解决", "已维修并经业主试用正常",
           "已加强巡查并向业主说明情况", "已调整作业时间并向业主致歉"]


# Where the last week's complaints stand on the desk, in turn, so that every state shows.
STOPS = (ComplaintState.RECEIVED, ComplaintState.VERIFYING, ComplaintState.IN_PROGRESS,
         ComplaintState.ESCALATED, ComplaintState.INVALID, ComplaintState.RESOLVED,
         ComplaintState.CALLED_BACK, ComplaintState.IN_PROGRESS, ComplaintState.CLOSED)


@dataclass
class _Plan:
    """One complaint with its events, built in memory then inserted in bulk."""

    values: dict[str, Any]
    events: list[tuple[datetime, str, str, str, str, str]] = field(default_factory=list)
    callback: dict[str, Any] | None = None
    repeat_of: int | None = None  # index into the plans list


def _stamp(day: date, rng: random.Random) -> datetime:
    # 08:00–19:59 Beijing time is 00:00–11:59 UTC.
    return datetime.combine(day, time(rng.randrange(0, 12), rng.randrange(0, 60)), tzinfo=UTC)


def generate_complaints(session: Session, rng: random.Random, anchor: date, months: int,
                        room_ids: list[int], staff: Sequence[Any] = ()) -> int:
    """Complaints received over `months` months before `anchor` (about three a day). Returns the count.

    Older complaints have run their course (mostly closed); recent ones stop in every state.
    Resolved ones carry their 48-hour callback rows (source "complaint"), done or still due.
    `staff` are staff ids (or rows with `.id`) that service complaints may name.
    """
    if not room_ids:
        return 0
    cutoff = datetime.combine(anchor, time(0, 0), tzinfo=UTC)
    first = anchor - timedelta(days=round(months * 30.44))
    staff_ids = [s if isinstance(s, int) else s.id for s in staff]
    staff_dept = dict(session.execute(select(Staff.id, Department.code).join(Department)
                                      .where(Staff.id.in_(staff_ids))).all()) if staff_ids else {}
    owners: dict[int, tuple[str, str]] = {}
    for rid, name, phone in session.execute(
            select(Occupant.room_id, Person.name, Person.phone).join(Person)
            .where(Occupant.active.is_(True)).order_by(Occupant.relation != "owner", Occupant.id)):
        owners.setdefault(rid, (name, phone))
    rooms_with_people = [r for r in room_ids if r in owners] or list(room_ids)
    # A few households complain again and again (the repeats the month report counts).
    troubled = rng.sample(rooms_with_people, max(1, len(rooms_with_people) // 40))
    cats = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    serials: dict[int, int] = {}
    plans: list[_Plan] = []
    last_seen: dict[tuple[int, str], tuple[int, datetime]] = {}
    recent = [0]

    day = first
    while day < anchor:
        for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 5))):
            received = _stamp(day, rng)
            if received >= cutoff:
                continue
            room = rng.choice(troubled) if rng.random() < 0.15 else rng.choice(rooms_with_people)
            category = rng.choices(cats, weights)[0]
            plans.append(_one(rng, received, cutoff, room, category, owners, staff_ids, staff_dept,
                              serials, len(plans), last_seen, recent))
        day += timedelta(days=1)
    if not plans:
        return 0

    # Serials continue after whatever the year already holds.
    for year in serials:
        prefix = f"{SERIAL_PREFIX}{year}-"
        last = session.scalar(select(func.max(Complaint.serial)).where(Complaint.serial.like(f"{prefix}%")))
        serials[year] = int(last[len(prefix):]) if last else 0
    for p in plans:
        year = p.values.pop("_year")
        serials[year] += 1
        p.values["serial"] = f"{SERIAL_PREFIX}{year}-{serials[year]:06d}"

    ids = list(session.scalars(insert(Complaint).returning(Complaint.id, sort_by_parameter_order=True),
                               [p.values for p in plans]))
    repeats = [{"id": ids[i], "repeat_of_id": ids[p.repeat_of]} for i, p in enumerate(plans)
               if p.repeat_of is not None]
    if repeats:
        session.execute(update(Complaint), repeats)
    events = [{"complaint_id": ids[i], "at": at, "username": who, "action": action, "from_state": a,
               "to_state": b, "note": note}
              for i, p in enumerate(plans) for at, who, action, a, b, note in p.events]
    session.execute(insert(ComplaintEvent), events)
    callbacks = [{**p.callback, "source_id": ids[i]} for i, p in enumerate(plans) if p.callback]
    if callbacks:
        session.execute(insert(Callback), callbacks)
    return len(plans)


def _one(rng: random.Random, received: datetime, cutoff: datetime, room: int, category: str,
         owners: dict[int, tuple[str, str]], staff_ids: list[int], staff_dept: dict[int, str],
         serials: dict[int, int], index: int,
         last_seen: dict[tuple[int, str], tuple[int, datetime]], recent: list[int]) -> _Plan:
    name, phone = owners.get(room, ("业主", ""))
    channel = rng.choices([Channel.PHONE, Channel.VISIT, Channel.COUNTER], [6, 2, 2])[0]
    severity = Severity.SERIOUS if rng.random() < 0.05 else Severity.NORMAL
    staff_id = rng.choice(staff_ids) if category == "服务态度" and staff_ids and rng.random() < 0.7 else None
    dept = staff_dept.get(staff_id, "") if staff_id else CATEGORY_DEPARTMENT.get(category, "")
    year = received.year  # UTC year; the demo's days sit well inside local days
    serials.setdefault(year, 0)
    v: dict[str, Any] = {
        "_year": year, "received_at": received, "channel": str(channel), "complainant": name,
        "contact": phone, "room_id": room, "category": category, "department_code": dept,
        "staff_id": staff_id, "severity": str(severity),
        "details": rng.choice(DETAILS.get(category, DETAILS["其他"])),
        "state": str(ComplaintState.RECEIVED), "valid": None, "invalid_reason": "",
        "handled_on_spot": False, "deadline": None, "deadline_approved_by": "",
        "deadline_approved_at": None, "assigned_department": "", "result": "", "satisfaction": "",
        "apology_needed": severity == Severity.SERIOUS, "apology_done_at": None, "resolved_at": None,
        "closed_at": None, "repeat_of_id": None, "call_id": None,
        "created_at": received, "created_by": HANDLER, "updated_at": received, "updated_by": HANDLER,
    }
    plan = _Plan(v)
    seen = last_seen.get((room, category))
    if seen is not None and received - seen[1] <= timedelta(days=30):
        plan.repeat_of = seen[0]
    last_seen[(room, category)] = (index, received)
    note = "来电受理" if channel == Channel.PHONE else ("来访受理" if channel == Channel.VISIT else "柜台受理")
    plan.events.append((received, HANDLER, "create", "", str(ComplaintState.RECEIVED), note))
    t = received
    # The last days' complaints are still on the desk, stopped at some step.
    stop: str | None = None
    if cutoff - received < timedelta(days=8):
        recent[0] += 1
        stop = str(STOPS[recent[0] % len(STOPS)])
    pace = 0.25 if stop else 1.0  # the desk is busy with these now

    def step(action: Action | str, after: timedelta, to: ComplaintState | None, note: str = "",
             who: str = HANDLER) -> bool:
        nonlocal t
        when = t + after
        if when >= cutoff or v["state"] == stop:
            return False
        frm = v["state"]
        if to is not None:
            v["state"] = str(to)
        plan.events.append((when, who, str(action), frm, v["state"], note))
        v["updated_at"], v["updated_by"] = when, who
        t = when
        return True

    def hours(a: float, b: float) -> timedelta:
        return timedelta(hours=rng.uniform(a, b) * pace)

    def resolve(action: Action, satisfaction: Satisfaction) -> bool:
        result = rng.choice(RESULTS)
        if not step(action, hours(0.2, 2) if action == Action.HANDLE_ON_SPOT else hours(4, 120),
                    ComplaintState.RESOLVED, f"{result}"):
            return False
        v["result"], v["satisfaction"], v["resolved_at"] = result, str(satisfaction), t
        return True

    if stop is None and rng.random() < 0.1:  # explained on the spot by whoever heard it
        v["valid"], v["handled_on_spot"] = True, True
        if not resolve(Action.HANDLE_ON_SPOT, Satisfaction.SATISFIED):
            v["valid"], v["handled_on_spot"] = None, False
            return plan
    else:
        if not step(Action.START_VERIFY, hours(0.3, 4), ComplaintState.VERIFYING):
            return plan
        if stop == ComplaintState.INVALID or (stop is None and rng.random() < 0.1):
            reason = "经现场核实，情况不属实" if rng.random() < 0.5 else "不属于物业服务范围，已向业主解释"
            if step(Action.MARK_INVALID, hours(1, 24), ComplaintState.INVALID, reason):
                v["valid"], v["invalid_reason"] = False, reason
                if step(Action.CLOSE, hours(4, 72), ComplaintState.CLOSED, "", SUPERVISOR):
                    v["closed_at"] = t
            return plan
        if not step(Action.MARK_VALID, hours(1, 24), ComplaintState.IN_PROGRESS):
            return plan
        v["valid"] = True
        if dept and rng.random() < 0.5:
            if not step(Action.ASSIGN_DEPARTMENT, hours(0.2, 3), ComplaintState.IN_PROGRESS, f"转交{DEPT_NAMES.get(dept, dept)}"):
                return plan
            v["assigned_department"] = dept
        if rng.random() < 0.35:
            deadline = t + timedelta(days=rng.randint(1, 4))
            if not step(Action.AGREE_DEADLINE, hours(0.2, 4), ComplaintState.IN_PROGRESS,
                        "与业主约定期限，主管批准", SUPERVISOR):
                return plan
            v["deadline"], v["deadline_approved_by"], v["deadline_approved_at"] = deadline, SUPERVISOR, t
        if severity == Severity.SERIOUS and step(Action.MARK_APOLOGY_DONE, hours(2, 48), None,
                                                 "已上门致歉"):
            v["apology_done_at"] = t
        if stop == ComplaintState.ESCALATED or rng.random() < 0.08:
            if not step(Action.ESCALATE, hours(4, 48), ComplaintState.ESCALATED, "业主对处理方案不满意"):
                return plan
            if not step(Action.TAKE_BACK, hours(1, 24), ComplaintState.IN_PROGRESS, "主管约见业主协商",
                        SUPERVISOR):
                return plan
        sat = rng.choices(list(Satisfaction), [60, 30, 10])[0]
        if not resolve(Action.RECORD_RESULT, sat):
            return plan
    # §七4: the callback within 48 hours, mostly kept.
    resolved = v["resolved_at"]
    due = resolved + timedelta(hours=CALLBACK_HOURS)
    cb: dict[str, Any] = {
        "kind": "complaint", "room_id": room, "person_name": name, "contact": phone,
        "reason": "投诉处理后回访", "due_at": due, "urgent": v["satisfaction"] == Satisfaction.DISSATISFIED,
        "source": "complaint", "plan_month": "", "state": "due", "done_at": None, "done_by": "",
        "method": "", "content": "", "opinion": "", "satisfaction": "", "follow_up": "",
        "complaint_id": None, "created_at": resolved, "created_by": HANDLER, "updated_at": resolved,
        "updated_by": HANDLER,
    }
    plan.callback = cb
    late = rng.random() < 0.12
    done_after = hours(49, 96) if late else hours(2, 47)
    cb_sat = Satisfaction.SATISFIED if rng.random() < 0.85 else Satisfaction.BASIC
    method = "phone" if rng.random() < 0.8 else "visit"
    content = "业主表示问题已解决" if cb_sat == Satisfaction.SATISFIED else "业主表示基本认可"
    if step(Action.MARK_CALLED_BACK, done_after, ComplaintState.CALLED_BACK,
            f"{'电话' if method == 'phone' else '上门'}回访：{content}"):
        cb.update(state="done", done_at=t, done_by="李助理", method=method, content=content,
                  satisfaction=str(cb_sat), updated_at=t)
        if step(Action.CLOSE, hours(2, 72), ComplaintState.CLOSED, "", SUPERVISOR):
            v["closed_at"] = t
    return plan
