"""钥匙领用分发: the key cabinet's section of the month-end workbook (DOMAIN.md §三).

Loans are counted by when they were lent, returns by when they came back, reminders by when they
were made; what was still out, overdue, held or unresolved is taken as it stood at the month's end
(for the running month: now), so a past month's report does not change when a key comes back later.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.exports import ColKind, ExportColumn
from app.keys import (
    BORROWER_LABELS,
    HANDOVER_LABELS,
    INCIDENT_KIND_LABELS,
    INCIDENT_STATE_LABELS,
    KIND_LABELS,
    OFF_HOOK_STATES,
    REMEDY_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    Action,
    Borrower,
    HandoverKind,
    IncidentKind,
    IncidentState,
    KeyKind,
    KeyState,
    LoanState,
    Remedy,
)
from app.month_repairs import share
from app.monthly import ChartSpec, KeyFigure, Month, MonthSection, SectionTable, register
from app.timeutil import to_local
from db.models import (
    Key,
    KeyCabinet,
    KeyCount,
    KeyDeposit,
    KeyEvent,
    KeyHandover,
    KeyIncident,
    KeyLoan,
    KeyLoanItem,
    KeyReminder,
    Room,
    User,
)
from db.types import utcnow

SECTION = "keys"
TITLE = "钥匙领用分发"


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _at(dt: datetime) -> datetime:
    """A stored time that is never empty, as an aware datetime."""
    v = _aware(dt)
    assert v is not None
    return v


def _between(col: Any, start: datetime, cutoff: datetime) -> ColumnElement[bool]:
    return and_(col >= start, col < cutoff)


def _short(d: datetime | None) -> str:
    """'10-01 09:42' in the PC's local time (short enough for a narrow column)."""
    v = to_local(d)
    return "" if v is None else v.strftime("%m-%d %H:%M")


def _days(delta_seconds: float) -> str:
    days = delta_seconds / 86400
    return f"{days:.1f} 天" if days < 10 else f"{days:.0f} 天"


# ---------------------------------------------------------------- loans


@dataclass
class _Loan:
    id: int
    serial: str
    kind: Borrower
    holder: str
    lent: datetime
    due: datetime
    returned: datetime | None      # only when before the cutoff
    short: bool
    copies: int
    keys: list[str] = field(default_factory=list)
    reminded: int = 0              # reminders in the month
    reminded_total: int = 0        # reminders before the cutoff

    @property
    def open(self) -> bool:
        return self.returned is None

    def overdue_at(self, cutoff: datetime) -> bool:
        return self.open and self.due < cutoff

    @property
    def late_return(self) -> bool:
        return self.returned is not None and self.returned > self.due


def _loans(session: Session, start: datetime, cutoff: datetime) -> list[_Loan]:
    """Loans lent or returned in the month, reminded in it, or still out at the cutoff."""
    reminded: Counter[int] = Counter(session.scalars(
        select(KeyReminder.loan_id).where(KeyReminder.at >= start, KeyReminder.at < cutoff)))
    copies = (select(KeyLoanItem.loan_id, func.sum(KeyLoanItem.copies).label("n"))
              .group_by(KeyLoanItem.loan_id).subquery())
    wanted = or_(
        and_(KeyLoan.lent_at >= start, KeyLoan.lent_at < cutoff),
        and_(KeyLoan.returned_at >= start, KeyLoan.returned_at < cutoff),
        and_(KeyLoan.lent_at < cutoff, or_(KeyLoan.returned_at.is_(None), KeyLoan.returned_at >= cutoff)),
        KeyLoan.id.in_(list(reminded) or [-1]),
    )
    out: dict[int, _Loan] = {}
    for (lid, serial, kind, name, company, lent, due, returned, state, n) in session.execute(
            select(KeyLoan.id, KeyLoan.serial, KeyLoan.borrower_kind, KeyLoan.borrower_name, KeyLoan.company,
                   KeyLoan.lent_at, KeyLoan.due_at, KeyLoan.returned_at, KeyLoan.state, copies.c.n)
            .outerjoin(copies, copies.c.loan_id == KeyLoan.id).where(wanted).order_by(KeyLoan.lent_at, KeyLoan.id)):
        back = _aware(returned)
        if back is not None and back >= cutoff:
            back = None  # still out at the month's end
        out[lid] = _Loan(lid, serial, Borrower(kind), f"{name}（{company}）" if company else name, _at(lent), _at(due),
                         back, back is not None and state == LoanState.SHORT, int(n or 0),
                         reminded=reminded.get(lid, 0))
    return list(out.values())


