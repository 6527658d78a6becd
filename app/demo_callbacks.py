"""Demo history for 走访回访: done and due callbacks of every kind, and a periodic visiting history."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.callbacks import (
    FOLLOW_UP_HOURS,
    KIND_LABELS,
    SOURCE_CALLBACK,
    SOURCE_PLAN,
    CallbackKind,
    CallbackState,
    Method,
    Satisfaction,
)
from app.rooms import Relation
from db.models import Callback, Occupant, Person

DEMO_ACTOR = "demo"
CLERKS = ("李助理", "张主管", "陈助理", "刘助理")
CONTENT = {
    CallbackKind.COMPLAINT: ("业主确认问题已处理", "业主表示处理及时", "业主认可处理结果，希望加强日常巡查"),
    CallbackKind.REPAIR: ("维修后使用正常", "业主确认已修好，师傅态度好", "维修后无渗漏"),
    CallbackKind.SURVEY: ("就调查中的意见致歉并说明整改安排", "业主认可整改措施"),
    CallbackKind.PERIODIC: ("上门走访，了解居住情况", "电话问候，业主无特别意见", "业主建议增加绿化养护频次"),
}
UNHAPPY = ("业主对处理进度不满意", "业主认为维修不彻底", "业主反映问题仍存在")


def _at(d: date, rng: random.Random) -> datetime:
    return datetime.combine(d, time(rng.randint(1, 10), rng.choice((0, 15, 30, 45))), tzinfo=UTC)


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def generate_callbacks(session: Session, rng: random.Random, anchor: date, months: int,
                       room_ids: list[int]) -> int:
    """Callbacks for the `months` before `anchor`; a few still due around it. Returns the count."""
    if not room_ids or months <= 0:
        return 0
    owners: dict[int, tuple[str, str]] = {}
    for rid, name, phone in session.execute(
            select(Occupant.room_id, Person.name, Person.phone).join(Person, Occupant.person_id == Person.id)
            .where(Occupant.active.is_(True), Occupant.relation == str(Relation.OWNER))
            .order_by(Occupant.id)):
        owners.setdefault(rid, (name, phone))
    households = [r for r in room_ids if r in owners] or list(room_ids)
    now = datetime.combine(anchor, time(2, 0), tzinfo=UTC)
    start = _add_months(anchor.replace(day=1), -months)
    rows: list[dict[str, Any]] = []
    happy: list[int] = []  # indexes of 不满意 rows, for follow-ups

    def add(kind: CallbackKind, rid: int, created: datetime, due: datetime, reason: str, source: str,
            plan_month: str = "", source_id: int | None = None, urgent: bool = False) -> None:
        name, phone = owners.get(rid, ("", ""))
        row: dict[str, Any] = {
            "kind": str(kind), "room_id": rid, "person_name": name, "contact": phone, "reason": reason,
            "due_at": due, "urgent": urgent, "source": source, "source_id": source_id,
            "plan_month": plan_month, "state": str(CallbackState.DUE), "done_at": None, "done_by": "",
            "method": "", "content": "", "opinion": "", "satisfaction": "", "follow_up": "",
            "complaint_id": None, "created_at": created, "created_by": DEMO_ACTOR,
            "updated_at": created, "updated_by": DEMO_ACTOR,
        }
        # Most callbacks are done, a few late; the ones due from now on are still open.
        if due < now - timedelta(days=2) or (due < now and rng.random() < 0.7):
            late = rng.random() < 0.08
            done = created + timedelta(hours=rng.uniform(2, 46)) if not late else due + timedelta(
                hours=rng.uniform(2, 72))
            done = min(done, now - timedelta(minutes=5))
            sat = rng.choices(list(Satisfaction), (78, 17, 5))[0]
            row.update(state=str(CallbackState.DONE), done_at=done, done_by=rng.choice(CLERKS),
                       method=str(Method.VISIT if kind == CallbackKind.PERIODIC and rng.random() < 0.6
                                  else Method.PHONE),
                       content=rng.choice(CONTENT[kind]), satisfaction=str(sat), updated_at=done)
            if sat == Satisfaction.DISSATISFIED:
                row.update(opinion=rng.choice(UNHAPPY), follow_up="致歉，安排相关部门复查整改")
                happy.append(len(rows))
        rows.append(row)

    day = start
    while day < anchor + timedelta(days=3):
        # Complaint callbacks come with the demo complaints (app/demo_complaints.py), each linked
        # to its complaint; repair callbacks are made by app/demo_repairs.py.
        if rng.random() < 0.1:
            created = _at(day, rng)
            add(CallbackKind.SURVEY, rng.choice(households), created,
                created + timedelta(hours=FOLLOW_UP_HOURS), "意见调查“环境卫生”不满意：致歉并整改", "survey",
                urgent=True)
        day += timedelta(days=1)

    # Periodic visits: with repair and complaint callbacks, a little over half the households a year.
    per_month = max(1, round(len(households) * 0.4 / 12 * rng.uniform(0.9, 1.1)))
    month = start
    visited_year: dict[int, set[int]] = {}
    while month <= anchor:
        seen = visited_year.setdefault(month.year, set())
        pool = [r for r in households if r not in seen]
        chosen = rng.sample(pool, min(per_month, len(pool)))
        seen.update(chosen)
        nxt = _add_months(month, 1)
        span = (nxt - month).days
        key = f"{month.year}-{month.month:02d}"
        for i, rid in enumerate(chosen):
            due_day = month + timedelta(days=(i * span) // max(1, len(chosen)))
            due = datetime.combine(due_day, time(10, 0), tzinfo=UTC)
            add(CallbackKind.PERIODIC, rid, datetime.combine(month, time(1, 0), tzinfo=UTC), due,
                f"{month.year}年{month.month}月定期走访", SOURCE_PLAN, plan_month=key)
        month = nxt

    ids = list(session.scalars(insert(Callback).returning(Callback.id, sort_by_parameter_order=True), rows))
    follow: list[dict[str, Any]] = []
    for i in happy:
        src = rows[i]
        done = src["done_at"]
        due = done + timedelta(hours=FOLLOW_UP_HOURS)
        closed = due < now - timedelta(days=1)
        f = dict(src, source=SOURCE_CALLBACK, source_id=ids[i], urgent=True, due_at=due, created_at=done,
                 updated_at=done, reason=f"回访 #{ids[i]} 业主不满意，致歉并跟进（{KIND_LABELS[CallbackKind(src['kind'])]}）",
                 plan_month="", state=str(CallbackState.DONE if closed else CallbackState.DUE),
                 done_at=done + timedelta(hours=rng.uniform(4, 40)) if closed else None,
                 satisfaction=str(Satisfaction.BASIC) if closed else "", opinion="",
                 follow_up="", content="已致歉并完成整改，业主认可" if closed else "",
                 done_by=src["done_by"] if closed else "", method=src["method"] if closed else "")
        follow.append(f)
    if follow:
        session.execute(insert(Callback), follow)
    return len(rows) + len(follow)
