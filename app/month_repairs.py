"""《报修及维修月报表》: the repairs section of the month-end workbook (DOMAIN.md §六).

Orders are counted by when they were reported. Their state, times and lateness are taken as they
stood at the month's end (for the running month: now), so a past month's report does not change
when an old order is finished later. Times are in hours with one decimal.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.callbacks import SOURCE_REPAIR, CallbackKind, CallbackState
from app.exports import ColKind, ExportColumn
from app.monthly import ChartSpec, KeyFigure, Month, MonthSection, SectionTable, register
from app.repairs import (
    CALLBACK_HOURS,
    FINISHED_STATES,
    HELD_STATES,
    PAID_LABELS,
    RATING_LABELS,
    STATE_LABELS,
    URGENCY_LABELS,
    Action,
    Rating,
    RepairState,
    Threshold,
    Urgency,
    categories,
    minutes_text,
    thresholds,
)
from app.timeutil import to_local
from db.models import Callback, RepairEvent, RepairOrder, Room, Staff
from db.types import utcnow

_URGENCY = {str(u): u for u in Urgency}
_STATE = {str(s): s for s in RepairState}
SECTION = "repairs"
TITLE = "报修及维修月报表"
HOURS = Decimal("0.1")

PERCENTILE_NOTE = ("时长单位为小时，保留一位小数（四舍五入）：到场时间 = 报修到首次到场，完工时间 = 报修到业主验收签字。"
                   "中位数：从小到大排列后正中间的值（偶数个时取中间两个的平均）；"
                   "P90（第 90 百分位数）按最近秩法：从小到大第 ⌈0.9 × N⌉ 个值，即九成工单不超过此时长。")


# ---------------------------------------------------------------- pure helpers


def median(values: Sequence[int | Decimal]) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count); None for no values."""
    if not values:
        return None
    s = sorted(Decimal(v) for v in values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def percentile(values: Sequence[int | Decimal], p: int | Decimal) -> Decimal | None:
    """The p-th percentile by the nearest-rank method: the ⌈p/100 × N⌉-th smallest value.

    Always one of the values: percentile(v, 100) is the largest, percentile(v, 0) the smallest."""
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    if not values:
        return None
    s = sorted(Decimal(v) for v in values)
    rank = max(1, math.ceil(Decimal(p) * len(s) / 100))
    return s[rank - 1]


def to_hours(minutes: int | Decimal | None) -> Decimal | None:
    """Minutes as hours with one decimal (half up): 75 → 1.3, 90 → 1.5."""
    if minutes is None:
        return None
    return (Decimal(minutes) / 60).quantize(HOURS, rounding=ROUND_HALF_UP)


def rate(part: int, whole: int) -> str:
    """'92.5%', or '—' when there is nothing to divide by."""
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / whole).quantize(HOURS, rounding=ROUND_HALF_UP)}%"


def share(part: int, whole: int) -> str:
    """'92.5%（37/40）', or '—'."""
    return "—" if not whole else f"{rate(part, whole)}（{part}/{whole}）"


def late_as_of(limit: Threshold, reported: datetime, arrived: datetime | None, completed: datetime | None,
               response_minutes: int | None, completion_minutes: int | None,
               cutoff: datetime) -> tuple[bool, bool]:
    """(late on site, late done) as known at `cutoff`: a step after the cutoff counts as not yet done,
    and a step not yet done is late once its limit has passed (as in app/repairs.py)."""
    def one(step_at: datetime | None, minutes: int | None, limit_minutes: int) -> bool:
        if step_at is not None and step_at < cutoff and minutes is not None:
            return minutes > limit_minutes
        return cutoff - reported > timedelta(minutes=limit_minutes)

    return (one(arrived, response_minutes, limit.response_minutes),
            one(completed, completion_minutes, limit.completion_hours * 60))


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _limit_text(t: Threshold) -> str:
    return f"{minutes_text(t.response_minutes)} / {minutes_text(t.completion_hours * 60)}"


# ---------------------------------------------------------------- the month's orders


@dataclass
class _Order:
    id: int
    serial: str
    reported: datetime
    category: str
    urgency: Urgency
    paid: bool
    quote: Decimal | None
    fee_accepted: bool
    rating: str
    follow_up: bool
    room: str
    location: str
    response: int | None = None      # minutes, when on site before the cutoff
    completion: int | None = None    # minutes, when done before the cutoff
    state: RepairState = RepairState.PENDING   # at the cutoff
    engineer: int | None = None      # holding it at the cutoff (or who completed it)
    given_to: set[int] = field(default_factory=set)  # 派工 / 转单 to these engineers
    arrived_by: int | None = None
    completed_by: int | None = None
    late_response: bool = False
    late_completion: bool = False

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def cancelled(self) -> bool:
        return self.state == RepairState.CANCELLED

    @property
    def late(self) -> bool:
        return self.late_response or self.late_completion


