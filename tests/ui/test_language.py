"""English is selectable: the same window speaks English after the translator is installed."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from ui import i18n
from ui.main_window import MainWindow


def test_english_translation_changes_the_window(qtbot, ctx, users, ui_settings):
    app = QApplication.instance()
    try:
        i18n.install(app, "en")
        win = MainWindow(ctx, users["li"], ui_settings=ui_settings)
        qtbot.addWidget(win)
        title = win.tabs.tabText(win.tab_keys.index("rooms"))
        assert title != "房屋与业主" and title.isascii()
        assert "Assistant" in win.user_label.text() or "assistant" in win.user_label.text().lower()
    finally:
        i18n.install(app, "zh_CN")
    win2 = MainWindow(ctx, users["li"], ui_settings=ui_settings)
    qtbot.addWidget(win2)
    assert win2.tabs.tabText(win2.tab_keys.index("rooms")) == "房屋与业主"