def _loan_details(session: Session, loans: list[_Loan], cutoff: datetime) -> None:
    """Key numbers and reminders so far, for the few loans the overdue table lists."""
    by_id = {x.id: x for x in loans}
    if not by_id:
        return
    for loan_id, number in session.execute(
            select(KeyLoanItem.loan_id, Key.number).join(Key, Key.id == KeyLoanItem.key_id)
            .where(KeyLoanItem.loan_id.in_(list(by_id))).order_by(KeyLoanItem.id)):
        by_id[loan_id].keys.append(number)
    for loan_id, n in session.execute(
            select(KeyReminder.loan_id, func.count()).where(KeyReminder.loan_id.in_(list(by_id)),
                                                           KeyReminder.at < cutoff)
            .group_by(KeyReminder.loan_id)):
        by_id[loan_id].reminded_total = n


# ---------------------------------------------------------------- keys at the month's end


def _states_at(session: Session, cutoff: datetime) -> dict[int, tuple[str, str]]:
    """key id → (state, kind) at the cutoff, for keys that existed then.

    A key's state then is the state its first change after the cutoff started from (or its state
    now, if it has not changed since): only the events after the cutoff are read."""
    first_after = (select(KeyEvent.key_id, KeyEvent.from_state,
                          func.row_number().over(partition_by=KeyEvent.key_id,
                                                 order_by=(KeyEvent.at, KeyEvent.id)).label("n"))
                   .where(KeyEvent.at >= cutoff, KeyEvent.to_state != "").subquery())
    then = dict(session.execute(select(first_after.c.key_id, first_after.c.from_state)
                                .where(first_after.c.n == 1)).all())
    out: dict[int, tuple[str, str]] = {}
    for key_id, state, kind in session.execute(select(Key.id, Key.state, Key.kind)):
        s = then.get(key_id, state)
        if s:  # "": created after the cutoff
            out[key_id] = (s, kind)
    return out


# ---------------------------------------------------------------- the section


