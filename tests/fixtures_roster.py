"""Builders of messy and hostile roster workbooks in a temporary folder (no binary files in git)."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from app.validation import id_check_char


def make_id(area: str = "110105", born: str = "19800101", seq: str = "123") -> str:
    """A valid 18-digit resident ID (GB 11643) with the given parts."""
    first17 = f"{area}{born}{seq}"
    return first17 + id_check_char(first17)


ID_WANG = make_id("110105", "19491231", "002")      # 11010519491231002X
ID_ZHOU = make_id("310104", "19850612", "031")
ID_QIAN = make_id("440305", "19900101", "113")

TITLE = "阳光花园小区业主花名册"
HEADER = ["序号", "楼栋", "单元", "房间号", "建筑面积（㎡）", "业主姓名", "联系电话", "备用电话",
          "身份证号码", "关系", "入住日期", "备注"]

# Every kind of mess a real roster has, with the Excel row it lands on and what must happen to it.
# Rows 1-2: title and date (merged), row 3: header; data from row 4; 楼栋 merged down B4:B8.
MESSY_ROWS: list[tuple[int, list[Any], str]] = [
    (4, [1, "1栋", "1", "101", 89.5, "王芳", "13800138000.0", None, ID_WANG, "业主",
         datetime(2020, 5, 1), None], "imported"),
    (5, [2, None, "１", "１０２", "90", " 李明 ", "139 0013 9000", None, None, None, None, "  "],
     "imported"),
    (6, [3, None, 1, 102, None, "张伟", "13700137000", None, None, "住户", "2021年3月4日", "老人独居"],
     "imported"),
    (7, [4, None, "1", "103", 75, "赵六", "13600136000", None, 1.1010519491231e17, "业主", None, None],
     "rejected"),     # the ID arrived as a number: digits lost
    (8, [5, None, "1", "104", 75, "孙七", "13500135000", None, "1.1010519491231E+17", None, None, None],
     "rejected"),     # the ID arrived as scientific-notation text
    # row 9 blank
    (10, [1, "1栋", "1", "101", 89.5, "王芳", "13800138000.0", None, ID_WANG, "业主",
          datetime(2020, 5, 1), None], "duplicate"),
    (11, [6, "2", "1", "201", 100, "周八", "13800138001/010-12345678", None, ID_ZHOU, None,
          "2021/3/4", None], "imported"),
    (12, [7, "2", "1", "202", "一百", "吴九", "13800138002", None, None, None, None, None], "rejected"),
    (13, [8, "2", "1", "203", 80, "郑十", "12345", None, None, None, None, None], "rejected"),
    (14, [9, "2", "1", "204", 80, None, None, None, None, None, None, "空置"], "imported"),
    (15, [10, "2", "1", "205", 60, "王芳", None, None, ID_WANG, "业主", None, None], "imported"),
    (16, [11, "2", "1", "206", 60, "钱二", "13900139001", None, ID_WANG, None, None, None], "rejected"),
    (17, ["合计", None, None, None, 644.5, None, None, None, None, None, None, None], "skipped"),
    (18, ["制表人：张三", None, None, None, None, None, None, None, None, None, None, None], "skipped"),
]

MESSY_REASONS = {
    7: "证件号码在 Excel 中被存成了数字",
    8: "科学计数法",
    12: "面积“一百”不是数字",
    13: "电话号码格式不正确",
    16: "与第 4 行证件号码相同但姓名不同",
}
MESSY_COUNTS = {"total": 12, "imported": 6, "updated": 0, "unchanged": 0, "duplicates": 1,
                "rejected": 5, "skipped": 2, "rooms_created": 5, "persons_created": 4,
                "occupants_created": 5}
MESSY_ROOMS = {"1-1-101", "1-1-102", "2-1-201", "2-1-204", "2-1-205"}


def write_rows(path: Path, rows: Sequence[Sequence[Any]], *, title: str | None = None,
               sheet: str = "Sheet1", text_columns: Sequence[int] = ()) -> Path:
    """A plain workbook: optional merged title row, then `rows` as given (first one usually the header)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        width = max(len(r) for r in rows) if rows else 1
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
    for r in rows:
        ws.append(list(r))
    for col in text_columns:
        for cell in ws.iter_cols(min_col=col + 1, max_col=col + 1, min_row=1):
            for c in cell:
                c.number_format = "@"
    wb.save(path)
    return path


def messy_roster(folder: Path, name: str = "花名册.xlsx") -> Path:
    """The roster of MESSY_ROWS: title and date rows merged, odd headers, 楼栋 merged down."""
    wb = Workbook()
    ws = wb.active
    ws.title = "业主信息"
    ws["A1"] = TITLE
    ws.merge_cells("A1:L1")
    ws["A2"] = "制表日期：2026年11月"
    ws.merge_cells("A2:L2")
    for col, h in enumerate(HEADER, start=1):
        ws.cell(row=3, column=col, value=h)
    for rownum, values, _ in MESSY_ROWS:
        for col, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(row=rownum, column=col, value=v)
    ws.merge_cells("B4:B8")
    wb.create_sheet("说明")["A1"] = "本表由物业前台维护"
    path = folder / name
    wb.save(path)
    return path


def big_roster(path: Path, n: int, seed: int = 7) -> Path:
    """`n` clean rows (some rooms with two people), laid out as Excel saves them: shared strings and
    a dimension element (openpyxl's write_only mode writes neither, which is slower to read)."""
    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["房号", "建筑面积", "业主姓名", "手机", "身份证号码", "关系", "入住日期", "备注"])
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "芳伟娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
    i = 0
    room = 0
    while i < n:
        room += 1
        b, u, f, d = 1 + room // 400, 1 + (room // 100) % 4, 1 + (room // 4) % 25, 1 + room % 4
        code = f"{b}-{u}-{f}{d:02d}"
        area = round(60 + rnd.random() * 80, 2)
        for k in range(1 + (room % 3 == 0)):
            if i >= n:
                break
            i += 1
            name = rnd.choice(surnames) + rnd.choice(given) + (rnd.choice(given) if k else "")
            idn = make_id("110105", f"{1950 + i // 1000}0101", f"{i % 1000:03d}") if i % 2 else ""
            ws.append([code, area, name, f"13{i:09d}", idn,
                       "业主" if k == 0 else "住户", datetime(2020, 1 + i % 12, 1), ""])
    wb.save(path)
    return path


# ---------------------------------------------------------------- hostile files

def zip_bomb(path: Path, megabytes: int = 30) -> Path:
    """A small xlsx-looking zip whose sheet expands to `megabytes` of zeros."""
    ok = path.with_name("ok_" + path.name)
    write_rows(ok, [["房号", "姓名"], ["1-1-101", "王芳"]])
    with zipfile.ZipFile(ok) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            dst.writestr(info, src.read(info))
        with dst.open("xl/worksheets/sheet1.xml", "w") as m:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                m.write(block)
    ok.unlink()
    return path


def replace_member(src: Path, dst: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == member else zin.read(info))
    return dst


BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE worksheet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>房号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>1-1-101</t></is></c><c r="B2" t="inlineStr"><is><t>&lol9;&xxe;</t></is></c></row>
</sheetData></worksheet>""".encode()


def entity_bomb(path: Path) -> Path:
    ok = path.with_name("ok_" + path.name)
    write_rows(ok, [["房号", "姓名"], ["1-1-101", "王芳"]])
    replace_member(ok, path, "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    ok.unlink()
    return path
