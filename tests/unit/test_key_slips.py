"""The key cabinet's forms: 《钥匙借领确认单》 (lent, then returned), 《钥匙验收记录表》 and
《业主托存/移交钥匙登记表》 for a deposit and for the handovers; what they print, masked, with a QR code."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import audit, auth, key_slips, keys, printing, rooms, staff
from app.errors import PermissionDenied
from app.keys import (
    AcceptanceData,
    AcceptItem,
    Borrower,
    DelegateData,
    DepositData,
    HandoverData,
    HandoverKind,
    KeyKind,
    LoanData,
    LoanItemData,
    PermitData,
)
from app.roles import ROLE_PERMISSIONS, SYSTEM, Actor, Perm, Role
from app.rooms import PersonData, Relation, RoomData
from app.staff import PartyData, StaffData
from app.timeutil import fmt_local
from app.validation import id_check_char
from db.engine import Database, make_database
from tests.pdftools import pdf_page_size, pdf_pages, pdf_text, qr_payloads

A5 = (420, 595)
A4 = (595, 842)
PHONE = "13800138000"
QR_DPI = 120  # the 17 mm code at about 3 pixels a module: enough for zbar, and quick


def resident_id(born: str, seq: str) -> str:
    """A valid 18-digit resident ID: area 110105, birth date, sequence, check character."""
    body = f"110105{born}{seq}"
    return body + id_check_char(body)


OWNER_ID = resident_id("19780512", "123")
DELEGATE_ID = resident_id("19800101", "456")


def _size(pdf: Path) -> tuple[int, int]:
    w, h = pdf_page_size(pdf)
    return round(w), round(h)


def _flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


@dataclass(frozen=True)
class World:
    acceptance: int
    loan_out: int            # a contractor's loan, not back yet
    loan_back: int           # a staff loan, returned with a copy short
    deposit_held: int
    deposit_back: int
    move_in: int
    second_key: int
    now: datetime


def build_world(db, supervisor, a) -> World:
    """One cabinet; room 3-2-1201 (owner 王芳) and 3-2-1202 (owner 刘洋); keys accepted from a
    contractor; a contractor's loan out with an escort; a staff loan returned a copy short; two
    deposits (one given back to the delegate); the move-in handover and the second decoration key."""
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = now - timedelta(days=3)
    with db.Session.begin() as s:
        auth.create_user(s, SYSTEM, a.username, "li123456", Role.ASSISTANT, a.display_name)
        dept = {d.code: d.id for d in staff.departments(s)}
        eng = staff.save_staff(s, supervisor, StaffData("赵师傅", "GC001", dept["engineering"]))
        staff.save_staff(s, supervisor, StaffData("陈明", "KF007", dept["service"], phone="13900139000"))
        firm = staff.save_contractor(s, supervisor, PartyData("宏达装饰工程有限公司", "孙经理", "13700137000"))
        r1 = rooms.create_room(s, a, RoomData(code="3-2-1201"))
        r2 = rooms.create_room(s, a, RoomData(code="3-2-1202"))
        p1 = rooms.add_person_to_room(s, a, r1.id, PersonData(name="王芳", phone=PHONE, id_number=OWNER_ID),
                                      Relation.OWNER)
        p2 = rooms.add_person_to_room(s, a, r2.id, PersonData(name="刘洋", phone="13600136000"), Relation.OWNER)
        cab = keys.create_cabinet(s, supervisor, keys.CabinetData("一号钥匙柜", 4, 6, "客服中心"))
        hooks = [h for h, _ in keys.empty_hooks(s, cab.id)]
        acc_id, _ = keys.accept_keys(s, a, AcceptanceData(
            company="", contractor_id=firm.id, handed_by="周建国", at=t0, note="交房前移交", items=[
                AcceptItem("3-2-1201-S", "3-2-1201", kind=KeyKind.CONSTRUCTION, copies=3, door="入户门",
                           hook_id=hooks[0], count_ok=True, opens_ok=True),
                AcceptItem("3-2-1201-Z1", "3-2-1201", kind=KeyKind.DECORATION_1, copies=1, door="入户门",
                           hook_id=hooks[1], count_ok=True, opens_ok=True),
                AcceptItem("3-2-1201-Z2", "3-2-1201", kind=KeyKind.DECORATION_2, copies=1, door="入户门",
                           hook_id=hooks[2], count_ok=True, opens_ok=True),
                AcceptItem("3-2-1201-G", "3-2-1201", kind=KeyKind.OFFICIAL, copies=3, door="入户门",
                           hook_id=hooks[3], count_ok=True, opens_ok=True),
                AcceptItem("3-2-1202-S", "3-2-1202", kind=KeyKind.CONSTRUCTION, copies=2,
                           hook_id=hooks[4], count_ok=True, opens_ok=True),
            ]))
        ids = {k.number: k.id for k in keys.acceptance(s, acc_id).keys}
        out_id, _ = keys.lend(s, a, LoanData(
            Borrower.CONTRACTOR, [LoanItemData(ids["3-2-1202-S"])], borrower_name="吴师傅", contractor_id=firm.id,
            permit_no="CR-2026-0088", phone="13500135000", purpose="3-2-1202 厨房水电改造",
            escort_id=eng.id, at=t0 + timedelta(hours=2)))
        keys.remind(s, a, out_id, "phone", "答应明天送回", at=now - timedelta(hours=1))
        back_id, _ = keys.lend(s, a, LoanData(
            Borrower.STAFF, [LoanItemData(ids["3-2-1201-S"], 2)], work_id="KF007", purpose="陪同业主看房",
            at=t0 + timedelta(hours=3)))
        keys.return_loan(s, a, back_id, "陈明", {ids["3-2-1201-S"]: 1}, at=t0 + timedelta(hours=5),
                         note="一把遗落在房内，已去找")
        held, _ = keys.deposit_key(s, a, DepositData(
            room_id=r2.id, person_id=p2.person.id, owner_id_number=resident_id("19850303", "789"),
            copies=2, hook_id=hooks[5], reason="出差期间请保洁入户", at=t0 + timedelta(days=1)))
        gone, _ = keys.deposit_key(s, a, DepositData(
            room_id=r1.id, person_id=p1.person.id, phone=PHONE, copies=1, hook_id=hooks[6], reason="装修期间托存",
            delegates=[DelegateData("王建", DELEGATE_ID, date.today() + timedelta(days=30))],
            at=t0 + timedelta(days=1)))
        keys.give_back_deposit(s, a, gone, "王建", DELEGATE_ID, at=t0 + timedelta(days=2))
        move_in, _ = keys.hand_over(s, a, HandoverData(
            room_id=r1.id, kind=HandoverKind.MOVE_IN, person_id=p1.person.id,
            key_ids=[ids["3-2-1201-Z1"], ids["3-2-1201-G"]], at=t0 + timedelta(days=2, hours=1)))
        keys.record_permit(s, a, PermitData(room_id=r1.id, permit_no="ZX-2026-015", issued_on=date.today(),
                                            fees_paid=True, receipt_no="SJ0012345", paid_on=date.today()))
        second, _ = keys.hand_over(s, a, HandoverData(
            room_id=r1.id, kind=HandoverKind.SECOND_DECORATION, person_id=p1.person.id,
            key_ids=[ids["3-2-1201-Z2"]], at=now - timedelta(minutes=30)))
    return World(acc_id, out_id, back_id, held, gone, move_in, second, now)


@pytest.fixture(scope="module")
def _world_file(tmp_path_factory, _template_sqlite) -> tuple[Path, World]:
    """The world is built once; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("keys") / "world.sqlite3"
    shutil.copyfile(_template_sqlite, path)
    d = make_database(f"sqlite:///{path}")
    w = build_world(d, Actor("zhang", Role.SUPERVISOR, None, "张主管"), Actor("li", Role.ASSISTANT, None, "李助理"))
    d.dispose()
    return path, w


