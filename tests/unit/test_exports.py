"""Table exports reopened: styled, typed, safe against formula injection, cancellable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.exports import Cancelled, ColKind, ExportColumn, TableExport, export_pdf, export_xlsx
from tests.pdftools import pdf_fonts, pdf_page_size, pdf_pages, pdf_text

COLS = [ExportColumn("房号", ColKind.CODE), ExportColumn("姓名"), ExportColumn("身份证号码", ColKind.CODE),
        ExportColumn("电话", ColKind.CODE), ExportColumn("面积", ColKind.DECIMAL),
        ExportColumn("欠费", ColKind.MONEY), ExportColumn("入住日期", ColKind.DATE),
        ExportColumn("登记时间", ColKind.DATETIME), ExportColumn("人数", ColKind.INT)]
ROWS = [
    ["3-2-1201", "王芳", "11010519491231002X", "13800138000", Decimal("89.50"), Decimal("1234.56"),
     date(2026, 3, 1), datetime(2026, 3, 1, 1, 30, tzinfo=UTC), 3],
    ["3-2-1202", "=HYPERLINK(\"http://x\",\"点我\")", "110105194912310038", "+8613900139000",
     Decimal("100.00"), Decimal("0"), None, None, 1],
    ["5-1-0301", "@SUM(1+1)", "", "-1", None, None, None, None, 0],
]


def spec(rows=ROWS, **kw) -> TableExport:
    return TableExport(title="房屋与业主", columns=COLS, rows=iter(rows), filter_text="查找“3-”",
                       generated_by="张主管", generated_at=datetime(2026, 11, 25, 2, 0, tzinfo=UTC), **kw)


def test_xlsx_is_typed_styled_and_frozen(tmp_path: Path):
    out = tmp_path / "rooms.xlsx"
    assert export_xlsx(spec(), out) == 3
    wb = load_workbook(out)
    ws = wb.active
    assert ws["A1"].value == "房屋与业主" and ws["A1"].font.b
    assert ws["A2"].value == "筛选条件：查找“3-”"
    assert "导出人：张主管" in ws["A3"].value
    assert [c.value for c in ws[4]] == [c.header for c in COLS]
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:I7"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    r = [c for c in ws[5]]
    assert r[0].value == "3-2-1201" and r[2].value == "11010519491231002X" and r[2].data_type == "s"
    assert r[3].value == "13800138000" and r[3].data_type == "s"
    assert r[4].value == Decimal("89.5") or r[4].value == 89.5
    assert r[5].number_format == '"¥"#,##0.00' and float(r[5].value) == 1234.56
    assert r[6].is_date and r[6].value.date() == date(2026, 3, 1)
    assert r[7].is_date and r[8].value == 3
    # column widths fit Chinese text: the ID column is wider than its header needs
    assert ws.column_dimensions["C"].width >= 20


def test_user_text_never_becomes_a_formula(tmp_path: Path):
    out = tmp_path / "evil.xlsx"
    export_xlsx(spec(), out)
    ws = load_workbook(out).active
    cells = [ws["B6"], ws["B7"], ws["D6"], ws["D7"]]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x","点我")', "@SUM(1+1)", "+8613900139000", "-1"]
    assert all(c.data_type == "s" for c in cells)
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f"


def test_cancelling_leaves_no_file(tmp_path: Path):
    out = tmp_path / "big.xlsx"
    rows = (["1-1-101", "x", "", "", None, None, None, None, i] for i in range(10_000))
    with pytest.raises(Cancelled):
        export_xlsx(spec(rows), out, progress=lambda n: n < 4000, every=1000)
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_pdf_is_landscape_when_wide_and_numbers_pages(tmp_path: Path):
    out = tmp_path / "rooms.pdf"
    many = ROWS * 40
    n, _ = export_pdf(spec(many), out)
    assert n == 120
    w, h = pdf_page_size(out)
    assert w > h  # nine columns do not fit a portrait page
    pages = pdf_pages(out)
    assert pages >= 2
    text = pdf_text(out)
    flat = text.replace(" ", "")
    assert f"第1/{pages}页" in flat and f"第{pages}/{pages}页" in flat
    assert text.count("身份证号码") == pages  # the header row repeats on every page
    assert "筛选条件：查找“3-”" in text and "¥1,234.56" in text
    assert all(f["emb"] == "yes" for f in pdf_fonts(out))


def test_pdf_of_a_narrow_table_is_portrait(tmp_path: Path):
    out = tmp_path / "narrow.pdf"
    narrow = TableExport(title="员工", columns=[ExportColumn("工号"), ExportColumn("姓名")],
                         rows=[["KF001", "李助理"]], generated_at=datetime.now(UTC))
    export_pdf(narrow, out)
    w, h = pdf_page_size(out)
    assert w < h and "李助理" in pdf_text(out)


def test_unwritable_folder_is_a_clear_error(tmp_path: Path):
    from app.errors import StorageError

    with pytest.raises(StorageError, match="文件夹不存在"):
        export_xlsx(spec(), tmp_path / "missing" / "x.xlsx")
