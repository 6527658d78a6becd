"""钥匙柜 tab: the cabinet drawn hook by hook (state by colour and by text), hover, the search by room,
key number and scanned slip, the register with its filters and export, the due list, and who sees what."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage
from PySide6.QtWidgets import QApplication, QDialog

from app import keys, rooms
from app.context import AppContext
from app.keys import Borrower, CabinetData, HookCell, KeyData, KeyKind, KeyState, LoanData, LoanItemData
from app.timeutil import fmt_local
from tests.pdftools import pdf_text
from ui import dialogs, labels
from ui.bus import DataBus
from ui.key_grid import CELL_ROLE, STATE_ROLE, STYLES, CabinetGridModel, CabinetGridView, HookDelegate
from ui.main_window import MainWindow
from ui.panels.keys import COUNTS, GRID, INCIDENTS, LOANS, REGISTER, KeysPanel

from .keys import type_text

TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def cabinet(db, users, some_rooms):
    """1号钥匙柜 (3 × 4): construction keys of the three rooms on A01–A03, two copies each;
    2号钥匙柜 (2 × 3): 5-1-0301's first decoration key on A01."""
    boss = users["zhang"].actor()
    hung = datetime.now(UTC) - timedelta(days=30)  # loans may be backdated, never before the key was hung
    with db.Session.begin() as s:
        ids = {c: rooms.find_room_id(s, c) for c in ("3-2-1201", "3-2-1202", "5-1-0301")}
        one = keys.create_cabinet(s, boss, CabinetData("1号钥匙柜", 3, 4, "客服中心"))
        keys.bulk_create_keys(s, boss, one.id, list(ids.values()), KeyKind.CONSTRUCTION, copies=2, at=hung)
        two = keys.create_cabinet(s, boss, CabinetData("2号钥匙柜", 2, 3))
        keys.bulk_create_keys(s, boss, two.id, [ids["5-1-0301"]], KeyKind.DECORATION_1, at=hung)
        numbers = {r.number: r.id for r in keys.list_keys(s, keys.KeyQuery())}
    return types.SimpleNamespace(one=one.id, two=two.id, rooms=ids, keys=numbers)


def _lend(ctx, key_id: int, days_ago: float = 0, copies: int = 0) -> tuple[int, str]:
    """A contractor's loan; lent `days_ago` (past 7 days it is overdue and must be chased)."""
    data = LoanData(Borrower.CONTRACTOR, [LoanItemData(key_id, copies)], borrower_name="张师傅",
                    company="华建装饰", permit_no="XK-0301", purpose="水电改造",
                    at=datetime.now(UTC) - timedelta(days=days_ago, minutes=1))
    with ctx.tx() as s:
        return keys.lend(s, ctx.actor, data)


def _panel(qtbot, ctx) -> KeysPanel:
    panel = KeysPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    panel.resize(1300, 760)
    panel.show()
    return panel


def _cell(panel: KeysPanel, row: int, col: int) -> HookCell:
    model = panel.grid.grid_model
    return model.data(model.index(row, col), CELL_ROLE)


def _fake_dialogs(monkeypatch, result: int = QDialog.DialogCode.Rejected) -> list[tuple[str, tuple, dict]]:
    """ui.key_dialogs replaced by recorders: each dialog notes how it was opened and returns `result`."""
    opened: list[tuple[str, tuple, dict]] = []

    def fake(name: str) -> type:
        class Fake:
            def __init__(self, *args, **kwargs) -> None:
                opened.append((name, args, kwargs))

            def exec(self) -> int:
                return result

            def deleteLater(self) -> None:  # noqa: N802
                pass

        return Fake

    module = types.ModuleType("ui.key_dialogs")
    for name in ("KeyCardDialog", "LoanDialog", "ReturnDialog", "ReminderDialog", "AcceptanceDialog",
                 "DepositDialog", "GiveBackDialog", "HandoverDialog", "IncidentDialog", "CountDialog",
                 "CabinetSetupDialog", "LabelCheckDialog", "ArchiveDialog"):
        setattr(module, name, fake(name))
    monkeypatch.setitem(sys.modules, "ui.key_dialogs", module)
    return opened