@pytest.fixture
def db(_world_file, tmp_path) -> Iterator[Database]:
    path = tmp_path / "world.sqlite3"
    shutil.copyfile(_world_file[0], path)
    d = make_database(f"sqlite:///{path}")
    yield d
    d.dispose()


@pytest.fixture
def world(_world_file) -> World:
    return _world_file[1]


def render(db, actor, build, record_id, entity: str, out: Path, **kw) -> printing.PrintJob:
    with db.Session.begin() as s:
        spec = build(s, actor, record_id, **kw)
        job = printing.prepare(s, actor, spec, entity, record_id)
    out.write_bytes(job.render()[0])
    return job


def test_a_loan_slip_printed_at_lending_leaves_the_return_to_fill_in(db, assistant, world, tmp_path):
    out = tmp_path / "loan.pdf"
    job = render(db, assistant, key_slips.loan_slip, world.loan_out, "key_loan", out)
    serial = job.spec.serial
    text = pdf_text(out)
    flat = _flat(text)
    assert serial.startswith("JY-") and pdf_pages(out) == 1 and _size(out) == A5
    for words in ("《钥匙借领确认单》", serial, "施工单位", "宏达装饰工程有限公司", "吴师傅", "CR-2026-0088",
                  "3-2-1202-S", "3-2-1202", "施工钥匙", "3-2-1202厨房水电改造", "赵师傅（工程部）", "李助理",
                  "借匙人签名", "经办人", "还匙日期", "接收人签名", "归还数量", "已催还1次"):
        assert _flat(words) in flat, words
    with db.Session() as s:
        row = keys.loan(s, assistant, world.loan_out)
    assert fmt_local(row.lent_at) in text and fmt_local(row.due_at) in text
    assert "13500135000" in text  # the assistant may see phones: the counter chases by phone
    assert "___月___日___时___分" in flat and "已归还" not in text
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [serial]
    with db.Session() as s:
        assert keys.find(s, serial).key_ids == (row.items[0].key_id,)  # scanning the slip finds the key


