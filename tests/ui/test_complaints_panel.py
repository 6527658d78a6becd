"""投诉处理 tab: intake through the dialog with the keyboard, an action through its button, the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app import complaints
from app.complaints import Action, ComplaintData, ComplaintState
from ui.bus import DataBus
from ui.complaint_dialogs import ComplaintActionDialog, ComplaintDialog
from ui.panels.complaints import ComplaintsPanel

from .keys import type_text


def test_intake_with_the_keyboard_then_verify_through_the_button(qtbot, ctx, some_rooms, qtmodeltester,
                                                                 monkeypatch):
    panel = ComplaintsPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    panel.show()
    qtmodeltester.check(panel.model, force_py=True)
    assert panel.model.rowCount() == 0

    def fill(dlg: ComplaintDialog) -> None:
        qtbot.keyClicks(dlg.room, "3-2-1201")
        assert dlg.complainant.count() == 1  # the room's people to pick from
        dlg.complainant.setCurrentIndex(0)
        assert dlg.contact.text() == "138****8000"
        dlg.category.setFocus()
        dlg.category.setCurrentIndex(dlg.category.findData("噪音"))
        type_text(qtbot, dlg.details, "楼上深夜噪音扰民")
        ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), dlg.problems()
        dlg.room.setFocus()
        qtbot.keyClick(dlg.room, Qt.Key.Key_Return)

    def exec_(dlg: ComplaintDialog) -> int:
        fill(dlg)
        return dlg.result()

    monkeypatch.setattr(ComplaintDialog, "exec", exec_)
    row = panel.new_complaint()
    assert row is not None and row.serial.endswith("000001")
    assert panel.detail is not None and panel.detail.row.id == row.id
    assert panel.model.rowCount() == 1 and "已受理 1" in panel.chip_buttons[ComplaintState.RECEIVED].text()
    with ctx.read() as s:
        stored = complaints.complaint_data(s, ctx.actor, row.id)
    assert stored.contact == "13800138000" and stored.complainant == "王芳"  # the masked pick was resolved

    # Buttons follow the table: an assistant may start verifying, not close or approve.
    buttons = panel.action_buttons
    assert buttons[Action.START_VERIFY].isEnabled()
    assert not buttons[Action.RECORD_RESULT].isEnabled()
    assert not buttons[Action.CLOSE].isVisibleTo(panel) and not buttons[Action.AGREE_DEADLINE].isVisibleTo(panel)

    def run_form(dlg: ComplaintActionDialog) -> int:
        type_text(qtbot, dlg.text, "到现场核实")
        dlg._on_accept()
        return dlg.result()

    monkeypatch.setattr(ComplaintActionDialog, "exec", run_form)
    buttons[Action.START_VERIFY].click()
    assert panel.detail.row.state == ComplaintState.VERIFYING
    qtmodeltester.check(panel.timeline_model, force_py=True)
    events = panel.timeline_model.rows()
    assert [e.action_label for e in events] == ["受理投诉", "开始核实"]
    assert events[1].note == "到现场核实" and events[1].user_display == "李助理"
    assert buttons[Action.MARK_VALID].isEnabled() and not buttons[Action.START_VERIFY].isEnabled()


def test_intake_shows_earlier_similar_complaints_and_ask_prefills(qtbot, ctx, some_rooms):
    with ctx.tx() as s:
        first = complaints.create_complaint(s, ctx.actor, ComplaintData(
            complainant="王芳", room_code="3-2-1201", category="停车", details="车位被外来车辆占用"))
    dlg = ComplaintDialog(ctx, ComplaintData(complainant="王芳", contact="13800138000", room_code="3-2-1201",
                                             category="停车", details="又被占用了", call_id=None))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.similar.isVisible())
    assert "重复投诉" in dlg.similar.text() and first.serial in dlg.similar.text()
    dlg.category.setCurrentIndex(dlg.category.findData("噪音"))
    qtbot.waitUntil(lambda: not dlg.similar.isVisible())
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.result() == dlg.DialogCode.Rejected
    QApplication.processEvents()
