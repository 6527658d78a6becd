"""导入花名册 dialog: pick a file, fix a column mapping in the preview, import, save the rejects."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton

from app import rooms
from app.rooms import RoomQuery
from app.roster import Field
from tests.fixtures_roster import ID_WANG, write_rows
from ui import dialogs
from ui.import_dialog import REJECT_BACKGROUND, RosterImportDialog


@pytest.fixture
def calls(monkeypatch):
    """ui.dialogs patched: files chosen by the test, messages recorded instead of shown."""
    seen: dict[str, list] = {"info": [], "warning": [], "open": [], "save": []}
    monkeypatch.setattr(dialogs, "info", lambda _p, title, text: seen["info"].append(text))
    monkeypatch.setattr(dialogs, "warning", lambda _p, title, text: seen["warning"].append(text))
    monkeypatch.setattr(dialogs, "open_file", lambda *_a, **_k: seen["open"].pop(0))
    monkeypatch.setattr(dialogs, "save_file", lambda *_a, **_k: seen["save"].pop(0))
    return seen


def roster_file(folder: Path) -> Path:
    # "联系人" is no synonym of 姓名: the clerk has to map that column by hand.
    return write_rows(folder / "花名册.xlsx", [
        ["房号", "联系人", "手机", "身份证号码", "建筑面积"],
        ["1-1-101", "王芳", "13800138000", ID_WANG, 89.5],
        ["1-1-102", "李明", 13900139000, None, 90],
        ["1-1-103", "赵六", "13700137000", 1.1010519491231e17, 75],
        ["合计", None, None, None, 254.5],
    ], title="阳光花园业主花名册")


def open_dialog(qtbot, ctx, calls, path: Path) -> RosterImportDialog:
    dlg = RosterImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    calls["open"].append(str(path))
    with qtbot.waitSignal(dlg.previewed, timeout=10_000):
        qtbot.mouseClick(dlg.choose_btn, Qt.MouseButton.LeftButton)
    return dlg


def test_clerk_maps_a_column_imports_and_saves_the_rejected_rows(qtbot, ctx, calls, tmp_path, qtmodeltester):
    dlg = open_dialog(qtbot, ctx, calls, roster_file(tmp_path))
    qtmodeltester.check(dlg.model, force_py=True)
    assert dlg.header_spin.value() == 2 and dlg.sheet_combo.currentText() == "Sheet1"
    assert dlg.field_combos[Field.CODE].currentText() == "A  房号"
    assert dlg.field_combos[Field.NAME].currentText() == "（不导入）"
    assert dlg.model.rowCount() == 4
    # Without a name every row with a phone is refused, in light red with the reason as tooltip.
    assert "可导入 0 行" in dlg.summary.text() and "将拒绝 3 行" in dlg.summary.text()
    first = dlg.model.index(0, 0)
    assert dlg.model.data(first, Qt.ItemDataRole.BackgroundRole) == REJECT_BACKGROUND
    assert dlg.model.data(first, Qt.ItemDataRole.ToolTipRole) == "填写了电话或证件号码，但缺少姓名"
    assert dlg.model.data(dlg.model.index(3, 1)) == "合计行，已跳过"

    # The clerk points 姓名 at column B by typing its letter in the combobox.
    combo = dlg.field_combos[Field.NAME]
    combo.setFocus()
    with qtbot.waitSignal(dlg.previewed, timeout=10_000):
        qtbot.keyClicks(combo, "B")
    assert combo.currentText() == "B  联系人"
    assert dlg.preview is not None and dlg.preview.mapping["name"] == 1
    assert dlg.model.headerData(3, Qt.Orientation.Horizontal) == "B 联系人\n→ 姓名"
    assert "可导入 2 行" in dlg.summary.text() and "将拒绝 1 行" in dlg.summary.text()
    assert dlg.model.data(dlg.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    bad = dlg.model.index(2, 0)
    assert dlg.model.data(bad, Qt.ItemDataRole.BackgroundRole) == REJECT_BACKGROUND
    assert "后几位已经丢失" in dlg.model.data(bad, Qt.ItemDataRole.ToolTipRole)
    dlg.only_problems.setChecked(True)
    assert dlg.model.rowCount() == 1
    qtmodeltester.check(dlg.model, force_py=True)

    # A stray Enter never imports; the 导入 button does (off the GUI thread).
    assert dlg.import_btn.isEnabled() and not dlg.import_btn.isDefault()
    qtbot.keyClick(dlg.header_spin, Qt.Key.Key_Return)
    assert not dlg.result.text() or "新增" not in dlg.result.text()
    with qtbot.waitSignal(dlg.imported, timeout=20_000):
        dlg.import_btn.click()
    assert "新增 2 行" in dlg.result.text() and "拒绝 1 行" in dlg.result.text()
    assert dlg.close_btn.isDefault()   # Enter now closes rather than importing again
    assert dlg.reject_model.rowCount() == 1
    assert dlg.reject_model.data(dlg.reject_model.index(0, 0)) == "5"
    qtmodeltester.check(dlg.reject_model, force_py=True)
    with ctx.read() as s:
        found = rooms.search_rooms(s, ctx.actor, RoomQuery())
    assert [(r.code, r.people) for r in found] == [("1-1-101", "王芳"), ("1-1-102", "李明")]

    out = tmp_path / "被拒绝的行.xlsx"
    calls["save"].append(str(out))
    qtbot.mouseClick(dlg.rejects_btn, Qt.MouseButton.LeftButton)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("房号", "联系人", "手机", "身份证号码", "建筑面积", "拒绝原因", "行号")
    assert rows[1][0] == "1-1-103" and rows[1][-1] == 5 and len(rows) == 2
    assert calls["info"] and "已保存 1 行" in calls["info"][-1]

    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_template_a_refused_file_and_nothing_clipped(qtbot, ctx, calls, tmp_path):
    dlg = RosterImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.import_btn.isEnabled() and not dlg.rejects_btn.isEnabled()
    for w in dlg.findChildren(QPushButton) + dlg.findChildren(QCheckBox) + dlg.findChildren(QComboBox) \
            + [lab for lab in dlg.findChildren(QLabel) if not lab.wordWrap()]:
        if w.isVisible():
            assert w.width() >= w.minimumSizeHint().width(), w.objectName() or w.text()
            if isinstance(w, (QPushButton, QCheckBox)):
                assert w.width() >= w.sizeHint().width(), w.text()

    template = tmp_path / "模板.xlsx"
    calls["save"].append(str(template))
    qtbot.mouseClick(dlg.template_btn, Qt.MouseButton.LeftButton)
    assert [c.value for c in openpyxl.load_workbook(template)["花名册"][1]][0] == "房号"
    assert calls["info"] == [f"模板已保存到 {template}"]

    old = tmp_path / "旧花名册.xls"
    old.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600)
    calls["open"].append(str(old))
    qtbot.mouseClick(dlg.choose_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(calls["warning"]), timeout=10_000)
    assert "旧版 Excel（.xls）" in calls["warning"][0] and "旧版 Excel" in dlg.summary.text()
    assert not dlg.import_btn.isEnabled()

    # The template itself imports cleanly: one example row.
    calls["open"].append(str(template))
    with qtbot.waitSignal(dlg.previewed, timeout=10_000):
        qtbot.mouseClick(dlg.choose_btn, Qt.MouseButton.LeftButton)
    assert "可导入 1 行" in dlg.summary.text() and dlg.import_btn.isEnabled()


def test_a_dry_run_reports_and_writes_nothing(qtbot, ctx, calls, tmp_path):
    dlg = open_dialog(qtbot, ctx, calls, write_rows(tmp_path / "r.xlsx", [["房号", "业主"], ["2-1-101", "王芳"]]))
    dlg.dry_run.setChecked(True)
    with qtbot.assertNotEmitted(dlg.imported):
        qtbot.mouseClick(dlg.import_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dlg.report is not None, timeout=20_000)
    assert dlg.report.dry_run and dlg.result.text().startswith("试运行完成（没有写入）：将新增 1 行")
    with ctx.read() as s:
        assert rooms.search_rooms(s, ctx.actor, RoomQuery()) == []