@register(SECTION, TITLE, order=60)
def keys_section(session: Session, month: Month) -> MonthSection:
    start, end = month.utc_bounds()
    cutoff = min(end, utcnow())

    def within(col: Any) -> ColumnElement[bool]:
        return _between(col, start, cutoff)

    # Loans by borrower kind.
    loans = _loans(session, start, cutoff)
    lent = [x for x in loans if start <= x.lent < cutoff]
    back = [x for x in loans if x.returned is not None and x.returned >= start]
    still_out = [x for x in loans if x.open and x.lent < cutoff]
    overdue = [x for x in still_out if x.overdue_at(cutoff)]
    reminders = sum(x.reminded for x in loans)
    kinds = list(Borrower)
    loan_rows = []
    for k in kinds:
        def mine(xs: list[_Loan], k: Borrower = k) -> list[_Loan]:
            return [x for x in xs if x.kind == k]

        b = mine(back)
        loan_rows.append([BORROWER_LABELS[k], len(mine(lent)), sum(x.copies for x in mine(lent)), len(b),
                          sum(not x.late_return for x in b), sum(x.late_return for x in b), sum(x.short for x in b),
                          len(mine(still_out)), len(mine(overdue)), sum(x.reminded for x in mine(loans))])
    loan_table = SectionTable(
        "借出与归还（按借匙人类别）",
        [ExportColumn("借匙人类别"), ExportColumn("本月借出（单）", ColKind.INT), ExportColumn("借出钥匙（把）", ColKind.INT),
         ExportColumn("本月归还（单）", ColKind.INT), ExportColumn("按时归还", ColKind.INT),
         ExportColumn("逾期归还", ColKind.INT), ExportColumn("归还短缺", ColKind.INT),
         ExportColumn("月末未还", ColKind.INT), ExportColumn("其中逾期", ColKind.INT),
         ExportColumn("本月催还（次）", ColKind.INT)],
        loan_rows,
        note="本月归还含上月借出、本月归还的借领单；按时归还指归还时间不晚于应还时间；归还短缺指清点数量少于借出数量（已按遗失上报）。")

    chased = sorted((x for x in loans if x.overdue_at(cutoff) or x.reminded or
                     (x.late_return and x.returned is not None and x.returned >= start)),
                    key=lambda x: (x.due, x.id))
    _loan_details(session, chased, cutoff)

    def loan_state(x: _Loan) -> str:
        if x.returned is None:
            return f"未还，已逾期 {_days((cutoff - x.due).total_seconds())}" if x.due < cutoff else "未还"
        late = f"逾期 {_days((x.returned - x.due).total_seconds())}" if x.late_return else "按时"
        return f"{_short(x.returned)} 归还（{late}）" + ("，短缺" if x.short else "")

    def chase_state(x: _Loan) -> str:
        earlier = x.reminded_total - x.reminded
        return loan_state(x) + (f"；此前已催还 {earlier} 次" if earlier else "")

    # Six columns: the loan's number stays on one line in the A4 PDF.
    chase_table = SectionTable(
        "逾期与催还",
        [ExportColumn("借领单号", ColKind.CODE), ExportColumn("借匙人"), ExportColumn("钥匙"),
         ExportColumn("借出 → 应还"), ExportColumn("本月催还（次）", ColKind.INT), ExportColumn("月末情况")],
        [[x.serial, f"{BORROWER_LABELS[x.kind]} · {x.holder}", "、".join(x.keys), f"{_short(x.lent)} → {_short(x.due)}",
          x.reminded, chase_state(x)] for x in chased],
        note="列出月末仍逾期未还、本月催还过或本月逾期归还的借领单。")

    # Owner deposits.
    dep_rows = session.execute(
        select(KeyDeposit.deposited_at, KeyDeposit.returned_at, KeyDeposit.returned_to, KeyDeposit.owner_name)
        .where(KeyDeposit.deposited_at < cutoff,
               or_(KeyDeposit.deposited_at >= start, KeyDeposit.returned_at.is_(None),
                   KeyDeposit.returned_at >= start))).all()
    taken = sum(_at(d) >= start for d, _r, _t, _o in dep_rows)
    given = [(t, o) for _d, r, t, o in dep_rows if r is not None and start <= _at(r) < cutoff]
    held = sum(r is None or _at(r) >= cutoff for _d, r, _t, _o in dep_rows)
    by_delegate = sum(t != o for t, o in given)
    deposit_table = SectionTable(
        "业主托存钥匙",
        [ExportColumn("项目"), ExportColumn("件数", ColKind.INT)],
        [["本月托存", taken], ["本月交还", len(given)], ["其中由业主指定的代领人领取", by_delegate],
         ["月末托存中", held]],
        note="托存钥匙只凭身份证交还业主本人或业主指定的代领人。")

    # Lost and damaged keys: reported in the month; remedies carried out in the month.
    incidents = session.execute(
        select(KeyIncident.id, Key.number, Room.code, KeyIncident.kind, KeyIncident.copies, KeyIncident.source,
               KeyIncident.reported_at, KeyIncident.consent_at, KeyIncident.resolved_at, KeyIncident.state,
               KeyIncident.remedy)
        .join(Key, Key.id == KeyIncident.key_id).join(Room, Room.id == Key.room_id)
        .where(KeyIncident.reported_at < cutoff,
               or_(KeyIncident.reported_at >= start, KeyIncident.resolved_at.is_(None),
                   KeyIncident.resolved_at >= start, KeyIncident.consent_at >= start))
        .order_by(KeyIncident.reported_at, KeyIncident.id)).all()

    def inc_state(consent: datetime | None, resolved: datetime | None, state: str) -> IncidentState:
        """The incident's state at the cutoff."""
        if resolved is not None and resolved < cutoff:
            return IncidentState(state)
        if consent is not None and consent < cutoff:
            return IncidentState.CONSENTED
        return IncidentState.REPORTED

    reported = [r for r in incidents if _at(r.reported_at) >= start]
    resolved = [r for r in incidents if r.resolved_at is not None and start <= _at(r.resolved_at) < cutoff]
    # The owner's answer (a refusal also closes the incident, at the same time).
    answered = [r for r in incidents if r.consent_at is not None and start <= _at(r.consent_at) < cutoff]
    declined = [r for r in answered if r.state == IncidentState.DECLINED]
    pending = [r for r in incidents
               if inc_state(_aware(r.consent_at), _aware(r.resolved_at), r.state) in (IncidentState.REPORTED,
                                                                                      IncidentState.CONSENTED)]
    recuts = [r for r in resolved if r.remedy == Remedy.RECUT]
    lock_changes = [r for r in resolved if r.remedy == Remedy.LOCK_CHANGE]
    retired = session.scalar(select(func.count()).select_from(KeyEvent).where(
        KeyEvent.action == Action.RETIRE, within(KeyEvent.at))) or 0
    kinds_reported = Counter(r.kind for r in reported)
    incident_summary = SectionTable(
        "遗失、损坏及处理",
        [ExportColumn("项目"), ExportColumn("件数", ColKind.INT), ExportColumn("钥匙（把）", ColKind.INT)],
        [[f"{INCIDENT_KIND_LABELS[k]}上报", kinds_reported.get(str(k), 0),
          sum(r.copies for r in reported if r.kind == k)] for k in IncidentKind]
        + [[f"其中{SOURCE_LABELS[s]}", sum(r.source == s for r in reported),
            sum(r.copies for r in reported if r.source == s)] for s in ("return", "count")]
        + [["业主同意处理", len(answered) - len(declined), None],
           ["业主不同意处理", len(declined), None],
           [REMEDY_LABELS[Remedy.RECUT], len(recuts), None],
           [REMEDY_LABELS[Remedy.LOCK_CHANGE], len(lock_changes), None],
           ["换锁作废的钥匙（编号）", retired, None],
           ["月末待处理", len(pending), None]],
        note="上报按报告时间统计，处理按补配、换锁或业主答复的时间统计；月末待处理含以前上报、月末仍未处理完的。")
    incident_table = SectionTable(
        "本月上报的遗失、损坏钥匙",
        [ExportColumn("钥匙编号", ColKind.CODE), ExportColumn("房号", ColKind.CODE), ExportColumn("情况"),
         ExportColumn("数量", ColKind.INT), ExportColumn("来源"), ExportColumn("报告时间"), ExportColumn("月末状态"),
         ExportColumn("处理")],
        [[r.number, r.code, INCIDENT_KIND_LABELS[IncidentKind(r.kind)], r.copies, SOURCE_LABELS.get(r.source, r.source),
          _short(_aware(r.reported_at)),
          INCIDENT_STATE_LABELS[st := inc_state(_aware(r.consent_at), _aware(r.resolved_at), r.state)],
          REMEDY_LABELS[Remedy(r.remedy)] if r.remedy and st == IncidentState.RESOLVED else ""]
         for r in reported])

    # Move-in handovers and second decoration keys.
    handed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, n_keys in session.execute(
            select(KeyHandover.kind, func.count(KeyEvent.id))
            .outerjoin(KeyEvent, and_(KeyEvent.ref == KeyHandover.serial, KeyEvent.action == Action.HAND_OVER))
            .where(within(KeyHandover.at)).group_by(KeyHandover.id, KeyHandover.kind)):
        handed[kind][0] += 1
        handed[kind][1] += n_keys
    handover_table = SectionTable(
        "钥匙交付业主",
        [ExportColumn("交付类别"), ExportColumn("单数", ColKind.INT), ExportColumn("钥匙（项）", ColKind.INT)],
        [[HANDOVER_LABELS[k], *handed[str(k)]] for k in HandoverKind],
        note="收房交付：第一把装修钥匙和正式钥匙；第二把装修钥匙须装修手续办妥、费用交清后交付。")

    # The last cabinet count up to the month's end, per cabinet.
    count_rows = []
    counted_in_month = 0
    for cab_id, cab_name in session.execute(select(KeyCabinet.id, KeyCabinet.name)
                                            .where(KeyCabinet.active.is_(True))
                                            .order_by(KeyCabinet.sort_order, KeyCabinet.id)):
        # By when the count started: a count recorded afterwards from paper keeps its own date.
        last = session.execute(
            select(KeyCount.started_at, KeyCount.counted_by, KeyCount.expected, KeyCount.present, KeyCount.missing,
                   KeyCount.unexpected)
            .where(KeyCount.cabinet_id == cab_id, KeyCount.started_at < cutoff)
            .order_by(KeyCount.started_at.desc(), KeyCount.id.desc()).limit(1)).first()
        counted_in_month += session.scalar(select(func.count()).select_from(KeyCount).where(
            KeyCount.cabinet_id == cab_id, within(KeyCount.started_at))) or 0
        if last is None:
            count_rows.append([cab_name, "未盘点", "", None, None, None, None])
        else:
            local = to_local(_aware(last.started_at))
            assert local is not None
            who = session.scalar(select(User.display_name).where(User.username == last.counted_by))
            count_rows.append([cab_name, local.strftime("%Y-%m-%d %H:%M"), who or last.counted_by, last.expected,
                               last.present, last.missing, last.unexpected])
    count_table = SectionTable(
        "钥匙柜盘点（截至月末最近一次）",
        [ExportColumn("钥匙柜"), ExportColumn("盘点时间"), ExportColumn("盘点人"), ExportColumn("应在柜", ColKind.INT),
         ExportColumn("在位", ColKind.INT), ExportColumn("缺失", ColKind.INT), ExportColumn("账外在位", ColKind.INT)],
        count_rows, note="缺失：记录在柜但钩上没有；账外在位：记录不在柜（借出、空钩）但钩上有钥匙。")

    # Keys on the register at the month's end, by state and kind.
    states = _states_at(session, cutoff)
    overdue_keys = sum(len(x.keys) for x in overdue)  # every overdue loan is in `chased`: keys loaded
    tally: Counter[tuple[str, str]] = Counter(states.values())
    shown_states = [s for s in KeyState if s not in OFF_HOOK_STATES]
    kind_list = list(KeyKind)
    state_rows = [[STATE_LABELS[s], sum(tally.get((str(s), str(k)), 0) for k in kind_list),
                   *(tally.get((str(s), str(k)), 0) for k in kind_list)] for s in shown_states]
    total_row = ["合计", sum(r[1] for r in state_rows),
                 *(sum(r[i] for r in state_rows) for i in range(2, 2 + len(kind_list)))]
    state_table = SectionTable(
        "月末在册钥匙（按状态和类别，单位：项）",
        [ExportColumn("状态"), ExportColumn("合计", ColKind.INT),
         *(ExportColumn(KIND_LABELS[k], ColKind.INT) for k in kind_list)],
        [*state_rows, total_row],
        note=f"一项为一个钥匙编号（可有多把）；不含已交付业主和已作废的钥匙。月末借出中已逾期 {overdue_keys} 项。")

    last_count = next((r for r in count_rows if r[1] != "未盘点"), None)
    figures = [
        KeyFigure("本月借出（单）", len(lent), note=f"钥匙 {sum(x.copies for x in lent)} 把；" + "，".join(
            f"{BORROWER_LABELS[k]} {sum(x.kind == k for x in lent)}" for k in kinds)),
        KeyFigure("本月归还（单）", len(back), note=f"逾期归还 {sum(x.late_return for x in back)} 单，"
                                              f"归还短缺 {sum(x.short for x in back)} 单"),
        KeyFigure("按时归还", share(sum(not x.late_return for x in back), len(back)), ColKind.TEXT),
        KeyFigure("月末未还（单）", len(still_out), note=f"其中逾期 {len(overdue)} 单"),
        KeyFigure("本月催还（次）", reminders, note=f"涉及 {sum(x.reminded > 0 for x in loans)} 张借领单"),
        KeyFigure("业主托存（本月）", taken, note=f"本月交还 {len(given)} 件，月末托存中 {held} 件"),
        KeyFigure("遗失、损坏上报", len(reported), note="，".join(
            f"{INCIDENT_KIND_LABELS[k]} {kinds_reported.get(str(k), 0)}" for k in IncidentKind)),
        KeyFigure("补配钥匙", len(recuts)),
        KeyFigure("换锁", len(lock_changes), note=f"作废钥匙 {retired} 项"),
        KeyFigure("收房交付（单）", handed[str(HandoverKind.MOVE_IN)][0],
                  note=f"钥匙 {handed[str(HandoverKind.MOVE_IN)][1]} 项"),
        KeyFigure("第二把装修钥匙（单）", handed[str(HandoverKind.SECOND_DECORATION)][0]),
        KeyFigure("本月盘点（次）", counted_in_month,
                  note="" if last_count is None else "；".join(
                      f"{r[0]} 最近 {r[1]}：缺失 {r[5]}，账外 {r[6]}" for r in count_rows if r[1] != "未盘点")),
    ]
    # Keys still out, deposits held and incidents open at the month's end are data too.
    has_data = bool(lent or back or reminders or taken or given or reported or resolved or answered
                    or any(n for n, _k in handed.values()) or counted_in_month or still_out or held or pending)
    notes = ["借出按借出时间统计，归还按归还时间统计；月末未还、逾期、托存中、待处理均以月末为准（本月为截至导出时）。",
             "应还时间：业主、员工、售楼人员当日下班前归还，施工单位按借期规则（默认 7 天），逾期即催还。"]
    return MonthSection(
        key=SECTION, title=TITLE, figures=figures,
        tables=[loan_table, chase_table, deposit_table, incident_summary, incident_table, handover_table,
                count_table, state_table],
        charts=[ChartSpec("各类借匙人借还情况", table=0, categories=0, series=[1, 3, 7], kind="bar", y_title="单数")],
        notes=notes, has_data=has_data)