def test_the_grid_shows_every_hook_with_its_state_and_the_holder_on_hover(qtbot, ctx, cabinet, qtmodeltester):
    _lend(ctx, cabinet.keys["3-2-1202-S"], days_ago=9)       # a contractor past 7 days: 逾期
    _lend(ctx, cabinet.keys["5-1-0301-S"], days_ago=1)       # still within its 7 days: 借出
    panel = _panel(qtbot, ctx)
    model = panel.grid.grid_model
    qtmodeltester.check(model, force_py=True)
    assert panel.cabinet.currentText() == "1号钥匙柜（在柜 1 · 借出 2）"
    assert (model.rowCount(), model.columnCount()) == (3, 4)
    assert [(c.label, c.number, c.state, c.state_label) for c in (_cell(panel, 0, i) for i in range(4))] == [
        ("A01", "3-2-1201-S", "in", "在柜"), ("A02", "3-2-1202-S", "overdue", "逾期"),
        ("A03", "5-1-0301-S", "out", "借出"), ("A04", "", "empty", "空钩")]
    assert model.data(model.index(0, 1), STATE_ROLE) == "overdue"
    tip = model.data(model.index(0, 1), TOOLTIP)
    due = _cell(panel, 0, 1).due_at
    assert due is not None and due < datetime.now(UTC)
    fmt = fmt_local(due)
    assert "3-2-1202-S" in tip and "3-2-1202" in tip and "施工钥匙 · 2 把 · 钩位 A02" in tip
    assert "借用人：张师傅（华建装饰）" in tip and f"应还时间：{fmt}（已逾期）" in tip
    assert "借用人" not in model.data(model.index(0, 0), TOOLTIP)
    assert model.data(model.index(2, 3), TOOLTIP) == "钩位 C04：空钩"
    # The legend counts what hangs here, by state; the hook under the cursor is described in words.
    assert panel.legend.labels["overdue"].text() == "逾期 1"
    assert panel.legend.labels["empty"].text() == "空钩 9"
    panel.grid.setCurrentIndex(model.index(0, 1))
    assert "逾期" in panel.hook_info.text() and "张师傅" in panel.hook_info.text()
    # Colour is not the only sign: every state has its own mark, and the painted cells differ.
    assert len({s.sign for s in STYLES.values()}) == len(STYLES)
    img = panel.grid.viewport().grab().toImage()

    def pixel(row: int, col: int) -> QColor:
        r = panel.grid.visualRect(model.index(row, col))
        return QColor(img.pixel(r.left() + 8, r.bottom() - 8))

    assert pixel(0, 0) == STYLES["in"].fill and pixel(0, 1) == STYLES["overdue"].fill
    assert pixel(0, 2) == STYLES["out"].fill and pixel(0, 3) == STYLES["empty"].fill


def test_search_by_room_key_number_and_a_scanned_loan_slip(qtbot, ctx, cabinet, monkeypatch):
    loan_id, serial = _lend(ctx, cabinet.keys["5-1-0301-Z1"], days_ago=0)
    opened = _fake_dialogs(monkeypatch)
    panel = _panel(qtbot, ctx)
    model = panel.grid.grid_model
    # A room: all its keys, here in two cabinets; the first is selected and outlined.
    qtbot.keyClicks(panel.search, "5-1-0301")
    qtbot.waitUntil(lambda: panel.hit is not None)  # found as typed (debounced), before any Enter
    assert panel.hit.what == "room"
    assert model.cabinet_id == cabinet.one and panel.cabinet.currentData() == cabinet.one
    assert model.highlighted() == {cabinet.keys["5-1-0301-S"], cabinet.keys["5-1-0301-Z1"]}
    assert panel.grid.current_cell().number == "5-1-0301-S"
    assert "另有 1 把在其他钥匙柜" in panel.search_msg.text()
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)  # the hit is on screen: Enter opens the key
    assert opened == [("KeyCardDialog", (ctx, panel.runner, cabinet.keys["5-1-0301-S"], panel), {})]
    # A key number, typed and Enter at once (like a scanner): the first Enter only finds it.
    panel.views.setCurrentIndex(REGISTER)
    qtbot.keyClicks(panel.search, "3-2-1202-s\r")
    assert panel.views.currentIndex() == GRID and panel.grid.current_cell().number == "3-2-1202-S"
    assert model.highlighted() == {cabinet.keys["3-2-1202-S"]}
    assert len(opened) == 1
    # The loan slip's QR: the other cabinet comes up with the lent key; Enter opens the return.
    panel.search.selectAll()
    qtbot.keyClicks(panel.search, serial + "\r")
    assert model.cabinet_id == cabinet.two and panel.cabinet.currentData() == cabinet.two
    c = panel.grid.current_cell()
    assert (c.number, c.state, c.loan_serial) == ("5-1-0301-Z1", "out", serial)
    assert panel.grid.currentIndex().row() == 0 and panel.grid.currentIndex().column() == 0
    assert f"借领单 {serial}" in panel.search_msg.text()
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert opened[-1] == ("ReturnDialog", (ctx, panel.runner, panel), {"loan_id": loan_id})
    # Not found: said in words next to the field, nothing outlined.
    panel.search.selectAll()
    qtbot.keyClicks(panel.search, "9-9-9999\r")
    assert panel.search_msg.text() == "没有找到“9-9-9999”：请核对房号、钥匙编号或单据编号"
    assert panel.search_msg.isVisible() and model.highlighted() == set()
    assert len(opened) == 2


