"""钥匙领用分发, the key cabinet's month-end section: a month of loans, returns, reminders, deposits,
lost and damaged keys, a lock change, handovers and cabinet counts, run through app.keys with known
times, gives exact figures in the workbook and the PDF; what happened before and after the month
stays out, and a month without key records says so."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import auth, keys, month_report, monthly, rooms, staff
from app.keys import (
    AcceptanceData,
    AcceptItem,
    Borrower,
    DelegateData,
    DepositData,
    HandoverData,
    HandoverKind,
    IncidentKind,
    KeyKind,
    LoanData,
    LoanItemData,
    NewKey,
    PermitData,
)
from app.month_keys import SECTION, TITLE, keys_section
from app.monthly import Month
from app.roles import SYSTEM, Actor, Role
from app.rooms import Occupancy, PersonData, Relation, RoomData
from app.staff import PartyData, StaffData
from app.timeutil import local_today, local_tz
from app.validation import id_check_char
from db.engine import Database, make_database
from db.models import KeyDeposit, KeyHandover, KeyIncident, KeyLoan, KeyReminder
from tests.pdftools import pdf_text

SUP = Actor("zhang", Role.SUPERVISOR, None, "张主管")
CLERK = Actor("li", Role.ASSISTANT, None, "李助理")


def resident_id(born: str, seq: str) -> str:
    body = f"110105{born}{seq}"
    return body + id_check_char(body)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm)).replace(tzinfo=local_tz()).astimezone(UTC)


@dataclass(frozen=True)
class Story:
    month: Month
    loans: dict[str, str]      # L0 … L6 → JY-… serial
    counts: dict[str, int]     # C0, C1, C2 → count id


def build_story(db: Database) -> Story:
    """Two months ago (the month and the one after lie in the past), in time order:

    before: keys accepted; L0 a contractor's loan (due on the 4th, back late on the 5th); D0 a deposit;
            C0 a count of 一号钥匙柜.
    L1 staff 2 copies, back the same afternoon; L2 an owner, back after closing (late);
    L3 sales staff 2 copies, 1 back (short → I1 lost, consented, 补配 on the 6th);
    D1 deposit, given back on the 12th to the owner's delegate; D2 deposit, given back next month;
    I2 1204's official key damaged, consented, 换锁 on the 9th: 1204-S and 1204-G retired, two new keys;
    L4 a contractor's loan of the new 1204-S-2, due on the 17th, reminded on the 18th and 20th,
    back next month (one more reminder then); I4 1203-S one copy damaged, owner declines;
    H1 move-in on the 22nd, H2 the second decoration key on the 23rd (permit paid on the 21st);
    I3 one copy of 1202-S lost on the 25th (still open); C1 count on the 26th: 1203-S missing, the
    lent 1204-S-2 found on its hook; L5 a contractor's loan on the day before the last (not due yet);
    L6 staff on the last day, never back (overdue); after: C2, and changes that must not show.
    """
    month = Month.of(local_today()).previous().previous()
    d = [month.first_day + timedelta(days=i) for i in range(month.last_day.day)]
    before, after, last = month.first_day - timedelta(days=1), month.next().first_day, month.last_day
    serial: dict[str, str] = {}
    counts: dict[str, int] = {}
    with db.Session.begin() as s:
        auth.create_user(s, SYSTEM, CLERK.username, "li123456", CLERK.role, CLERK.display_name)
        dept = {x.code: x.id for x in staff.departments(s)}
        eng = staff.save_staff(s, SUP, StaffData("赵师傅", "GC001", dept["engineering"]))
        staff.save_staff(s, SUP, StaffData("陈明", "KF007", dept["service"]))
        staff.save_staff(s, SUP, StaffData("钱丽", "XS001", dept["sales"]))
        firm = staff.save_contractor(s, SUP, PartyData("宏达装饰工程有限公司"))
        room = {}
        for code, occ in (("3-2-1201", Occupancy.OCCUPIED), ("3-2-1202", Occupancy.OCCUPIED),
                          ("3-2-1203", Occupancy.VACANT_UNSOLD), ("3-2-1204", Occupancy.OCCUPIED)):
            room[code] = rooms.create_room(s, CLERK, RoomData(code=code, occupancy=occ)).id
        owner = {}
        for code, name, born in (("3-2-1201", "王芳", "19780512"), ("3-2-1202", "刘洋", "19850303"),
                                 ("3-2-1204", "赵敏", "19900707")):
            owner[code] = rooms.add_person_to_room(s, CLERK, room[code], PersonData(
                name=name, phone="13800138000", id_number=resident_id(born, "123")), Relation.OWNER).person.id
        cab = keys.create_cabinet(s, SUP, keys.CabinetData("一号钥匙柜", 4, 6))
        other = keys.create_cabinet(s, SUP, keys.CabinetData("二号钥匙柜", 1, 2))
        hooks = [h for h, _ in keys.empty_hooks(s, cab.id)]
        items = [("3-2-1201-S", KeyKind.CONSTRUCTION, 3), ("3-2-1201-Z1", KeyKind.DECORATION_1, 1),
                 ("3-2-1201-Z2", KeyKind.DECORATION_2, 1), ("3-2-1201-G", KeyKind.OFFICIAL, 3),
                 ("3-2-1202-S", KeyKind.CONSTRUCTION, 2), ("3-2-1203-S", KeyKind.CONSTRUCTION, 2),
                 ("3-2-1204-S", KeyKind.CONSTRUCTION, 2), ("3-2-1204-G", KeyKind.OFFICIAL, 2)]
        acc, _ = keys.accept_keys(s, CLERK, AcceptanceData(
            "", "周建国", contractor_id=firm.id, at=at(before - timedelta(days=5), 10), items=[
                AcceptItem(n, n[:8], kind=k, copies=c, door="入户门", hook_id=hooks[i], count_ok=True, opens_ok=True)
                for i, (n, k, c) in enumerate(items)]))
        key = {k.number: k.id for k in keys.acceptance(s, acc).keys}

        def lend(name: str, kind: Borrower, number: str, when: datetime, copies: int = 0, **kw) -> int:
            lid, serial[name] = keys.lend(s, CLERK, LoanData(kind, [LoanItemData(key[number], copies)],
                                                             purpose="看房", at=when, **kw))
            return lid

        contractor = {"borrower_name": "吴师傅", "contractor_id": firm.id, "permit_no": "CR-88", "escort_id": eng.id}
        l0 = lend("L0", Borrower.CONTRACTOR, "3-2-1202-S", at(month.first_day - timedelta(days=4), 10), **contractor)
        d0, _ = keys.deposit_key(s, CLERK, DepositData(room_id=room["3-2-1204"], person_id=owner["3-2-1204"],
                                                       hook_id=hooks[8], at=at(before - timedelta(days=3), 9)))

        def count(name: str, cabinet: int, when: datetime, missing: tuple[str, ...] = (),
                  found: tuple[str, ...] = ()) -> None:
            cells = keys.cabinet_grid(s, cabinet)
            present = {c.hook_id: (c.state == keys.KeyState.IN and c.number not in missing) or c.number in found
                       for c in cells}
            counts[name] = keys.record_count(s, CLERK, cabinet, present, started_at=when)

        count("C0", cab.id, at(before, 16))

        keys.return_loan(s, CLERK, l0, "吴师傅", {key["3-2-1202-S"]: 2}, at=at(d[4], 9))             # late
        l1 = lend("L1", Borrower.STAFF, "3-2-1201-S", at(d[1], 9), 2, work_id="KF007")
        keys.return_loan(s, CLERK, l1, "陈明", {key["3-2-1201-S"]: 2}, at=at(d[1], 15))              # on time
        l2 = lend("L2", Borrower.OWNER, "3-2-1204-G", at(d[2], 10), person_id=owner["3-2-1204"])
        keys.return_loan(s, CLERK, l2, "赵敏", {key["3-2-1204-G"]: 2}, at=at(d[2], 20))              # after 18:00
        l3 = lend("L3", Borrower.SALES, "3-2-1203-S", at(d[3], 9), work_id="XS001")
        i1 = keys.return_loan(s, CLERK, l3, "钱丽", {key["3-2-1203-S"]: 1}, at=at(d[3], 11),
                              note="带客看房时遗失一把").incident_ids[0]
        keys.record_consent(s, SUP, i1, "开发商", True, at=at(d[4], 10))
        keys.recut(s, SUP, i1, 1, at=at(d[5], 10))
        d1, _ = keys.deposit_key(s, CLERK, DepositData(
            room_id=room["3-2-1201"], person_id=owner["3-2-1201"], hook_id=hooks[9], at=at(d[5], 14),
            delegates=[DelegateData("王建", resident_id("19800101", "456"), local_today() + timedelta(days=30))]))
        d2, _ = keys.deposit_key(s, CLERK, DepositData(room_id=room["3-2-1202"], person_id=owner["3-2-1202"],
                                                       hook_id=hooks[10], at=at(d[6], 9)))
        i2 = keys.report_incident(s, CLERK, key["3-2-1204-G"], IncidentKind.DAMAGED, "锁芯卡断在钥匙里", at=at(d[6], 15))
        keys.record_consent(s, SUP, i2, "赵敏", True, at=at(d[7], 10))
        new = keys.change_lock(s, SUP, i2, [NewKey("3-2-1204-S-2", KeyKind.CONSTRUCTION, 2),
                                            NewKey("3-2-1204-G-2", KeyKind.OFFICIAL, 2)], at=at(d[8], 10))
        key["3-2-1204-S-2"], key["3-2-1204-G-2"] = new
        l4 = lend("L4", Borrower.CONTRACTOR, "3-2-1204-S-2", at(d[9], 9), **contractor)     # due on the 17th
        keys.give_back_deposit(s, CLERK, d1, "王建", resident_id("19800101", "456"), at=at(d[11], 10))
        keys.remind(s, CLERK, l4, "phone", at=at(d[17], 10))
        i4 = keys.report_incident(s, CLERK, key["3-2-1203-S"], IncidentKind.DAMAGED, "钥匙齿断", copies=1,
                                  at=at(d[18], 9))
        keys.remind(s, CLERK, l4, "visit", at=at(d[19], 10))
        keys.record_consent(s, SUP, i4, "开发商", False, note="开发商不同意补配，暂用剩余一把", at=at(d[20], 9))
        keys.record_permit(s, CLERK, PermitData(room_id=room["3-2-1201"], permit_no="ZX-015", issued_on=d[20],
                                                fees_paid=True, receipt_no="SJ001", paid_on=d[20]))
        keys.hand_over(s, CLERK, HandoverData(room_id=room["3-2-1201"], kind=HandoverKind.MOVE_IN,
                                              person_id=owner["3-2-1201"], at=at(d[21], 10),
                                              key_ids=[key["3-2-1201-Z1"], key["3-2-1201-G"]]))
        keys.hand_over(s, CLERK, HandoverData(room_id=room["3-2-1201"], kind=HandoverKind.SECOND_DECORATION,
                                              person_id=owner["3-2-1201"], at=at(d[22], 10),
                                              key_ids=[key["3-2-1201-Z2"]]))
        keys.report_incident(s, CLERK, key["3-2-1202-S"], IncidentKind.LOST, "保洁员遗失一把", copies=1,
                             at=at(d[24], 9))
        count("C1", cab.id, at(d[25], 15), missing=("3-2-1203-S",), found=("3-2-1204-S-2",))
        lend("L5", Borrower.CONTRACTOR, "3-2-1202-S", at(last - timedelta(days=1), 10), **contractor)
        lend("L6", Borrower.STAFF, "3-2-1201-S", at(last, 10), 1, work_id="KF007")

        # The month after: none of this may change the month's figures.
        keys.remind(s, CLERK, l4, "phone", at=at(after, 9))
        keys.return_loan(s, CLERK, l4, "吴师傅", {key["3-2-1204-S-2"]: 2}, at=at(after, 11))
        keys.give_back_deposit(s, CLERK, d2, "刘洋", resident_id("19850303", "123"), at=at(after, 14))
        keys.report_incident(s, CLERK, key["3-2-1204-G-2"], IncidentKind.LOST, "业主遗失", at=at(after, 15))
        lend("L7", Borrower.SALES, "3-2-1203-S", at(after + timedelta(days=1), 9), work_id="XS001")
        count("C2", cab.id, at(after + timedelta(days=1), 16))
        assert d0 and other.id
    return Story(month, serial, counts)


@pytest.fixture(scope="module")
def _story_file(tmp_path_factory, _template_sqlite) -> tuple[Path, Story]:
    path = tmp_path_factory.mktemp("month_keys") / "story.sqlite3"
    shutil.copyfile(_template_sqlite, path)
    d = make_database(f"sqlite:///{path}")
    story = build_story(d)
    d.dispose()
    return path, story


@pytest.fixture
def story_db(_story_file, tmp_path) -> Iterator[tuple[Database, Story]]:
    path = tmp_path / "story.sqlite3"
    shutil.copyfile(_story_file[0], path)
    d = make_database(f"sqlite:///{path}")
    yield d, _story_file[1]
    d.dispose()


def table(section, title_start: str):
    return next(t for t in section.tables if t.title.startswith(title_start))


def test_the_month_figures_are_exact(story_db, tmp_path):
    db, st = story_db
    with db.Session() as s:
        report = monthly.build_month(s, st.month, generated_by="张主管")
        start, end = st.month.utc_bounds()
        # Counted straight from the tables, to hold the section to.
        lent = s.scalar(select(func.count()).select_from(KeyLoan).where(KeyLoan.lent_at >= start, KeyLoan.lent_at < end))
        reminded = s.scalar(select(func.count()).select_from(KeyReminder)
                            .where(KeyReminder.at >= start, KeyReminder.at < end))
        deposited = s.scalar(select(func.count()).select_from(KeyDeposit)
                             .where(KeyDeposit.deposited_at >= start, KeyDeposit.deposited_at < end))
        reported = s.scalar(select(func.count()).select_from(KeyIncident)
                            .where(KeyIncident.reported_at >= start, KeyIncident.reported_at < end))
        handed = dict(s.execute(select(KeyHandover.kind, func.count()).where(KeyHandover.at >= start,
                                                                             KeyHandover.at < end)
                                .group_by(KeyHandover.kind)).all())
        c1 = keys.count(s, st.counts["C1"])
        l6 = keys.loan(s, CLERK, keys.loan_by_serial(s, st.loans["L6"]))
    assert (lent, reminded, deposited, reported) == (6, 2, 2, 4)
    assert handed == {"move_in": 1, "second_decoration": 1}
    assert (c1.expected, c1.present, c1.missing, c1.unexpected) == (6, 5, 1, 1)

    sec = month_report.section_by_key(report, SECTION)
    assert sec.title == TITLE and not sec.empty
    keys_at = [x.key for x in report.sections]
    assert keys_at.index(SECTION) == keys_at.index("repairs") + 1
    fig = {f.label: (f.value, f.note) for f in sec.figures}
    assert fig["本月借出（单）"] == (lent, "钥匙 10 把；公司员工 2，施工单位 2，售楼人员 1，业主 1")
    assert fig["本月归还（单）"] == (4, "逾期归还 2 单，归还短缺 1 单")
    assert fig["按时归还"][0] == "50.0%（2/4）"
    assert fig["月末未还（单）"] == (3, "其中逾期 2 单")
    assert fig["本月催还（次）"] == (reminded, "涉及 1 张借领单")
    assert fig["业主托存（本月）"] == (deposited, "本月交还 1 件，月末托存中 2 件")
    assert fig["遗失、损坏上报"] == (reported, "遗失 2，损坏 2")
    assert fig["补配钥匙"][0] == 1 and fig["换锁"] == (1, "作废钥匙 2 项")
    assert fig["收房交付（单）"] == (1, "钥匙 2 项") and fig["第二把装修钥匙（单）"][0] == 1
    assert fig["本月盘点（次）"][0] == 1

    assert table(sec, "借出与归还").rows == [
        # kind, lent, copies, back, on time, late, short, out at the end, overdue, reminders
        ["公司员工", 2, 3, 1, 1, 0, 0, 1, 1, 0],
        ["施工单位", 2, 3, 1, 0, 1, 0, 2, 1, 2],
        ["售楼人员", 1, 2, 1, 1, 0, 1, 0, 0, 0],
        ["业主", 1, 2, 1, 0, 1, 0, 0, 0, 0],
    ]
    chase = table(sec, "逾期与催还").rows
    assert [r[0] for r in chase] == [st.loans[x] for x in ("L2", "L0", "L4", "L6")]  # by due time
    by = {r[0]: r for r in chase}
    l4 = by[st.loans["L4"]]
    assert l4[1] == "施工单位 · 吴师傅（宏达装饰工程有限公司）" and l4[2] == "3-2-1204-S-2" and l4[4] == 2
    end = st.month.utc_bounds()[1]
    assert l4[5] == f"未还，已逾期 {(end - at(st.month.first_day + timedelta(days=16), 9)) / timedelta(days=1):.0f} 天"
    assert by[st.loans["L0"]][5].endswith("归还（逾期 1.0 天）")  # due the 4th 10:00, back the 5th 09:00 → 23 h
    assert by[st.loans["L2"]][5].endswith("归还（逾期 0.1 天）")  # due 18:00, back 20:00
    assert by[st.loans["L6"]][1] == "公司员工 · 陈明" and by[st.loans["L6"]][4] == 0
    assert l6.due_at < datetime.combine(st.month.next().first_day, time(), local_tz())  # due on the last day
    assert dict(table(sec, "业主托存").rows) == {"本月托存": 2, "本月交还": 1, "其中由业主指定的代领人领取": 1,
                                              "月末托存中": 2}
    assert {r[0]: (r[1], r[2]) for r in table(sec, "遗失、损坏及处理").rows} == {
        "遗失上报": (2, 2), "损坏上报": (2, 3), "其中归还短缺": (1, 1), "其中盘点缺失": (0, 0),
        "业主同意处理": (2, None), "业主不同意处理": (1, None), "补配钥匙": (1, None), "换锁": (1, None),
        "换锁作废的钥匙（编号）": (2, None), "月末待处理": (1, None)}
    incidents = table(sec, "本月上报的遗失").rows
    assert [(r[0], r[2], r[3], r[4], r[6], r[7]) for r in incidents] == [
        ("3-2-1203-S", "遗失", 1, "归还短缺", "已处理", "补配钥匙"),
        ("3-2-1204-G", "损坏", 2, "报告", "已处理", "换锁"),
        ("3-2-1203-S", "损坏", 1, "报告", "业主不同意", ""),
        ("3-2-1202-S", "遗失", 1, "报告", "已报告主管", ""),
    ]
    assert table(sec, "钥匙交付业主").rows == [["收房交付", 1, 2], ["第二把装修钥匙", 1, 1]]
    counted = table(sec, "钥匙柜盘点").rows
    assert counted[0][0] == "一号钥匙柜" and counted[0][3:] == [c1.expected, c1.present, c1.missing, c1.unexpected]
    assert counted[0][1].startswith(f"{st.month.first_day:%Y-%m}-26") and counted[0][2] == "李助理"
    assert counted[1] == ["二号钥匙柜", "未盘点", "", None, None, None, None]
    states = {r[0]: r[1:] for r in table(sec, "月末在册钥匙").rows}
    # 在柜 1203-S, 1204-G-2 (official), 1204-T and 1202-T (deposits); out: 1201-S, 1202-S, 1204-S-2.
    assert states["在柜"] == [4, 1, 0, 0, 1, 2, 0]
    assert states["借出"] == [3, 3, 0, 0, 0, 0, 0]
    assert states["遗失"][0] == 0 and states["损坏"][0] == 0 and states["合计"][0] == 7

    # The workbook and the PDF, read back.
    xlsx, pdf = tmp_path / "m.xlsx", tmp_path / "m.pdf"
    monthly.write_outputs(report, xlsx, pdf)
    wb = load_workbook(xlsx)
    assert TITLE in wb.sheetnames
    summary = {r[1]: r[2] for r in wb["汇总"].iter_rows(min_row=5, values_only=True) if r[0] == TITLE}
    assert summary["本月借出（单）"] == lent and summary["本月催还（次）"] == reminded
    assert summary["业主托存（本月）"] == deposited and summary["遗失、损坏上报"] == reported
    assert summary["按时归还"] == "50.0%（2/4）" and summary["换锁"] == 1
    ws = wb[TITLE]
    assert len(ws._charts) == 1
    cells = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert st.loans["L4"] in cells and "3-2-1204-S-2" in cells and "二号钥匙柜" in cells
    text = pdf_text(pdf)
    for words in (TITLE, "借出与归还（按借匙人类别）", "逾期与催还", st.loans["L6"], "业主托存钥匙", "换锁作废的钥匙",
                  "钥匙柜盘点（截至月末最近一次）", "未盘点", "月末在册钥匙", "各类借匙人借还情况"):
        assert words in text, words


def test_the_months_before_and_after_keep_to_themselves(story_db):
    db, st = story_db
    with db.Session() as s:
        before = keys_section(s, st.month.previous())
        after = keys_section(s, st.month.next())
    fb = {f.label: f.value for f in before.figures}
    assert fb["本月借出（单）"] == 1 and fb["月末未还（单）"] == 1 and fb["本月盘点（次）"] == 1
    assert table(before, "钥匙柜盘点").rows[0][3] == 8 and not before.empty  # C0: 7 accepted keys (1202-S out on L0) and the deposit
    fa = {f.label: f.value for f in after.figures}
    assert fa["本月借出（单）"] == 1 and fa["本月归还（单）"] == 1 and fa["本月催还（次）"] == 1
    assert fa["遗失、损坏上报"] == 1 and fa["业主托存（本月）"] == 0
    rows = {r[0]: r for r in table(after, "借出与归还").rows}
    assert rows["施工单位"][3:6] == [1, 0, 1]  # L4 back late
    assert table(after, "钥匙柜盘点").rows[0][1].startswith(f"{st.month.next().first_day:%Y-%m}-02")
    with db.Session() as s:  # the running month, judged as of now: nothing done, three loans still out
        now = keys_section(s, Month.of(local_today()))
    fn = {f.label: (f.value, f.note) for f in now.figures}
    assert fn["本月借出（单）"][0] == 0 and fn["月末未还（单）"] == (3, "其中逾期 3 单") and not now.empty
    assert fn["业主托存（本月）"] == (0, "本月交还 0 件，月末托存中 1 件")  # D0


def test_a_month_without_key_records_is_a_clean_empty_section(db, tmp_path):
    month = Month(2020, 2)
    with db.Session() as s:
        sec = keys_section(s, month)
        report = monthly.build_month(s, month)
    assert sec.empty and all(not f.value for f in sec.figures if f.kind != "text")
    assert {f.label: f.value for f in sec.figures}["按时归还"] == "—"
    assert table(sec, "逾期与催还").rows == [] and table(sec, "钥匙柜盘点").rows == []
    assert [r[1] for r in table(sec, "借出与归还").rows] == [0, 0, 0, 0]
    pdf = tmp_path / "empty.pdf"
    monthly.write_outputs(report, None, pdf)
    text = pdf_text(pdf)
    after_title = text[text.rindex(TITLE):]
    assert month_report.EMPTY_SECTION in after_title and "（无）" in after_title
