"""One start-up measurement in a fresh process: FrontDesk's main window or a bare PySide6 one.

Run by tests/perf/bench.py, never imported by it (the imports are part of what is measured):
    python tests/perf/startup_child.py frontdesk DATA_DIR SPEC_OUT T0
    python tests/perf/startup_child.py bare      -        SPEC_IN  T0
T0 is the parent's time.monotonic() just before it spawned this process (CLOCK_MONOTONIC is
system-wide on Linux), so every mark below counts from process start, interpreter start-up included.
Prints one JSON object: milliseconds since T0 for each phase.
"""

from __future__ import annotations

import time

_T_MAIN = time.monotonic()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

os.environ["QT_QPA_PLATFORM"] = "offscreen"
IDLE_TIMEOUT_MS = 20_000
CPU: dict[str, float] = {}  # CPU time (user + system) of this process when it went idle


def _idle_loop(app: Any, window: Any, mark: Any) -> None:
    """Show the window, then run the event loop until the first frame is painted and it goes idle.

    "Interactive" = the first time the event loop is about to block (nothing left to do) after the
    main window has received its first paint event. A QTimer.singleShot(0) posted right after
    show() is recorded as well (the simpler definition).
    """
    from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, QTimer

    state = {"painted": False}

    class PaintSpy(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and obj is window and not state["painted"]:
                state["painted"] = True
                mark("first_paint")
            return False

    spy = PaintSpy()
    window.installEventFilter(spy)

    def about_to_block() -> None:
        if state["painted"] and "idle" not in marks_seen:
            marks_seen.add("idle")
            mark("idle")
            ru = resource.getrusage(resource.RUSAGE_SELF)
            cpu["ms"] = (ru.ru_utime + ru.ru_stime) * 1000
            app.quit()

    marks_seen: set[str] = set()
    cpu = CPU
    dispatcher = QAbstractEventDispatcher.instance()
    dispatcher.aboutToBlock.connect(about_to_block)
    window.show()
    mark("shown")
    QTimer.singleShot(0, lambda: mark("timer0"))
    QTimer.singleShot(IDLE_TIMEOUT_MS, app.quit)  # never hang the benchmark
    app.exec()
    dispatcher.aboutToBlock.disconnect(about_to_block)
    window.removeEventFilter(spy)


def _window_spec(win: Any) -> dict[str, Any]:
    """Tab titles, menus (title, actions) and size: what the bare window copies."""
    menus = []
    for act in win.menuBar().actions():
        menu = act.menu()
        items = []
        for a in menu.actions():
            items.append(None if a.isSeparator() else [a.text(), a.shortcut().toString()])
        menus.append({"title": act.text(), "items": items})
    tabs = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    return {"title": win.windowTitle(), "tabs": tabs, "menus": menus,
            "size": [win.width(), win.height()], "document_mode": win.tabs.documentMode()}


def run_frontdesk(data_dir: str, spec_out: str, mark: Any) -> dict[str, Any]:
    # The launcher's order: crash hook before the QApplication, then Qt, the database, the window.
    from app.config import resolve_paths
    from ui import crash

    paths = resolve_paths(data_dir, None)
    crash.install(paths.logs_dir)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app import auth, settings
    from app.context import AppContext
    from app.database import open_database
    from ui import i18n
    from ui.main_window import MainWindow

    mark("imports")
    app = QApplication([sys.argv[0]])
    app.setApplicationName("FrontDesk")
    app.setOrganizationName("FrontDesk")
    i18n.choose_font(app)
    i18n.install(app, "zh_CN")
    mark("qapp")
    database = open_database(paths)
    ctx = AppContext(paths=paths, database=database)
    with ctx.read() as s:
        settings.get_settings(s)
        user = auth.get_user(s, "zhang")
    assert user is not None, "the benchmark database has no demo user 'zhang'"
    mark("database")
    win = MainWindow(ctx, user, ui_settings=QSettings(str(paths.data_dir / "ui.ini"),
                                                      QSettings.Format.IniFormat))
    mark("window_built")
    _idle_loop(app, win, mark)
    first_tab = win.tabs.tabText(win.tabs.currentIndex())
    Path(spec_out).write_text(json.dumps(_window_spec(win), ensure_ascii=False), encoding="utf-8")
    win.close()
    database.dispose()
    crash.uninstall()
    return {"first_tab": first_tab}


def run_bare(spec_in: str, mark: Any) -> dict[str, Any]:
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

    mark("imports")
    spec = json.loads(Path(spec_in).read_text(encoding="utf-8"))
    app = QApplication([sys.argv[0]])
    mark("qapp")
    mark("database")  # none: keeps the phase columns aligned
    win = QMainWindow()
    win.setWindowTitle(spec["title"])
    tabs = QTabWidget()
    tabs.setDocumentMode(spec["document_mode"])
    for title in spec["tabs"]:
        tabs.addTab(QWidget(), title)
    win.setCentralWidget(tabs)
    for m in spec["menus"]:
        menu = win.menuBar().addMenu(m["title"])
        for item in m["items"]:
            if item is None:
                menu.addSeparator()
                continue
            act = QAction(item[0], win)
            if item[1]:
                act.setShortcut(QKeySequence(item[1]))
            menu.addAction(act)
    win.resize(*spec["size"])
    mark("window_built")
    _idle_loop(app, win, mark)
    win.close()
    return {}


def main() -> int:
    mode, data_dir, spec_path, t0_text = sys.argv[1:5]
    t0 = float(t0_text)
    marks: dict[str, float] = {"main": (_T_MAIN - t0) * 1000}

    def mark(name: str) -> None:
        marks[name] = (time.monotonic() - t0) * 1000

    if mode == "frontdesk":
        extra = run_frontdesk(data_dir, spec_path, mark)
    elif mode == "bare":
        extra = run_bare(spec_path, mark)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"mode": mode, "marks": marks, "cpu_ms": CPU.get("ms", -1.0), **extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