def test_a_click_on_a_key_opens_its_card_and_a_save_refreshes_the_grid(qtbot, ctx, cabinet, monkeypatch):
    opened = _fake_dialogs(monkeypatch, QDialog.DialogCode.Accepted)
    panel = _panel(qtbot, ctx)
    seen: list[set[str]] = []
    panel.bus.data_changed.connect(seen.append)
    rect = panel.grid.visualRect(panel.grid.grid_model.index(0, 2))
    _lend(ctx, cabinet.keys["5-1-0301-S"])  # meanwhile, at the other counter
    qtbot.mouseClick(panel.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [("KeyCardDialog", (ctx, panel.runner, cabinet.keys["5-1-0301-S"], panel), {})]
    assert seen == [{"key"}]
    assert _cell(panel, 0, 2).state == "out"  # refreshed through the bus
    qtbot.mouseClick(panel.grid.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.grid.visualRect(panel.grid.grid_model.index(1, 0)).center())
    assert len(opened) == 1  # an empty hook has no key to open
    panel.grid.setCurrentIndex(panel.grid.grid_model.index(0, 0))
    qtbot.keyClick(panel.grid, Qt.Key.Key_Return)
    assert opened[-1][0] == "KeyCardDialog" and opened[-1][1][2] == cabinet.keys["3-2-1201-S"]
    # 钥匙整理与保管3: the current hook's label checked, shown on hover.
    assert "标签检查" not in panel.grid.grid_model.tooltip(_cell(panel, 0, 0))
    assert panel.check_labels() == 1
    assert "标签检查：" in panel.grid.grid_model.tooltip(_cell(panel, 0, 0))


def test_procedure_buttons_open_their_dialogs_with_what_is_selected(qtbot, ctx, cabinet, monkeypatch):
    opened = _fake_dialogs(monkeypatch)
    panel = _panel(qtbot, ctx)
    model = panel.grid.grid_model
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    qtbot.keyClicks(panel.search, "3-2-1201\r")
    qtbot.keyClick(panel.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert opened[-1] == ("LoanDialog", (ctx, panel.runner, panel), {"key_ids": (cabinet.keys["3-2-1201-S"],)})
    panel.proc_buttons["accept"].click()
    assert opened[-1] == ("AcceptanceDialog", (ctx, panel.runner, panel), {"cabinet_id": cabinet.one})
    panel.proc_buttons["handover"].click()
    assert opened[-1] == ("HandoverDialog", (ctx, panel.runner, panel), {"room_id": cabinet.rooms["3-2-1201"]})
    panel.proc_buttons["deposit"].click()
    assert opened[-1][2] == {"cabinet_id": cabinet.one, "room_id": cabinet.rooms["3-2-1201"]}
    panel.proc_buttons["give_back"].click()
    assert opened[-1] == ("GiveBackDialog", (ctx, panel.runner, panel), {"deposit_id": None})
    panel.proc_buttons["count"].click()
    assert opened[-1] == ("CountDialog", (ctx, panel, cabinet.one), {})
    panel.proc_buttons["labels"].click()
    assert opened[-1] == ("LabelCheckDialog", (ctx, panel, cabinet.one), {})
    loan_id, _ = _lend(ctx, cabinet.keys["3-2-1201-S"])
    panel.refresh()
    panel.grid.setCurrentIndex(model.index(0, 0))
    panel.proc_buttons["return"].click()
    assert opened[-1] == ("ReturnDialog", (ctx, panel.runner, panel), {"loan_id": loan_id})
    panel.setup_btn.click()  # 李助理 does not set up cabinets: the button is hidden
    assert opened[-1][0] == "ReturnDialog" and not panel.setup_btn.isVisible()
    panel.archive_btn.click()  # nor archive old records: only 客服主管
    assert opened[-1][0] == "ReturnDialog" and not panel.archive_btn.isVisible()


def test_register_filters_and_export_as_on_screen(qtbot, ctx, cabinet, tmp_path, monkeypatch):
    _lend(ctx, cabinet.keys["3-2-1202-S"], days_ago=9)
    panel = _panel(qtbot, ctx)
    panel.views.setCurrentIndex(REGISTER)
    assert [r.number for r in panel.reg_model.rows()] == ["3-2-1201-S", "3-2-1202-S", "5-1-0301-S",
                                                          "5-1-0301-Z1"]
    header = [panel.reg_model.headerData(i, Qt.Orientation.Horizontal) for i in range(8)]
    assert header == ["钥匙编号", "房号", "类别", "数量", "状态", "钩位", "借用人", "应还时间"]
    panel.f_state.setCurrentIndex(panel.f_state.findData("overdue"))
    assert [r.number for r in panel.reg_model.rows()] == ["3-2-1202-S"]
    assert panel.reg_model.data(panel.reg_model.index(0, 0), Qt.ItemDataRole.ForegroundRole) == QColor("#c0392b")
    assert "其中逾期 1 把" in panel.reg_count.text()
    panel.f_state.setCurrentIndex(0)
    panel.f_kind.setCurrentIndex(panel.f_kind.findData("decoration_1"))
    assert [r.number for r in panel.reg_model.rows()] == ["5-1-0301-Z1"]
    panel.f_kind.setCurrentIndex(0)
    panel.f_cabinet.setCurrentIndex(panel.f_cabinet.findData(cabinet.one))
    type_text(qtbot, panel.f_holder, "华建")
    qtbot.waitUntil(lambda: [r.number for r in panel.reg_model.rows()] == ["3-2-1202-S"])
    panel.f_holder.clear()
    qtbot.keyClicks(panel.f_room, "3-2")
    qtbot.waitUntil(lambda: len(panel.reg_model.rows()) == 2)
    panel.reg_table.horizontalHeader().hideSection(5)  # 钩位 hidden: exported as on screen
    target = tmp_path / "keys.xlsx"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(target))
    panel.exports.xlsx_btn.click()
    qtbot.waitUntil(lambda: panel.exports.last_path == target, timeout=10_000)
    ws = load_workbook(target).active
    assert ws["A2"].value == "筛选条件：1号钥匙柜，房号 3-2"
    assert [c.value for c in ws[4]] == ["钥匙编号", "房号", "类别", "数量", "状态", "借用人", "应还时间"]
    data = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert [r[:6] for r in data] == [["3-2-1201-S", "3-2-1201", "施工钥匙", 2, "在柜", ""],
                                     ["3-2-1202-S", "3-2-1202", "施工钥匙", 2, "逾期", "张师傅（华建装饰）"]]
    assert isinstance(data[1][6], datetime)
    target_pdf = tmp_path / "keys.pdf"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(target_pdf))
    panel.exports.pdf_btn.click()
    qtbot.waitUntil(lambda: panel.exports.last_path == target_pdf, timeout=10_000)
    text = pdf_text(target_pdf)
    assert "3-2-1202-S" in text and "5-1-0301" not in text


