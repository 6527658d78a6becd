"""Printing a slip is recorded on its record (补打 after the first); the month workbook agrees with the data."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from app import audit, cli, month_report, monthly, printing, rooms
from app.rooms import Occupancy, PersonData, Relation, RoomData
from db.models import Occupant, Room
from tests.pdftools import pdf_text, qr_payloads


def _room_with_owner(s, actor):
    r = rooms.create_room(s, actor, RoomData(code="3-2-1201", area=Decimal("89.50")))
    rooms.add_person_to_room(s, actor, r.id, PersonData(name="王芳", phone="13800138000",
                                                         id_number="11010519491231002X"), Relation.OWNER)
    return r


def test_room_register_prints_then_reprints_marked(any_db, assistant, supervisor, tmp_path):
    with any_db.Session.begin() as s:
        room = _room_with_owner(s, assistant)
    with any_db.Session.begin() as s:
        spec = rooms.room_register_slip(s, assistant, room.id)
        job = printing.prepare(s, assistant, spec, "room", room.id)
    assert job.reprint_at is None and spec.serial == "FW-3-2-1201"
    data, info = job.render()
    first = tmp_path / "first.pdf"
    first.write_bytes(data)
    text = pdf_text(first)
    assert "《房屋业主登记表》" in text and "王芳" in text and "138****8000" in text
    assert "11010519491231002X" not in text, text
    assert "110***********002X" in text  # masked on slips
    assert "补打" not in text
    assert qr_payloads(first, tmp_path) == ["FW-3-2-1201"]
    assert rooms.room_code_from_scan("fw-3-2-1201") == "3-2-1201"
    with any_db.Session.begin() as s:
        printing.record(s, assistant, job, "printer")
    with any_db.Session.begin() as s:
        again = printing.prepare(s, assistant, rooms.room_register_slip(s, assistant, room.id), "room", room.id)
        assert again.reprint_at is not None and again.previous_prints == 1
        printing.record(s, assistant, again, "pdf")
    second = tmp_path / "second.pdf"
    second.write_bytes(again.render()[0])
    assert "补打" in pdf_text(second)
    with any_db.Session() as s:
        hist = printing.history(s, "room", room.id)
        assert [(h.reprint, h.output) for h in hist] == [(False, "printer"), (True, "pdf")]
        actions = [e.action for e in audit.list_entries(s, supervisor, audit.AuditQuery(entity="room"))]
        assert actions[:2] == ["reprint", "print"]


def test_month_workbook_matches_the_database(any_db, assistant, tmp_path):
    with any_db.Session.begin() as s:
        _room_with_owner(s, assistant)
        rooms.create_room(s, assistant, RoomData(code="3-2-1202", occupancy=Occupancy.VACANT_UNSOLD))
        rooms.create_room(s, assistant, RoomData(code="5-1-0301", occupancy=Occupancy.VACANT_SOLD))
    from app.timeutil import local_today

    month = monthly.Month.of(local_today())
    with any_db.Session() as s:
        report = monthly.build_month(s, month, generated_by="张主管")
        households = s.scalar(select(func.count()).select_from(Room).where(Room.kind == "residence"))
        added = s.scalar(select(func.count()).select_from(Occupant))
    xlsx, pdf = tmp_path / "m.xlsx", tmp_path / "m.pdf"
    monthly.write_outputs(report, xlsx, pdf)
    wb = load_workbook(xlsx)
    assert wb.sheetnames[0] == "汇总" and "房屋与住户" in wb.sheetnames
    summary = {(r[0], r[1]): r[2] for r in wb["汇总"].iter_rows(min_row=5, values_only=True) if r[1]}
    assert summary[("房屋与住户", "住宅户数")] == households == 3
    assert summary[("房屋与住户", "空置户数")] == 2
    assert summary[("房屋与住户", "本月新登记业主")] == added == 1
    sheet = wb["房屋与住户"]
    assert sheet._charts, "the buildings chart is in the sheet"
    text = pdf_text(pdf)
    assert "汇总" in text and "各楼栋住宅户数" in text and "王芳" in text
    section = month_report.section_by_key(report, "rooms")
    assert [f.value for f in section.figures][:3] == [3, 1, 2]


def test_an_empty_month_still_gives_a_clean_report(any_db, tmp_path):
    with any_db.Session() as s:
        report = monthly.build_month(s, monthly.Month(2020, 1))
    xlsx, pdf = tmp_path / "e.xlsx", tmp_path / "e.pdf"
    monthly.write_outputs(report, xlsx, pdf)
    ws = load_workbook(xlsx)["汇总"]
    assert ws["A4"].value == month_report.EMPTY_MONTH
    assert month_report.EMPTY_MONTH in pdf_text(pdf)


def test_export_month_command_line(paths, capsys, tmp_path):
    out = tmp_path / "month.xlsx"
    rc = cli.main(["--data-dir", str(paths.data_dir), "export", "month", "2026-10", "--out", str(out),
                   "--pdf", str(tmp_path / "month.pdf")])
    assert rc == 0 and out.exists() and (tmp_path / "month.pdf").exists()
    line = capsys.readouterr().out.strip()
    assert line.startswith("已生成 2026年10月 月报") and len(line.splitlines()) == 1
    assert cli.main(["--data-dir", str(paths.data_dir), "export", "month", "2026-13", "--out", str(out)]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(paths.data_dir), "export", "month", "--last",
                     "--out", str(tmp_path / "no" / "x.xlsx")]) == 2
    assert "文件夹不存在" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(paths.data_dir), "export", "month", "--out", str(out)]) == 2
    rc = cli.main(["--data-dir", str(paths.data_dir), "export", "month", "--last", "--out", str(out)])
    assert rc == 0


def test_month_parse():
    assert monthly.Month.parse("2026-3") == monthly.Month(2026, 3)
    assert monthly.Month(2026, 1).previous() == monthly.Month(2025, 12)
    assert monthly.Month(2026, 2).last_day.day == 28
