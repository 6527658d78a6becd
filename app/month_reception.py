"""The 来电来访 section of the month-end workbook: calls by kind and channel, promises, suggestions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.calls import CHANNEL_LABELS, KIND_LABELS, CallKind, Channel, SuggestionState
from app.exports import ColKind, ExportColumn
from app.monthly import ChartSpec, KeyFigure, Month, MonthSection, SectionTable, register
from app.timeutil import to_local
from db.models import CallLog, Promise
from db.types import utcnow


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


@register("reception", "来电来访", order=20)
def reception_section(session: Session, month: Month) -> MonthSection:
    start, end = month.utc_bounds()
    in_month = (CallLog.at >= start, CallLog.at < end)
    counts = session.execute(select(CallLog.kind, CallLog.channel, func.count()).where(*in_month)
                             .group_by(CallLog.kind, CallLog.channel)).all()
    by = {(k, ch): n for k, ch, n in counts}
    total = sum(by.values())
    kinds = list(CallKind)
    channels = list(Channel)
    kind_rows = [[KIND_LABELS[k]] + [by.get((str(k), str(c)), 0) for c in channels]
                 + [sum(by.get((str(k), str(c)), 0) for c in channels)] for k in kinds]
    kind_table = SectionTable(
        "按类别与方式", [ExportColumn("类别")] + [ExportColumn(CHANNEL_LABELS[c], ColKind.INT) for c in channels]
        + [ExportColumn("合计", ColKind.INT)], kind_rows)

    # Per local day: fetch the times (a month is a few thousand rows) and bucket them here, so the
    # day boundary is the PC's, on SQLite and PostgreSQL alike.
    per_day: dict[object, list[int]] = {d: [0] * len(kinds) for d in month.days()}
    index = {str(k): i for i, k in enumerate(kinds)}
    for at, kind in session.execute(select(CallLog.at, CallLog.kind).where(*in_month)):
        local = to_local(at)
        if local is not None and local.date() in per_day and kind in index:
            per_day[local.date()][index[kind]] += 1
    day_table = SectionTable(
        "每日来电来访", [ExportColumn("日期", ColKind.DATE)]
        + [ExportColumn(KIND_LABELS[k], ColKind.INT) for k in kinds] + [ExportColumn("合计", ColKind.INT)],
        [[d, *v, sum(v)] for d, v in per_day.items()])

    promises = session.execute(select(Promise.state, Promise.due_at, Promise.kept_at)
                               .where(Promise.due_at >= start, Promise.due_at < end)).all()
    due_n = len(promises)
    kept = [p for p in promises if p.kept_at is not None]
    on_time = sum(1 for p in kept if p.kept_at <= p.due_at)
    open_n = due_n - len(kept)
    promise_table = SectionTable(
        "承诺答复（按承诺时间在本月统计）",
        [ExportColumn("项目"), ExportColumn("数量", ColKind.INT)],
        [["承诺答复", due_n], ["按时答复", on_time], ["超时答复", len(kept) - on_time], ["尚未答复", open_n]])

    sugg = session.execute(select(CallLog.suggestion_status, func.count())
                           .where(*in_month, CallLog.kind == str(CallKind.SUGGESTION))
                           .group_by(CallLog.suggestion_status)).all()
    s_by = {st: n for st, n in sugg}
    s_total = sum(s_by.values())
    adopted = s_by.get(str(SuggestionState.ADOPTED), 0)
    rejected = s_by.get(str(SuggestionState.REJECTED), 0)
    sugg_table = SectionTable(
        "建议处理情况", [ExportColumn("项目"), ExportColumn("数量", ColKind.INT)],
        [["收到建议", s_total], ["已采纳", adopted], ["未采纳", rejected],
         ["待处理", s_total - adopted - rejected]])
    declined = session.scalar(select(func.count()).select_from(CallLog)
                              .where(*in_month, CallLog.declined_contact.is_(True))) or 0
    # Judged: answered, or already late; a promise due later today is not a failure yet.
    cutoff = min(end, utcnow())
    judged = sum(1 for p in promises if p.kept_at is not None or _aware(p.due_at) < cutoff)
    on_time_rate = f"{on_time / judged:.0%}" if judged else "—"
    adopted_rate = f"{adopted / (adopted + rejected):.0%}" if adopted + rejected else "—"
    return MonthSection(
        key="reception", title="来电来访",
        figures=[
            KeyFigure("来电来访合计", total),
            KeyFigure("来电", sum(n for (_k, c), n in by.items() if c == Channel.PHONE)),
            KeyFigure("来访", sum(n for (_k, c), n in by.items() if c == Channel.VISIT)),
            KeyFigure("投诉类来电来访", sum(n for (k, _c), n in by.items() if k == CallKind.COMPLAINT)),
            KeyFigure("承诺答复按时率", on_time_rate, ColKind.TEXT, f"{on_time}/{due_n}"),
            KeyFigure("建议采纳率", adopted_rate, ColKind.TEXT, f"{adopted}/{adopted + rejected}"),
            KeyFigure("不愿留下联系方式", declined),
        ],
        tables=[kind_table, day_table, promise_table, sugg_table],
        charts=[ChartSpec("每日来电来访", table=1, categories=0, series=list(range(1, len(kinds) + 1)),
                          kind="bar", y_title="次数")],
        notes=["承诺答复按承诺的答复时间归入月份；建议按来电日期归入月份。"],
        has_data=bool(total or due_n),
    )