def test_due_list_after_a_loan_past_its_due_time_with_reminder_and_return(qtbot, ctx, cabinet, monkeypatch):
    loan_id, serial = _lend(ctx, cabinet.keys["3-2-1202-S"], days_ago=9)
    _lend(ctx, cabinet.keys["5-1-0301-S"], days_ago=2)  # out, not due yet: only in the list below
    opened = _fake_dialogs(monkeypatch)
    panel = _panel(qtbot, ctx)
    assert panel.views.tabText(LOANS) == "借出与逾期（逾期 1）"
    panel.views.setCurrentIndex(LOANS)
    rows = panel.due_model.rows()
    assert [(d.reason_label, d.loan.serial) for d in rows] == [("超期催还", serial)]
    shown = [panel.due_model.data(panel.due_model.index(0, c)) for c in range(panel.due_model.columnCount())]
    assert shown[:4] == ["超期催还", serial, "张师傅（华建装饰）", "施工单位"] and "3-2-1202-S×2" in shown
    assert panel.due_model.data(panel.due_model.index(0, 0), Qt.ItemDataRole.ForegroundRole) == QColor("#c0392b")
    assert panel.loans_model.rowCount() == 2
    assert not panel.remind_btn.isEnabled()
    panel.due_table.selectRow(0)
    assert panel.remind_btn.isEnabled() and panel.loan_return_btn.isEnabled()
    panel.remind_btn.click()
    assert opened[-1] == ("ReminderDialog", (ctx, panel, loan_id), {})
    panel.loan_return_btn.click()
    assert opened[-1] == ("ReturnDialog", (ctx, panel.runner, panel), {"loan_id": loan_id})
    # A reminder recorded elsewhere shows after the refresh the bus brings.
    with ctx.tx() as s:
        keys.remind(s, ctx.actor, loan_id, keys.ReminderMethod.PHONE, "答应明天送回")
    panel.bus.notify("key")
    assert panel.due_model.data(panel.due_model.index(0, 8)) == "1 次"
    assert panel.selected_loan_id() == loan_id  # the selection stays


