"""导入花名册: a new customer imports the room and owner list they keep in Excel, messy as it is."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app import audit, cli, rooms, roster
from app.errors import PermissionDenied, ValidationError
from app.rooms import RoomQuery
from db.models import AuditEntry, Occupant, Person, Room
from tests.fixtures_roster import (
    BILLION_LAUGHS,
    ID_WANG,
    MESSY_COUNTS,
    MESSY_REASONS,
    MESSY_ROOMS,
    entity_bomb,
    messy_roster,
    replace_member,
    write_rows,
    zip_bomb,
)


def counts(db) -> tuple[int, int, int, int]:
    with db.Session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))  # type: ignore[return-value]
                     for m in (Room, Person, Occupant, AuditEntry))


def summary_counts(report: roster.ImportReport) -> dict[str, int]:
    return {k: v for k, v in report.summary().items() if k in MESSY_COUNTS}


def test_clerk_imports_the_messy_roster_fixes_the_rejects_and_imports_them(any_db, assistant, supervisor,
                                                                            tmp_path):
    f = messy_roster(tmp_path)

    # A dry run tells what would happen and writes nothing.
    with any_db.Session.begin() as s:
        dry = roster.import_roster(s, assistant, f, dry_run=True)
    assert summary_counts(dry) == MESSY_COUNTS and dry.dry_run
    assert counts(any_db) == (0, 0, 0, 0)

    with any_db.Session.begin() as s:
        report = roster.import_roster(s, assistant, f)
    assert summary_counts(report) == MESSY_COUNTS
    assert (report.sheet, report.header_row) == ("业主信息", 3)
    assert [r.row for r in report.rejections] == sorted(MESSY_REASONS)
    for r in report.rejections:
        assert MESSY_REASONS[r.row] in r.reason, (r.row, r.reason)
    text = report.text()
    assert "新增 6 行" in text and "拒绝 5 行" in text and "第 16 行：与第 4 行证件号码相同但姓名不同" in text

    with any_db.Session() as s:
        found = {r.code: r for r in rooms.search_rooms(s, assistant, RoomQuery(limit=50))}
        assert set(found) == MESSY_ROOMS
        assert found["1-1-102"].people == "李明、张伟" and found["1-1-102"].area == roster.Decimal("90.00")
        assert found["2-1-204"].people == "" and found["2-1-205"].people == "王芳"
        assert rooms.room_detail(s, assistant, found["2-1-204"].id).note == "空置"
    with any_db.Session.begin() as s:
        d = rooms.room_detail(s, supervisor, found["1-1-101"].id, reveal=True)
        [o] = d.occupants
        assert (o.person.name, o.person.phone, o.person.id_number) == ("王芳", "13800138000", ID_WANG)
        assert o.move_in_date == roster.date(2020, 5, 1) and o.relation == rooms.Relation.OWNER
        [zhou] = rooms.room_detail(s, supervisor, found["2-1-201"].id, reveal=True).occupants
        assert (zhou.person.phone, zhou.person.phone2) == ("13800138001", "010-12345678")
        zhang = [o for o in rooms.room_detail(s, supervisor, found["1-1-102"].id).occupants
                 if o.person.name == "张伟"][0]
        assert zhang.relation == rooms.Relation.RESIDENT and zhang.person.note == "老人独居"
    with any_db.Session() as s:
        entries = audit.list_entries(s, supervisor, audit.AuditQuery(action="import"))
        assert len(entries) == 1 and "新建房屋 5 间、人员 4 人" in entries[0].summary
        assert ID_WANG not in entries[0].after and audit.verify_chain(s).ok
    after_first = counts(any_db)

    # Importing the same file again changes nothing, not even the audit log.
    with any_db.Session.begin() as s:
        again = roster.import_roster(s, assistant, f)
    assert summary_counts(again) == {**MESSY_COUNTS, "imported": 0, "unchanged": 6, "rooms_created": 0,
                                     "persons_created": 0, "occupants_created": 0}
    assert {r.row: r.reason for r in again.rejections}[16] == "证件号码已登记在“王芳”名下"
    assert counts(any_db) == after_first

    # The rejected rows go back to the clerk as a workbook, fixed there and imported.
    out = roster.save_rejects(again, tmp_path / "被拒绝的行.xlsx")
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-2:] == ("拒绝原因", "行号") and rows[0][3] == "房间号"
    assert [r[-1] for r in rows[1:]] == [7, 8, 12, 13, 16]
    assert rows[1][8] == pytest.approx(1.1010519491231e17) and "无法恢复" in rows[1][-2]
    assert ws.cell(row=2, column=9).number_format == "@"
    fixed = {2: ("身份证号码", "110105198001010010"), 3: ("身份证号码", None), 4: ("建筑面积（㎡）", 100),
             5: ("联系电话", "13800138003"), 6: ("身份证号码", None)}
    header = list(rows[0])
    for r, (col, value) in fixed.items():
        ws.cell(row=r, column=header.index(col) + 1).value = value
    ws.parent.save(out)
    with any_db.Session.begin() as s:
        third = roster.import_roster(s, assistant, out)
    assert third.rejections[0].row == 2 and "校验位" in third.rejections[0].reason
    assert (third.imported, third.rejected, third.header_row) == (4, 1, 1)
    with any_db.Session() as s:
        assert len(rooms.search_rooms(s, assistant, RoomQuery(limit=50))) == 9


def test_a_later_roster_updates_what_changed_and_each_change_is_audited(any_db, assistant, supervisor,
                                                                         tmp_path):
    header = ["房号", "建筑面积", "业主姓名", "手机", "身份证号码", "入住日期"]
    first = write_rows(tmp_path / "一.xlsx", [header, ["1-1-101", 89.5, "王芳", "13800138000", None, None],
                                            ["1-1-102", 90, "李明", "13900139000", None, None]])
    second = write_rows(tmp_path / "二.xlsx", [
        header, ["1-1-101", 92, "王芳", "13800138009", ID_WANG, "2021-01-01"],
        ["1-1-102", None, "李明", None, None, None],
        ["1-1-102", 90, "张伟", "13700137000", None, None]])
    with any_db.Session.begin() as s:
        roster.import_roster(s, assistant, first)
    with any_db.Session.begin() as s:
        r = roster.import_roster(s, assistant, second)
    assert (r.imported, r.updated, r.unchanged, r.rejected) == (1, 1, 1, 0)
    assert r.records_updated == 3   # the room's area; the person's phone and ID; the move-in date
    with any_db.Session.begin() as s:
        [room] = rooms.search_rooms(s, supervisor, RoomQuery(text="1-1-101"))
        assert room.area == roster.Decimal("92.00")
        [o] = rooms.room_detail(s, supervisor, room.id, reveal=True).occupants
        assert (o.person.phone, o.person.id_number, o.move_in_date) == ("13800138009", ID_WANG,
                                                                         roster.date(2021, 1, 1))
    with any_db.Session() as s:
        updates = audit.list_entries(s, supervisor, audit.AuditQuery(action="update"))
        assert sorted(e.entity for e in updates) == ["occupant", "person", "room"]
        person = next(e for e in updates if e.entity == "person")
        assert "138****8009" in person.after and "13800138009" not in person.after
        assert ID_WANG not in person.after and audit.verify_chain(s).ok

    # 李明 sold and moved out; an old roster imported again does not bring him back.
    with any_db.Session.begin() as s:
        [room2] = rooms.search_rooms(s, assistant, RoomQuery(text="1-1-102"))
        li = next(o for o in rooms.room_detail(s, assistant, room2.id).occupants if o.person.name == "李明")
        rooms.set_occupant_active(s, assistant, li.id, False)
    with any_db.Session.begin() as s:
        r = roster.import_roster(s, assistant, second)
    assert (r.updated, r.unchanged, r.rejected) == (0, 2, 1)
    assert r.rejections[0].row == 3 and r.rejections[0].reason == (
        "“李明”在 1-1-102 的业主登记已注销；如需恢复，请在房屋界面操作")


def test_the_import_never_commits_and_needs_the_right(db, assistant, cashier, tmp_path):
    f = messy_roster(tmp_path)
    with db.Session() as s:
        roster.import_roster(s, assistant, f)
        s.rollback()
    assert counts(db) == (0, 0, 0, 0)
    with db.Session() as s, pytest.raises(PermissionDenied):
        roster.import_roster(s, cashier, f)


def test_the_command_line_imports_and_prints_json(paths, tmp_path, capsys):
    f = messy_roster(tmp_path)
    base = ["--data-dir", str(paths.data_dir), "import", "roster", str(f)]
    assert cli.main([*base, "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["imported"] == 6
    rejects = tmp_path / "rejects.xlsx"
    assert cli.main([*base, "--json", "--rejects", str(rejects)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("imported", "updated", "unchanged", "rejected")} == {
        "imported": 6, "updated": 0, "unchanged": 0, "rejected": 5}
    assert out["rejections"][0] == {"row": 7, "reason": MESSY_REASONS[7]
                                    + "，后几位已经丢失，无法恢复。请把该列设为“文本”，按原件重新录入"}
    assert openpyxl.load_workbook(rejects).active.max_row == 6
    assert cli.main(base) == 0
    assert "未变 6 行" in capsys.readouterr().out


# ---------------------------------------------------------------- hostile files: a clear refusal, quickly

def refused(db, actor, path: Path) -> ValidationError:
    start = time.monotonic()
    with db.Session() as s, pytest.raises(ValidationError) as e:
        roster.import_roster(s, actor, path)
    assert time.monotonic() - start < 10
    assert counts(db) == (0, 0, 0, 0)
    return e.value


def test_a_zip_bomb_is_refused_before_it_is_expanded(db, assistant, tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", megabytes=30)
    assert bomb.stat().st_size < 200_000
    assert "压缩炸弹" in refused(db, assistant, bomb).message


def test_a_file_that_expands_beyond_the_limit_is_refused(db, assistant, tmp_path, monkeypatch):
    monkeypatch.setattr(roster, "MAX_UNCOMPRESSED", 64 * 1024)
    f = write_rows(tmp_path / "big.xlsx", [["房号", "备注"]] + [[f"1-1-{i}", "x" * 40 + str(i)]
                                                             for i in range(2000)])
    assert "解压后超过" in refused(db, assistant, f).message


def test_xml_entities_are_refused(db, assistant, tmp_path, monkeypatch):
    f = entity_bomb(tmp_path / "lol.xlsx")
    assert refused(db, assistant, f).message == "文件中含有不安全的 XML 内容（DOCTYPE/实体定义），已拒绝导入"
    # A DTD hidden behind a long comment, or a part in UTF-16, is found as well.
    padded = roster.re.sub(rb"(<\?xml[^>]*\?>)", lambda m: m.group(1) + b"<!--" + b"x" * 50_000 + b"-->",
                           BILLION_LAUGHS)
    hidden = replace_member(write_rows(tmp_path / "ok.xlsx", [["房号"]]), tmp_path / "hidden.xlsx",
                            "xl/worksheets/sheet1.xml", padded)
    assert "DOCTYPE" in refused(db, assistant, hidden).message
    utf16 = replace_member(write_rows(tmp_path / "ok.xlsx", [["房号"]]), tmp_path / "utf16.xlsx",
                           "xl/worksheets/sheet1.xml", "<worksheet/>".encode("utf-16"))
    assert "UTF-16" in refused(db, assistant, utf16).message
    # Without our own check, openpyxl's defusedxml parser still refuses it.
    monkeypatch.setattr(roster, "DOCTYPE_RE", roster.re.compile(rb"(?!)"))
    assert refused(db, assistant, f).message == "文件中含有不安全的 XML 内容（实体定义），已拒绝导入"


def test_too_many_rows_are_refused_with_the_limit_stated(db, assistant, tmp_path, monkeypatch):
    monkeypatch.setattr(roster, "MAX_DATA_ROWS", 30)
    f = write_rows(tmp_path / "many.xlsx", [["房号", "业主"]] + [[f"1-1-{100 + i}", "王芳"] for i in range(60)])
    assert refused(db, assistant, f).message.startswith("花名册超过 30 行数据（每次最多导入 30 行）")


@pytest.mark.parametrize(("content", "expected"), [
    ("房号,业主\n1-1-101,王芳\n".encode("gbk"), "这不是 Excel 工作簿（.xlsx）文件"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600, "旧版 Excel（.xls）"),
    (b"PK\x03\x04 truncated", "文件已损坏或不是 Excel 工作簿"),
    (b"", "这不是 Excel 工作簿（.xlsx）文件"),
])
def test_what_is_not_an_xlsx_is_refused(db, assistant, tmp_path, content, expected):
    f = tmp_path / "花名册.xlsx"
    f.write_bytes(content)
    assert expected in refused(db, assistant, f).message


def test_a_zip_that_is_not_a_workbook_and_a_missing_file_are_refused(db, assistant, tmp_path):
    f = tmp_path / "docs.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "缺少工作簿内容" in refused(db, assistant, f).message
    assert "找不到文件" in refused(db, assistant, tmp_path / "没有.xlsx").message


def test_the_command_line_refuses_in_chinese(paths, tmp_path, capsys):
    f = tmp_path / "old.xls"
    f.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600)
    assert cli.main(["--data-dir", str(paths.data_dir), "import", "roster", str(f)]) == 2
    assert "错误：这是旧版 Excel（.xls）文件" in capsys.readouterr().err
