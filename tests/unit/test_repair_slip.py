"""《维修派工单》: what it prints at dispatch and after completion, by role; two copies; a batch in one PDF."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app import audit, printing, repairs, rooms, staff
from app.errors import PermissionDenied, ValidationError
from app.repairs import RepairData, Urgency
from app.roles import ROLE_PERMISSIONS, Perm, Role
from app.rooms import PersonData, Relation, RoomData
from app.slips import SlipHeader, render_slip, render_slips
from app.timeutil import fmt_local
from tests.pdftools import pdf_page_size, pdf_pages, pdf_text, qr_payloads

HEAD = SlipHeader("中天雅苑", "中天物业服务有限公司")
A5 = (420, 595)
A4 = (595, 842)


def _size(pdf: Path) -> tuple[int, int]:
    w, h = pdf_page_size(pdf)
    return round(w), round(h)


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def _page_qr(pdf: Path, tmp: Path, page: int) -> list[str]:
    d = tmp / f"qr{page}"
    d.mkdir()
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page), str(pdf), str(d / "p")],
                   check=True)
    png = next(d.glob("p*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
    return sorted(line for line in out.splitlines() if line)


def _flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


@pytest.fixture
def world(db, supervisor, assistant):
    """An engineer, a room with its owner, and orders in three states."""
    now = datetime.now(UTC).replace(microsecond=0)
    with db.Session.begin() as s:
        eng_dept = next(d.id for d in staff.departments(s) if d.code == "engineering")
        eng = staff.save_staff(s, supervisor, staff.StaffData("赵师傅", "GC001", eng_dept))
        room = rooms.create_room(s, assistant, RoomData(code="3-2-1201", area=Decimal("89.50")))
        rooms.add_person_to_room(s, assistant, room.id, PersonData(name="王芳", phone="13800138000"),
                                 Relation.OWNER)
        fresh = repairs.create_order(s, assistant, RepairData(
            reporter="王芳", contact="13800138000", room_id=room.id, location="卫生间", category="水",
            content="卫生间洗手盆下水管漏水，地面积水。", urgency=Urgency.URGENT, preferred_time="下午3点后"),
            reported_at=now - timedelta(hours=3))
        repairs.dispatch(s, assistant, fresh.id, eng.id, at=now - timedelta(hours=2))
        paid = repairs.create_order(s, assistant, RepairData(
            reporter="王芳", contact="13800138000", room_id=room.id, location="厨房", category="电",
            content="厨房插座没电，空气开关跳闸后合不上。", paid=True), reported_at=now - timedelta(hours=6))
        repairs.dispatch(s, assistant, paid.id, eng.id, at=now - timedelta(hours=5, minutes=30))
        repairs.arrive(s, assistant, paid.id, plan="更换漏电开关", at=now - timedelta(hours=5))
        repairs.quote(s, assistant, paid.id, "185.50", note="漏电开关一只及人工", at=now - timedelta(hours=4, minutes=50))
        repairs.accept_fee(s, assistant, paid.id, "王芳", at=now - timedelta(hours=4, minutes=45))
        done = repairs.complete(s, assistant, paid.id, "更换漏电保护开关，试用正常。", "王芳", "basic",
                                comment="地面未清扫干净。", at=now - timedelta(hours=4))
        free = repairs.create_order(s, assistant, RepairData(
            reporter="李强", contact="13900139000", room_id=room.id, category="门窗", content="入户门锁芯卡死。"),
            reported_at=now - timedelta(hours=2))
        repairs.dispatch(s, assistant, free.id, eng.id, at=now - timedelta(hours=1, minutes=30))
        repairs.arrive(s, assistant, free.id, at=now - timedelta(hours=1))
        repairs.complete(s, assistant, free.id, "更换锁芯。", "李强", "satisfied", at=now - timedelta(minutes=30))
    return {"fresh": fresh.id, "paid": paid.id, "free": free.id, "paid_row": done, "now": now}


def _render(db, actor, order_id, out: Path, two_copies=False) -> printing.PrintJob:
    with db.Session.begin() as s:
        spec = repairs.repair_slip(s, actor, order_id, two_copies=two_copies)
        job = printing.prepare(s, actor, spec, "repair", order_id)
    out.write_bytes(job.render()[0])
    return job


def test_a_slip_printed_at_dispatch_leaves_room_to_fill_in_by_hand(db, assistant, world, tmp_path):
    out = tmp_path / "fresh.pdf"
    job = _render(db, assistant, world["fresh"], out)
    serial = job.spec.serial
    text = pdf_text(out)
    flat = _flat(text)
    assert pdf_pages(out) == 1 and _size(out) == A5
    for s in ("《维修派工单》", serial, "王芳", "3-2-1201 卫生间", "卫生间洗手盆下水管漏水", "紧急", "下午3点后",
              "赵师傅", "维修人员签收", "业主确认费用", "业主验收签字"):
        assert s in text, s
    assert "13800138000" in text  # the assistant may see phones: the engineer calls ahead
    with db.Session() as s:
        row = repairs.order_detail(s, assistant, world["fresh"]).row
    assert fmt_local(row.reported_at) in text and fmt_local(row.dispatched_at) in text
    # arrival, completion and the amount are blank lines; no rating is ticked yet
    assert flat.count("____月____日____时____分") == 2
    assert "报价金额：__________元" in flat and "■无偿" in flat and "□有偿" in flat
    assert "□满意" in flat and "□基本满意" in flat and "□不满意" in flat and "■满" not in flat
    assert "补打" not in text and "部分隐藏" not in text
    assert qr_payloads(out, tmp_path) == [serial]


def test_a_paid_job_printed_after_completion_shows_what_was_recorded(db, assistant, world, tmp_path):
    out = tmp_path / "paid.pdf"
    _render(db, assistant, world["paid"], out)
    text = pdf_text(out)
    flat = _flat(text)
    r = world["paid_row"]
    assert pdf_pages(out) == 1 and _size(out) == A5
    assert "■有偿" in flat and "□无偿" in flat and "¥185.50" in text and "漏电开关一只及人工" in text
    assert "王芳已于" in flat and "签字确认费用" in flat
    assert "■基本满意" in flat and "□满意" in flat and "□不满意" in flat
    assert "地面未清扫干净" in text and "更换漏电保护开关，试用正常" in text and "更换漏电开关" in text
    assert fmt_local(r.arrived_at) in text and fmt_local(r.completed_at) in text
    assert "业主确认费用" in text and "业主验收签字" in text and "___月" not in text


def test_a_free_job_already_done_has_no_fee_signature(db, assistant, world, tmp_path):
    out = tmp_path / "free.pdf"
    _render(db, assistant, world["free"], out)
    text = pdf_text(out)
    assert "■无偿" in _flat(text) and "■满意" in _flat(text)
    assert "业主确认费用" not in text and "报价金额" not in text
    assert "维修人员签收" in text and "业主验收签字" in text


def test_the_phone_is_masked_for_a_role_that_may_not_see_phones(db, assistant, world, tmp_path, monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.ASSISTANT, ROLE_PERMISSIONS[Role.ASSISTANT] - {Perm.REVEAL_PHONE})
    out = tmp_path / "masked.pdf"
    _render(db, assistant, world["fresh"], out)
    text = pdf_text(out)
    assert "138****8000" in text and "13800138000" not in text
    assert "联系电话已按规定部分隐藏" in text


def test_a_cashier_cannot_print_a_repair_slip(db, cashier, world):
    with db.Session() as s, pytest.raises(PermissionDenied):
        repairs.repair_slip(s, cashier, world["fresh"])


def test_the_supervisor_prints_the_full_phone_and_nothing_is_audited_as_a_reveal(db, supervisor, world, tmp_path):
    out = tmp_path / "sup.pdf"
    _render(db, supervisor, world["fresh"], out)
    assert "13800138000" in pdf_text(out)
    with db.Session() as s:
        actions = [e.action for e in audit.list_entries(s, supervisor, audit.AuditQuery(entity="repair"))]
    assert "reveal" not in actions


def test_two_copies_on_one_a4(db, assistant, world, tmp_path):
    out = tmp_path / "two.pdf"
    job = _render(db, assistant, world["paid"], out, two_copies=True)
    text = pdf_text(out)
    assert pdf_pages(out) == 1 and _size(out) == A4
    assert "客服中心联" in text and "维修人员联" in text and "沿此线裁开" in text
    assert text.count("《维修派工单》") == 2 and text.count("¥185.50") == 2
    assert text.count("业主验收签字") == 2 and text.count("维修人员签收") == 2
    assert qr_payloads(out, tmp_path) == [job.spec.serial, job.spec.serial]


def test_a_long_report_still_fits_on_one_a5(db, assistant, world, tmp_path):
    with db.Session.begin() as s:
        long = repairs.create_order(s, assistant, RepairData(
            reporter="赵敏", contact="13700137000", room_code="3-2-1201", location="主卧卫生间吊顶",
            category="水", content="业主反映卫生间顶部渗水，楼上住户装修时可能破坏了防水层，需要上门查看并协调。" * 4))
    out = tmp_path / "long.pdf"
    _render(db, assistant, long.id, out)
    assert pdf_pages(out) == 1
    assert _flat(pdf_text(out)).count("需要上门查看并协调") == 4  # nothing cut off


# ---------------------------------------------------------------- batches


def _batch(db, actor, ids, two_copies=False) -> printing.BatchJob:
    with db.Session.begin() as s:
        return printing.prepare_batch(
            s, actor, [(repairs.repair_slip(s, actor, i, two_copies=two_copies), i) for i in ids], "repair")


def test_a_batch_of_three_is_one_pdf_with_a_page_and_a_qr_code_each(db, assistant, world, tmp_path):
    ids = [world["fresh"], world["paid"], world["free"]]
    with db.Session.begin() as s:  # the paid job's slip was printed before: only its page says 补打
        first = printing.prepare(s, assistant, repairs.repair_slip(s, assistant, world["paid"]), "repair",
                                 world["paid"])
        printing.record(s, assistant, first, "printer")
    batch = _batch(db, assistant, ids)
    serials = [j.spec.serial for j in batch.jobs]
    assert [j.reprint_at is not None for j in batch.jobs] == [False, True, False]
    data, info = batch.render()
    out = tmp_path / "batch.pdf"
    out.write_bytes(data)
    assert info.pages == 3 and info.slips == 3 and info.reprints == 1 and pdf_pages(out) == 3
    assert _size(out) == A5
    for page, serial in enumerate(serials, start=1):
        text = _page_text(out, page)
        assert serial in text and "第1页" in _flat(text)  # each slip numbers its own pages
        assert ("补打" in text) == (page == 2)
        assert _page_qr(out, tmp_path, page) == [serial]
    assert "¥185.50" in _page_text(out, 2) and "入户门锁芯卡死" in _page_text(out, 3)


def test_a_batch_with_two_copies_is_an_a4_page_per_order(db, assistant, world, tmp_path):
    ids = [world["fresh"], world["paid"], world["free"]]
    batch = _batch(db, assistant, ids, two_copies=True)
    data, info = batch.render()
    out = tmp_path / "batch2.pdf"
    out.write_bytes(data)
    assert pdf_pages(out) == 3 and info.pages == 3 and _size(out) == A4
    text = pdf_text(out)
    assert text.count("《维修派工单》") == 6 and text.count("客服中心联") == 3 and text.count("维修人员联") == 3
    for page, job in enumerate(batch.jobs, start=1):
        assert _page_qr(out, tmp_path, page) == [job.spec.serial, job.spec.serial]


def test_recording_a_batch_records_every_slip_and_marks_reprints(db, assistant, supervisor, world):
    ids = [world["fresh"], world["paid"]]
    batch = _batch(db, assistant, ids)
    with db.Session.begin() as s:
        printing.record(s, assistant, batch, "pdf")
    again = _batch(db, assistant, ids + [world["fresh"]])  # a record named twice prints once
    assert len(again.jobs) == 2 and again.reprints == 2
    with db.Session.begin() as s:
        printing.record(s, assistant, again, "printer")
    with db.Session() as s:
        for i in ids:
            assert [(h.reprint, h.output) for h in printing.history(s, "repair", i)] == [
                (False, "pdf"), (True, "printer")]
        entries = audit.list_entries(s, supervisor, audit.AuditQuery(entity="repair"))
        assert sorted(e.action for e in entries if e.action in ("print", "reprint")) == [
            "print", "print", "reprint", "reprint"]


def test_an_empty_batch_is_refused(db, assistant):
    with db.Session() as s, pytest.raises(ValidationError):
        printing.prepare_batch(s, assistant, [], "repair")
    with pytest.raises(ValidationError):
        render_slips([], HEAD, printed_at=datetime.now(UTC))


def test_one_slip_through_render_slips_is_the_same_as_render_slip(db, assistant, world, tmp_path):
    with db.Session() as s:
        spec = repairs.repair_slip(s, assistant, world["paid"])
    at = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
    one, info1 = render_slip(spec, HEAD, printed_at=at, reprint_at=at)
    many, info2 = render_slips([(spec, at)], HEAD, printed_at=at)
    (tmp_path / "a.pdf").write_bytes(one)
    (tmp_path / "b.pdf").write_bytes(many)
    assert pdf_text(tmp_path / "a.pdf") == pdf_text(tmp_path / "b.pdf")
    assert info1 == replace(info2, printed_by=info1.printed_by)
    mixed, info = render_slips([(spec, None), (replace(spec, two_copies=True), at)], HEAD, printed_at=at)
    (tmp_path / "mixed.pdf").write_bytes(mixed)
    info_text = subprocess.run(["pdfinfo", "-f", "1", "-l", "2", str(tmp_path / "mixed.pdf")], check=True,
                               capture_output=True, text=True).stdout
    sizes = [tuple(round(float(x)) for x in line.split(":", 1)[1].split()[0:3:2])
             for line in info_text.splitlines() if line.startswith("Page") and " size:" in line]
    assert sizes == [A5, A4]  # each slip on its own paper size
    assert info.pages == 2 and info.reprints == 1
    assert "补打" not in _page_text(tmp_path / "mixed.pdf", 1) and "补打" in _page_text(tmp_path / "mixed.pdf", 2)