def test_incidents_and_the_last_count_with_its_mismatches(qtbot, ctx, cabinet, monkeypatch):
    opened = _fake_dialogs(monkeypatch)
    with ctx.tx() as s:
        grid = keys.cabinet_grid(s, cabinet.one)
        present = {c.hook_id: c.number not in ("", "3-2-1201-S") for c in grid}
        count_id = keys.record_count(s, ctx.actor, cabinet.one, present, note="月底盘点")
    panel = _panel(qtbot, ctx)
    panel.views.setCurrentIndex(COUNTS)
    assert [c.cabinet.name for c in panel.count_model.rows()] == ["1号钥匙柜", "2号钥匙柜"]
    assert panel.count_model.data(panel.count_model.index(1, 1)) == "未盘点"
    assert [(x.hook_label, x.key_number, x.result_label) for x in panel.mismatch_model.rows()] == [
        ("A01", "3-2-1201-S", "缺失")]
    assert "缺失 1 把" in panel.mismatch_label.text()
    panel.mismatch_table.selectRow(0)
    assert panel.report_btn.isEnabled()
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    incident_id = panel.report_missing()
    assert incident_id is not None
    assert panel.mismatch_model.data(panel.mismatch_model.index(0, 5)) == "已上报"
    panel.views.setCurrentIndex(INCIDENTS)
    assert [(r.key_number, r.kind_label, r.source_label) for r in panel.inc_model.rows()] == [
        ("3-2-1201-S", "遗失", "盘点缺失")]
    panel.inc_table.selectRow(0)
    panel.inc_btn.click()
    assert opened[-1] == ("IncidentDialog", (ctx, panel.runner, panel, incident_id), {})
    assert count_id


def test_a_hit_far_down_right_in_a_big_cabinet_is_centred_in_the_view(qtbot, ctx, db, users, some_rooms):
    boss = users["zhang"].actor()
    with db.Session.begin() as s:
        big = keys.create_cabinet(s, boss, CabinetData("1号钥匙柜", 20, 40))
        keys.create_cabinet(s, boss, CabinetData("2号钥匙柜", 3, 4))
        hooks = {(c.row, c.col): c.hook_id for c in keys.cabinet_grid(s, big.id)}
        far, near, other = (keys.create_key(s, ctx.actor, KeyData(f"{room}-G", KeyKind.OFFICIAL, room_code=room,
                                                                  hook_id=hooks[at]))
                            for room, at in (("3-2-1201", (14, 30)), ("3-2-1202", (13, 29)), ("5-1-0301", (10, 6))))
    panel = _panel(qtbot, ctx)
    grid = panel.grid

    def centred(key_id: int) -> bool:
        QApplication.processEvents()
        hook = grid.visualRect(grid.grid_model.index_of_key(key_id)).center()
        middle = grid.viewport().rect().center()
        return abs(hook.x() - middle.x()) <= 1 and abs(hook.y() - middle.y()) <= 1

    # The cabinet on screen, at its top: the hit is scrolled into the middle, not just into a corner.
    assert panel.current_cabinet_id() == big.id and grid.horizontalScrollBar().value() == 0
    qtbot.keyClicks(panel.search, "3-2-1201-G\r")
    assert grid.current_cell().key_id == far and centred(far)
    # A hit already in sight: the view stays where it is.
    scrolled = (grid.horizontalScrollBar().value(), grid.verticalScrollBar().value())
    panel.search.selectAll()
    qtbot.keyClicks(panel.search, "3-2-1202-G\r")
    assert grid.current_cell().key_id == near
    assert (grid.horizontalScrollBar().value(), grid.verticalScrollBar().value()) == scrolled
    # From another cabinet: it comes up with the hit in the middle too.
    panel.cabinet.setCurrentIndex(1)
    panel.search.selectAll()
    qtbot.keyClicks(panel.search, "5-1-0301-G\r")
    assert panel.current_cabinet_id() == big.id and grid.current_cell().key_id == other and centred(other)


