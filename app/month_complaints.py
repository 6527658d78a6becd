"""《投诉及处理月报表》: the complaints section of the month-end workbook (DOMAIN.md §二)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.complaints import (
    CALLBACK_HOURS,
    CHANNEL_LABELS,
    SATISFACTION_LABELS,
    STATE_LABELS,
    Channel,
    ComplaintState,
    Satisfaction,
    categories,
    month_note_text,
)
from app.exports import ColKind, ExportColumn
from app.monthly import ChartSpec, KeyFigure, Month, MonthSection, SectionTable, register
from db.models import Callback, Complaint, Department
from db.types import utcnow

SECTION = "complaints"
TITLE = "投诉及处理月报表"


def share(part: int, whole: int) -> str:
    """'85.0%（17/20）', or '—' when there is nothing to divide by."""
    if not whole:
        return "—"
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}%（{part}/{whole}）"


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


@register(SECTION, TITLE, order=30)
def complaints_section(session: Session, month: Month) -> MonthSection:
    start, end = month.utc_bounds()
    rows = session.execute(
        select(Complaint.id, Complaint.category, Complaint.channel, Complaint.department_code,
               Complaint.valid, Complaint.handled_on_spot, Complaint.deadline, Complaint.resolved_at,
               Complaint.received_at, Complaint.satisfaction, Complaint.repeat_of_id, Complaint.state)
        .where(Complaint.received_at >= start, Complaint.received_at < end)).all()
    depts = dict(session.execute(select(Department.code, Department.name)).all())
    total = len(rows)
    decided = [r for r in rows if r.valid is not None]
    valid = [r for r in decided if r.valid]
    on_spot = [r for r in valid if r.handled_on_spot]
    with_deadline = [r for r in rows if r.deadline is not None]
    kept = [r for r in with_deadline if r.resolved_at is not None and r.resolved_at <= r.deadline]
    # A deadline still open at the end of the month is not judged yet.
    cutoff = min(end, utcnow())
    judged = [r for r in with_deadline if r.resolved_at is not None or _utc(r.deadline) < cutoff]
    resolved = [r for r in rows if r.resolved_at is not None]
    hours = [Decimal((r.resolved_at - r.received_at).total_seconds()) / 3600 for r in resolved]
    mean_hours = (sum(hours, Decimal(0)) / len(hours)).quantize(Decimal("0.1")) if hours else None
    repeats = [r for r in rows if r.repeat_of_id is not None]
    sat = Counter(r.satisfaction for r in resolved if r.satisfaction)

    # Complaints resolved this month and the callbacks they asked for (§七4: within 48 hours).
    resolved_here = dict(session.execute(
        select(Complaint.id, Complaint.resolved_at)
        .where(Complaint.resolved_at >= start, Complaint.resolved_at < end)).all())
    done: dict[int, object] = {}
    if resolved_here:
        for source_id, done_at in session.execute(
                select(Callback.source_id, Callback.done_at)
                .where(Callback.source == "complaint", Callback.done_at.is_not(None),
                       Callback.source_id.in_(list(resolved_here)))
                .order_by(Callback.done_at)):
            done.setdefault(source_id, done_at)
    within = sum(1 for cid, at in done.items()
                 if at is not None and at - resolved_here[cid] <= timedelta(hours=CALLBACK_HOURS))

    by_cat = Counter(r.category for r in rows)
    valid_cat = Counter(r.category for r in valid)
    rep_cat = Counter(r.category for r in repeats)
    cat_order = [c for c in categories(session) if by_cat.get(c)] + \
        sorted(c for c in by_cat if c not in categories(session))
    cat_table = SectionTable(
        "按类别", [ExportColumn("投诉类别"), ExportColumn("投诉数", ColKind.INT),
                 ExportColumn("有效", ColKind.INT), ExportColumn("重复投诉", ColKind.INT)],
        [[c, by_cat[c], valid_cat.get(c, 0), rep_cat.get(c, 0)] for c in cat_order])
    by_channel = Counter(r.channel for r in rows)
    channel_table = SectionTable(
        "按受理方式", [ExportColumn("受理方式"), ExportColumn("投诉数", ColKind.INT)],
        [[CHANNEL_LABELS[ch], by_channel[ch]] for ch in Channel if by_channel.get(ch)])
    by_dept = Counter(r.department_code for r in rows)
    dept_table = SectionTable(
        "按被投诉部门", [ExportColumn("部门"), ExportColumn("投诉数", ColKind.INT)],
        [[depts.get(code, code) if code else "未指明", n]
         for code, n in sorted(by_dept.items(), key=lambda kv: (-kv[1], kv[0]))])
    sat_table = SectionTable(
        "业主满意度（已处理的投诉）", [ExportColumn("满意度"), ExportColumn("件数", ColKind.INT)],
        [[SATISFACTION_LABELS[s], sat.get(str(s), 0)] for s in Satisfaction])
    states = Counter(r.state for r in rows)
    state_table = SectionTable(
        "月末状态", [ExportColumn("状态"), ExportColumn("件数", ColKind.INT)],
        [[STATE_LABELS[s], states[str(s)]] for s in ComplaintState if states.get(str(s))])
    analysis = month_note_text(session, month, SECTION)
    tables = [cat_table, channel_table, dept_table, sat_table, state_table,
              SectionTable("分析与改进措施", [ExportColumn("主管分析")], [[analysis]] if analysis else [],
                           note="" if analysis else "主管尚未填写本月分析")]
    figures = [
        KeyFigure("受理投诉", total),
        KeyFigure("有效投诉占比", share(len(valid), len(decided)), ColKind.TEXT),
        KeyFigure("当场处理占比（有效投诉）", share(len(on_spot), len(valid)), ColKind.TEXT),
        KeyFigure("按约定期限完成", share(len(kept), len(judged)), ColKind.TEXT),
        KeyFigure("平均处理时长（小时）", mean_hours, ColKind.DECIMAL),
        KeyFigure("满意率（满意+基本满意）",
                  share(sat.get(Satisfaction.SATISFIED, 0) + sat.get(Satisfaction.BASIC, 0), sum(sat.values())),
                  ColKind.TEXT),
        KeyFigure("重复投诉", len(repeats)),
        KeyFigure(f"{CALLBACK_HOURS} 小时内回访（本月处理完成的投诉）", share(within, len(resolved_here)),
                  ColKind.TEXT),
    ]
    notes = ["投诉按受理时间统计；回访按本月处理完成的投诉统计。"]
    if analysis:
        notes.append(f"主管分析：{analysis}")
    return MonthSection(
        key=SECTION, title=TITLE, figures=figures, tables=tables,
        charts=[ChartSpec("各类别投诉数", table=0, categories=0, series=[1, 2], kind="bar", y_title="件数")],
        notes=notes, has_data=bool(rows) or bool(resolved_here) or bool(analysis))
