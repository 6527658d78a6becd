"""The 走访回访 section of the month-end workbook (§七)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.callbacks import (
    KIND_LABELS,
    METHOD_LABELS,
    SOURCE_CALLBACK,
    CallbackKind,
    CallbackState,
    Method,
    Satisfaction,
    coverage,
)
from app.exports import ColKind, ExportColumn
from app.monthly import ChartSpec, KeyFigure, Month, MonthSection, SectionTable, register
from app.timeutil import to_local
from db.models import Callback, Room
from db.types import utcnow


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "—"


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


def _local_naive(d: datetime | None) -> datetime | None:
    """Excel keeps no time zone: the PC's local time, as the clerk saw it."""
    v = to_local(d)
    return v.replace(tzinfo=None) if v is not None else None


@register("callbacks", "走访回访", order=40)
def callbacks_section(session: Session, month: Month) -> MonthSection:
    start, end = month.utc_bounds()
    cutoff = min(end, utcnow())  # "overdue" as of the month's end, or now for the running month
    done_state, due_state = str(CallbackState.DONE), str(CallbackState.DUE)

    done_rows = session.execute(
        select(Callback.kind, Callback.due_at, Callback.done_at, Callback.satisfaction, Callback.id,
               Callback.method, Callback.source)
        .where(Callback.state == done_state, Callback.done_at >= start, Callback.done_at < end)).all()
    due_in_month = dict(session.execute(
        select(Callback.kind, func.count())
        .where(Callback.due_at >= start, Callback.due_at < end,
               Callback.state != str(CallbackState.CANCELLED))
        .group_by(Callback.kind)).all())
    # Overdue as of the month's end: still open then, whether it was recorded later or not yet,
    # so a past month's report does not change when an old callback is finally made.
    open_at_cutoff = or_(Callback.state == due_state,
                         and_(Callback.state == done_state, Callback.done_at >= cutoff))
    overdue_rows = dict(session.execute(
        select(Callback.kind, func.count())
        .where(open_at_cutoff, Callback.due_at < cutoff, Callback.due_at >= start)
        .group_by(Callback.kind)).all())
    overdue_all = session.scalar(select(func.count()).where(open_at_cutoff, Callback.due_at < cutoff)) or 0

    per_kind = {k: [0, 0, 0, 0] for k in CallbackKind}  # due, done, overdue, 不满意
    for k, n in due_in_month.items():
        per_kind[CallbackKind(k)][0] = n
    for k, n in overdue_rows.items():
        per_kind[CallbackKind(k)][2] = n
    complaint_done = complaint_in_time = 0
    unhappy_ids: list[int] = []
    by_method = {m: 0 for m in Method}
    for kind, due_at, done_at, sat, cid, method, source in done_rows:
        k = CallbackKind(kind)
        per_kind[k][1] += 1
        if method:
            by_method[Method(method)] += 1
        if sat == Satisfaction.DISSATISFIED:
            per_kind[k][3] += 1
            unhappy_ids.append(cid)
        # The 48-hour rule is about the callback a resolved complaint creates (due = resolved + 48 h),
        # not the urgent follow-ups of a 不满意 callback.
        if k == CallbackKind.COMPLAINT and source == "complaint" and due_at is not None:
            complaint_done += 1
            if _aware(done_at) <= _aware(due_at):
                complaint_in_time += 1

    # A 不满意 callback is "called back" once its follow-up callback is done.
    followed = 0
    if unhappy_ids:
        follow = aliased(Callback)
        followed = session.scalar(select(func.count(func.distinct(follow.source_id))).where(
            follow.source == SOURCE_CALLBACK, follow.source_id.in_(unhappy_ids),
            follow.state == done_state)) or 0

    cov = coverage(session, month.year, now=end - timedelta(seconds=1))
    visited_to_date = sum(cov.by_month[: month.month])
    share = visited_to_date / cov.households if cov.households else 0.0

    kind_table = SectionTable(
        "按回访类型",
        [ExportColumn("类型"), ExportColumn("本月到期", ColKind.INT), ExportColumn("本月完成", ColKind.INT),
         ExportColumn("逾期未回访", ColKind.INT), ExportColumn("不满意", ColKind.INT)],
        [[KIND_LABELS[k], *v] for k, v in per_kind.items()])
    month_table = SectionTable(
        f"{month.year}年走访覆盖（按月首次回访户数）",
        [ExportColumn("月份"), ExportColumn("首次回访户数", ColKind.INT), ExportColumn("累计", ColKind.INT)],
        [[f"{i + 1}月", n, sum(cov.by_month[: i + 1])] for i, n in enumerate(cov.by_month[: month.month])])
    unhappy = session.execute(
        select(Callback.done_at, Room.code, Callback.person_name, Callback.kind, Callback.method,
               Callback.opinion, Callback.follow_up)
        .outerjoin(Room, Callback.room_id == Room.id)
        .where(Callback.id.in_(unhappy_ids or [-1])).order_by(Callback.done_at)).all()
    unhappy_table = SectionTable(
        "本月不满意的回访",
        [ExportColumn("回访时间", ColKind.DATETIME), ExportColumn("房号", ColKind.CODE), ExportColumn("业主"),
         ExportColumn("类型"), ExportColumn("方式"), ExportColumn("业主意见"), ExportColumn("跟进措施")],
        [[_local_naive(at), code or "", name, KIND_LABELS[CallbackKind(k)], METHOD_LABELS.get(Method(m), "") if m else "",
          op, fu] for at, code, name, k, m, op, fu in unhappy])
    return MonthSection(
        key="callbacks", title="走访回访",
        figures=[
            KeyFigure("本月完成回访", len(done_rows)),
            KeyFigure("本月到期回访", sum(v[0] for v in per_kind.values())),
            KeyFigure("逾期未回访（累计）", overdue_all),
            KeyFigure("投诉回访 48 小时内完成率", _pct(complaint_in_time, complaint_done), ColKind.TEXT,
                      note=f"{complaint_in_time}/{complaint_done}"),
            KeyFigure("不满意已跟进回访比例", _pct(followed, len(unhappy_ids)), ColKind.TEXT,
                      note=f"{followed}/{len(unhappy_ids)}"),
            KeyFigure("电话回访", by_method[Method.PHONE]),
            KeyFigure("上门走访", by_method[Method.VISIT]),
            KeyFigure("年度走访覆盖率（至本月）", f"{100 * share:.1f}%", ColKind.TEXT,
                      note=f"{visited_to_date}/{cov.households} 户，目标 ≥ {cov.target:.0%}"),
        ],
        tables=[kind_table, month_table, unhappy_table],
        charts=[ChartSpec("按回访类型", table=0, categories=0, series=[1, 2, 3], kind="bar", y_title="次数")],
        notes=["投诉回访按规定应在投诉处理完毕后 48 小时内完成（§七4）；每年走访户数不少于总户数的 50%（§七7）。",
               "逾期未回访为截至月末（本月为截至导出时）仍未回访且已过应回访时间的记录。"],
        has_data=bool(done_rows) or bool(due_in_month) or bool(overdue_all),
    )
