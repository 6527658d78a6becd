"""《报修及维修月报表》: a month of repair orders with known times, run through the service, gives exact
figures (counts, median and P90 times, late orders, engineers, callbacks) in the workbook and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from app import callbacks, month_report, monthly, repairs, rooms
from app.callbacks import CallbackResult, Method, Satisfaction
from app.month_repairs import SECTION, TITLE, repairs_section
from app.monthly import Month
from app.repairs import Channel, Rating, RepairData, Urgency
from app.rooms import PersonData, RoomData
from app.staff import StaffData, departments, save_staff
from app.timeutil import local_today, local_tz
from db.models import Callback
from tests.pdftools import pdf_text

pytestmark = pytest.mark.pg
PHONE = "13800138000"


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm)).replace(tzinfo=local_tz()).astimezone(UTC)


@dataclass(frozen=True)
class Built:
    month: Month
    serial: dict[str, str]   # letter → WX-… serial
    ids: dict[str, int]


def build_month_of_orders(db, supervisor, a) -> Built:
    """Two months ago (all of it and the month after lie in the past), twelve orders A … N:

    A 水 一般 张工  60 min / 120 min  满意      callback in time, filed
    B 电 一般 张工 125 min / 240 min  基本满意  callback 60 h later
    C 水 紧急 李工 180 min / 240 min  满意      on site late; no callback (overdue)
    D 燃气 特急 李工 20 min / 300 min 不满意    done late; 返修 as N; callback 不满意
    E 门窗 一般 张工 60 / 185, ¥150.00 accepted; no callback (overdue)
    F 门窗 一般 李工 30 min, quoted ¥80.50, never signed: 待确认费用, late (not done in 72 h)
    G 电 一般: cancelled before dispatch
    H 其他 一般: never dispatched, late on both counts
    I 其他 一般: 张工 退单, 李工 on site (90 min), 转单 back to 张工, done (180 min);
      called back only the month after (still 已完工 at the month's end)
    J 水 一般 张工: reported on the last evening, on site and done the month after
    L 电 紧急 张工 30 / 60 on the last morning: callback not due yet at the month's end
    N 燃气 紧急 李工 40 / 100: the 返修 of D
    K (reported the month before, done on the 1st) only counts among the month's callbacks.
    """
    month = Month.of(local_today()).previous().previous()
    d = [month.first_day + timedelta(days=i) for i in range(month.last_day.day)]
    last, after, before = month.last_day, month.next().first_day, month.first_day - timedelta(days=1)
    ids: dict[str, int] = {}
    with db.Session.begin() as s:
        dept = {x.code: x.id for x in departments(s)}
        e1 = save_staff(s, supervisor, StaffData("张工", "GC-001", dept["engineering"])).id
        e2 = save_staff(s, supervisor, StaffData("李工", "GC-002", dept["engineering"])).id
        room = rooms.create_room(s, a, RoomData(code="3-2-1201"))
        rooms.add_person_to_room(s, a, room.id, PersonData(name="王芳", phone=PHONE))
        rooms.create_room(s, a, RoomData(code="3-2-1202"))

        def new(letter: str, when: datetime, category: str, urgency: Urgency = Urgency.NORMAL,
                code: str = "3-2-1201") -> int:
            row = repairs.create_order(s, a, RepairData(
                channel=Channel.PHONE, reporter="王芳", contact=PHONE, room_code=code, location="厨房",
                category=category, content=f"{category}故障（{letter}）", urgency=urgency), reported_at=when)
            ids[letter] = row.id
            return row.id

        def run(oid: int, eng: int, sent: datetime, on_site: datetime, done: datetime | None,
                rating: Rating = Rating.SATISFIED, comment: str = "") -> None:
            repairs.dispatch(s, a, oid, eng, at=sent)
            repairs.arrive(s, a, oid, "检查后维修", at=on_site)
            if done is not None:
                repairs.complete(s, a, oid, "已修好", "王芳", rating, comment, at=done)

        def call_back(oid: int, when: datetime, sat: Satisfaction = Satisfaction.SATISFIED) -> None:
            cb = s.scalar(select(Callback.id).where(Callback.source == "repair", Callback.source_id == oid))
            callbacks.record_callback(s, a, cb, CallbackResult(
                method=Method.PHONE, done_by="李助理", content="维修后使用正常", satisfaction=sat,
                follow_up="致歉，安排复查" if sat == Satisfaction.DISSATISFIED else "", done_at=when))

        k = new("K", at(before, 15), "水")
        run(k, e1, at(before, 15, 10), at(before, 16), at(d[0], 10))
        call_back(k, at(d[1], 9))

        oid = new("A", at(d[0], 9), "水")
        run(oid, e1, at(d[0], 9, 10), at(d[0], 10), at(d[0], 11))
        call_back(oid, at(d[1], 10))
        repairs.archive(s, a, oid, at=at(d[2], 9))

        oid = new("B", at(d[1], 9), "电")
        run(oid, e1, at(d[1], 9, 5), at(d[1], 11, 5), at(d[1], 13), Rating.BASIC)
        call_back(oid, at(d[1], 13) + timedelta(hours=60))

        oid = new("C", at(d[2], 10), "水", Urgency.URGENT)
        run(oid, e2, at(d[2], 10, 5), at(d[2], 13), at(d[2], 14))

        oid = new("D", at(d[3], 20), "燃气", Urgency.EMERGENCY)
        run(oid, e2, at(d[3], 20, 2), at(d[3], 20, 20), at(d[4], 1), Rating.DISSATISFIED, "燃气灶仍有异味")
        n = repairs.reopen(s, a, oid, "燃气灶仍有异味", at=at(d[4], 9)).id
        ids["N"] = n
        run(n, e2, at(d[4], 9, 10), at(d[4], 9, 40), at(d[4], 10, 40))
        call_back(oid, at(d[5], 9), Satisfaction.DISSATISFIED)
        call_back(n, at(d[5], 10))

        oid = new("E", at(d[4], 9), "门窗")
        run(oid, e1, at(d[4], 9, 5), at(d[4], 10), None)
        repairs.quote(s, a, oid, "150", "更换锁芯", at=at(d[4], 10, 10))
        repairs.accept_fee(s, a, oid, "王芳", at=at(d[4], 10, 20))
        repairs.complete(s, a, oid, "已更换锁芯", "王芳", Rating.SATISFIED, at=at(d[4], 12, 5))

        oid = new("F", at(d[5], 9), "门窗", code="3-2-1202")
        run(oid, e2, at(d[5], 9, 10), at(d[5], 9, 30), None)
        repairs.quote(s, a, oid, "80.50", at=at(d[5], 9, 45))

        oid = new("G", at(d[6], 9), "电")
        repairs.cancel(s, a, oid, "业主自行修好", at=at(d[6], 10))

        new("H", at(d[7], 9), "其他")

        oid = new("I", at(d[8], 9), "其他")
        repairs.dispatch(s, a, oid, e1, at=at(d[8], 9, 5))
        repairs.send_back(s, a, oid, "临时有抢修任务", at=at(d[8], 9, 30))
        repairs.dispatch(s, a, oid, e2, at=at(d[8], 9, 40))
        repairs.arrive(s, a, oid, at=at(d[8], 10, 30))
        repairs.transfer(s, a, oid, e1, "需要持证电工", at=at(d[8], 11))
        repairs.complete(s, a, oid, "已修好", "王芳", Rating.SATISFIED, at=at(d[8], 12))
        call_back(oid, at(after, 10) + timedelta(days=2))

        oid = new("J", at(last, 22), "水")
        run(oid, e1, at(last, 22, 10), at(after, 8, 30), at(after, 10))

        oid = new("L", at(last, 8), "电", Urgency.URGENT)
        run(oid, e1, at(last, 8, 5), at(last, 8, 30), at(last, 9))
    with db.Session() as s:
        serial = {k: repairs.order_detail(s, a, v).row.serial for k, v in ids.items()}
    return Built(month, serial, ids)


def table(section, title_start: str):
    return next(t for t in section.tables if t.title.startswith(title_start))


def test_month_figures_are_exact(any_db, supervisor, assistant, tmp_path):
    b = build_month_of_orders(any_db, supervisor, assistant)
    with any_db.Session() as s:
        report = monthly.build_month(s, b.month, generated_by="张主管")
        # The orders as they stand now: I has been called back since the month's end.
        assert repairs.order_detail(s, assistant, b.ids["I"]).row.state == repairs.RepairState.CALLED_BACK
    sec = month_report.section_by_key(report, SECTION)
    assert sec.title == TITLE and not sec.empty
    assert [s.key for s in report.sections][-2:] == [SECTION, "keys"]  # after complaints and callbacks
    fig = {f.label: (f.value, f.note) for f in sec.figures}
    assert fig["本月报修"][0] == 12
    assert fig["月末已完工（不含已取消）"][0] == "72.7%（8/11）"
    assert fig["已取消"][0] == 1
    assert fig["有偿维修"] == (2, "业主已签字确认 1 单")
    assert fig["有偿维修确认金额"][0] == Decimal("150.00")
    # Responses 20 30 30 40 60 60 90 125 180; completions 60 100 120 180 185 240 240 300 (minutes).
    assert fig["到场时间中位数（小时）"] == (Decimal("1.0"), "9 单")
    assert fig["到场时间 P90（小时）"][0] == Decimal("3.0")
    assert fig["完工时间中位数（小时）"] == (Decimal("3.0"), "8 单")  # (180 + 185) / 2 = 182.5 min
    assert fig["完工时间 P90（小时）"][0] == Decimal("5.0")
    assert fig["超时工单"] == ("36.4%（4/11）", "到场超时 2 单，完工超时 3 单")
    assert fig["业主满意率（满意+基本满意）"][0] == "87.5%（7/8）"
    assert fig["返修单"][0] == 1
    assert fig["维修回访完成（本月完工）"] == ("55.6%（5/9）", "48 小时内 4 单，逾期未回访 3 单")

    cats = table(sec, "按报修类别")
    assert cats.rows == [
        ["水", 3, 1, 0, 2, 1, Decimal("2.0"), Decimal("3.0")],
        ["电", 3, 1, 0, 2, 0, Decimal("1.3"), Decimal("2.5")],
        ["门窗", 2, 0, 2, 1, 1, Decimal("0.8"), Decimal("3.1")],
        ["燃气", 2, 2, 0, 2, 1, Decimal("0.5"), Decimal("3.3")],
        ["其他", 2, 0, 0, 1, 1, Decimal("1.5"), Decimal("3.0")],
    ]
    days = table(sec, "每日报修")
    assert len(days.rows) == b.month.last_day.day and sum(r[2] for r in days.rows) == 12
    per_day = {int(r[0]): r[2] for r in days.rows}
    assert [per_day[i] for i in range(1, 10)] == [1, 1, 1, 1, 2, 1, 1, 1, 1]
    assert per_day[b.month.last_day.day] == 2 and per_day[10] == 0
    assert days.rows[0][1] == "一二三四五六日"[b.month.first_day.weekday()]

    assert table(sec, "到场时间").rows == [
        ["特急", 1, "30 分钟", Decimal("0.3"), Decimal("0.3"), 0],
        ["紧急", 3, "2 小时", Decimal("0.7"), Decimal("3.0"), 1],
        ["一般", 8, "1 天", Decimal("1.0"), Decimal("2.1"), 1],
    ]
    assert table(sec, "完工时间").rows == [
        ["特急", 1, "4 小时", Decimal("5.0"), Decimal("5.0"), 1],
        ["紧急", 3, "1 天", Decimal("1.7"), Decimal("4.0"), 0],
        ["一般", 4, "3 天", Decimal("3.0"), Decimal("4.0"), 2],
    ]
    assert dict((r[0], r[1]) for r in table(sec, "月末状态").rows) == {
        "待派工": 1, "已派工": 1, "维修中": 0, "待确认费用": 1, "已完工": 4, "已回访": 3, "已归档": 1, "已取消": 1}
    assert table(sec, "有偿与无偿").rows == [["有偿", 2, 2, 1, Decimal("150.00")], ["无偿", 10, 0, 0, None]]
    assert table(sec, "业主验收评价").rows == [["满意", 6, "75.0%"], ["基本满意", 1, "12.5%"], ["不满意", 1, "12.5%"]]
    assert dict(table(sec, "维修回访").rows) == {
        "本月完工": 9, "已回访": 5, "其中 48 小时内回访": 4, "回访时业主不满意": 1, "逾期未回访": 3, "尚未到回访时间": 1}
    assert table(sec, "维修人员").rows == [
        ["张工", "GC-001", 6, 1, 5, 1, 0, Decimal("1.0"), Decimal("3.0"), "100.0%"],
        ["李工", "GC-002", 5, 0, 3, 1, 3, Decimal("0.7"), Decimal("4.0"), "66.7%"],
    ]
    late = table(sec, "超时工单").rows
    assert [(r[0], r[3], r[4], r[5]) for r in late] == [
        (b.serial["C"], "李工", "到场 3.0 小时", "已完工"),
        (b.serial["D"], "李工", "完工 5.0 小时", "已回访"),
        (b.serial["F"], "李工", "月末仍未完工", "待确认费用"),
        (b.serial["H"], "", "月末仍未到场；月末仍未完工", "待派工"),
    ]
    assert late[0][2] == "水 · 紧急"

    # The workbook and the PDF, read back.
    xlsx, pdf = tmp_path / "m.xlsx", tmp_path / "m.pdf"
    monthly.write_outputs(report, xlsx, pdf)
    wb = load_workbook(xlsx)
    assert wb.sheetnames[-2] == "报修及维修月报表"
    summary = {r[1]: r[2] for r in wb["汇总"].iter_rows(min_row=5, values_only=True) if r[0] == TITLE}
    assert summary["本月报修"] == 12 and summary["超时工单"] == "36.4%（4/11）"
    assert summary["有偿维修确认金额"] == 150 and summary["完工时间 P90（小时）"] == 5
    ws = wb["报修及维修月报表"]
    assert len(ws._charts) == 2, "the category and the per-day charts"
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert "张工" in cells and "GC-001" in cells and b.serial["H"] in cells
    money = next(c for row in ws.iter_rows() for c in row if c.value == 150 and c.number_format != "General")
    assert "¥" in money.number_format
    p90 = next(r for r in wb["汇总"].iter_rows(min_row=5) if r[1].value == "完工时间 P90（小时）")[2]
    assert p90.number_format == "0.0"  # hours to one decimal, as the section computes them
    text = pdf_text(pdf)
    for words in (TITLE, "各类别报修数", "每日报修数", "到场时间（报修到首次到场，小时）", "P90", b.serial["F"],
                  "月末仍未到场", "¥150.00", "最近秩法"):
        assert words in text, words


def test_the_running_month_is_judged_as_of_now(any_db, supervisor, assistant):
    """An order not yet on site counts as late only once its limit has passed."""
    now = datetime.now(UTC)
    month = Month.of(now.astimezone(local_tz()).date())
    if Month.of((now - timedelta(minutes=45)).astimezone(local_tz()).date()) != month:
        pytest.skip("the first minutes of a month: the orders would fall into two months")
    with any_db.Session.begin() as s:
        dept = {x.code: x.id for x in departments(s)}
        save_staff(s, supervisor, StaffData("张工", "GC-001", dept["engineering"]))
        rooms.create_room(s, assistant, RoomData(code="3-2-1201"))
        for minutes, urgency in ((10, Urgency.EMERGENCY), (45, Urgency.EMERGENCY), (10, Urgency.NORMAL)):
            repairs.create_order(s, assistant, RepairData(
                reporter="王芳", contact=PHONE, room_code="3-2-1201", category="燃气", content="闻到燃气味",
                urgency=urgency), reported_at=now - timedelta(minutes=minutes))
    with any_db.Session() as s:
        sec = repairs_section(s, month)
    fig = {f.label: f.value for f in sec.figures}
    assert fig["超时工单"] == "33.3%（1/3）" and fig["到场时间中位数（小时）"] is None
    assert dict((r[0], r[1]) for r in table(sec, "月末状态").rows)["待派工"] == 3


def test_an_empty_month(any_db, tmp_path):
    with any_db.Session() as s:
        sec = repairs_section(s, Month(2020, 2))
    assert sec.empty and sec.figures[0].value == 0
    assert len(table(sec, "每日报修").rows) == 29 and table(sec, "维修人员").rows == []
    assert {f.label: f.value for f in sec.figures}["完工时间 P90（小时）"] is None


def test_the_section_reads_the_month_through_indexes(db, supervisor, assistant):
    """With years of orders in the database a month reads only its own rows: no query scans a table."""
    b = build_month_of_orders(db, supervisor, assistant)
    plans: list[tuple[str, list[str]]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "EXPLAIN" not in statement:
            plans.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.Session() as s:
            repairs_section(s, b.month)
            conn = s.connection()
            found = [(st, [r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st, p).all()])
                     for st, p in list(plans)]
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    heavy = [(st, plan) for st, plan in found
             for line in plan for t in ("repair_orders", "repair_events", "callbacks")
             if line.startswith(f"SCAN {t}")]
    assert not heavy, heavy
    assert any("repair_events" in st for st, _ in found)
    # The month's repair callbacks by their due time, not every repair callback there is.
    cb_plan = next(plan for st, plan in found if "FROM callbacks" in st)
    assert any("ix_callbacks_state_due" in line for line in cb_plan), cb_plan
