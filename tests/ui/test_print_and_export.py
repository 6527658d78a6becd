"""Print preview of a slip, save as PDF, and 导出 of a filtered room list, through real widgets."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtPrintSupport import QPrintPreviewDialog

from app import printing, rooms
from tests.pdftools import pdf_text
from ui import dialogs
from ui.bus import DataBus
from ui.month_dialog import MonthExportDialog
from ui.panels.rooms import RoomsPanel
from ui.runner import Runner


def _panel(qtbot, ctx) -> RoomsPanel:
    panel = RoomsPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_print_preview_opens_for_the_register_slip_and_save_as_pdf_is_recorded(
        qtbot, ctx, some_rooms, tmp_path, monkeypatch):
    panel = _panel(qtbot, ctx)
    qtbot.keyClicks(panel.search, "3-2-1201")
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.room.code == "3-2-1201")
    printer = panel.print_register()
    assert printer is not None
    qtbot.waitUntil(lambda: printer.preview is not None and printer.preview.isVisible(), timeout=10_000)
    assert isinstance(printer.preview, QPrintPreviewDialog)
    assert "《房屋业主登记表》" in printer.preview.windowTitle()
    target = tmp_path / "register.pdf"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(target))
    with qtbot.waitSignal(printer.printed, timeout=5000) as sig:
        printer.save_pdf()
    assert sig.args == ["pdf"]
    assert "已打印 1 次" in panel.card_prints.text()
    assert "王芳" in pdf_text(target)
    with ctx.read() as s:
        room_id = rooms.find_room_id(s, "3-2-1201")
        assert [h.output for h in printing.history(s, "room", room_id)] == ["pdf"]


def test_scanning_a_slip_serial_opens_the_room(qtbot, ctx, some_rooms):
    panel = _panel(qtbot, ctx)
    qtbot.keyClicks(panel.search, "FW-5-1-0301\r")
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.room.code == "5-1-0301")
    assert panel.search.text() == "5-1-0301"


def test_export_of_a_filtered_room_list_contains_only_those_rows(qtbot, ctx, some_rooms, tmp_path, monkeypatch):
    panel = _panel(qtbot, ctx)
    qtbot.keyClicks(panel.search, "3-2")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    panel.table.horizontalHeader().hideSection(5)  # hide 业主/住户: exported as on screen
    target = tmp_path / "rooms.xlsx"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(target))
    panel.exports.xlsx_btn.click()
    qtbot.waitUntil(lambda: panel.exports.last_path == target, timeout=10_000)
    ws = load_workbook(target).active
    assert ws["A2"].value == "筛选条件：查找“3-2”，不含已停用"
    header = [c.value for c in ws[4]]
    assert header == ["房号", "类型", "楼层", "面积（㎡）", "入住状态", "电话"]
    data = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert [r[0] for r in data] == ["3-2-1201", "3-2-1202"]
    assert data[0][5] == "138****8000"  # masked, as on screen
    target_pdf = tmp_path / "rooms.pdf"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(target_pdf))
    panel.exports.pdf_btn.click()
    qtbot.waitUntil(lambda: panel.exports.last_path == target_pdf, timeout=10_000)
    text = pdf_text(target_pdf)
    assert "3-2-1201" in text and "5-1-0301" not in text


def test_month_dialog_builds_the_workbook(qtbot, ctx, some_rooms, tmp_path):
    runner = Runner()
    dlg = MonthExportDialog(ctx, runner)
    qtbot.addWidget(dlg)
    dlg.path.setText(str(tmp_path / "month.xlsx"))
    dlg.generate()
    qtbot.waitUntil(lambda: dlg.result_text != "", timeout=15_000)
    assert (tmp_path / "month.xlsx").exists() and (tmp_path / "month.pdf").exists()
    assert load_workbook(tmp_path / "month.xlsx").sheetnames[0] == "汇总"


def test_the_printer_receives_exactly_the_rendered_pages(qtbot, tmp_path):
    from datetime import UTC, datetime

    from PySide6.QtPrintSupport import QPrinter

    from app.slips import Field, SlipHeader, SlipSpec, render_slip
    from tests.pdftools import pdf_pages
    from ui.printing import paint_pdf, pdf_document

    data, _ = render_slip(SlipSpec(kind="t", title="《测试单》", serial="T-1", fields=[Field("房号", "3-2-1201")]),
                          SlipHeader("中天雅苑", "中天物业"), printed_at=datetime.now(UTC))
    doc, _buf = pdf_document(data)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    paint_pdf(doc, printer)
    assert out.exists() and pdf_pages(out) == 1 and out.stat().st_size > 10_000


def test_the_supervisor_writes_the_months_analysis_into_the_report(qtbot, paths, db, users, tmp_path):
    from app.context import AppContext

    ctx = AppContext(paths=paths, database=db, actor=users["zhang"].actor())
    dlg = MonthExportDialog(ctx, Runner())
    qtbot.addWidget(dlg)
    assert not dlg.analysis.isReadOnly()
    dlg.path.setText(str(tmp_path / "month.xlsx"))
    dlg.with_pdf.setChecked(False)
    dlg.analysis.setPlainText("本月噪音投诉增加，已约谈装修施工单位。")
    dlg.generate()
    qtbot.waitUntil(lambda: dlg.result_text != "", timeout=15_000)
    wb = load_workbook(tmp_path / "month.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "本月噪音投诉增加，已约谈装修施工单位。" in cells
    again = MonthExportDialog(ctx, Runner())
    qtbot.addWidget(again)
    assert again.analysis.toPlainText() == "本月噪音投诉增加，已约谈装修施工单位。"


def test_an_assistant_reads_but_does_not_write_the_analysis(qtbot, ctx):
    dlg = MonthExportDialog(ctx, Runner())
    qtbot.addWidget(dlg)
    assert dlg.analysis.isReadOnly()
