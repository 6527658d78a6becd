"""批量打印派工单: the morning's dispatched orders listed and ticked, one PDF, a print record for each."""

from __future__ import annotations

import subprocess
from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrintPreviewDialog

from app import printing, repairs, staff
from app.repairs import RepairData
from app.timeutil import local_today, local_tz
from tests.pdftools import pdf_page_size, pdf_pages, pdf_text
from ui import dialogs
from ui.repair_batch import Period, RepairBatchDialog, default_period, period_bounds
from ui.runner import Runner


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=local_tz())


@pytest.fixture
def morning(db, users, some_rooms):
    """Yesterday: three jobs signed for in the morning, one in the afternoon, one already done."""
    clerk, boss = users["li"].actor(), users["zhang"].actor()
    day = local_today() - timedelta(days=1)
    with db.Session.begin() as s:
        dept = next(d.id for d in staff.departments(s) if d.code == "engineering")
        zhao = staff.save_staff(s, boss, staff.StaffData("赵师傅", "GC001", dept))
        qian = staff.save_staff(s, boss, staff.StaffData("钱师傅", "GC002", dept))
        made = {}
        for key, room, eng, signed in (("a", "3-2-1201", zhao, _at(day, 8, 40)), ("b", "3-2-1202", qian, _at(day, 9, 5)),
                                       ("c", "5-1-0301", zhao, _at(day, 11, 50)), ("pm", "3-2-1201", zhao, _at(day, 14)),
                                       ("done", "5-1-0301", qian, _at(day, 10))):
            o = repairs.create_order(s, clerk, RepairData(
                reporter="王芳", contact="13800138000", room_code=room, category="水",
                content=f"漏水（{key}）"), reported_at=_at(day, 8))
            repairs.dispatch(s, clerk, o.id, eng.id, at=signed)
            made[key] = o
        repairs.arrive(s, clerk, made["done"].id, at=_at(day, 10, 30))
        repairs.complete(s, clerk, made["done"].id, "已修好", "王芳", "satisfied", at=_at(day, 11))
    return day, made


def _dialog(qtbot, ctx, day=None, period=Period.MORNING) -> RepairBatchDialog:
    dlg = RepairBatchDialog(ctx, Runner())
    qtbot.addWidget(dlg)
    if day is not None:
        dlg.day.setDate(QDate(day.year, day.month, day.day))
    dlg.period.setCurrentIndex(dlg.period.findData(str(period)))
    dlg.show()
    return dlg


def _serials(dlg) -> list[str]:
    return [dlg.table.item(i, 0).text() for i in range(dlg.table.rowCount())]


def test_the_default_is_this_morning_until_one_oclock_then_the_whole_day(qtbot, ctx):
    today = local_today()
    assert default_period(_at(today, 9)) == Period.MORNING
    assert default_period(_at(today, 12, 59)) == Period.MORNING
    assert default_period(_at(today, 13)) == Period.DAY
    start, end = period_bounds(today, Period.MORNING)
    assert (start, end - start) == (_at(today, 0), timedelta(hours=12))
    assert period_bounds(today, Period.AFTERNOON)[0] == _at(today, 12)
    dlg = RepairBatchDialog(ctx, Runner())
    qtbot.addWidget(dlg)
    assert dlg.day.date().toPython() == today
    assert dlg.selected_period() == default_period()


def test_the_morning_orders_are_listed_ticked_by_engineer(qtbot, ctx, morning):
    day, made = morning
    dlg = _dialog(qtbot, ctx, day)
    # still with an engineer, signed for before noon; by engineer name, then time signed for
    assert _serials(dlg) == [made["a"].serial, made["c"].serial, made["b"].serial]  # 赵 < 钱 by code point
    assert set(dlg.checked_ids()) == {made["a"].id, made["b"].id, made["c"].id}
    assert dlg.count.text() == "共 3 单，已选 3 单"
    row = _serials(dlg).index(made["a"].serial)
    assert [dlg.table.item(row, c).text() for c in range(1, 5)] == ["赵师傅", "3-2-1201", "水", "08:40"]
    dlg.period.setCurrentIndex(dlg.period.findData(str(Period.AFTERNOON)))
    assert _serials(dlg) == [made["pm"].serial]
    dlg.period.setCurrentIndex(dlg.period.findData(str(Period.DAY)))
    assert len(_serials(dlg)) == 4 and made["done"].serial not in _serials(dlg)