def test_other_cabinets_are_read_ahead_and_never_shown_stale(qtbot, ctx, cabinet, monkeypatch):
    """The other cabinets' hooks are read once the grid has painted; a hit there shows them without a
    query. A change and a refresh drop them: the hit then shows the key as it is now."""
    read: list[int] = []
    grid_of = keys.cabinet_grid

    def spy(s, cabinet_id, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        read.append(cabinet_id)
        return grid_of(s, cabinet_id, *args, **kwargs)

    monkeypatch.setattr(keys, "cabinet_grid", spy)
    panel = _panel(qtbot, ctx)
    model = panel.grid.grid_model
    key_id = cabinet.keys["5-1-0301-Z1"]
    qtbot.waitUntil(lambda: read == [cabinet.one, cabinet.two])  # 2号 read ahead, after the first paint
    qtbot.keyClicks(panel.search, "5-1-0301-z1\r")
    assert model.cabinet_id == cabinet.two and panel.grid.current_cell().state == "in"
    assert read == [cabinet.one, cabinet.two]  # shown from what was read ahead
    panel.cabinet.setCurrentIndex(panel.cabinet.findData(cabinet.one))
    assert read == [cabinet.one, cabinet.two]
    # Lent at the counter (a service, then the refresh its save brings): the search finds it lent.
    _, serial = _lend(ctx, key_id)
    panel.refresh()
    panel.search.selectAll()
    qtbot.keyClicks(panel.search, serial + "\r")
    c = panel.grid.current_cell()
    assert model.cabinet_id == cabinet.two and (c.key_id, c.state, c.loan_serial) == (key_id, "out", serial)
    assert read[2:4] == [cabinet.one, cabinet.two]  # both read again after the refresh
    # Moved at another counter, no refresh here yet: the search (read now) and the grid (read before)
    # disagree on its hook, and the grid is read again rather than outlining an empty hook.
    panel.cabinet.setCurrentIndex(panel.cabinet.findData(cabinet.one))
    with ctx.tx() as s:
        hook = next(h.hook_id for h in grid_of(s, cabinet.two) if (h.row, h.col) == (1, 2))
        keys.move_key(s, ctx.actor, key_id, hook)
    panel.search.selectAll()
    qtbot.keyClicks(panel.search, "5-1-0301-Z1\r")
    idx = panel.grid.currentIndex()
    assert (idx.row(), idx.column()) == (1, 2) and panel.grid.current_cell().key_id == key_id
    assert model.highlighted() == {key_id}


def test_a_cashier_sees_no_procedure_and_only_key_roles_have_the_tab(qtbot, paths, db, users, cabinet,
                                                                     ui_settings):
    cashier = AppContext(paths=paths, database=db, actor=users["wang"].actor())
    panel = _panel(qtbot, cashier)
    assert not any(b.isVisible() for b in panel.proc_buttons.values())
    assert not panel.setup_btn.isVisible() and not panel.remind_btn.isVisible()
    assert panel.lend() is False and panel.return_keys() is False
    admin = _panel(qtbot, AppContext(paths=paths, database=db, actor=users["admin"].actor()))
    assert admin.setup_btn.isVisible() and not admin.proc_buttons["lend"].isVisible()
    boss = _panel(qtbot, AppContext(paths=paths, database=db, actor=users["zhang"].actor()))
    assert boss.setup_btn.isVisible() and boss.proc_buttons["lend"].isVisible() and boss.archive_btn.isVisible()
    clerk = MainWindow(AppContext(paths=paths, database=db), users["li"], ui_settings=ui_settings)
    qtbot.addWidget(clerk)
    tabs = clerk.tab_keys
    assert tabs.index("keys") == tabs.index("repairs") + 1
    assert clerk.tabs.tabText(tabs.index("keys")) == "钥匙柜"
    till = MainWindow(AppContext(paths=paths, database=db), users["wang"], ui_settings=ui_settings)
    qtbot.addWidget(till)
    assert "keys" not in till.tab_keys
    QApplication.processEvents()


def test_no_cabinet_yet_says_who_sets_one_up(qtbot, ctx, some_rooms):
    panel = _panel(qtbot, ctx)
    assert panel.no_cabinet.isVisible() and not panel.grid.isVisible()
    assert "设置钥匙柜" in panel.no_cabinet.text()
    assert not panel.cabinet.isEnabled() and not panel.proc_buttons["count"].isEnabled()


def test_a_5000_hook_cabinet_is_built_from_cells_alone_and_paints(qtbot):
    cells = [HookCell(i + 1, i // 100, i % 100, keys.default_label(i // 100, i % 100),
                      *((i + 1, f"K{i:05d}", f"1-{i // 100 + 1}-{i % 100 + 1:02d}", "official", "in", 1)
                        if i % 3 else ()))
             for i in range(5000)]
    view = CabinetGridView()
    qtbot.addWidget(view)
    view.set_cells(50, 100, cells)
    view.resize(1200, 700)
    view.show()
    assert view.show_key(4999 + 1)
    img: QImage = view.viewport().grab().toImage()
    assert img.width() > 1000
    model: CabinetGridModel = view.grid_model
    assert model.data(model.index(49, 99), CELL_ROLE).number == "K04999"
    assert view.horizontalHeader().sectionSize(0) == view.horizontalHeader().defaultSectionSize()


def test_texts_drawn_at_their_baselines_give_the_pixels_of_the_text_in_its_rect(qtbot, monkeypatch):
    """HookDelegate draws a hook's texts at their baselines (no text layout per hook); the drawing in
    rects it replaced (still used where a rect clips or a fallback font is needed) looks the same,
    whatever the labels, fonts and screen scaling."""
    states = ["in", "out", "overdue", "lost", "damaged", "retired", "empty"]
    cells = []
    for i in range(6 * 7):
        r, c = divmod(i, 7)
        label = ["东区一号柜第三排", "A-01-长标签名称", "WWWWWWWWWW"][i % 3] if i % 4 == 0 else keys.default_label(r, c)
        if states[i % 7] == "empty":
            cells.append(HookCell(i + 1, r, c, label))
        else:
            cells.append(HookCell(i + 1, r, c, label, i + 1, ["3-2-1202-S", "WWWWWWWWWWWWWWWWW", "12-3-2702-Z2"][i % 3],
                                  ["3-2-1202", "", "东区12栋3单元2702室"][i % 3], "official", states[i % 7], 1))

    def grab(font: QFont | None, scale: float) -> QImage:
        view = CabinetGridView()
        qtbot.addWidget(view)
        if font is not None:
            view.setFont(font)
        view.set_cells(6, 7, cells, 1)
        view.resize(900, 480)
        view.show()
        view.setCurrentIndex(view.grid_model.index(1, 2))
        view.grid_model.set_highlight([3, 9, 12])
        img = QImage(round(900 * scale), round(480 * scale), QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(scale)  # a scaled screen (125 %, 150 %): baselines between device pixels
        img.fill(QColor("white"))
        view.render(img)
        return img

    # The app's font (CJK glyphs of its own), and Latin ones whose CJK comes from a fallback font.
    # A large one: the room line no longer fits the hook, and is cut off by its rect.
    px15, pt8, large = QFont("DejaVu Sans"), QFont("DejaVu Sans"), QFont("WenQuanYi Micro Hei")
    px15.setPixelSize(15)
    pt8.setPointSizeF(8)
    large.setPointSizeF(13)
    configurations = [(None, 1.0), (None, 1.25), (None, 1.5), (px15, 2.0), (pt8, 1.5), (px15, 1.25), (large, 1.0)]
    at_baselines = [grab(f, k) for f, k in configurations]
    monkeypatch.setattr(HookDelegate, "at_baselines", False)
    assert [grab(f, k) for f, k in configurations] == at_baselines


def test_every_keys_label_is_translatable():
    tables = (keys.STATE_LABELS, keys.DISPLAY_LABELS, keys.KIND_LABELS, keys.BORROWER_LABELS,
              keys.LOAN_STATE_LABELS, keys.INCIDENT_KIND_LABELS, keys.INCIDENT_STATE_LABELS, keys.REMEDY_LABELS,
              keys.SOURCE_LABELS)
    shown = {v for t in tables for v in t.values()}
    shown |= {keys.DueRow(None, r).reason_label for r in ("same_day", "chase", "due_today")}  # type: ignore[arg-type]
    shown |= {keys.CountLineRow(0, "", None, "", "", False, r, "", None).result_label
              for r in ("present", "missing", "unexpected", "empty")}
    missing = shown - set(labels.KNOWN)
    assert not missing, f"add to ui/labels.py: {sorted(missing)}"

    assert set(STYLES) == {str(s) for s in KeyState} | {"overdue", "empty"}  # a style for every state


def test_with_the_real_dialogs_click_a_hook_lend_then_scan_the_slip_and_return(qtbot, ctx, cabinet, monkeypatch):
    kd = pytest.importorskip("ui.key_dialogs")
    printed: list[tuple] = []
    monkeypatch.setattr(kd, "print_slip", lambda *a: printed.append(a))
    key_id = cabinet.keys["3-2-1201-S"]
    panel = _panel(qtbot, ctx)

    def card(dlg) -> int:  # noqa: ANN001 - the key card: 借出…, then close
        dlg.show()
        assert dlg.key_id == key_id and dlg.buttons["lend"].isVisible()
        dlg.buttons["lend"].click()
        dlg.reject()
        return dlg.result()

    def loan(dlg) -> int:  # noqa: ANN001 - a contractor's worker borrows the clicked key
        dlg.show()
        assert dlg.table.rowCount() == 1
        dlg.kind.setCurrentIndex(dlg.kind.findData(str(Borrower.CONTRACTOR)))
        type_text(qtbot, dlg.company.lineEdit(), "华建装饰")
        qtbot.keyClicks(dlg.permit_no, "XK-0301")
        type_text(qtbot, dlg.borrower_name, "张师傅")
        type_text(qtbot, dlg.purpose, "水电改造")
        dlg.print_after.setChecked(False)
        qtbot.keyClick(dlg.purpose, Qt.Key.Key_Return)
        assert dlg.result() == QDialog.DialogCode.Accepted, dlg.problems()
        return dlg.result()

    monkeypatch.setattr(kd.KeyCardDialog, "exec", card)
    monkeypatch.setattr(kd.LoanDialog, "exec", loan)
    qtbot.mouseClick(panel.grid.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.grid.visualRect(panel.grid.grid_model.index(0, 0)).center())
    lent = _cell(panel, 0, 0)
    assert (lent.state, lent.holder) == ("out", "张师傅（华建装饰）") and lent.loan_serial.startswith("JY-")
    assert panel.cabinet.currentText() == "1号钥匙柜（在柜 2 · 借出 1）"

    def back(dlg) -> int:  # noqa: ANN001 - both copies counted back
        dlg.show()
        assert dlg.loan is not None and dlg.loan.serial == lent.loan_serial
        assert dlg.returned_by.text() == "张师傅"
        qtbot.keyClick(dlg.spins[key_id], Qt.Key.Key_Return)
        assert dlg.result() == QDialog.DialogCode.Accepted, dlg.problems()
        return dlg.result()

    monkeypatch.setattr(kd.ReturnDialog, "exec", back)
    panel.grid.setCurrentIndex(panel.grid.grid_model.index(2, 3))  # elsewhere: the scan finds the hook
    qtbot.keyClicks(panel.search, lent.loan_serial.lower() + "\r")
    assert panel.grid.current_cell().key_id == key_id and panel.grid.grid_model.highlighted() == {key_id}
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert _cell(panel, 0, 0).state == "in" and _cell(panel, 0, 0).holder == ""
    assert printed == []
