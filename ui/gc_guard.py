"""Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is crossed.
When that is a worker thread (a slip rendering in the `Runner`'s pool, the backup thread) and the
garbage holds a Qt widget (a closed dialog caught in a cycle through a connected lambda), the
widget is destroyed off the GUI thread and the process dies with a segmentation fault. So the
automatic collector is switched off and the same generational collection is run from a timer on
the GUI thread (the approach of pyqtgraph's GarbageCollector).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


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
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(collect_if_due)
        self.timer.start(interval_ms)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