def _print_to_pdf(qtbot, dlg, target, monkeypatch):
    printer = dlg.print_checked()
    assert printer is not None
    qtbot.waitUntil(lambda: printer.preview is not None and printer.preview.isVisible(), timeout=15_000)
    assert isinstance(printer.preview, QPrintPreviewDialog)
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(target))
    with qtbot.waitSignal(printer.printed, timeout=5000):
        printer.save_pdf()
    return printer


def _page_text(pdf, page):
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_unticked_orders_are_left_out_and_every_printed_slip_is_recorded(qtbot, ctx, morning, tmp_path,
                                                                           monkeypatch):
    day, made = morning
    dlg = _dialog(qtbot, ctx, day)
    dlg.set_checked(made["b"].id, False)
    assert dlg.count.text() == "共 3 单，已选 2 单"
    target = tmp_path / "batch.pdf"
    printer = _print_to_pdf(qtbot, dlg, target, monkeypatch)
    assert "共 2 份" in printer.preview.windowTitle()
    assert pdf_pages(target) == 2 and [round(x) for x in pdf_page_size(target)] == [420, 595]
    listed = [s for s in _serials(dlg) if s != made["b"].serial]
    for page, serial in enumerate(listed, start=1):
        text = _page_text(target, page)
        assert serial in text and "《维修派工单》" in text and "补打" not in text
    assert made["b"].serial not in pdf_text(target)
    with ctx.read() as s:
        assert [h.output for h in printing.history(s, "repair", made["a"].id)] == ["pdf"]
        assert [h.output for h in printing.history(s, "repair", made["c"].id)] == ["pdf"]
        assert printing.history(s, "repair", made["b"].id) == []
    assert "已将 2 张派工单另存为 PDF" in dlg.status.text()
    # the list shows what was printed; the ticks stay as they were
    assert set(dlg.checked_ids()) == {made["a"].id, made["c"].id}
    row = _serials(dlg).index(made["a"].serial)
    assert "已打印 1 次" in dlg.table.item(row, 6).text()

    # now all three, on A4 with two copies: only the ones printed before say 补打
    dlg.set_all_checked(True)
    dlg.two_copies.setChecked(True)
    again = tmp_path / "again.pdf"
    _print_to_pdf(qtbot, dlg, again, monkeypatch)
    assert pdf_pages(again) == 3 and [round(x) for x in pdf_page_size(again)] == [595, 842]
    for page, serial in enumerate(_serials(dlg), start=1):
        text = _page_text(again, page)
        assert text.count(serial) >= 2 and "客服中心联" in text and "维修人员联" in text
        assert ("补打" in text) == (serial != made["b"].serial)
    with ctx.read() as s:
        assert [(h.reprint, h.output) for h in printing.history(s, "repair", made["a"].id)] == [
            (False, "pdf"), (True, "pdf")]
        assert [h.reprint for h in printing.history(s, "repair", made["b"].id)] == [False]


def test_an_empty_period_says_so_instead_of_printing_nothing(qtbot, ctx, morning, monkeypatch):
    day, _made = morning
    dlg = _dialog(qtbot, ctx, day - timedelta(days=3))
    assert dlg.table.rowCount() == 0 and dlg.empty.isVisible() and not dlg.table.isVisible()
    assert "没有" in dlg.empty.text() and not dlg.print_btn.isEnabled()
    said = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: said.append(text))
    assert dlg.print_checked() is None and said and "没有" in said[0]
    dlg.day.setDate(QDate(day.year, day.month, day.day))
    assert dlg.table.rowCount() == 3 and dlg.print_btn.isEnabled()
    dlg.set_all_checked(False)
    assert not dlg.print_btn.isEnabled()
    said.clear()
    assert dlg.print_checked() is None and "请至少勾选" in said[0]
