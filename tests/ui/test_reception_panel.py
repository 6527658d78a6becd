"""来电来访 tab: a call logged with the keyboard only, the timer, promises, suggestions, 转为投诉."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from app import calls
from app.calls import CallData, CallKind
from tests.ui.keys import type_text
from ui.bus import DataBus
from ui.panels.reception import ReceptionPanel, timer_state


@pytest.fixture
def panel(qtbot, ctx, some_rooms):
    bus = DataBus()
    p = ReceptionPanel(ctx, bus)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    p.bus_ = bus
    return p


def _tab(qtbot, widget) -> None:  # noqa: ANN001
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def test_a_call_is_logged_with_the_keyboard_only(qtbot, qtmodeltester, panel, ctx):
    assert "您好！" in panel.greeting.text()
    qtmodeltester.check(panel.model)
    assert panel.channel.hasFocus() or panel.focusWidget() is panel.channel
    # channel: 来电 is first; Tab to the room
    _tab(qtbot, panel.channel)
    assert panel.room.hasFocus()
    qtbot.keyClicks(panel.room, "3-2-1201")
    assert panel._started_at is not None            # the timer starts when the clerk starts typing
    panel._card_debounce.timeout.emit()
    assert "王芳" in panel.card_label.text()          # caller card from the room
    assert panel.caller.count() == 1                  # the room's people to pick from
    _tab(qtbot, panel.room)
    assert panel.caller.lineEdit().hasFocus()
    type_text(qtbot, panel.caller.lineEdit(), "王芳")
    _tab(qtbot, panel.caller)
    assert panel.contact.hasFocus()
    qtbot.keyClicks(panel.contact, "13800138000")
    _tab(qtbot, panel.contact)
    assert panel.declined.hasFocus()
    _tab(qtbot, panel.declined)
    assert panel.kind.hasFocus()
    qtbot.keyClick(panel.kind, Qt.Key.Key_Down)      # 咨询 → 建议
    qtbot.keyClick(panel.kind, Qt.Key.Key_Down)      # → 投诉
    assert panel.kind.currentData() == CallKind.COMPLAINT
    _tab(qtbot, panel.kind)
    assert panel.content.hasFocus()
    type_text(qtbot, panel.content, "楼上装修噪音太大，晚上十点还在施工")
    qtbot.keyClick(panel.content, Qt.Key.Key_Return)  # a newline, not a save
    assert panel.model.rowCount() == 0
    _tab(qtbot, panel.content)
    assert panel.action.hasFocus()
    type_text(qtbot, panel.action, "已致歉，联系装修户")
    with qtbot.waitSignal(panel.bus_.data_changed):
        qtbot.keyClick(panel.action, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.model.rowCount() == 1
    row = panel.model.row_at(0)
    assert row.room_code == "3-2-1201" and row.caller_name == "王芳" and row.kind == CallKind.COMPLAINT
    assert row.contact == "138****8000" and row.duration_seconds is not None
    # The form is clear for the next call, focus back on the first field, timer stopped.
    assert panel.room.text() == "" and panel.content.toPlainText() == ""
    assert panel.channel.hasFocus() and panel._started_at is None


def test_declined_contact_escape_and_errors(qtbot, panel):
    _tab(qtbot, panel.channel)
    qtbot.keyClicks(panel.room, "9-9-999")
    qtbot.keyClick(panel.room, Qt.Key.Key_Return)     # Enter saves: content missing, unknown room
    assert panel.model.rowCount() == 0 and panel.errors.text()
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Escape)
    assert panel.room.text() == "" and panel.errors.text() == ""
    panel.declined.setFocus()
    qtbot.keyClick(panel.declined, Qt.Key.Key_Space)
    assert panel.declined.isChecked() and not panel.contact.isEnabled()
    panel.content.setFocus()
    type_text(qtbot, panel.content, "东门有人摔倒")
    qtbot.keyClick(panel.content, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.model.rowCount() == 1 and panel.model.row_at(0).declined_contact


def test_call_timer_turns_amber_then_red(panel):
    assert timer_state(0) == "normal"
    assert timer_state(calls.CALL_AMBER_SECONDS) == "amber"
    assert timer_state(calls.CALL_RED_SECONDS) == "red"
    panel._on_typing()
    panel._started_at = time.monotonic() - 8 * 60 - 1
    panel._on_tick()
    assert panel.timer_state() == "amber"
    panel._started_at = time.monotonic() - 10 * 60 - 1
    panel._on_tick()
    assert panel.timer_state() == "red" and panel.timer_label.text().startswith("10:")


def test_promise_kept_from_the_due_list(qtbot, qtmodeltester, panel):
    panel.content.setFocus()
    type_text(qtbot, panel.content, "电梯年检什么时候做完？")
    panel.promise_box.setChecked(True)
    qtbot.keyClick(panel.content, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.promise_model.rowCount() == 1
    qtmodeltester.check(panel.promise_model)
    panel.promise_table.selectRow(0)
    type_text(qtbot, panel.keep_note, "已电话告知周五完成")
    qtbot.mouseClick(panel.keep_btn, Qt.MouseButton.LeftButton)
    assert panel.promise_model.rowCount() == 0


def test_a_complaint_line_turns_into_a_linked_complaint(qtbot, panel, ctx, monkeypatch):
    from app import complaints
    from ui import complaint_dialogs

    with ctx.tx() as s:
        line = calls.log_call(s, ctx.actor, CallData(kind=CallKind.COMPLAINT, room_code="3-2-1201",
                                                     caller_name="王芳", contact="13800138000",
                                                     content="楼道堆放杂物影响通行"))
    panel.refresh()
    seen = {}

    def ask(parent, c, initial):  # noqa: ANN001, ANN202 - the clerk picks a category and saves
        seen["initial"] = initial
        from dataclasses import replace

        with c.tx() as s:
            return complaints.create_complaint(s, c.actor, replace(initial, category=complaints.categories(s)[0]))

    monkeypatch.setattr(complaint_dialogs.ComplaintDialog, "ask", staticmethod(ask))
    panel.table.selectRow(0)
    assert panel.complaint_btn.isEnabled()
    made = panel.to_complaint()
    assert seen["initial"].call_id == line.id and seen["initial"].room_code == "3-2-1201"
    assert seen["initial"].details == "楼道堆放杂物影响通行"
    with ctx.read() as s:
        assert calls.call_row(s, line.id).complaint_id == made.id
    panel.table.selectRow(0)
    assert not panel.complaint_btn.isEnabled()
