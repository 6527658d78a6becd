"""Two guards for PySide6 6.12 on CPython 3.11, set up before the QApplication.

1. None's reference count. Every call of a Qt method that returns nothing (setPen, drawRect,
setObjectName …) hands back None without a new reference, so each call drops one reference to
None (measured: 1,000 `QObject.setObjectName` calls lower `sys.getrefcount(None)` by 1,000;
PySide6 6.11.3 does not). After some tens of thousands of calls — a few repaints of a big key
cabinet, or a long test session — CPython aborts with "none_dealloc" or crashes in whatever runs
next. From Python 3.12 None is immortal and this is harmless. `guard_none_refcount` measures once
and, if calls do drop references, gives None a count it cannot run out of.

2. Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is crossed.
When that is a worker thread (a slip rendering in the `Runner`'s pool, the backup thread) and the
garbage holds a Qt widget (a closed dialog caught in a cycle through a connected lambda), the
widget is destroyed off the GUI thread and the process dies with a segmentation fault. So the
automatic collector is switched off and the same generational collection is run from a timer on
the GUI thread (the approach of pyqtgraph's GarbageCollector).
"""

from __future__ import annotations

import ctypes
import gc
import sys

from PySide6.QtCore import QObject, QTimer

_none_guarded = False


def guard_none_refcount() -> bool:
    """See the module's note; True when the guard was needed (and set)."""
    global _none_guarded
    if _none_guarded or sys.version_info >= (3, 12):
        return False
    _none_guarded = True
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    if sys.getrefcount(None) >= before:
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 48  # ob_refcnt is the object's first field
    return True


def collect_if_due() -> int:
    """Collect the generations whose thresholds are crossed, as the automatic collector would."""
    t0, t1, t2 = gc.get_threshold()
    n0, n1, n2 = gc.get_count()
    if n0 <= t0:
        return 0
    if n1 + 1 > t1:
        return gc.collect(2 if n2 + 1 > t2 else 1)
    return gc.collect(0)


class GuiThreadCollector(QObject):
    """Switches the automatic collector off and collects every `interval_ms` on this thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        guard_none_refcount()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(collect_if_due)
        self.timer.start(interval_ms)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