def _load(session: Session, start: datetime, end: datetime, cutoff: datetime,
          limits: dict[Urgency, Threshold]) -> tuple[list[_Order], Counter[int]]:
    """The orders reported in [start, end) as they stood at `cutoff`, and 退单 per engineer."""
    in_month = (RepairOrder.reported_at >= start, RepairOrder.reported_at < end)
    orders: dict[int, _Order] = {}
    for (oid, serial, reported, category, urgency, paid, quote, accepted_at, arrived, completed, resp, compl,
         rating, follow_up_of, code, location) in session.execute(
            select(RepairOrder.id, RepairOrder.serial, RepairOrder.reported_at, RepairOrder.category,
                   RepairOrder.urgency, RepairOrder.paid, RepairOrder.quote_amount, RepairOrder.fee_accepted_at,
                   RepairOrder.arrived_at, RepairOrder.completed_at, RepairOrder.response_minutes,
                   RepairOrder.completion_minutes, RepairOrder.rating, RepairOrder.follow_up_of_id, Room.code,
                   RepairOrder.location)
            .outerjoin(Room, RepairOrder.room_id == Room.id).where(*in_month)):
        rep, arr, comp = _aware(reported), _aware(arrived), _aware(completed)
        assert rep is not None
        on_site = arr is not None and arr < cutoff
        done = comp is not None and comp < cutoff
        accepted = _aware(accepted_at)
        u = _URGENCY.get(urgency, Urgency.NORMAL)
        o = _Order(oid, serial, rep, category, u, bool(paid), quote,
                   accepted is not None and accepted < cutoff, rating if done else "", follow_up_of is not None,
                   code or "", location or "", response=resp if on_site else None,
                   completion=compl if done else None)
        o.late_response, o.late_completion = late_as_of(limits[u], rep, arr, comp, resp, compl, cutoff)
        orders[oid] = o
    send_backs: Counter[int] = Counter()
    if not orders:
        return [], send_backs
    # The timeline up to the cutoff gives the state and the engineer then (a month: a few
    # thousand orders, some tens of thousands of small rows, read by the order index).
    for oid, action, to_state, engineer in session.execute(
            select(RepairEvent.order_id, RepairEvent.action, RepairEvent.to_state, RepairEvent.engineer_id)
            .join(RepairOrder, RepairEvent.order_id == RepairOrder.id)
            .where(*in_month, RepairEvent.at < cutoff)
            .order_by(RepairEvent.order_id, RepairEvent.at, RepairEvent.id)):
        o = orders[oid]
        if to_state:
            o.state = _STATE[to_state]
        if action in (Action.DISPATCH, Action.TRANSFER) and engineer is not None:
            o.engineer = engineer
            o.given_to.add(engineer)
        elif action == Action.SEND_BACK:
            if engineer is not None:
                send_backs[engineer] += 1
            o.engineer = None
        elif action == Action.ARRIVE and o.arrived_by is None:
            o.arrived_by = engineer
        elif action == Action.COMPLETE:
            o.completed_by = engineer
    for o in orders.values():
        if o.cancelled:
            o.late_response = o.late_completion = False
        if o.completed_by is not None:
            o.engineer = o.completed_by
    return sorted(orders.values(), key=lambda o: (o.reported, o.id)), send_backs


