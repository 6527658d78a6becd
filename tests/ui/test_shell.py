"""The shell around the procedures: first start, idle lock, crash hook, remembered geometry."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from app import auth, settings
from app.context import AppContext
from ui import crash
from ui.main_window import MainWindow
from ui.room_dialogs import RoomDialog
from ui.signin import AdminSetupDialog, SignInDialog

from .keys import type_text


def test_first_start_creates_the_administrator_and_community(qtbot, paths, db):
    ctx = AppContext(paths=paths, database=db)
    dlg = AdminSetupDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(qtbot, dlg.community, "中天雅苑")
    type_text(qtbot, dlg.company, "中天物业")
    qtbot.keyClicks(dlg.password, "short")
    qtbot.keyClicks(dlg.confirm, "short")
    dlg._on_accept()
    assert not dlg.result() and "至少 8 位" in dlg.findChild(type(dlg.banner), "error_password").text()
    dlg.password.clear()
    dlg.confirm.clear()
    qtbot.keyClicks(dlg.password, "s3cret-pass")
    qtbot.keyClicks(dlg.confirm, "s3cret-pass")
    dlg._on_accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    with db.Session() as s:
        assert auth.get_user(s, "admin").role == auth.Role.ADMIN
        conf = settings.get_settings(s)
    assert conf.community_name == "中天雅苑"
    assert conf.greeting == "您好！中天物业，请问有什么可以帮到您的？"


def test_idle_lock_keeps_unsaved_input_and_needs_the_password(qtbot, ctx, users, ui_settings, monkeypatch):
    win = MainWindow(ctx, users["li"], ui_settings=ui_settings)
    qtbot.addWidget(win)
    win.show()
    panel = win.panels["rooms"]
    qtbot.keyClicks(panel.search, "3-2-12")
    form = RoomDialog(ctx, parent=win)  # a form half filled in when the clerk walked away
    form.show()
    qtbot.keyClicks(form.code, "7-1-05")
    seen: list[str] = []

    def fake_exec(dlg: SignInDialog) -> int:
        seen.append(dlg.username.text())
        assert dlg.username.isReadOnly()
        covers = [c for c in win.findChildren(QLabel, "lock_cover") if c.parent() is win and c.isVisible()]
        assert covers and covers[0].geometry() == win.rect()  # nothing readable behind the lock
        assert form.findChild(QLabel, "lock_cover").isVisible() and form.isVisible()
        dlg.password.setText("wrong-password")
        dlg._on_ok()
        assert dlg.user is None
        dlg.password.setText("li123456")
        dlg._on_ok()
        return int(dlg.result())

    monkeypatch.setattr(SignInDialog, "exec", fake_exec)
    win.idle.last_input -= win.community.idle_lock_minutes * 60 + 1
    with qtbot.waitSignal(win.unlocked, timeout=2000):
        win._check_idle()
    assert seen == ["li"]
    assert panel.search.text() == "3-2-12"
    qtbot.waitUntil(lambda: not [c for c in win.findChildren(QLabel, "lock_cover")])
    assert form.isVisible() and form.code.text() == "7-1-05"


def test_window_geometry_is_remembered(qtbot, ctx, users, tmp_path):
    ini = str(tmp_path / "geo.ini")
    win = MainWindow(ctx, users["li"], ui_settings=QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.resize(760, 540)
    win.close()
    again = MainWindow(ctx, users["li"], ui_settings=QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (760, 540)


def test_crash_hook_logs_and_tells_the_user(tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(crash, "show_crash_dialog", shown.append)
    old_hook = sys.excepthook
    try:
        log = crash.install(tmp_path / "logs")
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        for h in logging.getLogger().handlers:
            h.flush()
        assert "boom in a slot" in log.read_text(encoding="utf-8")
        assert shown and "RuntimeError" in shown[0]
    finally:
        sys.excepthook = old_hook
        for h in list(logging.getLogger().handlers):
            if getattr(h, "baseFilename", "").startswith(str(tmp_path)):
                logging.getLogger().removeHandler(h)
                h.close()


def test_settings_edit_complaint_categories_and_repeat_window(qtbot, paths, db, users):
    from app import complaints
    from ui.admin_dialogs import SettingsDialog

    ctx = AppContext(paths=paths, database=db, actor=users["zhang"].actor())
    with db.Session.begin() as s:
        settings.save_settings(s, users["zhang"].actor(), settings.CommunitySettings(
            community_name="中天雅苑", company_name="中天物业"))
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.categories.setPlainText("服务态度\n噪音\n噪音")
    assert "重复" in dlg.problems()["categories"]
    dlg.categories.setPlainText("服务态度\n噪音\n宠物")
    dlg.repeat_days.setValue(45)
    dlg._on_accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    with db.Session() as s:
        assert complaints.categories(s) == ["服务态度", "噪音", "宠物"]
        assert complaints.repeat_days(s) == 45


def test_tabs_are_built_when_first_shown(qtbot, ctx, users, ui_settings):
    win = MainWindow(ctx, users["li"], ui_settings=ui_settings)
    qtbot.addWidget(win)
    assert win.tab_keys[0] == "reception" and set(dict(win.panels)) == {"reception"}
    win.tabs.setCurrentIndex(win.tab_keys.index("rooms"))
    assert "rooms" in dict(win.panels) and win.panels["rooms"].isVisibleTo(win)
