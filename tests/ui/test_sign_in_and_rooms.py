"""Sign-in, the main window and the 房屋与业主 tab, driven through real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app import rooms
from app.rooms import RoomQuery
from ui.bus import DataBus
from ui.main_window import MainWindow
from ui.panels.rooms import RoomsPanel
from ui.room_dialogs import PersonDialog, RoomDialog
from ui.signin import SignInDialog

from .keys import type_text


def test_sign_in_refuses_a_wrong_password_then_accepts(qtbot, ctx):
    dlg = SignInDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.username, "li")
    qtbot.keyClicks(dlg.password, "wrong-password")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert dlg.user is None
    assert "再错 4 次" in dlg.error.text()
    qtbot.keyClicks(dlg.password, "li123456")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert dlg.user is not None and dlg.user.username == "li"


def test_main_window_shows_user_and_database(qtbot, ctx, users, ui_settings):
    win = MainWindow(ctx, users["li"], ui_settings=ui_settings)
    qtbot.addWidget(win)
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == ["来电来访", "投诉处理", "报修", "钥匙柜", "走访回访", "房屋与业主"]
    assert "李助理" in win.user_label.text() and "客服助理" in win.user_label.text()
    assert str(ctx.paths.sqlite_file) in win.db_label.text()
    names = {a.objectName() for a in win.findChildren(type(win.menuBar().actions()[0])) if a.objectName()}
    assert "act_users" not in names and "act_import" in names  # an assistant manages no users


def test_search_as_you_type_and_room_card_masks_phones(qtbot, ctx, some_rooms, qtmodeltester):
    panel = RoomsPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model, force_py=True)
    assert panel.model.rowCount() == 3
    type_text(qtbot, panel.search, "王")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.detail is not None and panel.detail.room.code == "3-2-1201"
    assert panel.people_model.rows()[0].person.phone == "138****8000"
    qtmodeltester.check(panel.people_model, force_py=True)
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    qtbot.keyClicks(panel.search, "5-1")
    qtbot.waitUntil(lambda: [r.code for r in panel.model.rows()] == ["5-1-0301"])
    completions = panel.search.completer().model().stringList()
    assert completions == ["3-2-1201", "3-2-1202", "5-1-0301"]


def test_room_dialog_validates_inline_and_saves_with_enter(qtbot, ctx):
    dlg = RoomDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    type_text(qtbot, dlg.code, "12楼")
    assert not ok.isEnabled()
    err = dlg.findChild(type(dlg.banner), "error_code")
    assert "楼栋-单元-房号" in err.text() and err.isVisible()
    dlg.code.clear()
    qtbot.keyClicks(dlg.code, "7-1-0502")
    qtbot.keyClicks(dlg.area, "abc")
    assert not ok.isEnabled() and dlg.findChild(type(dlg.banner), "error_area").text()
    dlg.area.clear()
    qtbot.keyClicks(dlg.area, "101.25")
    assert ok.isEnabled()
    qtbot.keyClick(dlg.area, Qt.Key.Key_Return)
    assert dlg.result() == dlg.DialogCode.Accepted
    with ctx.read() as s:
        row = rooms.search_rooms(s, ctx.actor, RoomQuery(text="7-1-0502"))[0]
    assert str(row.area) == "101.25" and row.floor == 5


def test_person_dialog_rejects_a_bad_id_next_to_the_field(qtbot, ctx, some_rooms):
    with ctx.read() as s:
        room_id = rooms.find_room_id(s, "3-2-1202")
    dlg = PersonDialog(ctx, room_id=room_id)
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(qtbot, dlg.name, "陈静")
    qtbot.keyClicks(dlg.id_number, "110105194912310021")
    assert dlg.findChild(type(dlg.banner), "error_id_number").text() == "身份证号码校验位不正确"
    dlg.id_number.clear()
    qtbot.keyClicks(dlg.id_number, "11010519491231002X")
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)
    assert dlg.result() == dlg.DialogCode.Accepted
    with ctx.read() as s:
        people = rooms.room_detail(s, ctx.actor, room_id).occupants
    assert [o.person.name for o in people] == ["李强", "陈静"]


def test_typing_keeps_the_card_of_a_room_still_in_the_list_but_edits_reload_it(qtbot, ctx, some_rooms, monkeypatch):
    panel = RoomsPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    qtbot.keyClicks(panel.search, "3-2-1201")
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.room.code == "3-2-1201")
    calls: list[int] = []
    real = rooms.room_detail
    monkeypatch.setattr(rooms, "room_detail", lambda *a, **k: calls.append(1) or real(*a, **k))
    qtbot.keyClick(panel.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)  # 3-2-120: 1201 and 1202
    assert panel.detail.room.code == "3-2-1201" and calls == []
    panel.bus.notify("person")  # after an edit the card is read again
    assert calls == [1]