def _callbacks(session: Session, start: datetime, end: datetime, cutoff: datetime) -> dict[str, int]:
    """The callbacks of the orders completed in [start, end), as they stood at `cutoff`."""
    hours = timedelta(hours=CALLBACK_HOURS)
    rows = session.execute(
        select(Callback.source, Callback.source_id, Callback.due_at, Callback.done_at, Callback.state,
               Callback.satisfaction)
        .join(RepairOrder, RepairOrder.id == Callback.source_id)
        # The repair callback is due CALLBACK_HOURS after completion: the due-time range reads the
        # (state, due_at) index rather than every repair callback or every order ever completed
        # (the source is checked below, so that the planner does not pick its index instead).
        .where(Callback.state.in_([str(s) for s in CallbackState]),
               Callback.due_at >= start + hours, Callback.due_at < end + hours,
               Callback.kind == str(CallbackKind.REPAIR),
               RepairOrder.completed_at >= start, RepairOrder.completed_at < end)
        .order_by(Callback.source_id, Callback.id)).all()
    first: dict[int, Row[Any]] = {}
    for r in rows:  # one callback per order (the rule's; a later one would be a re-creation)
        if r.source == SOURCE_REPAIR:
            first.setdefault(r.source_id, r)
    out = {"completed": len(first), "done": 0, "in_time": 0, "overdue": 0, "not_due": 0, "unhappy": 0}
    for r in first.values():
        done_at, due_at = _aware(r.done_at), _aware(r.due_at)
        assert due_at is not None
        if r.state == CallbackState.DONE and done_at is not None and done_at < cutoff:
            out["done"] += 1
            out["in_time"] += done_at <= due_at
            out["unhappy"] += r.satisfaction == "dissatisfied"
        elif r.state == CallbackState.CANCELLED:
            continue
        elif due_at < cutoff:
            out["overdue"] += 1
        else:
            out["not_due"] += 1
    return out


# ---------------------------------------------------------------- the section


def _median_h(values: list[int]) -> Decimal | None:
    return to_hours(median(values))


def _p90_h(values: list[int]) -> Decimal | None:
    return to_hours(percentile(values, 90))


def _local_text(d: datetime) -> str:
    """'10-01 09:42' in the PC's local time (short enough for a narrow column)."""
    v = to_local(d)
    assert v is not None
    return v.strftime("%m-%d %H:%M")