def test_a_returned_loan_prints_the_counted_copies_and_the_receiver(db, assistant, world, tmp_path):
    out = tmp_path / "back.pdf"
    render(db, assistant, key_slips.loan_slip, world.loan_back, "key_loan", out)
    text = pdf_text(out)
    flat = _flat(text)
    with db.Session() as s:
        row = keys.loan(s, assistant, world.loan_back)
    assert row.borrower_label == "公司员工" and row.work_id == "KF007"
    for words in ("公司员工", "陈明", "工作证号", "KF007", "陪同人员", "无", "3-2-1201-S", fmt_local(row.returned_at),
                  "李助理", "归还短缺1把", "一把遗落在房内"):
        assert _flat(words) in flat, words
    item = next(line for line in text.splitlines() if "3-2-1201-S" in line).split()
    assert item[-2:] == ["2", "1"]  # lent 2, back 1
    assert "____月" not in flat and "施工单位" not in text


def test_the_loan_slip_masks_the_phone_for_a_role_that_may_not_see_phones(db, assistant, world, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.ASSISTANT, ROLE_PERMISSIONS[Role.ASSISTANT] - {Perm.REVEAL_PHONE})
    out = tmp_path / "masked.pdf"
    render(db, assistant, key_slips.loan_slip, world.loan_out, "key_loan", out)
    text = pdf_text(out)
    assert "135****5000" in text and "13500135000" not in text and "联系电话已按规定部分隐藏" in text


def test_printing_a_loan_slip_is_recorded_and_is_no_reveal(db, supervisor, world, tmp_path):
    job = render(db, supervisor, key_slips.loan_slip, world.loan_out, "key_loan", tmp_path / "sup.pdf")
    assert "13500135000" in pdf_text(tmp_path / "sup.pdf")
    with db.Session.begin() as s:
        printing.record(s, supervisor, job, "printer")
    again = render(db, supervisor, key_slips.loan_slip, world.loan_out, "key_loan", tmp_path / "again.pdf")
    assert again.reprint_at is not None and "补打" in pdf_text(tmp_path / "again.pdf")
    with db.Session() as s:
        actions = [e.action for e in audit.list_entries(s, supervisor, audit.AuditQuery(entity="key_loan"))]
    assert "print" in actions and "reveal" not in actions


def test_two_copies_of_a_loan_slip_on_one_a4(db, assistant, world, tmp_path):
    out = tmp_path / "two.pdf"
    job = render(db, assistant, key_slips.loan_slip, world.loan_back, "key_loan", out, two_copies=True)
    text = pdf_text(out)
    assert pdf_pages(out) == 1 and _size(out) == A4
    assert "客服中心联" in text and "借匙人联" in text and "沿此线裁开" in text
    assert text.count("《钥匙借领确认单》") == 2 and text.count("3-2-1201-S") == 2 and text.count("接收人签名") == 2
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [job.spec.serial] * 2


def test_a_cashier_cannot_print_key_slips(db, cashier, world):
    with db.Session() as s:
        for build, rid in ((key_slips.loan_slip, world.loan_out), (key_slips.acceptance_slip, world.acceptance),
                           (key_slips.deposit_slip, world.deposit_held), (key_slips.handover_slip, world.move_in)):
            with pytest.raises(PermissionDenied):
                build(s, cashier, rid)


