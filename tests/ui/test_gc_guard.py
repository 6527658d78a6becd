"""The cyclic collector runs on the GUI thread only (a worker-thread collection of a Qt widget crashes)."""

from __future__ import annotations

import gc
import sys
import threading
import weakref

from PySide6.QtWidgets import QApplication

from ui.gc_guard import GuiThreadCollector, collect_if_due


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle only the cyclic collector frees


def test_collector_off_and_timer_collects_on_gui_thread(qtbot):
    collector = GuiThreadCollector(QApplication.instance(), interval_ms=20)
    try:
        assert not gc.isenabled()
        node = _Node()
        ref = weakref.ref(node)
        del node
        # A worker allocating heavily never triggers a collection now.
        t = threading.Thread(target=lambda: [object() for _ in range(200_000)] and [[] for _ in range(5000)])
        t.start()
        t.join()
        assert ref() is not None
        keep = [[] for _ in range(gc.get_threshold()[0] + 10)]  # generation 0 past its threshold
        qtbot.waitUntil(lambda: ref() is None, timeout=2000)
        assert len(keep) > 0
    finally:
        collector.stop()
        gc.disable()  # the test session keeps it off (tests/conftest.py)


def test_collect_if_due_follows_thresholds():
    gc.collect()
    assert collect_if_due() == 0  # nothing allocated since: generation 0 below its threshold


def test_none_survives_many_qt_calls_returning_nothing():
    # PySide6 6.12 on Python 3.11 drops a reference to None on each such call; without the guard
    # (set in tests/conftest.py, as in the app) 200,000 calls abort the interpreter.
    from PySide6.QtCore import QObject

    from ui.gc_guard import guard_none_refcount

    guard_none_refcount()
    o = QObject()
    for _ in range(200_000):
        o.setObjectName("x")
    assert sys.getrefcount(None) > 0