@register(SECTION, TITLE, order=50)
def repairs_section(session: Session, month: Month) -> MonthSection:
    start, end = month.utc_bounds()
    cutoff = min(end, utcnow())
    limits = thresholds(session)
    orders, send_backs = _load(session, start, end, cutoff, limits)
    cb = _callbacks(session, start, end, cutoff)
    total = len(orders)
    live = [o for o in orders if not o.cancelled]
    finished = [o for o in orders if o.finished]
    responses = [o.response for o in orders if o.response is not None]
    completions = [o.completion for o in orders if o.completion is not None]
    late = [o for o in live if o.late]
    rated = Counter(o.rating for o in finished if o.rating)
    happy = rated.get(str(Rating.SATISFIED), 0) + rated.get(str(Rating.BASIC), 0)
    paid = [o for o in orders if o.paid]
    # Fees the owner signed for, on jobs that were not cancelled afterwards.
    accepted = [o for o in paid if o.fee_accepted and o.quote is not None and not o.cancelled]
    amount = sum((o.quote for o in accepted if o.quote is not None), Decimal("0.00"))

    # By category: the configured order, then any others found.
    by_cat: dict[str, list[_Order]] = defaultdict(list)
    for o in orders:
        by_cat[o.category].append(o)
    known = categories(session)
    cat_order = [c for c in known if c in by_cat] + sorted(c for c in by_cat if c not in known)
    h = "（小时）"
    cat_table = SectionTable(
        "按报修类别（时长单位：小时）",
        [ExportColumn("报修类别"), ExportColumn("报修", ColKind.INT), ExportColumn("紧急、特急", ColKind.INT),
         ExportColumn("有偿", ColKind.INT), ExportColumn("月末已完工", ColKind.INT), ExportColumn("超时", ColKind.INT),
         ExportColumn("到场中位数", ColKind.DECIMAL), ExportColumn("完工中位数", ColKind.DECIMAL)],
        [[c, len(os_), sum(o.urgency != Urgency.NORMAL for o in os_), sum(o.paid for o in os_),
          sum(o.finished for o in os_), sum(o.late and not o.cancelled for o in os_),
          _median_h([o.response for o in os_ if o.response is not None]),
          _median_h([o.completion for o in os_ if o.completion is not None])]
         for c in cat_order for os_ in [by_cat[c]]])

    # Every day of the month, zeros included; the day number keeps the chart's labels apart.
    per_day: dict[date, list[int]] = {d: [0, 0] for d in month.days()}
    for o in orders:
        local = to_local(o.reported)
        if local is not None and local.date() in per_day:
            per_day[local.date()][0] += 1
            per_day[local.date()][1] += o.urgency != Urgency.NORMAL
    weekdays = "一二三四五六日"
    day_table = SectionTable(
        f"每日报修（{month.label}）",
        [ExportColumn("日"), ExportColumn("星期"), ExportColumn("报修", ColKind.INT),
         ExportColumn("其中紧急、特急", ColKind.INT)],
        [[str(d.day), weekdays[d.weekday()], n, urgent] for d, (n, urgent) in per_day.items()])

    response_rows, completion_rows = [], []
    for u in (Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL):
        os_ = [o for o in orders if o.urgency == u]
        rs = [o.response for o in os_ if o.response is not None]
        cs = [o.completion for o in os_ if o.completion is not None]
        limit = limits[u]
        response_rows.append([URGENCY_LABELS[u], len(os_), minutes_text(limit.response_minutes), _median_h(rs),
                              _p90_h(rs), sum(o.late_response and not o.cancelled for o in os_)])
        completion_rows.append([URGENCY_LABELS[u], len(cs), minutes_text(limit.completion_hours * 60),
                                _median_h(cs), _p90_h(cs), sum(o.late_completion and not o.cancelled for o in os_)])
    response_table = SectionTable(
        "到场时间（报修到首次到场，小时）",
        [ExportColumn("紧急程度"), ExportColumn("报修", ColKind.INT), ExportColumn("到场时限"),
         ExportColumn("中位数", ColKind.DECIMAL), ExportColumn("P90", ColKind.DECIMAL),
         ExportColumn("到场超时", ColKind.INT)],
        response_rows)
    completion_table = SectionTable(
        "完工时间（报修到业主验收，小时）",
        [ExportColumn("紧急程度"), ExportColumn("月末已完工", ColKind.INT), ExportColumn("完工时限"),
         ExportColumn("中位数", ColKind.DECIMAL), ExportColumn("P90", ColKind.DECIMAL),
         ExportColumn("完工超时", ColKind.INT)],
        completion_rows, note="完工超时含月末仍未完工、已超过时限的工单。")

    states = Counter(o.state for o in orders)
    state_table = SectionTable(
        "月末状态", [ExportColumn("状态"), ExportColumn("单数", ColKind.INT)],
        [[STATE_LABELS[s], states.get(s, 0)] for s in RepairState])

    fee_table = SectionTable(
        "有偿与无偿",
        [ExportColumn("收费"), ExportColumn("单数", ColKind.INT), ExportColumn("已报价", ColKind.INT),
         ExportColumn("业主已签字确认", ColKind.INT), ExportColumn("确认金额", ColKind.MONEY)],
        [[PAID_LABELS[True], len(paid), sum(o.quote is not None for o in paid), len(accepted), amount],
         [PAID_LABELS[False], total - len(paid), 0, 0, None]])

    rating_table = SectionTable(
        "业主验收评价（月末已完工的工单）",
        [ExportColumn("评价"), ExportColumn("单数", ColKind.INT), ExportColumn("占比")],
        [[RATING_LABELS[r], rated.get(str(r), 0), rate(rated.get(str(r), 0), sum(rated.values()))]
         for r in Rating])

    callback_table = SectionTable(
        "维修回访（本月完工的工单）",
        [ExportColumn("项目"), ExportColumn("单数", ColKind.INT)],
        [["本月完工", cb["completed"]], ["已回访", cb["done"]],
         [f"其中 {CALLBACK_HOURS} 小时内回访", cb["in_time"]], ["回访时业主不满意", cb["unhappy"]],
         ["逾期未回访", cb["overdue"]], ["尚未到回访时间", cb["not_due"]]])

    # Engineers: jobs given to them this month, what they finished, how fast.
    eng_ids = sorted({e for o in orders for e in o.given_to} | set(send_backs))
    names = {sid: (name, work_id) for sid, name, work_id in session.execute(
        select(Staff.id, Staff.name, Staff.work_id).where(Staff.id.in_(eng_ids or [-1])))}
    eng_rows = []
    for sid in eng_ids:
        given = [o for o in orders if sid in o.given_to]
        done = [o for o in orders if o.completed_by == sid and o.finished]
        arrived = [o.response for o in orders if o.arrived_by == sid and o.response is not None]
        held = [o for o in orders if o.engineer == sid and o.state in HELD_STATES]
        mine_late = [o for o in orders if o.engineer == sid and o.late and not o.cancelled]
        r = Counter(o.rating for o in done if o.rating)
        name, work_id = names.get(sid, ("（已删除）", ""))
        eng_rows.append([name, work_id, len(given), send_backs.get(sid, 0), len(done), len(held), len(mine_late),
                         _median_h(arrived), _median_h([o.completion for o in done if o.completion is not None]),
                         rate(r.get(str(Rating.SATISFIED), 0) + r.get(str(Rating.BASIC), 0), sum(r.values()))])
    eng_rows.sort(key=lambda row: (-row[2], row[1], row[0]))
    eng_table = SectionTable(
        "维修人员（时长单位：小时）",
        [ExportColumn("维修人员"), ExportColumn("工号", ColKind.CODE), ExportColumn("派工", ColKind.INT),
         ExportColumn("退单", ColKind.INT), ExportColumn("完工", ColKind.INT), ExportColumn("月末在手", ColKind.INT),
         ExportColumn("超时", ColKind.INT), ExportColumn("到场时间中位数", ColKind.DECIMAL),
         ExportColumn("完工时间中位数", ColKind.DECIMAL), ExportColumn("满意率")],
        eng_rows,
        note="派工：本月报修的工单派给（或转给）该人员的单数；到场、完工按实际到场、完工的人员统计；"
             "超时与月末在手按月末负责该单的人员统计。")

    def overdue_text(o: _Order) -> str:
        parts = []
        if o.late_response:
            parts.append(f"到场 {to_hours(o.response)} 小时" if o.response is not None else "月末仍未到场")
        if o.late_completion:
            parts.append(f"完工 {to_hours(o.completion)} 小时" if o.completion is not None else "月末仍未完工")
        return "；".join(parts)

    late_table = SectionTable(
        "超时工单",
        [ExportColumn("派工单号", ColKind.CODE), ExportColumn("报修时间"), ExportColumn("类别 · 紧急程度"),
         ExportColumn("维修人员"), ExportColumn("超时情况"), ExportColumn("月末状态")],
        [[o.serial, _local_text(o.reported), f"{o.category} · {URGENCY_LABELS[o.urgency]}",
          names.get(o.engineer, ("", ""))[0] if o.engineer else "", overdue_text(o), STATE_LABELS[o.state]]
         for o in late])

    limit_text = "；".join(f"{URGENCY_LABELS[u]} {_limit_text(limits[u])}"
                          for u in (Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL))
    notes = [
        "工单按报修时间统计；状态、时长与超时均以月末为准（本月为截至导出时），月末以后才到场或完工的不计入时长。",
        PERCENTILE_NOTE,
        f"超时：到场或完工晚于该紧急程度的时限（到场 / 完工：{limit_text}）；月末仍未到场或未完工、"
        "但已超过时限的也计入；已取消的工单不计。",
        f"维修回访按本月完工的工单统计，应在完工后 {CALLBACK_HOURS} 小时内回访。",
    ]
    figures = [
        KeyFigure("本月报修", total),
        KeyFigure("月末已完工（不含已取消）", share(len(finished), len(live)), ColKind.TEXT),
        KeyFigure("已取消", states.get(RepairState.CANCELLED, 0)),
        KeyFigure("有偿维修", len(paid), note=f"业主已签字确认 {len(accepted)} 单"),
        KeyFigure("有偿维修确认金额", amount, ColKind.MONEY),
        KeyFigure(f"到场时间中位数{h}", _median_h(responses), ColKind.DECIMAL, note=f"{len(responses)} 单"),
        KeyFigure(f"到场时间 P90{h}", _p90_h(responses), ColKind.DECIMAL, note="九成工单不超过此时长"),
        KeyFigure(f"完工时间中位数{h}", _median_h(completions), ColKind.DECIMAL, note=f"{len(completions)} 单"),
        KeyFigure(f"完工时间 P90{h}", _p90_h(completions), ColKind.DECIMAL, note="九成工单不超过此时长"),
        KeyFigure("超时工单", share(len(late), len(live)), ColKind.TEXT,
                  note=f"到场超时 {sum(o.late_response for o in late)} 单，完工超时 {sum(o.late_completion for o in late)} 单"),
        KeyFigure("业主满意率（满意+基本满意）", share(happy, sum(rated.values())), ColKind.TEXT),
        KeyFigure("返修单", sum(o.follow_up for o in orders), note="业主不满意后重新派工的工单"),
        KeyFigure("维修回访完成（本月完工）", share(cb["done"], cb["completed"]), ColKind.TEXT,
                  note=f"{CALLBACK_HOURS} 小时内 {cb['in_time']} 单，逾期未回访 {cb['overdue']} 单"),
    ]
    return MonthSection(
        key=SECTION, title=TITLE, figures=figures,
        tables=[cat_table, day_table, response_table, completion_table, state_table, fee_table, rating_table,
                callback_table, eng_table, late_table],
        charts=[ChartSpec("各类别报修数", table=0, categories=0, series=[1, 4], kind="bar", y_title="单数"),
                ChartSpec("每日报修数", table=1, categories=0, series=[2, 3], kind="line", y_title="单数")],
        notes=notes, has_data=bool(orders) or bool(cb["completed"]))