def test_the_acceptance_record_lists_every_key_checked_and_hung(db, assistant, world, tmp_path):
    out = tmp_path / "acc.pdf"
    job = render(db, assistant, key_slips.acceptance_slip, world.acceptance, "key_acceptance", out)
    serial = job.spec.serial
    text = pdf_text(out)
    flat = _flat(text)
    assert serial.startswith("YS-") and pdf_pages(out) == 1 and _size(out) == A4
    for words in ("《钥匙验收记录表》", serial, "宏达装饰工程有限公司", "交匙人", "周建国", "验收人", "李助理",
                  "交房前移交", "数量核对", "试开", "钩位", "3-2-1201入户门", "施工队交匙人签章", "客服中心验收人", "日期"):
        assert words in flat, words
    # 3 + 1 + 1 + 3 + 2 accepted: the record shows what was taken in, though a copy of 3-2-1201-S was
    # lost on a loan since.
    assert "5项，共10把" in flat
    lines = [x.split() for x in text.splitlines() if "-A0" in x]
    assert [x[1] for x in lines] == ["3-2-1201-S", "3-2-1201-Z1", "3-2-1201-Z2", "3-2-1201-G", "3-2-1202-S"]  # as entered
    for number, hook in (("3-2-1201-S", "一号钥匙柜-A01"), ("3-2-1201-Z1", "一号钥匙柜-A02"),
                         ("3-2-1202-S", "一号钥匙柜-A05")):
        line = next(x for x in text.splitlines() if number + " " in x + " ")
        assert hook in line, (number, line)
    # Handed over since, the keys still show where they were hung; every key counted and tried.
    assert flat.count("■相符") == 5 and flat.count("■能开") == 5 and "□" not in flat
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [serial]


def test_a_deposit_prints_masked_ids_and_leaves_the_give_back_to_fill_in(db, supervisor, world, tmp_path):
    out = tmp_path / "held.pdf"
    job = render(db, supervisor, key_slips.deposit_slip, world.deposit_held, "key_deposit", out)
    text = pdf_text(out)
    flat = _flat(text)
    assert job.spec.serial.startswith("TC-") and pdf_pages(out) == 1 and _size(out) == A5
    held_id = resident_id("19850303", "789")
    # Even the supervisor, who may see IDs and phones, prints them masked.
    assert held_id not in flat and f"{held_id[:3]}***********{held_id[-4:]}" in flat
    # The phone left blank on the form is the picked owner's, masked.
    for words in ("《业主托存/移交钥匙登记表》", job.spec.serial, "业主托存", "3-2-1202", "刘洋", "3-2-1202-T", "2把",
                  "一号钥匙柜-A06", "出差期间请保洁入户", "联系电话136****6000", "（无）", "交还时间", "领取人", "证件核对",
                  "□身份证号码与登记相符", "业主签名", "经办人", "领取人签名", "___月___日", "___时___分"):
        assert words in flat, words
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [job.spec.serial]


def test_a_deposit_given_back_prints_the_collector_and_the_delegates(db, assistant, world, tmp_path):
    out = tmp_path / "gone.pdf"
    job = render(db, assistant, key_slips.deposit_slip, world.deposit_back, "key_deposit", out)
    text = pdf_text(out)
    flat = _flat(text)
    for full in (OWNER_ID, DELEGATE_ID, PHONE):
        assert full not in flat
    assert f"{OWNER_ID[:3]}***********{OWNER_ID[-4:]}" in flat and f"{DELEGATE_ID[:3]}***********{DELEGATE_ID[-4:]}" in flat
    with db.Session() as s:
        d = keys.deposit(s, assistant, world.deposit_back)
    for words in ("王芳", "138****8000", "王建（代领人）", f"{date.today() + timedelta(days=30):%Y-%m-%d}",
                  fmt_local(d.returned_at), "■身份证号码与登记相符", "一号钥匙柜-B01", "3-2-1201-T"):
        assert _flat(words) in flat, words
    assert "____月" not in flat and "□" not in flat
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [job.spec.serial]


def test_the_move_in_handover_lists_the_keys_the_owner_signs_for(db, assistant, world, tmp_path):
    out = tmp_path / "movein.pdf"
    job = render(db, assistant, key_slips.handover_slip, world.move_in, "key_handover", out)
    text = pdf_text(out)
    flat = _flat(text)
    assert job.spec.serial.startswith("JF-") and pdf_pages(out) == 1 and _size(out) == A5
    for words in ("《业主托存/移交钥匙登记表》", job.spec.serial, "移交·收房交付", "3-2-1201", "王芳",
                  "3-2-1201-Z1", "装修钥匙（第一把）", "3-2-1201-G", "正式钥匙", "入户门", "2项，共4把", "共4把。",
                  "业主签收", "经办人", "日期"):
        assert words in flat, words
    assert "装修许可证" not in flat and "3-2-1201-Z2" not in flat
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [job.spec.serial]


def test_the_second_decoration_key_prints_its_permit(db, assistant, world, tmp_path):
    out = tmp_path / "second.pdf"
    job = render(db, assistant, key_slips.handover_slip, world.second_key, "key_handover", out)
    flat = _flat(pdf_text(out))
    for words in ("移交·第二把装修钥匙", "装修许可证", "ZX-2026-015", "3-2-1201-Z2", "装修钥匙（第二把）",
                  "相关费用已交清"):
        assert words in flat, words
    assert "3-2-1201-G" not in flat
    assert qr_payloads(out, tmp_path, dpi=QR_DPI) == [job.spec.serial]
